"""Load benchmark: a crowd joins the demo workshop and works in it, on both deployment profiles.

    python bench/load.py [--participants 1000] [--duration 120] [--profiles postgres,sqlite]
                         [--json] [--note-every 120] [--dot-every 120] [--read-every 60]
                         [--samples DIR] [--seed 7]

For each profile, in a process of its own, it starts throwaway servers on 127.0.0.1 and a
`rebours serve` with its own data folder, migrated, with the demo loaded and the day prepared
and started by the demo's organiser (through the actions, in `rebours manage shell`):

- `postgres`: PostgreSQL and Redis started by scripts/with-services.sh, two workers;
- `sqlite`: the default single process, SQLite and the in-memory channel layer, one worker.

Then N simulated participants arrive over the first third of the run (at most 40 s) and **join
through the join flow**, as phones do after scanning the code: the join page, the form (name
and group, CSRF included), the redirect to their group's board, the board page (whose stream
numbers they subscribe from), then a websocket. Each one, at random (exponential) intervals,
posts a note (`--note-every` seconds on average) and places or takes back a dot (`--dot-every`)
until the vote opens, and reads a page (`--read-every`: the workshop, a theme, the catalogue or a
proposal) until the end. After 60% of the run the organiser opens the vote (the demo's
selection, opened again through the action: the permission table then keeps the boards as the
voters read them); each participant then casts a ballot grading every proposal with the form
(one in five changes it later), everyone within the last 40% of the run. That is about ten times
the pace of the workshop the demo comes from. The demo has eight groups open to joining, so a
note reaches about N/8 screens.

Printed for each profile: HTTP requests, commands and events per second; p50/p99 latencies of
HTTP (by kind) and of opening a websocket, of command acknowledgements and from a note's
sending to each screen of its group that was subscribed then (a screen still connecting catches
the note up with the rest); whether every screen received every note of its group; and the
writes acknowledged to clients against those counted in the database afterwards (people, notes,
dots, ballots, grades), which must be equal. Then the ratio between the two profiles. `--json`:
one JSON object per profile (the scaled one carries its ratios to the single process).

Everything is bounded: connections opened and requests in flight at once, each request and
command (30 s), the drain after the run. Loopback only. The client shares the machine with the
servers: the figures are for the whole, on whatever the machine is doing besides.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

import uvloop
import websockets

ROOT = Path(__file__).resolve().parent.parent
PROFILES = {
    "postgres": {"label": "PostgreSQL + Redis, 2 workers", "workers": 2},
    "sqlite": {"label": "SQLite + in-memory layer, 1 worker", "workers": 1},
}
SLUG = "regionales-2028"
HTTP_AT_ONCE = 48  # requests in flight at once, all participants together
CONNECT_AT_ONCE = 32  # websockets being opened at once
# Seconds a request or a command may take: generous, so that an overloaded server's late answers
# are still counted (a write stored after its client gave up would look unacknowledged).
TIMEOUT = 90
DRAIN_SECONDS = 20
RAMP_MAX = 40
# The share of the run that is the live day (joining, notes, dots); the vote opens after it.
DAY_SHARE = 0.6
VOTE_SETTLE = 2  # seconds between the opening of the vote and the first ballot
READS = ["workshop", "theme", "catalogue", "proposal"]
WORDS = [
    *("cantine", "bio", "vélo", "covoiturage", "jardins", "partagés", "tiers-lieu", "lycée"),
    *("énergie", "citoyenne", "mobilité", "rurale", "budget", "participatif", "conférence"),
    *("permanente", "eau", "friche", "atelier", "réparation", "« transition »", "culture"),
    *("forêt", "solidarité", "numérique", "sobriété", "<b>gras</b>", "l'été", "🌍"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(value: float | None) -> float | None:
    return None if value is None else round(1000 * value, 1)


# --- a small HTTP/1.1 client (one connection per request, as the standard library's, async) ---


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


def _dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


async def http(
    host: str,
    port: int,
    method: str,
    path: str,
    cookies: dict[str, str],
    form: dict[str, object] | None = None,
) -> Response:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Connection: close",
            "Accept: text/html",
            "Accept-Language: fr",
            "User-Agent: rebours-load",
        ]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if form is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: http://{host}:{port}",
            ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head, _, payload = raw.partition(b"\r\n\r\n")
    first, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(first.split(" ", 2)[1])
    headers = []
    for line in header_lines:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    for name, value in headers:
        if name == "set-cookie":
            cookie, _, _attrs = value.partition(";")
            key, _, val = cookie.partition("=")
            if val and "max-age=0" not in value.lower():
                cookies[key.strip()] = val.strip().strip('"')
    if ("transfer-encoding", "chunked") in headers:
        payload = _dechunk(payload)
    return Response(status, headers, payload)


def json_script(html: str, ident: str) -> object:
    start = html.index(f'<script id="{ident}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


# --- the crowd --------------------------------------------------------------------------------


class Gone(Exception):
    """The websocket closed before the answer came."""


@dataclass
class Participant:
    index: int
    arrive_at: float
    cookies: dict[str, str] = field(default_factory=dict)
    board: int = 0
    socket: object = None
    subscribed_at: float = 0.0
    pending: dict = field(default_factory=dict)
    seen_notes: set = field(default_factory=set)
    mine: dict = field(default_factory=dict)  # note id -> my dots on it
    used: int = 0
    budget: int = 5
    joined: bool = False
    connected: bool = False
    cursors: dict = field(default_factory=dict)  # stream -> last number received
    reader: asyncio.Task | None = None


@dataclass
class Tally:
    http: dict = field(default_factory=dict)  # kind -> latencies
    http_errors: dict = field(default_factory=dict)  # kind/status -> count
    commands: int = 0
    acks: list = field(default_factory=list)  # command latencies
    unanswered: int = 0
    refused: dict = field(default_factory=dict)
    events: int = 0
    note_latencies: list = field(default_factory=list)
    joins: int = 0
    notes: set = field(default_factory=set)  # ids acknowledged
    notes_by_board: dict = field(default_factory=dict)
    dots: int = 0  # acknowledged adds minus acknowledged removals
    ballots: dict = field(default_factory=dict)  # participant -> grades of the last acked
    ballots_unanswered: int = 0
    disconnections: int = 0
    closed_by: dict = field(default_factory=dict)  # "code reason" -> count, for lost sockets
    reconnections: int = 0


class Crowd:
    def __init__(self, url: str, setup: dict, args, seed: int, open_vote) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.ws_url = f"ws://{self.host}:{self.port}/ws/live/"
        self.origin = url
        self.setup = setup
        self.args = args
        self.random = random.Random(seed)
        self.tally = Tally()
        self.http_slots = asyncio.Semaphore(HTTP_AT_ONCE)
        self.connect_slots = asyncio.Semaphore(CONNECT_AT_ONCE)
        self.sent_at: dict[str, float] = {}
        self.board_notes: dict[int, list[int]] = {}
        self.ids = 0
        self.groups = 0  # open groups, as the join page lists them
        self.open_vote = open_vote  # the organiser's action, in a process of its own
        self.vote_opened_in: float | None = None
        self.members: dict[int, list[Participant]] = {}

    # --- requests ---

    async def request(self, kind: str, method: str, path: str, who: Participant, form=None):
        async with self.http_slots:
            started = time.monotonic()
            try:
                async with asyncio.timeout(TIMEOUT):
                    response = await http(self.host, self.port, method, path, who.cookies, form)
            except (OSError, TimeoutError, ValueError, IndexError) as error:
                key = f"{kind}: {type(error).__name__}"
                self.tally.http_errors[key] = self.tally.http_errors.get(key, 0) + 1
                return None
            self.tally.http.setdefault(kind, []).append(time.monotonic() - started)
            if response.status >= 400:
                key = f"{kind}: {response.status}"
                self.tally.http_errors[key] = self.tally.http_errors.get(key, 0) + 1
            return response

    async def command(self, who: Participant, name: str, data: dict) -> dict | None:
        if not who.connected:
            return None  # reconnecting: the screen would not send now
        self.ids += 1
        ident = self.ids
        waiter = asyncio.get_running_loop().create_future()
        who.pending[ident] = waiter
        started = time.monotonic()
        self.tally.commands += 1
        try:
            await who.socket.send(
                json.dumps(
                    {"type": "command", "id": ident, "name": name, "data": data},
                    ensure_ascii=False,
                )
            )
            async with asyncio.timeout(TIMEOUT):
                answer = await waiter
        except (TimeoutError, websockets.ConnectionClosed, Gone):
            self.tally.unanswered += 1
            return None
        finally:
            who.pending.pop(ident, None)
        self.tally.acks.append(time.monotonic() - started)
        if answer["type"] != "ack":
            code = answer.get("code", "?")
            self.tally.refused[code] = self.tally.refused.get(code, 0) + 1
            return None
        return answer["result"]

    # --- a participant's day ---

    async def live(self, who: Participant) -> None:
        try:
            await asyncio.sleep(max(0.0, who.arrive_at - time.monotonic()))
            if not await self.join(who):
                return
            end = self.end
            rand = self.random
            next_note = time.monotonic() + rand.expovariate(1 / self.args.note_every)
            next_dot = time.monotonic() + rand.expovariate(1 / self.args.dot_every)
            next_read = time.monotonic() + rand.expovariate(1 / self.args.read_every)
            # Boards are written to until the vote opens (the permission table then keeps them
            # as the voters read them); everyone votes once it is open.
            vote_at = rand.uniform(self.vote_opens + VOTE_SETTLE, end)
            change_at = rand.uniform(vote_at, end) if rand.random() < 0.2 else None
            while True:
                plan = [(next_read, "read")]
                if next_note < self.vote_opens:
                    plan.append((next_note, "note"))
                if next_dot < self.vote_opens:
                    plan.append((next_dot, "dot"))
                if vote_at is not None:
                    plan.append((vote_at, "vote"))
                elif change_at is not None:
                    plan.append((change_at, "vote"))
                wake, what = min(plan)
                if wake >= end:
                    return
                await asyncio.sleep(max(0.0, wake - time.monotonic()))
                if what == "note":
                    await self.post_note(who)
                    next_note = time.monotonic() + rand.expovariate(1 / self.args.note_every)
                elif what == "dot":
                    await self.dot(who)
                    next_dot = time.monotonic() + rand.expovariate(1 / self.args.dot_every)
                elif what == "read":
                    await self.read(who)
                    next_read = time.monotonic() + rand.expovariate(1 / self.args.read_every)
                else:
                    await self.vote(who)
                    if vote_at is not None:
                        vote_at = None
                    else:
                        change_at = None
        except websockets.ConnectionClosed:
            self.tally.disconnections += 1

    async def join(self, who: Participant) -> bool:
        token = self.setup["token"]
        page = await self.request("join", "GET", f"/j/{token}/", who)
        if page is None or page.status != 200:
            return False
        html = page.body.decode()
        groups = [int(g) for g in _radio_values(html, "group")]
        self.groups = len(groups)
        form = {
            "csrfmiddlewaretoken": who.cookies.get("csrftoken", ""),
            "display_name": f"Participant {who.index}",
            "group": groups[who.index % len(groups)],
        }
        answer = await self.request("join", "POST", f"/j/{token}/", who, form)
        if answer is None or answer.status != 302:
            return False
        self.tally.joins += 1
        place = await self.request("board", "GET", answer.header("location") or "", who)
        if place is None or place.status != 302:
            return False
        board_page = await self.request("board", "GET", place.header("location") or "", who)
        if board_page is None or board_page.status != 200:
            return False
        html = board_page.body.decode()
        streams = json_script(html, "streams")
        data = json_script(html, "board-data")
        who.board = data["board"]
        who.seen_notes.update(note["id"] for note in data["notes"])
        who.budget = data["me"]["budget"]
        self.board_notes.setdefault(who.board, []).extend(n["id"] for n in data["notes"])
        who.cursors = dict(streams)
        await self.open_socket(who)
        who.joined = True
        self.members.setdefault(who.board, []).append(who)
        who.reader = asyncio.create_task(self.read_frames(who))
        return True

    async def open_socket(self, who: Participant) -> None:
        """Connect and subscribe from the last numbers seen, as live.js does.

        Notes replayed while subscribing are caught up, not delivered live: their delay is that
        of opening the websocket (measured apart), so it stays out of the note-to-screen figures.
        """
        who.subscribed_at = 0.0
        async with self.connect_slots:
            started = time.monotonic()
            socket = await websockets.connect(
                self.ws_url,
                additional_headers={
                    "Cookie": "; ".join(f"{k}={v}" for k, v in who.cookies.items()),
                    "Origin": self.origin,
                },
                compression=None,
                max_queue=None,
                open_timeout=TIMEOUT,
                ping_interval=None,
            )
            hello = json.loads(await socket.recv())
            assert hello["type"] == "hello", hello
            await socket.send(json.dumps({"type": "subscribe", "streams": who.cursors}))
            waiting = set(who.cursors)
            while waiting:
                frame = json.loads(await socket.recv())
                if frame["type"] == "subscribed":
                    waiting.discard(frame["stream"])
                elif frame["type"] == "event":
                    self.on_event(who, frame, time.monotonic())
            self.tally.http.setdefault("websocket", []).append(time.monotonic() - started)
        who.socket = socket
        who.connected = True
        who.subscribed_at = time.monotonic()

    def on_event(self, who: Participant, frame: dict, now: float) -> None:
        self.tally.events += 1
        stream = frame["stream"]
        if frame.get("seq") is not None and frame["seq"] > who.cursors.get(stream, 0):
            who.cursors[stream] = frame["seq"]
        if frame.get("kind") == "note.created":
            note = frame["payload"]["note"]
            who.seen_notes.add(note["id"])
            sent = self.sent_at.get(note["text"])
            if sent is not None and who.subscribed_at and sent >= who.subscribed_at:
                self.tally.note_latencies.append(now - sent)

    async def read_frames(self, who: Participant) -> None:
        while True:
            try:
                async for raw in who.socket:
                    now = time.monotonic()
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind == "event":
                        self.on_event(who, frame, now)
                    elif kind in ("ack", "error"):
                        waiter = who.pending.get(frame.get("id"))
                        if waiter is not None and not waiter.done():
                            waiter.set_result(frame)
            except websockets.ConnectionClosed:
                pass
            if self.closing:
                return
            # Lost (a worker restarted): what was waiting gets no answer; come back.
            self.tally.disconnections += 1
            why = f"{who.socket.close_code} {who.socket.close_reason or ''}".strip()
            self.tally.closed_by[why] = self.tally.closed_by.get(why, 0) + 1
            who.connected = False
            for waiter in who.pending.values():
                if not waiter.done():
                    waiter.set_exception(Gone())
            delay = 0.5
            while not self.closing:
                await asyncio.sleep(delay)
                try:
                    await self.open_socket(who)
                    self.tally.reconnections += 1
                    break
                except (OSError, TimeoutError, websockets.WebSocketException):
                    delay = min(delay * 2, 8)

    async def post_note(self, who: Participant) -> None:
        words = " ".join(self.random.choice(WORDS) for _ in range(self.random.randint(4, 14)))
        self.ids += 1
        text = f"{words.capitalize()} ({who.index}.{self.ids})"
        self.sent_at[text] = time.monotonic()
        result = await self.command(who, "note.create", {"board": who.board, "text": text})
        if result is not None:
            self.tally.notes.add(result["note"])
            self.tally.notes_by_board.setdefault(who.board, set()).add(result["note"])
            self.board_notes.setdefault(who.board, []).append(result["note"])

    async def dot(self, who: Participant) -> None:
        notes = self.board_notes.get(who.board) or []
        if who.used >= who.budget and who.mine:
            note = self.random.choice([n for n, k in who.mine.items() if k > 0])
            name = "dot.remove"
        elif notes:
            note = self.random.choice(notes[-40:])
            name = "dot.add"
        else:
            return
        result = await self.command(who, name, {"board": who.board, "note": note})
        if result is not None:
            self.tally.dots += 1 if name == "dot.add" else -1
            who.mine[result["note"]] = result["mine"]
            who.used = result["used"]

    async def read(self, who: Participant) -> None:
        kind = self.random.choice(READS)
        if kind == "workshop":
            path = f"/w/{SLUG}/"
        elif kind == "theme":
            path = f"/w/{SLUG}/themes/{self.random.choice(self.setup['themes'])}/"
        elif kind == "catalogue":
            path = f"/w/{SLUG}/proposals/"
        else:
            path = f"/w/{SLUG}/proposals/{self.random.choice(self.setup['proposals'])}/"
        await self.request(f"page: {kind}", "GET", path, who)

    async def vote(self, who: Participant) -> None:
        page = await self.request("ballot", "GET", f"/w/{SLUG}/selection/", who)
        if page is None or page.status != 200:
            return
        grades = {
            key: self.random.randrange(self.setup["scale"]) for key in self.setup["proposals"]
        }
        form = {"csrfmiddlewaretoken": who.cookies.get("csrftoken", "")}
        form.update({f"grade-{key}": grade for key, grade in grades.items()})
        answer = await self.request("ballot", "POST", f"/w/{SLUG}/selection/ballot/", who, form)
        if answer is None:
            self.tally.ballots_unanswered += 1
        elif answer.status == 302:
            self.tally.ballots[who.index] = grades

    async def organiser(self) -> None:
        """Open the vote when the day's share of the run is over, as an organiser would."""
        await asyncio.sleep(max(0.0, self.vote_opens - time.monotonic()))
        started = time.monotonic()
        await asyncio.to_thread(self.open_vote)
        self.vote_opened_in = round(time.monotonic() - started, 1)

    # --- the run ---

    async def run(self, participants: int, duration: float) -> dict:
        self.closing = False
        start = time.monotonic()
        self.end = start + duration
        self.vote_opens = start + duration * DAY_SHARE
        ramp = min(duration / 3, RAMP_MAX)
        crowd = [Participant(i, start + self.random.uniform(0, ramp)) for i in range(participants)]
        tasks = [asyncio.create_task(self.live(p)) for p in crowd]
        tasks.append(asyncio.create_task(self.organiser()))
        done, pending = await asyncio.wait(tasks, timeout=duration + DRAIN_SECONDS + TIMEOUT)
        for task in pending:
            task.cancel()
        errors = [t.exception() for t in done if not t.cancelled() and t.exception()]
        active = time.monotonic() - start
        # Let the last notes reach every screen (bounded), then count who got what.
        settle = time.monotonic()
        while time.monotonic() - settle < DRAIN_SECONDS and self.missing(crowd):
            await asyncio.sleep(0.1)
        missing = self.missing(crowd)
        self.closing = True
        await asyncio.gather(
            *(asyncio.wait_for(p.socket.close(), 5) for p in crowd if p.socket),
            return_exceptions=True,
        )
        for p in crowd:
            if p.reader:
                p.reader.cancel()
        shares = [
            len(self.tally.notes_by_board.get(p.board, set()) & p.seen_notes)
            / len(self.tally.notes_by_board[p.board])
            for p in crowd
            if p.joined and self.tally.notes_by_board.get(p.board)
        ]
        return {
            "seconds": round(active, 1),
            "joined": sum(p.joined for p in crowd),
            "client_errors": [repr(e) for e in errors[:3]],
            "delivered_min": round(min(shares), 4) if shares else None,
            "screens_missing_notes": missing,
        }

    def missing(self, crowd: list[Participant]) -> int:
        return sum(
            1
            for p in crowd
            if p.joined and not self.tally.notes_by_board.get(p.board, set()) <= p.seen_notes
        )


def _radio_values(html: str, name: str) -> list[str]:
    marker = f'name="{name}" value="'
    values, start = [], 0
    while (found := html.find(marker, start)) >= 0:
        start = found + len(marker)
        values.append(html[start : html.index('"', start)])
    return values


# --- one profile, in a process of its own -----------------------------------------------------

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from rebours.exchange.demo import DEMO_ORGANISER
from rebours.facilitation.actions import do_prepare_day, do_start_day
from rebours.facilitation.permissions import day_access
from rebours.selection import queries
from rebours.selection.actions import do_open_selection
from rebours.selection.models import Selection
from rebours.workshops.models import Workshop
workshop = Workshop.objects.get(slug={SLUG!r})
organiser = get_user_model().objects.get(username=DEMO_ORGANISER)
_day, join = do_prepare_day(workshop, actor=organiser)
do_start_day(workshop, actor=day_access(organiser, {{}}, workshop))
selection = Selection.objects.get(workshop=workshop)
print(json.dumps({{
    "token": join.token,
    "themes": list(workshop.themes.values_list("key", flat=True)),
    "proposals": list(queries.selection_proposals(selection).values_list("key", flat=True)),
    "scale": len(selection.grades),
}}))
"""

OPEN_VOTE = f"""
import json
from rebours.selection.actions import do_open_selection
from rebours.selection.models import Selection
selection = Selection.objects.get(workshop__slug={SLUG!r})
do_open_selection(selection.workshop, actor=None, grades=list(selection.grades),
                  scope=selection.scope, colleges=list(selection.colleges))
print(json.dumps({{"opened": selection.pk}}))
"""

COUNT = f"""
import json
from rebours.board.models import Dot, Note
from rebours.selection.models import Ballot, BallotGrade
from rebours.workshops.models import Person
joined = Person.objects.filter(workshop__slug={SLUG!r}, key__startswith="j-")
print(json.dumps({{
    "people": joined.count(),
    "notes": Note.objects.filter(author__in=joined).count(),
    "dots": Dot.objects.filter(voter__in=joined).count(),
    "ballots": Ballot.objects.filter(voter__in=joined).count(),
    "grades": BallotGrade.objects.filter(ballot__voter__in=joined).count(),
}}))
"""


def rebours(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "rebours", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"rebours {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def shell_json(env: dict, code: str) -> dict:
    return json.loads(rebours(env, "manage", "shell", "-c", code).strip().splitlines()[-1])


def fresh_postgres_database(base: str) -> str:
    import psycopg

    name = f"rebours_load_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(base)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def cpu_seconds(pid: int) -> float:
    """User and system time of `pid` and its children still running (uvicorn's workers)."""
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for each in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_busy() -> tuple[float, float]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run_profile(profile: str, args) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, 4 * args.participants + 2048)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard < 0 else min(hard, want), hard))
    data_dir = Path(tempfile.mkdtemp(prefix=f"rebours-load-{profile}-"))
    env = {
        **os.environ,
        "REBOURS_DATA_DIR": str(data_dir),
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        # Every participant comes from 127.0.0.1 here: no limit on joins per address.
        "JOIN_ATTEMPTS_PER_MINUTE": str(10 * args.participants + 1000),
        "HTTP_WRITES_PER_MINUTE": str(10 * args.participants + 1000),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    workers = PROFILES[profile]["workers"]
    if profile == "postgres":
        if not env.get("DATABASE_URL", "").startswith("postgres") or not env.get("REDIS_URL"):
            raise RuntimeError("the postgres profile runs under scripts/with-services.sh")
        env["DATABASE_URL"] = fresh_postgres_database(env["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    process = None
    try:
        log(f"{profile}: migrating, loading the demo")
        rebours(env, "migrate", "--verbosity", "0")
        rebours(env, "demo", "--no-serve")
        setup = shell_json(env, SETUP)
        # As after an import: the similarity vectors of the proposals and initiatives are
        # computed once (the proposal pages would otherwise compute them in the background
        # during the run), then every page is read once (image variants are drawn then).
        rebours(env, "manage", "similar", SLUG, "--initiatives", "--json")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "rebours"]
        if args.samples:
            samples = Path(args.samples).resolve()
            samples.mkdir(parents=True, exist_ok=True)
            env["BENCH_SAMPLES"] = str(samples / f"{profile}-server")
            command = [sys.executable, str(ROOT / "bench" / "serve_sampled.py")]
        serve_log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [*command, "serve", "--no-migrate", "--port", str(port), "--workers", str(workers)],
            env=env,
            cwd=ROOT,
            stdout=serve_log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(url, process, data_dir)
        warm_up(url, setup)
        log(f"{profile}: {args.participants} participants for {args.duration:.0f} s")
        cpu_server, cpu_client = cpu_seconds(process.pid), time.process_time()
        busy = machine_busy()
        crowd = Crowd(url, setup, args, args.seed, open_vote=lambda: shell_json(env, OPEN_VOTE))
        outcome = uvloop.run(crowd.run(args.participants, args.duration))
        cpu_server = cpu_seconds(process.pid) - cpu_server
        cpu_client = time.process_time() - cpu_client
        busy_after = machine_busy()
        stored = shell_json(env, COUNT)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        serve_log.close()
        result = summarise(
            profile,
            args,
            crowd.tally,
            outcome,
            stored,
            crowd.groups,
            cpu_server,
            cpu_client,
            busy,
            busy_after,
        )
        # None if the organiser's action did not finish: the run then had no vote.
        result["vote_opened_s"] = crowd.vote_opened_in
        return result
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        if args.keep:
            log(f"{profile}: data and server log kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def warm_up(url: str, setup: dict) -> None:
    paths = [f"/w/{SLUG}/", f"/w/{SLUG}/proposals/", f"/w/{SLUG}/selection/"]
    paths += [f"/w/{SLUG}/themes/{key}/" for key in setup["themes"]]
    paths += [f"/w/{SLUG}/proposals/{key}/" for key in setup["proposals"]]
    for path in paths:
        with urllib.request.urlopen(url + path, timeout=TIMEOUT) as response:
            response.read()


def wait_until_up(url: str, process: subprocess.Popen, data_dir: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((data_dir / "server.log").read_text()[-3000:]) from None
            time.sleep(0.2)


def summarise(profile, args, tally, outcome, stored, groups, cpu_server, cpu_client, busy, after):
    seconds = outcome["seconds"]
    everything = [v for k, values in tally.http.items() if k != "websocket" for v in values]
    http_kinds = {
        kind: {"n": len(v), "p50_ms": ms(percentile(v, 0.5)), "p99_ms": ms(percentile(v, 0.99))}
        for kind, v in sorted(tally.http.items())
    }
    requests = sum(len(v) for k, v in tally.http.items() if k != "websocket")
    acked = {
        "people": tally.joins,
        "notes": len(tally.notes),
        "dots": tally.dots,
        "ballots": len(tally.ballots),
        "grades": sum(len(g) for g in tally.ballots.values()),
    }
    machine = (after[0] - busy[0]) / max(1, after[1] - busy[1])
    return {
        "profile": profile,
        "setup": PROFILES[profile]["label"],
        "participants": args.participants,
        "joined": outcome["joined"],
        "seconds": seconds,
        "requests": requests,
        "requests_per_s": round(requests / seconds, 1),
        "commands": tally.commands,
        "commands_per_s": round(tally.commands / seconds, 1),
        "events": tally.events,
        "events_per_s": round(tally.events / seconds, 1),
        "http_p50_ms": ms(percentile(everything, 0.5)),
        "http_p99_ms": ms(percentile(everything, 0.99)),
        "http": http_kinds,
        "http_errors": tally.http_errors,
        "ack_p50_ms": ms(percentile(tally.acks, 0.5)),
        "ack_p99_ms": ms(percentile(tally.acks, 0.99)),
        "note_to_screen_p50_ms": ms(percentile(tally.note_latencies, 0.5)),
        "note_to_screen_p99_ms": ms(percentile(tally.note_latencies, 0.99)),
        "delivered_min": outcome["delivered_min"],
        "screens_missing_notes": outcome["screens_missing_notes"],
        "acknowledged": acked,
        "stored": stored,
        "writes_match": acked == stored,
        "unanswered": {"commands": tally.unanswered, "ballots": tally.ballots_unanswered},
        "refused": tally.refused,
        "disconnections": tally.disconnections,
        "closed_by": tally.closed_by,
        "reconnections": tally.reconnections,
        "client_errors": outcome["client_errors"],
        "cpu_s": {"server": round(cpu_server, 1), "client": round(cpu_client, 1)},
        "machine_busy": round(machine, 2),
        "groups": groups,
    }


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


# --- the whole run: each profile in a child process, then the comparison ------------------------


def child_command(profile: str, args) -> list[str]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        profile,
        "--participants",
        str(args.participants),
        "--duration",
        str(args.duration),
        "--note-every",
        str(args.note_every),
        "--dot-every",
        str(args.dot_every),
        "--read-every",
        str(args.read_every),
        "--seed",
        str(args.seed),
    ]
    if args.samples:
        command += ["--samples", args.samples]
    if args.keep:
        command.append("--keep")
    if profile == "postgres":
        command = [str(ROOT / "scripts" / "with-services.sh"), *command]
    return command


def human(result: dict) -> str:
    h = result["http"]
    kinds = ", ".join(
        f"{kind} {v['p50_ms']}/{v['p99_ms']}" for kind, v in h.items() if kind != "websocket"
    )
    sockets = h.get("websocket", {})
    a, s = result["acknowledged"], result["stored"]
    writes = "; ".join(f"{k} {a[k]} acknowledged / {s[k]} stored" for k in a)
    verdict = "equal" if result["writes_match"] else "NOT EQUAL"
    lines = [
        f"{result['profile']} ({result['setup']}): {result['joined']}/{result['participants']} "
        f"participants joined, {result['groups']} groups, {result['seconds']} s; the vote "
        f"opened after {DAY_SHARE:.0%} of the run (the organiser's action took "
        f"{result.get('vote_opened_s')} s)",
        f"  HTTP: {result['requests']} requests, {result['requests_per_s']}/s; "
        f"p50 {result['http_p50_ms']} ms, p99 {result['http_p99_ms']} ms",
        f"    by kind, p50/p99 ms: {kinds}; opening a websocket "
        f"{sockets.get('p50_ms')}/{sockets.get('p99_ms')}",
        f"  live: {result['commands']} commands, {result['commands_per_s']}/s, acknowledged "
        f"p50 {result['ack_p50_ms']} ms, p99 {result['ack_p99_ms']} ms; "
        f"{result['events']} events delivered, {result['events_per_s']}/s",
        f"    note to screen (live: subscribed when it was sent) p50 "
        f"{result['note_to_screen_p50_ms']} ms, "
        f"p99 {result['note_to_screen_p99_ms']} ms; worst-served screen got "
        f"{100 * (result['delivered_min'] or 0):.1f}% of its group's notes",
        f"  writes: {writes} — {verdict}",
        f"  unanswered {result['unanswered']}, refused {result['refused']}, HTTP errors "
        f"{result['http_errors']}, disconnections {result['disconnections']} "
        f"(reconnected {result['reconnections']}; close codes {result['closed_by']})"
        + (f", client errors {result['client_errors']}" if result["client_errors"] else ""),
        f"  CPU: server {result['cpu_s']['server']} s, client {result['cpu_s']['client']} s; "
        f"machine busy {100 * result['machine_busy']:.0f}% (everything on it)",
    ]
    return "\n".join(lines)


RATIOS = {
    "requests_per_s": "HTTP requests/s",
    "events_per_s": "events/s",
    "http_p99_ms": "HTTP p99",
    "ack_p99_ms": "ack p99",
    "note_to_screen_p99_ms": "note-to-screen p99",
}


def ratios(scaled: dict, single: dict) -> dict:
    found = {}
    for key in RATIOS:
        if scaled.get(key) and single.get(key):
            found[key] = round(scaled[key] / single[key], 2)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=120, help="seconds, the ramp included")
    parser.add_argument("--profiles", default="postgres,sqlite")
    parser.add_argument("--json", action="store_true", help="one JSON object per profile")
    parser.add_argument("--note-every", type=float, default=120, help="mean seconds")
    parser.add_argument("--dot-every", type=float, default=120, help="mean seconds")
    parser.add_argument("--read-every", type=float, default=60, help="mean seconds")
    parser.add_argument("--samples", help="folder for where the servers' threads spent time")
    parser.add_argument("--keep", action="store_true", help="keep data folders and logs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=list(PROFILES), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print("RESULT " + json.dumps(run_profile(args.child, args), ensure_ascii=False))
        return 0

    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        parser.error(f"unknown profile(s): {', '.join(unknown)}")
    results = {}
    for profile in profiles:
        completed = subprocess.run(
            child_command(profile, args),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            timeout=args.duration + 900,
        )
        line = next((x for x in completed.stdout.splitlines() if x.startswith("RESULT ")), None)
        if completed.returncode != 0 or line is None:
            print(f"{profile}: the run failed (exit {completed.returncode})", file=sys.stderr)
            return 1
        results[profile] = json.loads(line.removeprefix("RESULT "))
        if not args.json:
            print(human(results[profile]), flush=True)
    if "sqlite" in results:
        for profile, result in results.items():
            if profile != "sqlite":
                result["ratio_to_sqlite"] = ratios(result, results["sqlite"])
    if args.json:
        for result in results.values():
            print(json.dumps(result, ensure_ascii=False))
    else:
        for profile, result in results.items():
            if "ratio_to_sqlite" in result:
                pairs = ", ".join(f"{RATIOS[k]} ×{v}" for k, v in result["ratio_to_sqlite"].items())
                print(f"{profile} / sqlite: {pairs}")
    return 0 if all(r["writes_match"] for r in results.values()) else 2


if __name__ == "__main__":
    sys.exit(main())
