"""A throwaway PostgreSQL server for the tests, and a fresh empty database per test.

`COACH_TEST_DATABASE_URL` (a server URL whose user may create databases) names a server to use;
`.ci/run` starts one with `python -m tests.support.postgres start DIR` and sets it. Without it,
the tests start their own server when PostgreSQL's programs are installed (initdb, pg_ctl), in
a temporary folder, on a Unix socket and loopback, as an unprivileged user (as root they run as
`postgres` or `nobody`: PostgreSQL refuses root). Without either, the PostgreSQL variants of
the tests are skipped, and `make test` says why in its header.

`python -m tests.support.postgres status` says which (make test prints it first). Run
`python -m tests.support.postgres start DIR` to print `export COACH_TEST_DATABASE_URL=...`
for a server in DIR, and `python -m tests.support.postgres stop DIR` to stop it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ENV = "COACH_TEST_DATABASE_URL"
SUPERUSER = "coach"


@dataclass
class Server:
    url: str  # the server, database `postgres`; tests make their own databases
    folder: Path | None = None  # set when we started it (and stop it)

    def database_url(self, name: str) -> str:
        base, _, _ = self.url.rpartition("/")
        return f"{base}/{name}"


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<n>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _run_as() -> list[str]:
    """The prefix that runs PostgreSQL's programs as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


def _owner_ids() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path) -> Server:
    """initdb + pg_ctl start in `folder` (which must be empty or absent); loopback only."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb found)")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    owner = _owner_ids()
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir(exist_ok=True)
    if owner:
        for path in (folder, sockets):
            os.chown(path, *owner)
    prefix = _run_as()
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    port = _free_port()
    (folder / "port").write_text(str(port))
    pg_ctl(folder, "start")
    return Server(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres", folder)


def pg_ctl(folder: Path, action: str, *extra: str) -> None:
    """`pg_ctl start|stop|restart` on a server we made in `folder` (tests stop and start it):
    loopback and a socket in the folder only, durability off (a throwaway server)."""
    bindir = find_bindir()
    assert bindir is not None
    args = [*_run_as(), str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-w", "-t", "60"]
    if action == "start":
        port = (folder / "port").read_text().strip()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port}"
            f" -c unix_socket_directories={folder / 'sockets'}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=300 -c shared_buffers=64MB"
        )
        args += ["-o", options, "-l", str(folder / "server.log")]
    subprocess.run(
        [*args, *extra, action], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(folder: Path) -> None:
    if (folder / "data" / "postmaster.pid").exists():
        pg_ctl(folder, "stop", "-m", "fast")


def new_database_name() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


async def _admin(server: Server, sql: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import asyncpg

    conn = await asyncpg.connect(server.url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_database(server: Server, name: str) -> str:
    """An empty database on the server; its URL."""
    await _admin(server, f'CREATE DATABASE "{name}"')
    return server.database_url(name)


async def drop_database(server: Server, name: str) -> None:
    await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def status() -> str:
    """One line: whether the PostgreSQL variants of the tests will run, and on what."""
    if os.environ.get(ENV):
        return f"PostgreSQL: the server at {ENV} (the PostgreSQL variants run)"
    if find_bindir() is not None:
        return "PostgreSQL: a throwaway server is started for the PostgreSQL variants"
    return (
        "PostgreSQL: NOT AVAILABLE - the PostgreSQL variants are SKIPPED (install PostgreSQL "
        f"or set {ENV})"
    )


def main(argv: list[str]) -> int:
    if argv == ["status"]:
        print(status())
        return 0
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python -m tests.support.postgres start|stop DIR | status", file=sys.stderr)
        return 2
    folder = Path(argv[1]).resolve()
    if argv[0] == "stop":
        stop(folder)
        return 0
    began = time.monotonic()
    try:
        server = start(folder)
    except subprocess.CalledProcessError as exc:
        print(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}", file=sys.stderr)
        return 1
    print(f"export {ENV}={server.url}")
    print(f"# PostgreSQL started in {time.monotonic() - began:.1f}s in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
