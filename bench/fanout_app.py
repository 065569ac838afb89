"""The ASGI application `bench/board_fanout.py` serves: Rebours, plus a bare Channels consumer.

    uvicorn fanout_app:application --app-dir bench

`/ws/bare/<group>/` is the baseline: a consumer that joins a channel group, broadcasts whatever
it receives to that group and acknowledges it, with no session, no database, no log. Everything
else is Rebours, unchanged (`rebours.asgi.application`). Both run in the same process, on the
same event loop and channel layer, so the ratio between them is the cost of Rebours itself.

With BENCH_SAMPLES=path, `sampler.py` writes at exit where the server's threads spent their time.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rebours.settings")

from channels.generic.websocket import AsyncWebsocketConsumer

from rebours.asgi import application as rebours_application


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        group = self.scope["path"].rstrip("/").rsplit("/", 1)[-1]
        self.group = "bare." + "".join(c for c in group if c.isalnum())
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.channel_layer.group_send(self.group, {"type": "bare.message", "text": text_data})
        await self.send(text_data='{"type": "ack"}')

    async def bare_message(self, message) -> None:
        await self.send(text_data=message["text"])


bare = BareConsumer.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"].startswith("/ws/bare/"):
        return await bare(scope, receive, send)
    return await rebours_application(scope, receive, send)


if os.environ.get("BENCH_SAMPLES"):
    from sampler import start_sampler

    start_sampler(os.environ["BENCH_SAMPLES"])
