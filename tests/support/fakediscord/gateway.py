"""The fake gateway: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, op 7 and op 9,
per shard: each IDENTIFY names its shard (`[id, count]`) and gets that shard's servers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HEARTBEAT_ACK = (
    10,
    1,
    2,
    6,
    7,
    9,
    11,
)
INVALID_SHARD = 4010  # Discord's close code for a bad `shard` in IDENTIFY


@dataclass
class Session:
    id: str
    shard: int = 0
    seq: int = 0
    # Every dispatch kept with its sequence number, for replay on RESUME.
    events: list[tuple[int, str, Any]] = field(default_factory=list)
    valid: bool = True
    ws: web.WebSocketResponse | None = None  # the connection it is attached to, if any

    @property
    def live(self) -> bool:
        return self.valid and self.ws is not None and not self.ws.closed


class Gateway:
    """Sessions by shard: the latest IDENTIFY of each shard is its session, and a guild's events
    go to its shard's session (`shard_count` 1: one session, as an unsharded bot has)."""

    def __init__(
        self,
        *,
        token: Callable[[], str],
        ready_payloads: Callable[[str, int, bool], list[tuple[str, Any]]],
        heartbeat_interval: int,
        on_change: Callable[[], None],
        record_problem: Callable[[str], None],
        shard_count: int = 1,
    ) -> None:
        self._token = token
        self._ready_payloads = ready_payloads
        self.heartbeat_interval = heartbeat_interval
        self._on_change = on_change
        self._record_problem = record_problem
        self.shard_count = shard_count
        self.sessions: dict[int, Session] = {}  # the current session of each shard
        self._open: dict[web.WebSocketResponse, web.Request] = {}  # every open connection
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeats = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self.connections = 0

    # -- state -------------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        """Shard 0's session (the only one of an unsharded bot)."""
        return self.sessions.get(0)

    @property
    def ws(self) -> web.WebSocketResponse | None:
        session = self.session
        return session.ws if session is not None else None

    def shard_connected(self, shard: int) -> bool:
        session = self.sessions.get(shard)
        return session is not None and session.ws is not None and not session.ws.closed

    @property
    def connected(self) -> bool:
        """Every shard has a session on an open connection."""
        return all(self.shard_connected(shard) for shard in range(self.shard_count))

    def session_valid(self, shard: int) -> bool:
        session = self.sessions.get(shard)
        return session is not None and session.valid

    def _session_of(self, ws: web.WebSocketResponse) -> Session | None:
        return next((s for s in self.sessions.values() if s.ws is ws), None)

    # -- sending -----------------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        # Text frames: discord.py only runs its zlib decompressor on binary frames.
        await ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: Any, *, shard: int = 0) -> None:
        """Sequence and store an event on a shard's session; send it now if one is attached."""
        session = self.sessions.get(shard)
        if session is not None:
            await self._dispatch_to(session, event, data)

    async def _dispatch_to(self, session: Session, event: str, data: Any) -> None:
        if not session.valid:
            return
        session.seq += 1
        session.events.append((session.seq, event, data))
        ws = session.ws
        if ws is not None and not ws.closed:
            # A failed send is fine: the client will RESUME and get the event replayed.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(ws, {"op": 0, "t": event, "s": session.seq, "d": data})

    # -- connections -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=None, autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        if self.shard_count == 1:
            # One live connection at a time, like a single-shard bot.
            for old in [w for w in self._open if not w.closed]:
                await old.close(code=4000)
        self._open[ws] = request
        await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_message(ws, json.loads(msg.data))
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._open.pop(ws, None)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
            self._on_change()
        return ws

    def _shard_of_identify(self, data: dict[str, Any]) -> int | None:
        """The shard an IDENTIFY asks for, or None (a protocol problem, recorded) if invalid."""
        shard = data.get("shard")
        if shard is None:
            if self.shard_count == 1:
                return 0
            self._record_problem(
                f"gateway: IDENTIFY without `shard` but the bot has {self.shard_count} shards"
            )
            return None
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(n, int) for n in shard)
        ):
            self._record_problem(f"gateway: IDENTIFY with a malformed shard {shard!r}")
            return None
        shard_id, count = shard
        if count != self.shard_count:
            self._record_problem(
                f"gateway: IDENTIFY shard {shard!r}: shard count {count}, but /gateway/bot "
                f"said {self.shard_count}"
            )
            return None
        if not 0 <= shard_id < count:
            self._record_problem(f"gateway: IDENTIFY shard {shard!r}: id out of range")
            return None
        return shard_id

    async def _on_message(self, ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        op, data = msg.get("op"), msg.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self._send(ws, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(ws, data)
        elif op == RESUME:
            await self._resume(ws, data)
        elif op in (3, 4, 8):
            pass  # presence / voice / member-chunk requests: nothing to do for a bot test
        else:
            self._record_problem(f"gateway: unexpected op {op}: {msg!r}")

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self._token():
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_payloads.append(data)
        shard = self._shard_of_identify(data)
        if shard is None:
            await ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            self._on_change()
            return
        old = self.sessions.get(shard)
        if old is not None:
            if old.live and old.ws is not ws:
                self._record_problem(
                    f"gateway: two live sessions IDENTIFY shard {shard} of {self.shard_count}"
                )
                assert old.ws is not None
                await old.ws.close(code=4000)
            old.valid = False
        previous = self._session_of(ws)  # this connection identifying again
        if previous is not None:
            previous.ws = None
        session = Session(id=secrets.token_hex(16), shard=shard, ws=ws)
        self.sessions[shard] = session
        self.identify_count += 1
        for event, payload in self._ready_payloads(session.id, shard, "shard" in data):
            await self._dispatch_to(session, event, payload)
        self._on_change()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions.values() if s.id == data.get("session_id")), None)
        if session is None or not session.valid or data.get("token") != self._token():
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        old = session.ws
        session.ws = None  # events dispatched during the replay are stored, and replayed below
        if old is not None and old is not ws and not old.closed:
            await old.close(code=4000)  # the old connection of that shard gives way
        last = data.get("seq") or 0
        for seq, event, payload in session.events:  # includes events appended meanwhile
            if seq > last:
                await self._send(ws, {"op": 0, "t": event, "s": seq, "d": payload})
        session.ws = ws
        self.resume_count += 1
        await self._dispatch_to(session, "RESUMED", {})
        self._on_change()

    # -- faults ------------------------------------------------------------------------------

    def _connections(self, shard: int | None) -> list[web.WebSocketResponse]:
        """Open connections: all (shard None, including those not yet identified) or one
        shard's."""
        if shard is None:
            return [ws for ws in self._open if not ws.closed]
        session = self.sessions.get(shard)
        return [session.ws] if session and session.ws and not session.ws.closed else []

    async def drop(self, shard: int | None = None) -> None:
        """Kill the TCP connection without a close frame: the client must RESUME."""
        for ws in self._connections(shard):
            request = self._open.get(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
            transport = request.transport if request is not None else None
            if transport is not None:
                transport.abort()
            else:
                await ws.close(code=4000)

    async def send_op(self, op: int, data: Any, shard: int | None = None) -> None:
        for ws in self._connections(shard):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(ws, {"op": op, "d": data})

    async def invalidate(self, shard: int | None = None) -> None:
        for shard_id, session in self.sessions.items():
            if shard is None or shard_id == shard:
                session.valid = False
        await self.send_op(INVALID_SESSION, False, shard)

    async def close(self) -> None:
        for ws in list(self._open):
            if not ws.closed:
                await ws.close(code=1001)
