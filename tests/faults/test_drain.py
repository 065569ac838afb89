"""A stopping server lets the live commands it has begun answer, and runs no new one.

`drain()` is what `rebours serve` calls for each websocket before closing it (core/serving.py);
the restart tests check the whole path with real processes, this one the live layer's part.
"""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections, transaction

from rebours.asgi import application
from rebours.live import consumers, registry
from rebours.live.events import publish
from rebours.live.models import Event
from tests.support.hostile import hostile

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
async def slow_command(monkeypatch):
    """`test.slow` stores an event, then waits until the test lets it finish."""
    release = threading.Event()
    started = threading.Event()
    monkeypatch.setitem(registry._readers, "test", lambda viewer, stream: True)

    def slow(viewer, data):
        with transaction.atomic():
            event = publish("test:1", "slow", {"text": data["text"]})
            started.set()
            release.wait(10)
        return {"seq": event.seq}

    monkeypatch.setitem(registry._commands, "test.slow", slow)
    yield started, release
    release.set()
    consumers._reset_stopping()
    await database_sync_to_async(connections.close_all)()


async def connect():
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"host", b"localhost")]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def test_a_draining_server_answers_what_it_began_and_refuses_the_rest(slow_command):
    started, release = slow_command
    client = await connect()
    text = hostile("en cours")
    await client.send_json_to(
        {"type": "command", "id": "c1", "name": "test.slow", "data": {"text": text}}
    )
    assert await asyncio.to_thread(started.wait, 10)

    draining = asyncio.ensure_future(consumers.drain(timeout=10))
    await asyncio.sleep(0.05)
    assert not draining.done()  # the begun command still runs

    # A command arriving meanwhile is not run, and says so.
    await client.send_json_to(
        {"type": "command", "id": "c2", "name": "test.slow", "data": {"text": "après"}}
    )
    refused = await client.receive_json_from(timeout=5)
    assert refused["id"] == "c2" and refused["code"] == "restarting"

    release.set()
    await asyncio.wait_for(draining, 10)
    answer = await client.receive_json_from(timeout=5)
    assert answer == {"type": "ack", "id": "c1", "result": {"seq": 1}}
    assert await database_sync_to_async(
        lambda: list(Event.objects.values_list("payload__text", flat=True))
    )() == [text]
    await client.disconnect()


async def test_a_drain_gives_up_after_its_timeout(slow_command):
    started, release = slow_command
    client = await connect()
    await client.send_json_to(
        {"type": "command", "id": "c1", "name": "test.slow", "data": {"text": "lent"}}
    )
    assert await asyncio.to_thread(started.wait, 10)
    await asyncio.wait_for(consumers.drain(timeout=0.2), 5)  # returns, the command still runs
    release.set()
    assert (await client.receive_json_from(timeout=5))["type"] == "ack"
    await client.disconnect()
