"""The server restarts in the middle of a live session and a vote.

Real `rebours serve` processes (two workers on PostgreSQL and Redis when the suite runs there,
one on SQLite otherwise) holding two workshops: in one the day runs, with screens on websockets
posting notes and dots; in the other the vote is open, with voters posting the ballot form again
and again (one workshop cannot be at both stages: the permission table closes the boards while
its vote is open). The server is stopped while commands are in flight, gracefully
(SIGTERM) or not at all (SIGKILL of every process), and started again on the same data. Then:

- every note and ballot the server acknowledged is stored; what it did not acknowledge may or
  may not be, but nothing is half-written (a note without its event, an event without its note,
  a hole in a stream's numbers, a ballot with some of its grades, a receipt that does not match);
- every screen reconnected by itself and received each stream complete, in order, once.
"""

import asyncio
import json
import signal

import pytest

from tests.support.devices import Screen, Voter, wait_until

pytestmark = pytest.mark.slow

PER_GROUP = 4  # three who write (or vote), one who only watches
BEFORE = {"notes": 12, "ballots": 4}  # acknowledged before the server goes down…
AFTER = {"notes": 12, "ballots": 4}  # …and after it is back
BURST = 3  # notes each writer sends at once just before the server is stopped


def python_json(server, code: str):
    return json.loads(server.python(code).strip().splitlines()[-1])


def prepare(server, slug: str) -> dict:
    """A workshop of its own for each test: its streams, notes, dots and ballots start empty."""
    room = python_json(
        server,
        "from tests.support.faults import prepare_room, print_json; "
        f"print_json(prepare_room({slug!r}, {PER_GROUP}))",
    )
    return {**room, "slug": slug}


def report(server, slug: str):
    return python_json(
        server,
        "from tests.support.faults import room_report, print_json; "
        f"print_json(room_report({slug!r}))",
    )


async def live_session_through_a_restart(server, room, sig: int) -> dict:
    people = room["people"]
    screens = []
    for index, person in enumerate(people):
        board = f"board:{person['board']}"
        screens.append(
            Screen(
                server.url,
                person["session"],
                person["board"],
                [board, room["day"]],
                name=f"s{index}",
            )
        )
    writers = [s for i, s in enumerate(screens) if i % PER_GROUP != PER_GROUP - 1]
    voters = [
        Voter(
            server.url,
            room["vote_slug"],
            p["session"],
            p["person"],
            room["proposals"],
            room["scale"],
        )
        for i, p in enumerate(room["voters"])
        if i % PER_GROUP != PER_GROUP - 1
    ]
    runners = [asyncio.create_task(s.run()) for s in screens]
    await asyncio.gather(*(s.wait_live(30) for s in screens))
    tag = signal.Signals(sig).name
    writing = [asyncio.create_task(s.write(tag)) for s in writers]
    voting = [asyncio.create_task(v.vote()) for v in voters]

    def acked_notes():
        return sum(len(s.acked_notes) for s in writers)

    def acked_ballots():
        return sum(v.acked for v in voters)

    await wait_until(
        lambda: acked_notes() >= BEFORE["notes"] and acked_ballots() >= BEFORE["ballots"],
        60,
        "notes and ballots acknowledged before the restart",
    )
    # Down while commands and ballots are on their way, the screens and voters still sending;
    # then up again on the same data.
    await wait_until(lambda: any(v.posting for v in voters), 10, "a ballot on its way")
    sent = [s.frames_sent for s in writers]
    for screen in writers:
        screen.burst(tag, BURST)
    await wait_until(
        lambda: all(s.frames_sent >= n + BURST for s, n in zip(writers, sent, strict=True)),
        10,
        "the burst to leave",
    )
    in_flight = sum(s.in_flight for s in writers), sum(v.posting for v in voters)
    await asyncio.to_thread(server.kill, sig)
    connections = [s.connections for s in screens]
    notes_before, ballots_before = acked_notes(), acked_ballots()
    await asyncio.to_thread(server.restart)
    await wait_until(
        lambda: (
            acked_notes() >= notes_before + AFTER["notes"]
            and acked_ballots() >= ballots_before + AFTER["ballots"]
        ),
        60,
        "notes and ballots acknowledged after the restart",
    )
    # Stop writing and wait for the answers in flight, but keep the screens connected.
    for voter in voters:
        voter.stop()  # after the ballot being posted, whose answer is recorded
    for job in writing:
        job.cancel()  # between two commands; those in flight are awaited below
    await asyncio.gather(*writing, *voting, return_exceptions=True)
    await asyncio.gather(*(t for s in writers for t in list(s._tasks)), return_exceptions=True)
    stored = await asyncio.to_thread(report, server, room["slug"])
    last = {name: stream["last_seq"] for name, stream in stored["streams"].items()}
    await wait_until(
        lambda: all(s.caught_up(last) for s in screens), 60, "every screen to catch up"
    )
    for screen in screens:
        await screen.stop()
    for runner in runners:
        runner.cancel()
    await asyncio.gather(*runners, return_exceptions=True)
    return {
        "tag": tag,
        "in_flight": in_flight,
        "stored": stored,
        "screens": screens,
        "writers": writers,
        "voters": voters,
        "reconnected": [s.connections - n for s, n in zip(screens, connections, strict=True)],
    }


def check(outcome, room) -> None:
    stored, screens, voters = outcome["stored"], outcome["screens"], outcome["voters"]
    writers = outcome["writers"]
    print(  # shown when the test fails
        f"{outcome['tag']}: in flight when stopped (commands, ballots) {outcome['in_flight']}; "
        f"notes sent {sum(len(s.sent_notes) for s in writers)}, "
        f"acknowledged {sum(len(s.acked_notes) for s in writers)}, stored {len(stored['notes'])}, "
        f"unanswered {sum(s.lost for s in writers)}, sent again {sum(s.resent for s in writers)}; "
        f"ballots acknowledged {[v.acked for v in voters]}; "
        f"reconnections {outcome['reconnected']}"
    )

    # Every screen came back by itself.
    assert all(n >= 1 for n in outcome["reconnected"]), outcome["reconnected"]

    # Streams: numbered 1…last with no hole, whatever was cut short.
    for name, stream in stored["streams"].items():
        assert stream["seqs"] == list(range(1, stream["last_seq"] + 1)), name

    # Notes: each acknowledged one is stored with its text; each stored one has exactly one
    # note.created event on its own board, and each such event names a stored note.
    for screen in outcome["writers"]:
        for note_id, text in screen.acked_notes.items():
            assert str(note_id) in stored["notes"], (screen.name, note_id, "acknowledged, lost")
            assert stored["notes"][str(note_id)]["text"] == text
    for note_id, note in stored["notes"].items():
        assert stored["created"].get(note_id) == [note["board"]], (note_id, "note without event")
    assert set(stored["created"]) <= set(stored["notes"]), "event without its note"
    sent = {text for screen in outcome["writers"] for text in screen.sent_notes}
    assert {n["text"] for n in stored["notes"].values()} <= sent

    # Dots: at least every acknowledged one, at most every one sent, within the budget.
    for screen, person in zip(screens, room["people"], strict=True):
        placed = stored["dots"].get(str(person["person"]), 0)
        assert screen.dots_acked <= placed <= min(5, screen.dots_sent), (
            screen.name,
            screen.dots_acked,
            placed,
        )

    # Ballots: whole, matching their receipt, and at least as recent as the last acknowledged.
    for voter in voters:
        ballot = stored["ballots"].get(str(voter.person))
        acked = [i for i, (_g, status) in enumerate(voter.submitted) if status == 302]
        assert acked, "each voter had a ballot acknowledged"
        assert ballot is not None, (voter.person, "acknowledged ballot lost")
        assert ballot["receipt_matches"], ballot
        assert len(ballot["grades"]) == len(room["proposals"]), ballot  # none missing
        candidates = [grades for grades, _status in voter.submitted[acked[-1] :]]
        assert ballot["grades"] in candidates, (ballot, voter.submitted[acked[-1] :])
        refusals = [status for _g, status in voter.submitted if status not in (302, None)]
        assert refusals == [], refusals

    # What each screen received: every event of its streams, in order, once.
    for screen in screens:
        assert screen.failed == [], screen.failed
        for stream, seqs in screen.seen.items():
            last = stored["streams"].get(stream, {"last_seq": 0})["last_seq"]
            assert seqs == list(range(1, last + 1)), (screen.name, stream, seqs)
    for screen in outcome["writers"]:
        codes = {answer.get("code") for answer in screen.refused}
        assert codes <= {"budget"}, screen.refused
        assert len(screen.burst_outcomes) == BURST
        if outcome["tag"] == "SIGTERM":
            # A graceful stop answers every command it received before stopping: done and
            # acknowledged, or refused undone as `restarting` (then sent again, maybe to a
            # worker that is stopping too, so that second answer is not guaranteed).
            assert set(screen.burst_first) <= {"ack", "restarting"}, screen.burst_first


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_acknowledged_writes_survive_a_restart_and_screens_catch_up(server, sig):
    if not server.up():
        server.restart()
    room = prepare(server, f"restart-{signal.Signals(sig).name.lower()}")
    outcome = asyncio.run(live_session_through_a_restart(server, room, sig))
    check(outcome, room)
