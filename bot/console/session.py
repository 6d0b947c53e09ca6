"""`coach console`: chat with the bot offline, through the same command layer and templates.

Everything a member would type in Discord goes through the real command tree (for parsing) and
the real router (for answers) against the configured SQLite store; only the transport differs.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from bot.app import App, create_bot
from bot.console.parse import Club, ParseError, parse
from bot.core.bot import CoachBot
from bot.core.caller import Caller, ChannelRef, RoleRef
from bot.core.replies import Modal, Reply
from bot.core.services import Services
from bot.core.terminal import reply_text

CONSOLE_GUILD_ID = 1
CONSOLE_USER_ID = 1000
CLUB = Club(
    guild_id=CONSOLE_GUILD_ID,
    channels=(
        ChannelRef(10, "general"),
        ChannelRef(11, "training"),
        ChannelRef(12, "announcements"),
    ),
    roles=(RoleRef(20, "runners"), RoleRef(21, "sprinters")),
)
CLUB_NAMES = {ref.id: ref.name for ref in (*CLUB.channels, *CLUB.roles)}


class Console:
    def __init__(
        self, services: Services, bot: CoachBot, *, admin: bool = True, name: str | None = None
    ) -> None:
        self.services = services
        self.bot = bot
        self.caller = Caller(
            user_id=CONSOLE_USER_ID,
            display_name=name or _user_name(),
            guild_id=CLUB.guild_id,
            channel_id=CLUB.channels[0].id,
            can_manage_guild=admin,
        )
        self.last_buttons: tuple[Any, ...] = ()
        # A form (modal) being filled in: one typed line per text box, in order.
        self.form: Modal | None = None
        self.form_values: dict[str, str] = {}

    async def handle(self, line: str) -> str | None:
        """One typed line in, the text to print out (None to quit)."""
        if self.form is not None:
            return await self._fill(line)
        text = line.strip()
        lowered = text.lower()
        if not text or text.startswith("#"):
            return ""
        if lowered in ("quit", "exit", "/quit", "/exit"):
            return None
        if lowered in ("help", "/help", "?"):
            return self._text("console/help.j2", commands=self._help_rows())
        if lowered.split()[0] in ("press", "click"):
            return await self._press(text.split()[1:])
        try:
            parsed = parse(self.bot.tree, text, CLUB)
        except ParseError as exc:
            return self._text("console/error.j2", kind=exc.kind, **exc.context)
        reply = await self.bot.router.run(parsed.name, self.caller, **parsed.options)
        return self.show(reply)

    def show(self, reply: Reply) -> str:
        if reply.modal is not None:
            self.form, self.form_values = reply.modal, {}
            return self._text("console/form.j2", form=reply.modal, box=reply.modal.inputs[0])
        self.last_buttons = reply.buttons
        return reply_text(self.services.renderer, reply, show_buttons=True, names=CLUB_NAMES)

    async def _fill(self, line: str) -> str:
        """The next text box of the open form; `cancel` closes it, an empty line keeps the
        pre-filled text; after the last box the form is submitted as Discord would."""
        form = self.form
        assert form is not None
        if line.strip().lower() == "cancel":
            self.form = None
            return self._text("console/form.j2", form=form, cancelled=True)
        box = form.inputs[len(self.form_values)]
        self.form_values[box.custom_id] = line.rstrip("\n").replace("\\n", "\n") or box.value
        if len(self.form_values) < len(form.inputs):
            return self._text("console/form.j2", form=form, box=form.inputs[len(self.form_values)])
        self.form = None
        reply = await self.bot.router.submit(form.custom_id, self.caller, self.form_values)
        return self.show(reply)

    async def _press(self, args: list[str]) -> str:
        index = int(args[0]) - 1 if args and args[0].isdigit() else -1
        if not 0 <= index < len(self.last_buttons):
            return self._text("console/error.j2", kind="no_button", count=len(self.last_buttons))
        reply = await self.bot.router.press(self.last_buttons[index].custom_id, self.caller)
        return self.show(reply)

    def _text(self, template: str, /, **context: Any) -> str:
        return self.services.renderer.text(template, **context)

    def _help_rows(self) -> list[dict[str, Any]]:
        rows = []
        for info in self.services.catalog:
            command: Any = self.bot.tree.get_command(info.name.split()[0])
            for word in info.name.split()[1:]:
                command = command.get_command(word)
            rows.append({"info": info, "params": list(command.parameters)})
        return rows


def _user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "you"


async def build_console_bot(app: App) -> CoachBot:
    """The bot's command tree and router without connecting: the console parses against it,
    and nothing runs in the background."""
    bot = create_bot(app, serving=False)
    await bot.install()
    return bot


async def run_console(
    app: App,
    *,
    stdin: TextIO | None = None,
    write: Callable[[str], Any] = print,
    admin: bool = True,
) -> int:
    services = app.services
    try:
        bot = await build_console_bot(app)
    except BaseException:
        # Else aiosqlite's worker thread (not a daemon) keeps the process alive after the error.
        await services.close()
        raise
    console = Console(services, bot, admin=admin)
    stdin = stdin or sys.stdin
    interactive = stdin.isatty()
    if interactive:
        write(services.renderer.text("console/welcome.j2"))
    lines: Iterable[str] = stdin if not interactive else _prompted(stdin)
    try:
        for line in lines:
            out = await console.handle(line)
            if out is None:
                break
            if out:
                write(out)
    finally:
        await bot.close()
    return 0


def _prompted(stdin: TextIO) -> Iterable[str]:
    while True:
        try:
            yield input("you> ")
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            return
