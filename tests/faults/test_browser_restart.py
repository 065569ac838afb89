"""The board in Chromium outlives a server restart: live.js reconnects by itself, shows the notes
others posted meanwhile through the restarted server, each once, and posts again."""

import asyncio
import json
import signal
import threading

import pytest
from playwright.sync_api import expect

from tests.support.devices import Screen, wait_until
from tests.support.hostile import hostile

pytestmark = pytest.mark.browser

RECONNECT_MS = 60_000  # live.js backs off up to 15 s between attempts; the server takes a few


def prepare(server, slug: str) -> dict:
    out = server.python(
        "from tests.support.faults import prepare_room, print_json; "
        f"print_json(prepare_room({slug!r}, 2))"
    )
    return json.loads(out.strip().splitlines()[-1])


class Other:
    """Another participant of the group, on a websocket, in a thread of its own (Playwright's
    sync API keeps this thread's event loop)."""

    def __init__(self, url: str, person: dict) -> None:
        self.screen: Screen | None = None
        self._args = (url, person)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._runner = self.call(self._start(), wait=False)

    def call(self, coroutine, *, wait: bool = True, timeout: float = 60):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout) if wait else future

    async def _start(self) -> None:
        url, person = self._args
        self.screen = Screen(url, person["session"], person["board"], [f"board:{person['board']}"])
        await self.screen.run()

    async def _post(self, text: str) -> str:
        assert self.screen is not None
        await self.screen.wait_live(RECONNECT_MS / 1000)
        return await self.screen.post_note(text)

    def post(self, text: str) -> None:
        assert self.call(self._post(text)) == "acked"

    def sees(self, text: str) -> None:
        async def seen() -> None:
            await wait_until(
                lambda: text in self.screen.texts, 30, f"the other screen to receive {text!r}"
            )

        self.call(seen())

    def stop(self) -> None:
        if self.screen is not None:
            self.call(self.screen.stop())
        self._runner.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def note(page, text):
    return page.locator(".note__text", has_text=text)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_the_board_reconnects_by_itself_and_shows_what_was_posted_meanwhile(
    server, page, dialogs, shoot, sig
):
    if not server.up():
        server.restart()
    slug = f"browser-{signal.Signals(sig).name.lower()}"
    room = prepare(server, slug)
    me, other_person = room["people"][0], room["people"][1]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.context.add_cookies([{"name": "sessionid", "value": me["session"], "url": server.url}])
    page.goto(f"{server.url}/w/{slug}/live/boards/g1/")
    status = page.locator("[data-live-status]")
    expect(status).to_have_attribute("data-status", "live")

    other = Other(server.url, other_person)
    try:
        before = hostile("avant")
        other.post(before)
        expect(note(page, "avant")).to_have_text(before)

        server.kill(sig)
        expect(status).not_to_have_attribute("data-status", "live", timeout=RECONNECT_MS)
        # The browser stays cut off until the notes are posted through the restarted server,
        # so that it must catch up on them rather than receive them live.
        page.context.set_offline(True)
        server.restart()
        meanwhile = [hostile("pendant 1"), hostile("pendant 2")]
        for text in meanwhile:
            other.post(text)
        page.wait_for_timeout(1500)  # a reconnection attempt or two, refused by the network
        expect(page.locator(".note")).to_have_count(1)
        page.context.set_offline(False)
        for text, label in zip(meanwhile, ("pendant 1", "pendant 2"), strict=True):
            expect(note(page, label)).to_have_text(text, timeout=RECONNECT_MS)
        expect(status).to_have_attribute("data-status", "live", timeout=RECONNECT_MS)

        # Commands work again, both ways, and nothing shows twice.
        after = hostile("après")
        page.fill("#note-text", after)
        page.locator("[data-note-form] button").click()
        expect(note(page, "après")).to_have_text(after)
        other.sees(after)
        expect(page.locator(".note")).to_have_count(4)
        shoot(page, f"faults-board-after-{signal.Signals(sig).name.lower()}")
    finally:
        other.stop()
    assert errors == [] and dialogs == []
