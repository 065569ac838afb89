"""The one websocket endpoint, /ws/live/: subscribe to streams, receive their events exactly once
and in order, and send commands that the apps' actions carry out.

Frames, client to server (JSON objects):
  {"type": "subscribe", "streams": {"board:12": 40, "workshop:3": 0}}   resume after seq 40…
  {"type": "command", "id": "c7", "name": "note.create", "data": {...}}
  {"type": "ping", "client_time": 1700000000.001}
Server to client:
  {"type": "hello", "server_time": 1700000000.123}                       for clock offsets
  {"type": "pong", "server_time": …, "client_time": …}                  echoes the ping's time
  {"type": "subscribed", "stream": "board:12", "last_seq": 57}
  {"type": "event", "stream": "board:12", "seq": 41, "kind": "...", "payload": {...}}
  {"type": "ack", "id": "c7", "result": {...}}   or   {"type": "error", "id": "c7", "message": "…"}
  {"type": "error", "code": "revoked", "stream": "board:12", …}           access withdrawn
  {"type": "error", "id": "c8", "code": "restarting", …}   not run: send it again once reconnected
"""

import asyncio
import json
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from rebours.live import registry
from rebours.live.events import events_after, group_name
from rebours.live.languages import language_from_scope
from rebours.live.throttle import TokenBucket

MAX_FRAME = 16 * 1024
MAX_STREAMS = 64
MAX_COMMANDS_IN_FLIGHT = 8
# A stopping server waits this long for the commands it has begun to answer (below uvicorn's
# five seconds of grace, after which it cancels whatever still runs).
DRAIN_SECONDS = 3.0

logger = logging.getLogger(__name__)


class _Stopping:
    """This process's live commands, for a graceful stop (see `drain`)."""

    def __init__(self) -> None:
        self.draining = False
        self.commands: set[asyncio.Task] = set()
        self.drained: asyncio.Future | None = None


_stopping = _Stopping()


async def drain(timeout: float = DRAIN_SECONDS) -> None:
    """Stop taking live commands in this process and wait (at most `timeout` seconds) for those
    already begun to finish and answer.

    The server calls it for each websocket before closing it as it stops (rebours.core.serving):
    without it, a command carried out at that moment was stored but its screen never heard so,
    and showed a failure for a note that was posted. Commands arriving meanwhile are refused
    with the code `restarting`, without being run; live.js sends them again once reconnected.
    """
    _stopping.draining = True
    if _stopping.drained is None:
        running = [task for task in _stopping.commands if not task.done()]
        _stopping.drained = asyncio.ensure_future(
            asyncio.wait(running, timeout=timeout) if running else asyncio.sleep(0)
        )
    await asyncio.shield(_stopping.drained)


def _reset_stopping() -> None:
    """Take commands again (for tests that drain)."""
    global _stopping
    _stopping = _Stopping()


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        # Last sequence number delivered, per subscribed stream.
        self.cursors: dict[str, int] = {}
        self.bucket = TokenBucket(rate=5, burst=20)
        self.language = language_from_scope(self.scope)
        # Commands run as tasks beside the consumer: a consumer handles its messages one at a
        # time, and a command waiting for the database would otherwise hold back the events
        # its screen should be receiving meanwhile.
        self.running: set[asyncio.Task] = set()
        await self.accept()
        await self.send_json({"type": "hello", "server_time": time.time()})

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every message it dispatches, by a
        # call through the database thread: each event for a screen then waited behind every
        # command queued there (seconds, when a room is busy). The handlers here reach the
        # database only through database_sync_to_async, which does that closing itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']!r}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        for stream in getattr(self, "cursors", {}):
            await self.channel_layer.group_discard(group_name(stream), self.channel_name)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return json.dumps(content, ensure_ascii=False)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kw
    ) -> None:
        # Malformed frames get an error and the connection stays open.
        if text_data is None:
            await self.error("frames must be JSON text")
            return
        if len(text_data) > MAX_FRAME:
            await self.error(f"frame over {MAX_FRAME} bytes refused")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("frames must be JSON")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error('frames must be objects with a "type"')
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content["type"]
        if kind == "subscribe":
            await self.subscribe(content.get("streams"))
        elif kind == "command":
            if _stopping.draining:
                await self.error(
                    "the server is restarting: this was not done; it is sent again once "
                    "reconnected",
                    ident=content.get("id"),
                    code="restarting",
                )
                return
            if len(self.running) >= MAX_COMMANDS_IN_FLIGHT:
                await self.error(
                    "too many commands at once: wait for the answers",
                    ident=content.get("id"),
                    code="throttled",
                )
                return
            task = asyncio.create_task(self.command_task(content))
            self.running.add(task)
            task.add_done_callback(self.running.discard)
            _stopping.commands.add(task)
            task.add_done_callback(_stopping.commands.discard)
        elif kind == "ping":
            # Renew the group memberships on each ping: a layer drops a member whose messages
            # expired unread (an overloaded moment) or after its group expiry (a day); renewing
            # puts it back, and the next event's number shows the gap to fill.
            for stream in self.cursors:
                await self.channel_layer.group_add(group_name(stream), self.channel_name)
            pong: dict[str, Any] = {"type": "pong", "server_time": time.time()}
            if isinstance(content.get("client_time"), int | float):
                pong["client_time"] = content["client_time"]
            await self.send_json(pong)
        else:
            await self.error(f"unknown frame type {kind!r}")

    async def error(
        self, message: str, *, ident: Any = None, code: str = "invalid", **extra: Any
    ) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message, **extra}
        if ident is not None:
            frame["id"] = ident
        await self.send_json(frame)

    def viewer(self) -> registry.Viewer:
        return registry.Viewer(
            user=self.scope.get("user"),
            session=self.scope.get("session") or {},
            language=self.language,
        )

    async def subscribe(self, streams: Any) -> None:
        if not self.bucket.take():
            await self.error("too many messages: slow down", code="throttled")
            return
        if not isinstance(streams, dict) or not streams:
            await self.error('"streams" must map stream names to the last number seen')
            return
        if len(self.cursors) + len(streams) > MAX_STREAMS:
            await self.error(f"at most {MAX_STREAMS} streams per connection")
            return
        for stream, seen in streams.items():
            if (
                not isinstance(stream, str)
                or not isinstance(seen, int)
                or isinstance(seen, bool)
                or seen < 0
            ):
                await self.error(f"bad subscription {stream!r}: {seen!r}")
                continue
            allowed = await database_sync_to_async(registry.can_read)(self.viewer(), stream)
            if not allowed:
                await self.error(f"you may not follow {stream!r}", code="forbidden")
                continue
            # Join the group before reading the log: an event committed after the read is then
            # sure to arrive by broadcast, and one committed before is in what we read.
            await self.channel_layer.group_add(group_name(stream), self.channel_name)
            self.cursors[stream] = seen
            await self.catch_up(stream)
            await self.send_json(
                {"type": "subscribed", "stream": stream, "last_seq": self.cursors[stream]}
            )

    async def catch_up(self, stream: str) -> None:
        while True:
            missed = await database_sync_to_async(events_after)(stream, self.cursors[stream])
            for event in missed:
                await self.send_json(event)
                self.cursors[stream] = event["seq"]
            if len(missed) < 1000:
                return

    async def live_event(self, message: dict[str, Any]) -> None:
        # A broadcast carries the frame already encoded (one json.dumps per event, not per screen)
        # with its stream and number beside it; a bare {"event": …} is accepted too.
        event = message.get("event") or {}
        stream = str(message.get("stream", event.get("stream")))
        seq = message["seq"] if "seq" in message else event.get("seq")
        text = message.get("text")
        cursor = self.cursors.get(stream)
        if cursor is None:
            return  # not subscribed (any more)
        if seq is None:
            # Passing news (presence): not numbered, not replayed.
            await (self.send(text_data=text) if text else self.send_json(event))
            return
        if seq <= cursor:
            return  # already delivered by the catch-up
        if seq == cursor + 1:
            await (self.send(text_data=text) if text else self.send_json(event))
            self.cursors[stream] = seq
        else:
            # Broadcasts of two quick commits can arrive swapped: fill the gap from the log.
            await self.catch_up(stream)

    async def live_recheck(self, message: dict[str, Any]) -> None:
        """Someone's access changed (a participant was removed): stop what may no longer be read."""
        stream = message["stream"]
        if stream not in self.cursors:
            return
        if await database_sync_to_async(registry.can_read)(self.viewer(), stream):
            return
        del self.cursors[stream]
        await self.channel_layer.group_discard(group_name(stream), self.channel_name)
        await self.error(f"you may no longer follow {stream!r}", code="revoked", stream=stream)

    async def command_task(self, content: dict[str, Any]) -> None:
        try:
            await self.command(content)
        except Exception:
            # The answer could not be sent: the screen left while its command ran.
            logger.debug("no answer sent for a command", exc_info=True)

    async def command(self, content: dict[str, Any]) -> None:
        ident = content.get("id")
        name = content.get("name")
        data = content.get("data", {})
        if not isinstance(name, str) or not isinstance(data, dict):
            await self.error('commands need a "name" and an object "data"', ident=ident)
            return
        if not self.bucket.take():
            await self.error("too many messages: slow down", ident=ident, code="throttled")
            return
        try:
            result = await database_sync_to_async(registry.run_command)(self.viewer(), name, data)
        except registry.CommandRefused as refused:
            extra = {"data": refused.data} if refused.data is not None else {}
            await self.error(refused.message, ident=ident, code=refused.code, **extra)
            return
        except Exception:
            # A bug or a lost database must not close the connection: say so, keep it open.
            logger.exception("command %s failed", name)
            await self.error(
                "the server could not do this; please try again", ident=ident, code="server"
            )
            return
        await self.send_json({"type": "ack", "id": ident, "result": result})
