"""The one websocket endpoint, /ws/live/: subscribe to streams, receive their events exactly once
and in order, and send commands that the apps' actions carry out.

Frames, client to server (JSON objects):
  {"type": "subscribe", "streams": {"board:12": 40, "workshop:3": 0}}   resume after seq 40…
  {"type": "command", "id": "c7", "name": "note.create", "data": {...}}
  {"type": "ping"}
Server to client:
  {"type": "hello", "server_time": 1700000000.123}                       for clock offsets
  {"type": "subscribed", "stream": "board:12", "last_seq": 57}
  {"type": "event", "stream": "board:12", "seq": 41, "kind": "...", "payload": {...}}
  {"type": "ack", "id": "c7", "result": {...}}   or   {"type": "error", "id": "c7", "message": "…"}
"""

import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from rebours.live import registry
from rebours.live.events import events_after, group_name
from rebours.live.throttle import TokenBucket

MAX_FRAME = 16 * 1024
MAX_STREAMS = 64


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        # Last sequence number delivered, per subscribed stream.
        self.cursors: dict[str, int] = {}
        self.bucket = TokenBucket(rate=5, burst=20)
        await self.accept()
        await self.send_json({"type": "hello", "server_time": time.time()})

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
            await self.command(content)
        elif kind == "ping":
            await self.send_json({"type": "pong", "server_time": time.time()})
        else:
            await self.error(f"unknown frame type {kind!r}")

    async def error(self, message: str, *, ident: Any = None, code: str = "invalid") -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if ident is not None:
            frame["id"] = ident
        await self.send_json(frame)

    def viewer(self) -> registry.Viewer:
        return registry.Viewer(user=self.scope.get("user"), session=self.scope.get("session") or {})

    async def subscribe(self, streams: Any) -> None:
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
        event = message["event"]
        stream = event["stream"]
        cursor = self.cursors.get(stream)
        if cursor is not None and event["seq"] is None:
            await self.send_json(event)  # passing news (presence): not numbered, not replayed
            return
        if cursor is None or event["seq"] <= cursor:
            return  # not subscribed, or already delivered by the catch-up
        if event["seq"] == cursor + 1:
            await self.send_json(event)
            self.cursors[stream] = event["seq"]
        else:
            # Broadcasts of two quick commits can arrive swapped: fill the gap from the log.
            await self.catch_up(stream)

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
            await self.error(refused.message, ident=ident, code=refused.code)
            return
        await self.send_json({"type": "ack", "id": ident, "result": result})
