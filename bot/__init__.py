"""RunClub Coach: a self-hosted Discord bot for running clubs."""

import os

__version__ = "0.1.0"

# numpy's OpenBLAS starts a thread per core that busy-waits after every matrix product; the
# FAQ's products are small (one question against a few hundred label vectors), so those threads
# only burned CPU: about 24 ms per interaction under bench/load.py, five times the bot's own
# work. One thread, set before numpy is first imported (any `bot.*` import passes here first);
# an operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
