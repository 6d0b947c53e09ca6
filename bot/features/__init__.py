"""One package per feature (about, faq, planner, reminders): its cog, transport-free handlers,
pure logic, repository and CLI subcommands. A feature uses another only through that feature's
package (`from bot.features.faq import KnowledgeStore`), checked by `make lint`."""
