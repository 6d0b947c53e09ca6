"""`python -m bot`: the same as the `coach` command."""

import sys

from bot.cli import main

sys.exit(main())
