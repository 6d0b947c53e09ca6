# Every target creates or refreshes .venv from pyproject.toml when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: console run test check lint format sync invite bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) >&2
	@$(BIN)/python -m pip install -q --upgrade pip >&2
	@$(BIN)/python -m pip install -q -e '.[dev]' >&2
	@# Bytecode once, here: with PYTHONDONTWRITEBYTECODE set (containers often set it) every
	@# start would compile discord.py, aiohttp and the rest again (READY 2.4 s instead of 1.4).
	@$(BIN)/python -m compileall -q -j0 $(VENV)/lib bot >/dev/null
	@$(BIN)/coach model >&2
	@touch $(STAMP)

console: $(STAMP)  ## chat with the bot offline (its own data/console.db, never the live database)
	@$(BIN)/coach console

run: $(STAMP)  ## connect to Discord (needs DISCORD_TOKEN in .env)
	@$(BIN)/coach run

test: $(STAMP)  ## the whole test suite (PostgreSQL variants when a server can be had)
	@$(BIN)/python -m tests.support.postgres status
	$(BIN)/pytest -q

check: $(STAMP)  ## validate config, knowledge and templates
	$(BIN)/coach check

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format bot tests bench
	$(BIN)/ruff check --fix bot tests bench

sync: $(STAMP)
	$(BIN)/coach sync

invite: $(STAMP)
	$(BIN)/coach invite

bench: $(STAMP)
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.faq
	$(BIN)/python -m bench.plan

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
