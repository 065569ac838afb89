"""The live layer with Channels' communicator: order, exactly-once, resume, bad frames, floods."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction

from rebours.asgi import application
from rebours.live import registry
from rebours.live.events import events_after, group_name, publish
from tests.support.hostile import hostile

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def test_stream(monkeypatch):
    monkeypatch.setitem(registry._readers, "test", lambda viewer, stream: stream != "test:secret")

    def echo(viewer, data):
        if not isinstance(data.get("text"), str):
            raise registry.CommandRefused("text must be a string")
        with transaction.atomic():
            event = publish("test:1", "echo", {"text": data["text"]})
        return {"seq": event.seq}

    monkeypatch.setitem(registry._commands, "test.echo", echo)


@database_sync_to_async
def say(text, stream="test:1"):
    with transaction.atomic():
        return publish(stream, "said", {"text": text}).seq


async def connect():
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"host", b"localhost")]
    )
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello"
    return communicator


async def subscribe(communicator, streams):
    await communicator.send_json_to({"type": "subscribe", "streams": streams})


async def frames_until_subscribed(communicator):
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] == "subscribed":
            return frames, frame
        frames.append(frame)


async def test_replay_then_live_in_order():
    for i in range(3):
        await say(f"avant {i}")
    client = await connect()
    await subscribe(client, {"test:1": 0})
    replayed, subscribed = await frames_until_subscribed(client)
    assert [f["seq"] for f in replayed] == [1, 2, 3]
    assert subscribed["last_seq"] == 3
    await say(hostile("après"))
    frame = await client.receive_json_from(timeout=5)
    assert frame["seq"] == 4
    assert frame["payload"]["text"] == hostile("après")
    await client.disconnect()


async def test_reconnect_gets_exactly_what_it_missed():
    client = await connect()
    await subscribe(client, {"test:1": 0})
    await frames_until_subscribed(client)
    await say("one")
    assert (await client.receive_json_from(timeout=5))["seq"] == 1
    await client.disconnect()

    for text in ("two", "three", "four"):
        await say(text)

    again = await connect()
    await subscribe(again, {"test:1": 1})
    replayed, _ = await frames_until_subscribed(again)
    assert [(f["seq"], f["payload"]["text"]) for f in replayed] == [
        (2, "two"),
        (3, "three"),
        (4, "four"),
    ]
    await say("five")
    assert (await again.receive_json_from(timeout=5))["seq"] == 5
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()


async def test_swapped_broadcasts_are_delivered_in_order_once(monkeypatch):
    client = await connect()
    await subscribe(client, {"test:1": 0})
    await frames_until_subscribed(client)
    assert (await say("un")) == 1
    assert (await client.receive_json_from(timeout=5))["seq"] == 1

    # Hold the next two broadcasts back, then send them swapped, plus a stale duplicate.
    held = []
    monkeypatch.setattr(
        "rebours.live.events.broadcast", lambda stream, message: held.append(message)
    )
    await say("deux")
    await say("trois")
    layer = get_channel_layer()
    for message in (held[1], held[0], held[0]):
        await layer.group_send(group_name("test:1"), {"type": "live.event", "event": message})
    received = [await client.receive_json_from(timeout=5) for _ in range(2)]
    assert [(f["seq"], f["payload"]["text"]) for f in received] == [(2, "deux"), (3, "trois")]
    assert await client.receive_nothing(timeout=0.3)
    await client.disconnect()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not json", "frames must be JSON"),
        ("[1, 2]", 'objects with a "type"'),
        ('{"type": 3}', 'objects with a "type"'),
        ('{"type": "dance"}', "unknown frame type"),
        ('{"type": "subscribe", "streams": []}', '"streams" must map'),
        ('{"type": "subscribe", "streams": {"test:1": -4}}', "bad subscription"),
        ('{"type": "command", "name": "test.echo", "data": []}', 'object "data"'),
        ('{"type": "command", "name": "nope", "data": {}}', "unknown command"),
        ('{"type": "command", "name": "test.echo", "data": {"text": 5}}', "text must be a string"),
        ('{"type": "subscribe", "streams": {"test:secret": 0}}', "may not follow"),
        ('{"type": "subscribe", "streams": {"other:1": 0}}', "may not follow"),
        ("x" * 20000, "over 16384 bytes"),
    ],
)
async def test_bad_frames_get_an_error_and_keep_the_connection(frame, message):
    client = await connect()
    await client.send_to(text_data=frame)
    error = await client.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert message in error["message"]
    await client.send_json_to({"type": "ping"})
    assert (await client.receive_json_from(timeout=5))["type"] == "pong"
    await client.disconnect()


async def test_commands_are_acknowledged_and_published():
    client = await connect()
    await subscribe(client, {"test:1": 0})
    await frames_until_subscribed(client)
    await client.send_json_to(
        {"type": "command", "id": "c1", "name": "test.echo", "data": {"text": "salut"}}
    )
    frames = [await client.receive_json_from(timeout=5), await client.receive_json_from(timeout=5)]
    kinds = sorted(f["type"] for f in frames)
    assert kinds == ["ack", "event"]
    ack = next(f for f in frames if f["type"] == "ack")
    assert ack["id"] == "c1" and ack["result"] == {"seq": 1}
    await client.disconnect()


async def test_a_flood_is_throttled_without_hurting_others():
    flooder = await connect()
    calm = await connect()
    for i in range(60):
        await flooder.send_json_to(
            {"type": "command", "id": i, "name": "test.echo", "data": {"text": str(i)}}
        )
    answers = [await flooder.receive_json_from(timeout=5) for _ in range(60)]
    throttled = [a for a in answers if a.get("code") == "throttled"]
    assert 0 < len(throttled) < 60
    await calm.send_json_to(
        {"type": "command", "id": "ok", "name": "test.echo", "data": {"text": "calme"}}
    )
    answer = await calm.receive_json_from(timeout=5)
    assert answer["type"] == "ack"
    await flooder.disconnect()
    await calm.disconnect()


async def test_rolled_back_changes_are_never_announced():
    client = await connect()
    await subscribe(client, {"test:1": 0})
    await frames_until_subscribed(client)

    @database_sync_to_async
    def failing():
        with pytest.raises(RuntimeError), transaction.atomic():
            publish("test:1", "said", {"text": "ghost"})
            raise RuntimeError("rolled back")

    await failing()
    assert await client.receive_nothing(timeout=0.3)
    assert await database_sync_to_async(events_after)("test:1", 0) == []
    await client.disconnect()


async def test_passing_news_reaches_subscribers_without_a_number():
    from rebours.live.events import announce

    client = await connect()
    await subscribe(client, {"test:1": 0})
    await frames_until_subscribed(client)
    await database_sync_to_async(announce)("test:1", "presence", {"who": "Ana", "field": "summary"})
    frame = await client.receive_json_from(timeout=5)
    assert frame["seq"] is None and frame["kind"] == "presence"
    assert await database_sync_to_async(events_after)("test:1", 0) == []
    await client.disconnect()
