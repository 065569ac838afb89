"""Two `rebours serve` processes on one database, joined by Redis: a note posted through one
reaches a screen connected to the other, a screen that reconnects elsewhere misses nothing, and
dots sent at once through both stay within the budget."""

import asyncio
import json

import pytest
import websockets

from tests.support.liveday import live_document
from tests.support.redis import redis_server
from tests.support.server import start_another_process, start_server

pytestmark = pytest.mark.slow

SLUG = "live"


@pytest.fixture(scope="module")
def two_processes():
    with redis_server() as redis_url:
        server = start_server(demo=False, extra_env={"REDIS_URL": redis_url})
        try:
            document = server.data_dir / "live.json"
            document.write_text(json.dumps(live_document(SLUG), ensure_ascii=False))
            server.rebours("import", str(document))
            out = server.python(
                "import json; from tests.support.liveday import seed_participants; "
                f"print(json.dumps(seed_participants({SLUG!r}, 'g1', 3)))"
            )
            room = json.loads(out.strip().splitlines()[-1])
            second = start_another_process(server)
            yield server.url, second, room
        finally:
            server.stop()


async def open_socket(base, session):
    socket = await websockets.connect(
        base.replace("http", "ws") + "/ws/live/",
        additional_headers={"Cookie": f"sessionid={session}", "Origin": base},
    )
    assert json.loads(await socket.recv())["type"] == "hello"
    return socket


async def frames(socket, until, timeout=10):
    """Frames received until `until(frame)` is true (that frame included)."""
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await socket.recv())
            seen.append(frame)
            if until(frame):
                return seen


async def subscribe(socket, streams):
    await socket.send(json.dumps({"type": "subscribe", "streams": streams}))
    waiting, replayed = set(streams), []
    for frame in await frames(socket, lambda f: f["type"] == "subscribed" and len(waiting) == 1):
        if frame["type"] == "subscribed":
            waiting.discard(frame["stream"])
        else:
            replayed.append(frame)
    return replayed


async def command(socket, ident, name, data):
    await socket.send(json.dumps({"type": "command", "id": ident, "name": name, "data": data}))
    answer = (await frames(socket, lambda f: f.get("id") == ident))[-1]
    return answer


def test_a_note_crosses_from_one_process_to_the_other(two_processes):
    first, second, room = two_processes
    board = f"board:{room['board']}"
    ana, bo, cy = (p["session"] for p in room["people"])

    async def scenario():
        writer = await open_socket(first, ana)
        reader = await open_socket(second, bo)
        await subscribe(reader, {board: 0})
        answer = await command(
            writer, "c1", "note.create", {"board": room["board"], "text": "« par Redis »"}
        )
        assert answer["type"] == "ack"
        [event] = await frames(reader, lambda f: f["type"] == "event")
        assert event["stream"] == board and event["payload"]["note"]["text"] == "« par Redis »"
        last = event["seq"]

        # The reader drops off, notes are posted meanwhile through both processes, and it comes
        # back on the *other* process: what it missed arrives once, in order.
        await reader.close()
        other = await open_socket(second, cy)
        for index, socket in enumerate((writer, other, writer)):
            answer = await command(
                socket, f"m{index}", "note.create", {"board": room["board"], "text": f"m{index}"}
            )
            assert answer["type"] == "ack"
        back = await open_socket(first, bo)
        replayed = await subscribe(back, {board: last})
        assert [(e["seq"], e["payload"]["note"]["text"]) for e in replayed] == [
            (last + 1, "m0"),
            (last + 2, "m1"),
            (last + 3, "m2"),
        ]
        await command(other, "m3", "note.create", {"board": room["board"], "text": "m3"})
        [live] = await frames(back, lambda f: f["type"] == "event")
        assert live["seq"] == last + 4
        with pytest.raises(TimeoutError):  # and nothing twice
            async with asyncio.timeout(0.5):
                await back.recv()
        for socket in (writer, other, back):
            await socket.close()

    asyncio.run(scenario())


def test_dots_sent_at_once_through_both_processes_stay_within_the_budget(two_processes):
    first, second, room = two_processes
    session = room["people"][2]["session"]

    async def scenario():
        screens = [await open_socket(first if i % 2 else second, session) for i in range(6)]
        answer = await command(
            screens[0], "n", "note.create", {"board": room["board"], "text": "populaire"}
        )
        note = answer["result"]["note"]

        async def vote(socket, index):
            answers = []
            for j in range(3):
                answers.append(
                    await command(
                        socket, f"d{index}-{j}", "dot.add", {"board": room["board"], "note": note}
                    )
                )
            return answers

        results = await asyncio.gather(*(vote(s, i) for i, s in enumerate(screens)))
        answers = [a for group in results for a in group]
        assert sum(a["type"] == "ack" for a in answers) == 5  # the default budget
        assert {a["code"] for a in answers if a["type"] == "error"} == {"budget"}
        for socket in screens:
            await socket.close()

    asyncio.run(scenario())
