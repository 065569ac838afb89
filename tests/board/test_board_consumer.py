"""The board over /ws/live/ with Channels' communicator: several screens of a group and the wall,
bad input refused to its sender only with nothing stored, reconnection without loss or repeats,
and a removed participant cut off at once."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client

from rebours.asgi import application
from rebours.board.models import Cluster, Dot, Note
from rebours.board.permissions import watcher_session_key
from rebours.facilitation.actions import do_join_workshop, do_prepare_day, do_remove_participant
from rebours.facilitation.permissions import day_access
from rebours.live.models import Event
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import hostile
from tests.support.liveday import participant_session, setup_live_day
from tests.support.state import snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
async def close_connections():
    yield
    await database_sync_to_async(connections.close_all)()


class Room:
    """A live day with Ana and Bo in group one, Cy in group two, and their session cookies."""

    def __init__(self):
        self.day = setup_live_day()
        _state, join = do_prepare_day(self.day.workshop, actor=None)
        self.ana = do_join_workshop(join, actor=None, display_name="Ana", theme=self.day.g1.pk)
        self.bo = do_join_workshop(join, actor=None, display_name="Bo", theme=self.day.g1.pk)
        self.cy = do_join_workshop(join, actor=None, display_name="Cy", theme=self.day.g2.pk)
        self.sessions = {
            name: participant_session(self.day.workshop, getattr(self, name))
            for name in ("ana", "bo", "cy")
        }
        wall = SessionStore()
        wall[watcher_session_key(self.day.workshop)] = True
        wall.create()
        self.sessions["wall"] = wall.session_key
        for name, user in (
            ("facilitator", self.day.facilitator),
            ("organiser", self.day.organiser),
        ):
            client = Client()
            client.force_login(user)
            self.sessions[name] = client.cookies["sessionid"].value
        self.board = f"board:{self.day.g1.pk}"
        self.other_board = f"board:{self.day.g2.pk}"


@pytest.fixture
async def room(close_connections):
    return await database_sync_to_async(Room)()


async def connect(room, who):
    headers = [(b"host", b"localhost"), (b"cookie", f"sessionid={room.sessions[who]}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    return communicator


async def follow(client, streams):
    await client.send_json_to({"type": "subscribe", "streams": streams})
    frames, waiting = [], set(streams)
    while waiting:
        frame = await client.receive_json_from(timeout=5)
        if frame["type"] == "subscribed":
            waiting.discard(frame["stream"])
        else:
            frames.append(frame)
    return frames


async def command(client, name, data, ident="c"):
    """Send a command; return its answer (ack or error) and the events that came with it."""
    await client.send_json_to({"type": "command", "id": ident, "name": name, "data": data})
    events = []
    while True:
        frame = await client.receive_json_from(timeout=5)
        if frame.get("id") == ident and frame["type"] in ("ack", "error"):
            return frame, events
        events.append(frame)


async def still_open(client):
    await client.send_json_to({"type": "ping"})
    while (await client.receive_json_from(timeout=5))["type"] != "pong":
        pass


@database_sync_to_async
def state():
    return snapshot(), Event.objects.count()


async def test_a_note_reaches_the_group_and_the_wall_but_not_other_groups(room):
    ana, bo, wall, facilitator, cy = [
        await connect(room, who) for who in ("ana", "bo", "wall", "facilitator", "cy")
    ]
    for client in (ana, bo, wall, facilitator):
        await follow(client, {room.board: 0})
    # Cy belongs to group two: group one's board is not hers to follow.
    await cy.send_json_to({"type": "subscribe", "streams": {room.board: 0}})
    refusal = await cy.receive_json_from(timeout=5)
    assert refusal["code"] == "forbidden"
    await follow(cy, {room.other_board: 0})

    text = hostile("idée")
    ack, _events = await command(ana, "note.create", {"board": room.day.g1.pk, "text": text})
    assert ack["type"] == "ack"
    for client in (bo, wall, facilitator):
        event = await client.receive_json_from(timeout=5)
        assert (event["kind"], event["seq"], event["payload"]["note"]["text"]) == (
            "note.created",
            1,
            text,
        )
        assert event["payload"]["note"]["author_name"] == "Ana"
    assert await cy.receive_nothing(timeout=0.3)
    for client in (ana, bo, wall, facilitator, cy):
        await client.disconnect()


BAD = [
    ("note.create", {"text": "x" * 2001}, "invalid"),
    ("note.create", {"text": "   "}, "invalid"),
    ("note.create", {"text": ["<script>"]}, "invalid"),
    ("note.create", {"board": "g1", "text": "x"}, "invalid"),
    ("note.create", {"board": "OTHER", "text": "intrus"}, "forbidden"),
    ("note.create", {"board": 10**9, "text": "x"}, "not_found"),
    ("note.update", {"note": "BO_NOTE", "text": "mine now", "version": 1}, "forbidden"),
    ("note.update", {"note": "ANA_NOTE", "text": "late", "version": 0}, "conflict"),
    ("note.delete", {"note": "BO_NOTE"}, "forbidden"),
    ("note.delete", {"note": "CY_NOTE", "board": "OTHER"}, "forbidden"),
    ("note.update", {"note": "CY_NOTE", "text": "x", "version": 1}, "forbidden"),
    ("dot.add", {"note": "CY_NOTE"}, "forbidden"),
    ("dot.remove", {"note": "BO_NOTE"}, "invalid"),
    ("cluster.create", {"name": ""}, "invalid"),
    ("cluster.propose", {"cluster": "CLUSTER"}, "forbidden"),
    ("cluster.delete", {"cluster": "CLUSTER"}, "forbidden"),
    ("note.move", {"note": "ANA_NOTE", "cluster": "OTHER_CLUSTER"}, "forbidden"),
    ("day.start", {}, "invalid"),
    ("day.start", {"workshop": "WORKSHOP"}, "forbidden"),
]


@pytest.mark.parametrize(
    ("name", "data", "code"), BAD, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)]
)
async def test_bad_commands_are_refused_to_their_sender_only_and_store_nothing(
    room, name, data, code
):
    @database_sync_to_async
    def seed():
        from rebours.board import actions
        from rebours.board.permissions import board_access

        day = room.day
        key = participant_session_key(day.workshop)
        ana = board_access(AnonymousUser(), {key: room.ana.pk}, day.g1)
        bo = board_access(AnonymousUser(), {key: room.bo.pk}, day.g1)
        cy = board_access(AnonymousUser(), {key: room.cy.pk}, day.g2)
        return {
            "ANA_NOTE": actions.do_create_note(day.g1, actor=ana, text="ana").pk,
            "BO_NOTE": actions.do_create_note(day.g1, actor=bo, text="bo").pk,
            "CY_NOTE": actions.do_create_note(day.g2, actor=cy, text="cy").pk,
            "CLUSTER": actions.do_create_cluster(day.g1, actor=ana, name="c").pk,
            "OTHER_CLUSTER": actions.do_create_cluster(day.g2, actor=cy, name="c2").pk,
            "OTHER": day.g2.pk,
            "WORKSHOP": day.workshop.pk,
        }

    ids = await seed()
    payload = {
        "board": room.day.g1.pk,
        **{k: ids.get(v, v) if isinstance(v, str) else v for k, v in data.items()},
    }
    ana, bo = await connect(room, "ana"), await connect(room, "bo")
    await follow(bo, {room.board: 10**6})
    before = await state()
    answer, _events = await command(ana, name, payload)
    assert answer["type"] == "error" and answer["code"] == code, answer
    assert answer["message"]  # a sentence for the person, not a stack trace
    assert await state() == before
    assert await bo.receive_nothing(timeout=0.2)  # the others hear nothing
    await still_open(ana)  # and the sender stays connected
    await ana.disconnect()
    await bo.disconnect()


async def test_malformed_frames_and_floods_keep_the_others_unaffected(room):
    ana, bo = await connect(room, "ana"), await connect(room, "bo")
    await follow(bo, {room.board: 0})
    before = await state()
    for frame in (
        "{",
        "[]",
        '{"type": "command"}',
        '{"type": "command", "name": "note.create", "data": 5}',
        "x" * 17000,
    ):
        await ana.send_to(text_data=frame)
        assert (await ana.receive_json_from(timeout=5))["type"] == "error"
    await ana.send_to(bytes_data=b"\x00\x01")
    assert (await ana.receive_json_from(timeout=5))["type"] == "error"
    assert await state() == before

    # A flood: at most the burst gets through, the rest is refused, and Bo still posts at once.
    for i in range(60):
        await ana.send_json_to(
            {
                "type": "command",
                "id": i,
                "name": "note.create",
                "data": {"board": room.day.g1.pk, "text": f"spam {i}"},
            }
        )
    answers = []
    while len(answers) < 60:
        frame = await ana.receive_json_from(timeout=10)
        if frame.get("type") in ("ack", "error"):
            answers.append(frame)
    throttled = [a for a in answers if a.get("code") == "throttled"]
    stored = await database_sync_to_async(Note.objects.count)()
    assert len(throttled) == 60 - stored and 0 < stored <= 25
    while True:  # Bo drains the spam he was sent, then posts
        if await bo.receive_nothing(timeout=0.3):
            break
        await bo.receive_json_from()
    ack, _ = await command(bo, "note.create", {"board": room.day.g1.pk, "text": "calme"})
    assert ack["type"] == "ack"
    await ana.disconnect()
    await bo.disconnect()


async def test_a_client_that_reconnects_gets_what_it_missed_once_in_order(room):
    ana, bo = await connect(room, "ana"), await connect(room, "bo")
    await follow(bo, {room.board: 0})
    ack, _ = await command(ana, "note.create", {"board": room.day.g1.pk, "text": "one"})
    seen = await bo.receive_json_from(timeout=5)
    last = seen["seq"]
    await bo.disconnect()  # Bo's phone loses the wifi

    note = ack["result"]["note"]
    await command(ana, "note.create", {"board": room.day.g1.pk, "text": "two"}, "c2")
    await command(
        ana,
        "note.update",
        {"board": room.day.g1.pk, "note": note, "text": "one, better", "version": 1},
        "c3",
    )
    await command(ana, "dot.add", {"board": room.day.g1.pk, "note": note}, "c4")
    await command(ana, "cluster.create", {"board": room.day.g1.pk, "name": "ensemble"}, "c5")

    bo = await connect(room, "bo")
    replayed = await follow(bo, {room.board: last})
    assert [(e["seq"], e["kind"]) for e in replayed] == [
        (2, "note.created"),
        (3, "note.updated"),
        (4, "dot.changed"),
        (5, "cluster.created"),
    ]
    await command(ana, "note.create", {"board": room.day.g1.pk, "text": "three"}, "c6")
    live = await bo.receive_json_from(timeout=5)
    assert live["seq"] == 6 and live["payload"]["note"]["text"] == "three"
    assert await bo.receive_nothing(timeout=0.3)  # nothing twice
    await ana.disconnect()
    await bo.disconnect()


async def test_dots_sent_at_once_from_several_screens_stay_within_the_budget(room):
    screens = [await connect(room, "ana") for _ in range(3)]
    ack, _ = await command(
        screens[0], "note.create", {"board": room.day.g1.pk, "text": "populaire"}
    )
    note = ack["result"]["note"]
    for index, screen in enumerate(screens):
        for i in range(4):
            await screen.send_json_to(
                {
                    "type": "command",
                    "id": f"{index}-{i}",
                    "name": "dot.add",
                    "data": {"board": room.day.g1.pk, "note": note},
                }
            )
    answers = []
    for screen in screens:
        while sum(1 for a in answers if a["id"].startswith(str(screens.index(screen)))) < 4:
            frame = await screen.receive_json_from(timeout=5)
            if frame["type"] in ("ack", "error"):
                answers.append(frame)
    assert sum(a["type"] == "ack" for a in answers) == 5
    assert {a["code"] for a in answers if a["type"] == "error"} == {"budget"}
    assert await database_sync_to_async(Dot.objects.count)() == 5
    for screen in screens:
        await screen.disconnect()


async def test_a_removed_participant_is_cut_off_at_once(room):
    troll, bo = await connect(room, "ana"), await connect(room, "bo")
    person_stream = f"person:{room.ana.pk}"
    await follow(troll, {room.board: 0, f"day:{room.day.workshop.pk}": 0, person_stream: 0})
    await follow(bo, {room.board: 0})

    @database_sync_to_async
    def remove():
        access = day_access(room.day.organiser, {}, room.day.workshop)
        do_remove_participant(room.day.workshop, actor=access, person=room.ana.pk)

    await remove()
    frames = [await troll.receive_json_from(timeout=5) for _ in range(4)]
    assert frames[0]["kind"] == "participant.removed"
    assert sorted(f["stream"] for f in frames[1:]) == sorted(
        [room.board, f"day:{room.day.workshop.pk}", person_stream]
    )
    assert all(f["code"] == "revoked" for f in frames[1:])
    before = await state()
    answer, _ = await command(
        troll, "note.create", {"board": room.day.g1.pk, "text": "still here?"}
    )
    assert answer["code"] == "forbidden" and await state() == before
    ack, _ = await command(bo, "note.create", {"board": room.day.g1.pk, "text": "bye"})
    assert ack["type"] == "ack"
    assert await troll.receive_nothing(timeout=0.3)  # no longer hears the board
    await troll.disconnect()
    await bo.disconnect()


async def test_clusters_and_the_proposal_draft_over_the_wire(room):
    ana, facilitator = await connect(room, "ana"), await connect(room, "facilitator")
    await follow(facilitator, {room.board: 0})
    created, _ = await command(ana, "cluster.create", {"board": room.day.g1.pk, "name": "Cantine"})
    cluster = created["result"]["cluster"]
    note, _ = await command(ana, "note.create", {"board": room.day.g1.pk, "text": "bio"}, "n")
    await command(
        ana,
        "note.move",
        {"board": room.day.g1.pk, "note": note["result"]["note"], "cluster": cluster},
        "m",
    )
    answer, events = await command(
        facilitator, "cluster.propose", {"board": room.day.g1.pk, "cluster": cluster}, "p"
    )
    assert answer["type"] == "ack" and answer["result"]["url"].endswith("/edit/")
    while len(events) < 5:
        events.append(await facilitator.receive_json_from(timeout=5))
    assert [e["kind"] for e in events] == [
        "cluster.created",
        "note.created",
        "note.updated",
        "proposal.created",
        "cluster.updated",
    ]
    assert (
        await database_sync_to_async(lambda: Cluster.objects.get(pk=cluster).proposal.description)()
        == "- bio"
    )
    await asyncio.gather(ana.disconnect(), facilitator.disconnect())


async def test_another_workshop_is_out_of_reach(room):
    @database_sync_to_async
    def other_workshop():
        other = setup_live_day("elsewhere")
        return other.workshop.pk, other.g1.pk

    workshop, board = await other_workshop()
    ana = await connect(room, "ana")
    for stream in (f"day:{workshop}", f"board:{board}", f"staff:{workshop}", "person:999999"):
        await ana.send_json_to({"type": "subscribe", "streams": {stream: 0}})
        refusal = await ana.receive_json_from(timeout=5)
        assert refusal["code"] == "forbidden", refusal
    before = await state()
    for name, data in (
        ("note.create", {"board": board, "text": "ailleurs"}),
        ("cluster.create", {"board": board, "name": "ailleurs"}),
        ("day.message", {"workshop": workshop, "text": "ailleurs"}),
    ):
        answer, _ = await command(ana, name, data)
        assert answer["type"] == "error" and answer["code"] == "forbidden", answer
    assert await state() == before
    await still_open(ana)
    await ana.disconnect()
