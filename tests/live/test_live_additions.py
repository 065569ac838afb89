"""What the live layer gained for the day: clock samples, access rechecks, refusals in the
reader's language with recovery data, one encoding per broadcast, HTTP command throttling."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from rebours.asgi import application
from rebours.live import registry, throttle
from rebours.live.events import publish, recheck

pytestmark = pytest.mark.django_db(transaction=True)

allowed = {"test:1"}


@pytest.fixture(autouse=True)
def test_stream(monkeypatch):
    allowed.clear()
    allowed.add("test:1")
    monkeypatch.setitem(registry._readers, "test", lambda viewer, stream: stream in allowed)

    def refuse(viewer, data):
        from django.utils.translation import gettext

        raise registry.CommandRefused(gettext("Sign in"), code="conflict", data={"version": 7})

    monkeypatch.setitem(registry._commands, "test.refuse", refuse)


async def connect(headers=()):
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"host", b"localhost"), *headers]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def subscribed(client, streams):
    await client.send_json_to({"type": "subscribe", "streams": streams})
    while (frame := await client.receive_json_from(timeout=5))["type"] != "subscribed":
        pass
    return frame


@pytest.mark.asyncio
async def test_pong_echoes_the_client_time_for_round_trips():
    client = await connect()
    await client.send_json_to({"type": "ping", "client_time": 1234.5})
    pong = await client.receive_json_from(timeout=5)
    assert pong["client_time"] == 1234.5 and pong["server_time"] > 1234.5
    await client.disconnect()


@pytest.mark.asyncio
async def test_a_recheck_unsubscribes_who_may_no_longer_read():
    client = await connect()
    await subscribed(client, {"test:1": 0})
    allowed.clear()

    @database_sync_to_async
    def withdraw_and_say():
        with transaction.atomic():
            recheck("test:1")
        with transaction.atomic():
            publish("test:1", "said", {"text": "after"})

    await withdraw_and_say()
    frame = await client.receive_json_from(timeout=5)
    assert frame["type"] == "error" and frame["code"] == "revoked" and frame["stream"] == "test:1"
    assert await client.receive_nothing(timeout=0.3)  # the later event is not delivered
    await client.disconnect()


@pytest.mark.asyncio
async def test_refusals_speak_the_readers_language_and_carry_data():
    for header, expected in ((b"en-GB,en;q=0.9", "Sign in"), (b"fr-FR", "Se connecter")):
        client = await connect([(b"accept-language", header)])
        await client.send_json_to({"type": "command", "id": 1, "name": "test.refuse", "data": {}})
        error = await client.receive_json_from(timeout=5)
        assert error["code"] == "conflict" and error["data"] == {"version": 7}
        assert error["message"] == expected
        await client.disconnect()


@pytest.mark.asyncio
async def test_broadcast_frames_are_encoded_once_and_read_back_whole():
    client = await connect()
    await subscribed(client, {"test:1": 0})

    @database_sync_to_async
    def say():
        with transaction.atomic():
            publish("test:1", "said", {"text": "« é »"})

    await say()
    raw = await client.receive_from(timeout=5)
    assert "« é »" in raw  # not \u-escaped
    assert json.loads(raw)["seq"] == 1
    await client.disconnect()


def test_http_commands_are_throttled_per_session(client, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(throttle, "HTTP_COMMANDS_PER_WINDOW", 3)
    monkeypatch.setattr(throttle, "HTTP_WINDOW_SECONDS", 3600)  # no window edge mid-test
    body = json.dumps({"name": "test.refuse", "data": {}})
    codes = [
        client.post("/live/command", body, content_type="application/json").status_code
        for _ in range(5)
    ]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]


def test_http_events_carry_the_server_clock(client):
    body = client.get("/live/events", {"since": "test:1:0"}).json()
    assert isinstance(body["server_time"], float)
    assert client.get("/live/events", {"since": "test:2:0"}).json()["stream"] == "test:2"
