"""Benchmark the live board: simulated participants over real websockets, in groups of ten.

    python bench/board_fanout.py [--sizes 100,500,2000] [--json] [--seconds 10]
                                 [--note-every 10] [--dot-every 20] [--samples FILE]
                                 [--redis --workers 2]

It starts its own server (uvicorn serving `bench/fanout_app.py`: Rebours plus a bare Channels
broadcast consumer) on 127.0.0.1 with a temporary data folder, and for each size:

1. connects every participant with a session of their own (as joining leaves it), subscribed to
   their group's board and to the day, as the board page does;
2. **realistic phase** (`--seconds`): each participant posts a note every `--note-every` seconds
   and places or takes back a dot every `--dot-every` seconds on average (random, exponential
   gaps), then waits until every acknowledged note has reached every member of its group;
   prints the notes sent, the share of its group's notes the worst-served member received
   (`delivered_min`, must be 1.0), and the p50/p99 note-to-screen latency (from the moment the
   sender sent the command to the moment each member's socket received the event);
3. **saturation phase**: about 200 participants, spread evenly over the groups, post as fast as
   the server acknowledges (one command in flight each, backing off when throttled) for three
   seconds while everyone counts what arrives; then the
   same sockets, in the same groups, do the same with the bare consumer. `ratio_to_bare` is
   Rebours' deliveries per second over the bare consumer's: the price of checking who may post,
   storing each note, numbering and logging it, against passing a message along.

Each size's phases are bounded (about 25 s at 2,000 participants on two cores). The client and
the server share the machine: the figures are for the pair.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

import uvloop
import websockets

from tests.support.redis import redis_server
from tests.support.server import free_port

ROOT = Path(__file__).resolve().parent.parent
GROUP_SIZE = 10
SATURATION_SECONDS = 3
SATURATION_SENDERS = 200  # spread over the groups; each has one command in flight
DRAIN_SECONDS = 10
CONNECT_AT_ONCE = 64
SLUG = "bench"


# --- the workshop and its participants, written straight into the temporary database ---------


def setup_django(data_dir: Path) -> None:
    os.environ["REBOURS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rebours.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def seed(participants: int) -> dict:
    """A workshop with one group per ten participants, each group with a facilitator, and the
    participants as joining would leave them (a person, a membership, a session)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from rebours.workshops.models import Person, Role, ThemeMembership, ThemeRole
    from rebours.workshops.permissions import participant_session_key

    groups = -(-participants // GROUP_SIZE)
    document = {
        "format": "rebours.workshop/1",
        "workshop": {"slug": SLUG, "title": "Bench", "horizon_year": 2040},
        "people": [
            {"id": f"f{g}", "display_name": f"F{g}", "roles": ["facilitator"]}
            for g in range(groups)
        ],
        "agenda": [{"id": "s1", "kind": "diverge", "title": "Session 1", "minutes": 120}],
        "themes": [
            {"id": f"g{g}", "title": f"Group {g}", "facilitators": [f"f{g}"]} for g in range(groups)
        ],
    }
    workshop = do_import_workshop(Package(document=document), actor=None).workshop
    themes = {t.key: t for t in workshop.themes.all()}
    # Bulk writes for speed: this is the benchmark's fixture, not a path the application takes
    # (joining one by one goes through do_join_workshop, timed in the tests).
    people = Person.objects.bulk_create(
        Person(
            workshop=workshop,
            key=f"j-b{i}",
            position=1000 + i,
            display_name=f"P{i}",
            roles=[Role.PARTICIPANT],
        )
        for i in range(participants)
    )
    ThemeMembership.objects.bulk_create(
        ThemeMembership(
            theme=themes[f"g{i // GROUP_SIZE}"], person=p, role=ThemeRole.MEMBER, position=i
        )
        for i, p in enumerate(people)
    )
    store = SessionStore()
    expire = timezone.now() + timezone.timedelta(days=1)
    sessions = []
    for person in people:
        key = store._get_new_session_key()
        data = store.encode({participant_session_key(workshop): person.pk})
        sessions.append(Session(session_key=key, session_data=data, expire_date=expire))
    Session.objects.bulk_create(sessions)
    return {
        "workshop": workshop.pk,
        "people": [
            {
                "session": s.session_key,
                "board": themes[f"g{i // GROUP_SIZE}"].pk,
                "group": i // GROUP_SIZE,
            }
            for i, s in enumerate(sessions)
        ],
    }


def last_numbers(streams: list[str]) -> dict[str, int]:
    from rebours.live.models import Stream

    found = dict(Stream.objects.filter(name__in=streams).values_list("name", "last_seq"))
    return {name: found.get(name, 0) for name in streams}


# --- the server ------------------------------------------------------------------------------


def start_server(data_dir: Path, env: dict, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "fanout_app:application",
            "--app-dir",
            str(ROOT / "bench"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
            "--workers",
            str(workers),
            "--ws-max-queue",
            "256",
            "--timeout-graceful-shutdown",
            "5",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((data_dir / "server.log").read_text()) from None
            time.sleep(0.2)


# --- the participants ------------------------------------------------------------------------


@dataclass
class Member:
    index: int
    session: str
    board: int
    group: int
    socket: object = None
    pending: dict = field(default_factory=dict)
    received: set = field(default_factory=set)  # texts of notes of the group received
    frames: int = 0
    notes: list = field(default_factory=list)  # note ids seen on the board
    mine: dict = field(default_factory=dict)  # note id -> my dots on it
    used: int = 0
    errors: list = field(default_factory=list)
    reader: asyncio.Task | None = None


class Run:
    def __init__(self, url: str, members: list[Member], workshop: int) -> None:
        self.ws_url = url.replace("http", "ws")
        self.origin = url
        self.members = members
        self.workshop = workshop
        self.ids = itertools.count(1)
        self.sent_at: dict[str, float] = {}
        self.acked: dict[int, set] = {}  # group -> texts stored
        self.latencies: list[float] = []
        self.counting = False
        self.deliveries = 0
        self.refused: dict = {}  # refusals while saturating, by code (throttling is expected)

    async def connect(self, member: Member, streams: dict[str, int]) -> None:
        member.socket = await websockets.connect(
            self.ws_url + "/ws/live/",
            additional_headers={"Cookie": f"sessionid={member.session}", "Origin": self.origin},
            compression=None,
            max_queue=None,
            open_timeout=60,
            ping_interval=None,
        )
        hello = json.loads(await member.socket.recv())
        assert hello["type"] == "hello", hello
        await member.socket.send(json.dumps({"type": "subscribe", "streams": streams}))
        waiting = set(streams)
        while waiting:
            frame = json.loads(await member.socket.recv())
            if frame["type"] == "subscribed":
                waiting.discard(frame["stream"])
            elif frame["type"] == "error":
                raise RuntimeError(frame)
        member.reader = asyncio.create_task(self.read(member))

    async def read(self, member: Member) -> None:
        try:
            async for raw in member.socket:
                now = time.monotonic()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "event":
                    if self.counting:
                        self.deliveries += 1
                    if frame["kind"] == "note.created":
                        note = frame["payload"]["note"]
                        member.notes.append(note["id"])
                        text = note["text"]
                        if text not in member.received:
                            member.received.add(text)
                            sent = self.sent_at.get(text)
                            if sent is not None:
                                self.latencies.append(now - sent)
                elif kind in ("ack", "error"):
                    waiter = member.pending.pop(frame.get("id"), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(frame)
        except websockets.ConnectionClosed:
            pass

    async def command(self, member: Member, name: str, data: dict) -> dict:
        ident = next(self.ids)
        waiter = asyncio.get_running_loop().create_future()
        member.pending[ident] = waiter
        await member.socket.send(
            json.dumps({"type": "command", "id": ident, "name": name, "data": data})
        )
        return await asyncio.wait_for(waiter, 60)

    async def post(self, member: Member, tag: str, *, strict: bool = True) -> bool:
        text = f"{tag} {member.index} {next(self.ids)}"
        self.sent_at[text] = time.monotonic()
        answer = await self.command(member, "note.create", {"board": member.board, "text": text})
        if answer["type"] == "ack":
            self.acked.setdefault(member.group, set()).add(text)
            return True
        if strict:
            member.errors.append(answer)
        else:
            self.refused[answer.get("code")] = self.refused.get(answer.get("code"), 0) + 1
        self.sent_at.pop(text, None)
        return False

    async def dot(self, member: Member) -> None:
        if member.used >= 5 and member.mine:
            note = random.choice([n for n, k in member.mine.items() if k])
            answer = await self.command(member, "dot.remove", {"board": member.board, "note": note})
        elif member.notes:
            note = random.choice(member.notes[-30:])
            answer = await self.command(member, "dot.add", {"board": member.board, "note": note})
        else:
            return
        if answer["type"] == "ack":
            member.mine[answer["result"]["note"]] = answer["result"]["mine"]
            member.used = answer["result"]["used"]
        elif answer.get("code") not in ("budget", "not_found"):
            member.errors.append(answer)

    async def realistic(
        self, member: Member, seconds: float, note_every: float, dot_every: float
    ) -> None:
        end = time.monotonic() + seconds
        next_note = time.monotonic() + random.expovariate(1 / note_every)
        next_dot = time.monotonic() + random.expovariate(1 / dot_every)
        while True:
            wake = min(next_note, next_dot)
            if wake >= end:
                return
            await asyncio.sleep(max(0.0, wake - time.monotonic()))
            if next_note <= next_dot:
                await self.post(member, "r")
                next_note = time.monotonic() + random.expovariate(1 / note_every)
            else:
                await self.dot(member)
                next_dot = time.monotonic() + random.expovariate(1 / dot_every)

    async def saturate(self, member: Member, until: float) -> None:
        while time.monotonic() < until:
            if not await self.post(member, "s", strict=False):
                await asyncio.sleep(0.2)  # throttled (5 a second per screen): back off

    def group_done(self) -> bool:
        return all(self.acked.get(m.group, set()) <= m.received for m in self.members)


def saturation_senders(members: list[Member]) -> list[Member]:
    """About SATURATION_SENDERS participants, the same number in every group."""
    groups = -(-len(members) // GROUP_SIZE)
    per_group = max(1, min(GROUP_SIZE, SATURATION_SENDERS // groups))
    return [m for m in members if m.index % GROUP_SIZE < per_group]


async def settle(window: asyncio.Future, seconds: float) -> None:
    """Let the senders' last commands come back (the rate is already measured); past `seconds`,
    give up on the stragglers."""
    _done, pending = await asyncio.wait([window], timeout=seconds)
    for future in pending:
        future.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await future


async def close_all(sockets: list) -> None:
    async def close(socket) -> None:
        with contextlib.suppress(TimeoutError, websockets.ConnectionClosed):
            await asyncio.wait_for(socket.close(), 5)

    await asyncio.gather(*(close(s) for s in sockets))


async def bare_saturation(url: str, members: list[Member], seconds: float) -> float:
    """Deliveries per second through the bare consumer, for the same sockets in the same groups,
    with the same senders (one per group, one message in flight each)."""
    sockets = []
    for batch in range(0, len(members), CONNECT_AT_ONCE):
        sockets += await asyncio.gather(
            *(
                websockets.connect(
                    f"{url.replace('http', 'ws')}/ws/bare/g{m.group}/",
                    compression=None,
                    max_queue=None,
                    open_timeout=60,
                    ping_interval=None,
                    additional_headers={"Origin": url},
                )
                for m in members[batch : batch + CONNECT_AT_ONCE]
            )
        )
    counting = {"on": False, "n": 0}
    acks: list[asyncio.Queue] = [asyncio.Queue() for _ in sockets]

    async def read(index: int) -> None:
        try:
            async for raw in sockets[index]:
                if raw.startswith('{"type": "ack"'):
                    acks[index].put_nowait(1)
                elif counting["on"]:
                    counting["n"] += 1
        except websockets.ConnectionClosed:
            pass

    readers = [asyncio.create_task(read(i)) for i in range(len(sockets))]

    async def send(index: int, until: float) -> None:
        n = 0
        while time.monotonic() < until:
            n += 1
            payload = json.dumps(
                {
                    "type": "event",
                    "kind": "note.created",
                    "payload": {"note": {"text": f"b {index} {n}"}},
                }
            )
            await sockets[index].send(payload)
            await acks[index].get()

    chosen = {m.index for m in saturation_senders(members)}
    senders = [i for i, m in enumerate(members) if m.index in chosen]
    counting["on"] = True
    start = time.monotonic()
    window = asyncio.gather(*(send(i, start + seconds) for i in senders))
    await asyncio.sleep(seconds)
    counting["on"] = False
    rate = counting["n"] / (time.monotonic() - start)
    await settle(window, DRAIN_SECONDS)
    await close_all(sockets)
    for reader in readers:
        reader.cancel()
    return rate


async def measure(url: str, room: dict, size: int, numbers: dict[str, int], args) -> dict:
    members = [
        Member(i, p["session"], p["board"], p["group"]) for i, p in enumerate(room["people"][:size])
    ]
    run = Run(url, members, room["workshop"])
    day = f"day:{room['workshop']}"
    phases = {}
    started = time.monotonic()
    for batch in range(0, size, CONNECT_AT_ONCE):
        await asyncio.gather(
            *(
                run.connect(m, {f"board:{m.board}": numbers[f"board:{m.board}"], day: numbers[day]})
                for m in members[batch : batch + CONNECT_AT_ONCE]
            )
        )
    phases["connect"] = time.monotonic() - started

    started = time.monotonic()
    await asyncio.gather(
        *(run.realistic(m, args.seconds, args.note_every, args.dot_every) for m in members)
    )
    phases["realistic"] = time.monotonic() - started
    started = time.monotonic()
    while not run.group_done() and time.monotonic() - started < DRAIN_SECONDS:
        await asyncio.sleep(0.05)
    phases["drain"] = time.monotonic() - started
    sent = sum(len(texts) for texts in run.acked.values())
    shares = [
        len(run.acked.get(m.group, set()) & m.received) / len(run.acked[m.group])
        for m in members
        if run.acked.get(m.group)
    ]
    latencies = sorted(run.latencies)

    # Saturation: one sender per group posting back to back, everyone counting what arrives.
    started = time.monotonic()
    run.counting, run.deliveries = True, 0
    senders = saturation_senders(members)
    window = asyncio.gather(*(run.saturate(m, started + SATURATION_SECONDS) for m in senders))
    await asyncio.sleep(SATURATION_SECONDS)
    run.counting = False
    rebours_rate = run.deliveries / (time.monotonic() - started)
    await settle(window, DRAIN_SECONDS + 50)
    phases["saturation"] = time.monotonic() - started
    await close_all([m.socket for m in members])
    for m in members:
        m.reader.cancel()

    started = time.monotonic()
    bare_rate = await bare_saturation(url, members, SATURATION_SECONDS)
    phases["bare"] = time.monotonic() - started
    errors = [e for m in members for e in m.errors]
    return {
        "participants": size,
        "sent": sent,
        "delivered_min": round(min(shares), 4) if shares else 0.0,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "ratio_to_bare": round(rebours_rate / bare_rate, 3) if bare_rate else None,
        "rebours_deliveries_per_s": round(rebours_rate),
        "bare_deliveries_per_s": round(bare_rate),
        "errors": len(errors),
        "refused_while_saturating": run.refused,
        "first_error": errors[0] if errors else None,
        "phases_s": {k: round(v, 1) for k, v in phases.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="100,500,2000", help="participant counts, comma-separated"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line and size")
    parser.add_argument("--seconds", type=float, default=8, help="length of the realistic phase")
    parser.add_argument(
        "--note-every", type=float, default=30, help="mean seconds between a person's notes"
    )
    parser.add_argument(
        "--dot-every", type=float, default=60, help="mean seconds between a person's dots"
    )
    parser.add_argument(
        "--samples", help="write where the server's time went (sampled stacks) here"
    )
    parser.add_argument(
        "--redis", action="store_true", help="use a Redis channel layer (started here)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (needs --redis above 1)"
    )
    parser.add_argument("--client-samples", help="the same, for this client process")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.client_samples:
        from sampler import start_sampler

        start_sampler(str(Path(args.client_samples).resolve()))
    random.seed(args.seed)

    # Every participant holds a socket here and another in the server: raise the open-file limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * max(sizes) + 1024)), hard))

    data_dir = Path(tempfile.mkdtemp(prefix="rebours-bench-"))
    services = contextlib.ExitStack()
    process = None
    try:
        setup_django(data_dir)
        room = seed(max(sizes))
        env = {
            **os.environ,
            "REBOURS_DATA_DIR": str(data_dir),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "ERROR",
        }
        if args.redis:
            env["REDIS_URL"] = services.enter_context(redis_server())
        if args.samples:
            env["BENCH_SAMPLES"] = str(Path(args.samples).resolve())
        process, url = start_server(data_dir, env, args.workers)
        for size in sizes:
            # Screens start from the numbers the page would give them (earlier sizes posted too).
            streams = [
                f"day:{room['workshop']}",
                *{f"board:{p['board']}" for p in room["people"][:size]},
            ]
            # uvloop, as the server uses: the client has 2,000 sockets to serve too.
            result = uvloop.run(measure(url, room, size, last_numbers(streams), args))
            if args.json:
                print(
                    json.dumps(
                        {
                            k: result[k]
                            for k in (
                                "participants",
                                "sent",
                                "delivered_min",
                                "p50_ms",
                                "p99_ms",
                                "ratio_to_bare",
                            )
                        }
                    ),
                    flush=True,
                )
            else:
                print(
                    f"{size:>5} participants: {result['sent']} notes sent, worst-served member got "
                    f"{100 * result['delivered_min']:.1f}% of its group's; note to screen p50 "
                    f"{result['p50_ms']} ms, p99 {result['p99_ms']} ms; saturated: "
                    f"{result['rebours_deliveries_per_s']} deliveries/s vs bare Channels "
                    f"{result['bare_deliveries_per_s']}/s = ratio {result['ratio_to_bare']}; "
                    f"errors {result['errors']}; phases {result['phases_s']}; "
                    f"refused while saturating {result['refused_while_saturating']}",
                    flush=True,
                )
                if result["first_error"]:
                    print(f"      first error: {result['first_error']}", flush=True)
    except BaseException:
        log = data_dir / "server.log"
        if log.exists():
            print("--- the server's log, last lines:", file=sys.stderr)
            print("\n".join(log.read_text().splitlines()[-40:]), file=sys.stderr)
        raise
    finally:
        if process is not None:
            # SIGINT rather than SIGTERM: uvicorn re-raises the signal it caught once it has shut
            # down, and only SIGINT's default (KeyboardInterrupt) lets the sampler's report run.
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                print("the server did not stop in time; killed", file=sys.stderr)
        services.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
