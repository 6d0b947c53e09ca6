"""The fake gateway: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, op 7 and op 9."""

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


@dataclass
class Session:
    id: str
    seq: int = 0
    # Every dispatch kept with its sequence number, for replay on RESUME.
    events: list[tuple[int, str, Any]] = field(default_factory=list)
    valid: bool = True


class Gateway:
    def __init__(
        self,
        *,
        token: Callable[[], str],
        ready_payloads: Callable[[str], list[tuple[str, Any]]],
        heartbeat_interval: int,
        on_change: Callable[[], None],
        record_problem: Callable[[str], None],
    ) -> None:
        self._token = token
        self._ready_payloads = ready_payloads
        self.heartbeat_interval = heartbeat_interval
        self._on_change = on_change
        self._record_problem = record_problem
        self.session: Session | None = None
        self.ws: web.WebSocketResponse | None = None
        self._request: web.Request | None = None
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeats = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self.connections = 0

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed and self.session is not None

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        # Text frames: discord.py only runs its zlib decompressor on binary frames.
        await ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: Any) -> None:
        """Sequence and store an event; send it now if a session is attached."""
        session = self.session
        if session is None or not session.valid:
            return
        session.seq += 1
        session.events.append((session.seq, event, data))
        if self.ws is not None and not self.ws.closed:
            # A failed send is fine: the client will RESUME and get the event replayed.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(self.ws, {"op": 0, "t": event, "s": session.seq, "d": data})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=None, autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        # One live connection at a time, like a single-shard bot.
        if self.ws is not None and not self.ws.closed:
            await self.ws.close(code=4000)
        self.ws, self._request = ws, request
        await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_message(ws, json.loads(msg.data))
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if self.ws is ws:
                self.ws = None
            self._on_change()
        return ws

    async def _on_message(self, ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        op, data = msg.get("op"), msg.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self._send(ws, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            if data.get("token") != self._token():
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identify_payloads.append(data)
            if self.session is not None:
                self.session.valid = False
            self.session = Session(id=secrets.token_hex(16))
            self.identify_count += 1
            for event, payload in self._ready_payloads(self.session.id):
                await self.dispatch(event, payload)
            self._on_change()
        elif op == RESUME:
            session = self.session
            if (
                session is None
                or not session.valid
                or data.get("session_id") != session.id
                or data.get("token") != self._token()
            ):
                await self._send(ws, {"op": INVALID_SESSION, "d": False})
                return
            last = data.get("seq") or 0
            for seq, event, payload in session.events:
                if seq > last:
                    await self._send(ws, {"op": 0, "t": event, "s": seq, "d": payload})
            self.resume_count += 1
            await self.dispatch("RESUMED", {})
            self._on_change()
        elif op in (3, 4, 8):
            pass  # presence / voice / member-chunk requests: nothing to do for a bot test
        else:
            self._record_problem(f"gateway: unexpected op {op}: {msg!r}")

    async def drop(self) -> None:
        """Kill the TCP connection without a close frame: the client must RESUME."""
        ws, request = self.ws, self._request
        if ws is None or request is None:
            return
        self.ws = None
        transport = request.transport
        if transport is not None:
            transport.abort()
        else:
            await ws.close(code=4000)

    async def send_op(self, op: int, data: Any) -> None:
        if self.ws is not None and not self.ws.closed:
            await self._send(self.ws, {"op": op, "d": data})

    async def invalidate(self) -> None:
        if self.session is not None:
            self.session.valid = False
        await self.send_op(INVALID_SESSION, False)

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close(code=1001)
