"""Devices for the fault tests: a participant's screen on a websocket, a voter posting the form.

Both outlive the server they talk to: when it goes away they keep trying until it is back,
resume where they were, and keep a record of what the server acknowledged, what it refused and
what got no answer (sent while it was going down). A screen records every event it receives, so
a test can check that each stream arrived complete, in order and once.
"""

import asyncio
import contextlib
import http.client
import itertools
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import websockets

from tests.support.hostile import hostile

RETRY_SECONDS = 0.2
COMMAND_TIMEOUT = 30
IN_FLIGHT = 3  # commands a screen sends before it waits for answers


class Lost(Exception):
    """The connection went away before the server answered."""


@dataclass
class Screen:
    """One participant's board page, as live.js runs it, without the page."""

    url: str
    session: str
    board: int
    streams: list[str]
    name: str = ""
    cursors: dict[str, int] = field(default_factory=dict)
    seen: dict[str, list[int]] = field(default_factory=dict)  # every event number received
    notes_on_board: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # of the notes received
    acked_notes: dict[int, str] = field(default_factory=dict)  # note id -> text
    sent_notes: list[str] = field(default_factory=list)
    dots_sent: int = 0
    dots_acked: int = 0
    refused: list[dict] = field(default_factory=list)
    lost: int = 0  # commands that got no answer
    resent: int = 0  # refused as `restarting` by a stopping server, sent again
    burst_outcomes: list[str] = field(default_factory=list)
    burst_first: list[str] = field(default_factory=list)  # the first answer to each
    frames_sent: int = 0  # commands written to the socket
    connections: int = 0
    failed: list[str] = field(default_factory=list)  # unexpected frames or errors

    def __post_init__(self) -> None:
        self.cursors = {stream: 0 for stream in self.streams}
        self.seen = {stream: [] for stream in self.streams}
        self._socket: Any = None
        self._pending: dict[str, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._live = asyncio.Event()  # connected and subscribed
        self._stopping = False
        self._tasks: set[asyncio.Task] = set()

    # --- the connection -------------------------------------------------------------------

    async def run(self) -> None:
        """Stay connected until stopped, reconnecting and resuming from the last numbers."""
        while not self._stopping:
            with contextlib.suppress(
                OSError, websockets.WebSocketException, TimeoutError, EOFError
            ):
                await self._session()
            self._drop()
            if not self._stopping:
                await asyncio.sleep(RETRY_SECONDS)

    async def _session(self) -> None:
        socket = await websockets.connect(
            self.url.replace("http", "ws", 1) + "/ws/live/",
            additional_headers={"Cookie": f"sessionid={self.session}", "Origin": self.url},
            open_timeout=10,
            ping_interval=None,
            max_queue=None,
        )
        self._socket = socket
        self.connections += 1
        await socket.send(json.dumps({"type": "subscribe", "streams": dict(self.cursors)}))
        waiting = set(self.streams)
        async for raw in socket:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "event" and frame.get("seq") is not None:
                self._event(frame)
            elif kind == "subscribed":
                waiting.discard(frame["stream"])
                if not waiting:
                    self._live.set()
            elif kind in ("ack", "error") and frame.get("id") in self._pending:
                future = self._pending.pop(frame["id"])
                if not future.done():
                    future.set_result(frame)
            elif kind == "error":
                self.failed.append(json.dumps(frame, ensure_ascii=False))

    def _event(self, frame: dict[str, Any]) -> None:
        stream, seq = frame["stream"], frame["seq"]
        self.seen.setdefault(stream, []).append(seq)
        self.cursors[stream] = max(self.cursors.get(stream, 0), seq)
        if frame["kind"] == "note.created":
            self.notes_on_board.append(frame["payload"]["note"]["id"])
            self.texts.append(frame["payload"]["note"]["text"])

    def _drop(self) -> None:
        self._live.clear()
        self._socket = None
        for future in self._pending.values():
            if not future.done():
                future.set_exception(Lost())
        self._pending.clear()

    async def wait_live(self, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            await self._live.wait()

    def caught_up(self, last: dict[str, int]) -> bool:
        return all(self.cursors.get(stream, 0) >= last.get(stream, 0) for stream in self.streams)

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._tasks):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, COMMAND_TIMEOUT)
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._socket.close(), 5)

    # --- commands -------------------------------------------------------------------------

    async def command(
        self, name: str, data: dict[str, Any], first: list[str] | None = None
    ) -> dict[str, Any]:
        """The server's answer (an ack or an error); raises Lost without one.

        A command a stopping server refused as `restarting` (it did not run it) is sent again
        once reconnected, as live.js does. `first` receives the first answer's kind ("ack", an
        error's code, or "lost"): what the server the command was first sent to made of it.
        """
        for attempt in range(3):
            try:
                answer = await self._send(name, data)
            except Lost:
                if first is not None and attempt == 0:
                    first.append("lost")
                raise
            if first is not None and attempt == 0:
                first.append("ack" if answer["type"] == "ack" else answer.get("code", "?"))
            if answer.get("code") != "restarting":
                return answer
            self.resent += 1
            connection = self.connections
            async with asyncio.timeout(COMMAND_TIMEOUT):
                while not (self.connections > connection and self._live.is_set()):
                    await asyncio.sleep(0.02)
        return answer

    async def _send(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        socket = self._socket
        if socket is None or not self._live.is_set():
            raise Lost()
        ident = f"c{next(self._ids)}"
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        try:
            await socket.send(
                json.dumps(
                    {"type": "command", "id": ident, "name": name, "data": data},
                    ensure_ascii=False,
                )
            )
            self.frames_sent += 1
            async with asyncio.timeout(COMMAND_TIMEOUT):
                return await future
        except (websockets.WebSocketException, OSError, TimeoutError) as error:
            raise Lost() from error
        finally:
            self._pending.pop(ident, None)

    async def post_note(self, text: str, first: list[str] | None = None) -> str:
        """Post a note; "acked", "refused" or "lost" (no answer)."""
        self.sent_notes.append(text)
        try:
            answer = await self.command(
                "note.create", {"board": self.board, "text": text}, first=first
            )
        except Lost:
            self.lost += 1
            return "lost"
        if answer["type"] == "ack":
            self.acked_notes[answer["result"]["note"]] = text
            return "acked"
        self.refused.append(answer)
        return "refused"

    async def add_dot(self, note: int) -> None:
        self.dots_sent += 1
        try:
            answer = await self.command("dot.add", {"board": self.board, "note": note})
        except Lost:
            self.lost += 1
            return
        if answer["type"] == "ack":
            self.dots_acked += 1
        else:
            self.refused.append(answer)

    def burst(self, tag: str, count: int = IN_FLIGHT) -> None:
        """Send `count` notes at once, without waiting for their answers."""

        async def one(index: int) -> None:
            text = f"{hostile('burst')} {tag} {self.name}-b{index}"
            self.burst_outcomes.append(await self.post_note(text, first=self.burst_first))

        for index in range(count):
            task = asyncio.create_task(one(index))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    async def write(self, tag: str, pace: float = 0.25) -> None:
        """Post notes (and now and then a dot) until stopped, a few commands in flight at once,
        carrying on through disconnections."""
        for count in itertools.count():
            if self._stopping:
                return
            if not self._live.is_set():
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if len(self._tasks) >= IN_FLIGHT:
                await asyncio.sleep(0.02)
                continue
            if count % 5 == 4 and self.notes_on_board:
                job = self.add_dot(self.notes_on_board[count % len(self.notes_on_board)])
            else:
                job = self.post_note(f"{hostile('note')} {tag} {self.name}-{count}")
            task = asyncio.create_task(job)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(pace)


# --- a voter, through the ballot form -----------------------------------------------------------


@dataclass
class Voter:
    """A participant who casts (and changes) a ballot with the form, as a browser posts it."""

    url: str
    slug: str
    session: str
    person: int
    proposals: list[str]
    scale: int
    submitted: list[tuple[dict[str, int], int | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._csrf = secrets.token_hex(16)  # 32 characters, as Django's cookie holds
        self._stopping = False
        self.posting = False  # a ballot is on its way, its answer not read yet

    def grades(self, attempt: int) -> dict[str, int]:
        return {key: (attempt + index) % self.scale for index, key in enumerate(self.proposals)}

    def post(self, grades: dict[str, int]) -> int | None:
        """The HTTP status, or None when the connection failed before an answer."""
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
        body = urlencode(
            {"csrfmiddlewaretoken": self._csrf, **{f"grade-{k}": v for k, v in grades.items()}}
        )
        try:
            connection.request(
                "POST",
                f"/w/{self.slug}/selection/ballot/",
                body=body,
                headers={
                    "Cookie": f"sessionid={self.session}; csrftoken={self._csrf}",
                    "Origin": self.url,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()

    @property
    def acked(self) -> int:
        return sum(status == 302 for _grades, status in self.submitted)

    async def vote(self, pace: float = 0.1) -> None:
        """Cast a ballot, then change it again and again, until stopped."""
        for attempt in itertools.count():
            if self._stopping:
                return
            grades = self.grades(attempt)
            self.posting = True
            try:
                status = await asyncio.to_thread(self.post, grades)
            finally:
                self.posting = False
            self.submitted.append((grades, status))
            await asyncio.sleep(pace if status is not None else RETRY_SECONDS)

    def stop(self) -> None:
        self._stopping = True


async def wait_until(condition, timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail with `what` after `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None
