"""The live day in Chromium: a facilitator, two participants of one group and the wall, at once.

Every screen must agree: the notes, their dots, the clusters, the proposal draft, the timer and the
messages. The server is a real subprocess; the four screens are four browser contexts (four
separate sets of cookies, as four devices would be).
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.support.hostile import SCRIPT, hostile
from tests.support.liveday import PASSWORD, live_document
from tests.support.server import start_server

SLUG = "live"


@pytest.fixture(scope="module")
def day_server():
    server = start_server(demo=False)
    document = server.data_dir / "live.json"
    document.write_text(json.dumps(live_document(SLUG), ensure_ascii=False))
    server.rebours("import", str(document))
    server.python(
        "from tests.support.liveday import make_accounts; "
        f"make_accounts({SLUG!r}, password={PASSWORD!r})"
    )
    yield server
    server.stop()


class Screen:
    """One device: a browser context with its page, watching for dialogs and script errors."""

    def __init__(self, browser, name, *, locale="fr-FR", width=1280, height=900):
        self.name = name
        self.context = browser.new_context(
            locale=locale, viewport={"width": width, "height": height}
        )
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = self.open_page()

    def open_page(self):
        page = self.context.new_page()
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def ready(self, page=None):
        expect((page or self.page).locator("body[data-ready]")).to_have_count(1)
        expect((page or self.page).locator('[data-live-status][data-status="live"]')).to_have_count(
            1
        )

    def clean(self):
        assert self.dialogs == [], (self.name, self.dialogs)
        assert self.errors == [], (self.name, self.errors)


def note(page, text):
    return page.locator(".note", has=page.locator(".note__text", has_text=text))


def test_four_screens_agree(browser, day_server, shoot):
    url = day_server.url
    facilitator = Screen(browser, "facilitator")
    ana = Screen(browser, "ana", locale="en-GB", width=1200)
    bo = Screen(browser, "bo", width=390, height=844)  # on a phone
    wall = Screen(browser, "wall", width=1920, height=1080)

    # The facilitator signs in and lands on the console, with the join and wall links.
    console = facilitator.page
    console.goto(f"{url}/accounts/login/?next=/w/{SLUG}/live/")
    console.fill("input[name=username]", f"fac1-{SLUG}")
    console.fill("input[name=password]", PASSWORD)
    console.locator("main form button[type=submit]").click()
    expect(console).to_have_url(re.compile(r"/live/console/$"))
    facilitator.ready()
    join_link = console.input_value("#join-link")
    wall.page.goto(console.input_value("#wall-link"))
    wall.ready()
    expect(wall.page).to_have_url(f"{url}/w/{SLUG}/live/wall/")  # the secret left the address bar

    # Two participants join group one from the link, without an account.
    for screen, name in ((ana, hostile("Ana")[:60]), (bo, "Bo")):
        screen.page.goto(join_link)
        screen.page.fill("#join-name", name)
        screen.page.locator(".join__group", has_text="group one").click()
        screen.page.locator("main form button[type=submit]").click()
        expect(screen.page).to_have_url(f"{url}/w/{SLUG}/live/boards/g1/")
        screen.ready()
    expect(console.locator("[data-participants] tbody tr")).to_have_count(2)

    # The facilitator also opens the group's board, to moderate it.
    board = facilitator.open_page()
    board.goto(f"{url}/w/{SLUG}/live/boards/g1/")
    facilitator.ready(board)
    boards = [ana.page, bo.page, board]

    # The day starts; the wall shows the first press article; every screen shows the same item.
    console.locator("[data-command='day.start']").click()
    for page in [*boards, wall.page, console]:
        expect(page.locator("[data-day-item]")).to_have_text(hostile("opening"))
    expect(wall.page.locator("[data-press-headline]")).to_have_text(hostile("headline one"))
    # Paused, the timer is frozen: every screen must show exactly the same time left.
    console.locator("[data-command='timer.pause']").click()
    console.locator("[data-command='timer.extend'][data-seconds='300']").click()
    expect(console.locator("[data-daybar].is-paused")).to_have_count(1)
    shown = console.locator("[data-day-clock]")
    expect(shown).to_have_text(re.compile(r"^3[45]:\d\d$"))  # 30 min + 5, minus a few seconds
    frozen = shown.inner_text()
    for page in [*boards, wall.page]:
        expect(page.locator("[data-day-clock]")).to_have_text(frozen)
    console.locator("[data-command='timer.resume']").click()
    console.locator("[data-command='agenda.skip']").click()
    for page in [*boards, wall.page]:
        expect(page.locator("[data-day-item]")).to_have_text(hostile("session one"))
    console.locator("[data-command='wall.show'][data-view='boards']:not([data-article])").click()
    expect(wall.page.locator("[data-view='boards']")).to_be_visible()

    # Ana posts a hostile note: it shows as text on every screen and on the wall.
    idea = hostile("idée")
    ana.page.fill("#note-text", idea)
    ana.page.locator("[data-note-form] button").click()
    for page in boards:
        expect(note(page, "idée").locator(".note__text")).to_have_text(idea)
    wall_group = wall.page.locator("[data-board]", has_text="group one").first
    expect(wall_group.locator(".wall-note__text", has_text="idée")).to_have_text(idea)
    bo.page.fill("#note-text", "Une cantine bio dans chaque lycée")
    bo.page.locator("[data-note-form] button").click()
    for page in boards:
        expect(page.locator(".note")).to_have_count(2)

    # Dots: Bo places three on Ana's note, every screen counts them; his budget shows what is left.
    for _ in range(3):
        before = note(bo.page, "idée").locator(".note__dots").inner_text()
        note(bo.page, "idée").locator("[data-action=dot-add]").click()
        expect(note(bo.page, "idée").locator(".note__dots")).not_to_have_text(before)
    for page in boards:
        expect(note(page, "idée").locator(".note__dots")).to_have_text("3 ●")
    expect(
        wall_group.locator(".wall-note", has_text="idée").locator(".wall-note__dots")
    ).to_have_text("3 ●")
    expect(bo.page.locator("[data-dot-budget]")).to_contain_text("2")

    # Clusters: Ana makes one and drags her note into it; Bo sorts his with the keyboard's select.
    ana.page.fill("#cluster-name", "Cantines")
    ana.page.locator("[data-cluster-form] button").click()
    lane = '[data-lane]:not([data-lane=""])'
    for page in boards:
        expect(page.locator(f"{lane} .lane__title")).to_have_text("Cantines")
    note(ana.page, "idée").drag_to(ana.page.locator(lane))
    note(bo.page, "cantine bio").locator("select[data-action=move]").select_option(label="Cantines")
    for page in boards:
        expect(page.locator(f"{lane} .note")).to_have_count(2)
    expect(wall_group.locator("[data-count=clusters]")).to_have_text("1")
    # The wall speaks French by default and counts in it: "1 regroupement", "2 notes".
    expect(wall_group.locator("[data-count-label=clusters]")).to_have_text("regroupement")

    # A stale edit is a conflict, never an overwrite: Ana edits while the facilitator fixes a typo.
    note(ana.page, "idée").locator("[data-action=edit]").click()
    ana.page.locator(".note__editor").fill("Ana's version")
    note(board, "idée").locator("[data-action=edit]").click()
    board.locator(".note__editor").fill("The facilitator's version")
    board.locator("[data-action=save]").click()
    for page in (bo.page, board):
        expect(note(page, "facilitator's version")).to_have_count(1)
    ana.page.locator("[data-action=save]").click()
    expect(ana.page.locator(".note__conflict")).to_contain_text("The facilitator's version")
    expect(ana.page.locator("[data-board-error]")).to_be_visible()
    expect(note(bo.page, "Ana's version")).to_have_count(0)

    # The facilitator turns the cluster into a proposal draft; every board links to the editor.
    board.locator("[data-propose]").click()
    for page in (bo.page, board):
        link = page.locator(f"{lane} a", has_text=re.compile("."))
        expect(link).to_have_attribute("href", re.compile(rf"^/w/{SLUG}/proposals/cantines/edit/$"))
        expect(page.locator("[data-proposals] li")).to_have_count(1)

    # A message reaches every screen.
    console.fill("#day-message-text", "10 minutes left")
    console.locator("[data-message-form] button[type=submit]").click()
    for page in [*boards, wall.page]:
        expect(page.locator("[data-day-message]")).to_have_text("10 minutes left")

    # Everything the screens show is in the database, once.
    counts = day_server.python(
        "from rebours.board.models import Note, Dot, Cluster;"
        "print(Note.objects.count(), Dot.objects.count(), Cluster.objects.count())"
    )
    assert counts.strip().splitlines()[-1].split() == ["2", "3", "1"]

    for page, name in (
        (console, "live-console"),
        (board, "live-board-facilitator"),
        (ana.page, "live-board-participant"),
        (bo.page, "live-board-phone"),
        (wall.page, "live-wall-boards"),
    ):
        assert SCRIPT not in page.content() or "&lt;script&gt;" in page.content()
        shoot(page, name)
    console.locator("[data-command='wall.show'][data-view='press']:not([data-article])").click()
    expect(wall.page.locator("[data-view='press']")).to_be_visible()
    shoot(wall.page, "live-wall-press")
    console.locator("[data-command='wall.show'][data-view='join']").click()
    expect(wall.page.locator("[data-view='join']")).to_be_visible()
    shoot(wall.page, "live-wall-join")
    for screen in (facilitator, ana, bo, wall):
        screen.clean()
        screen.context.close()


def test_a_screen_without_websockets_follows_by_polling(browser, day_server, shoot):
    """A proxy that blocks websockets: the board reads the same event log over HTTP."""
    url = day_server.url
    blocked = Screen(browser, "no-websockets")
    blocked.context.add_init_script("delete window.WebSocket;")
    other = Screen(browser, "with-websockets")
    join_link = day_server.python(
        "from rebours.facilitation.models import JoinSettings;"
        f"print(JoinSettings.objects.get(workshop__slug={SLUG!r}).token)"
    )
    join_link = f"{url}/j/{join_link.strip().splitlines()[-1]}/"
    for screen, name in ((blocked, "Cy"), (other, "Dee")):
        screen.page.goto(join_link)
        screen.page.fill("#join-name", name)
        screen.page.locator(".join__group", has_text="group two").click()
        screen.page.locator("main form button[type=submit]").click()
        expect(screen.page).to_have_url(f"{url}/w/{SLUG}/live/boards/g2/")
    expect(blocked.page.locator('[data-live-status][data-status="polling"]')).to_have_count(1)
    other.ready()

    other.page.fill("#note-text", "Posted over a websocket")
    other.page.locator("[data-note-form] button").click()
    expect(note(blocked.page, "over a websocket")).to_have_count(1)
    blocked.page.fill("#note-text", "Posted over plain HTTP")
    blocked.page.locator("[data-note-form] button").click()
    expect(note(other.page, "over plain HTTP")).to_have_count(1)
    note(blocked.page, "over a websocket").locator("[data-action=dot-add]").click()
    expect(note(other.page, "over a websocket").locator(".note__dots")).to_have_text("1 ●")
    expect(blocked.page.locator(".note")).to_have_count(2)  # each note once
    shoot(blocked.page, "live-board-polling")
    for screen in (blocked, other):
        screen.clean()
        screen.context.close()


def test_the_organiser_assigns_groups_and_the_lobby_follows(browser, day_server):
    url = day_server.url
    organiser = Screen(browser, "organiser")
    waiting = Screen(browser, "waiting", width=390, height=844)
    console = organiser.page
    console.goto(f"{url}/accounts/login/?next=/w/{SLUG}/live/console/")
    console.fill("input[name=username]", f"org-{SLUG}")
    console.fill("input[name=password]", PASSWORD)
    console.locator("main form button[type=submit]").click()
    organiser.ready()
    console.locator("[data-join-form] input[name=group_choice][value=assign]").check()
    console.locator("[data-join-form] button[type=submit]").click()
    expect(console.locator("[data-console-ok]")).to_be_visible()

    waiting.page.goto(console.input_value("#join-link"))
    expect(waiting.page.locator("input[name=group]")).to_have_count(0)
    waiting.page.fill("#join-name", "Eve")
    waiting.page.locator("main form button[type=submit]").click()
    expect(waiting.page).to_have_url(f"{url}/w/{SLUG}/live/lobby/")
    expect(waiting.page.locator("body[data-ready]")).to_have_count(1)

    # Every row's select lists the (hostile) group titles: find Eve's row by its name cell.
    row = console.locator("[data-participants] tr").filter(
        has=console.get_by_role("cell", name="Eve", exact=True)
    )
    options = row.locator("select option")
    expect(options.first).to_have_attribute("value", "")  # "waiting for a group" comes first
    group_two = row.locator("select option", has_text="group two").get_attribute("value")
    row.locator("select").select_option(value=group_two)
    expect(waiting.page).to_have_url(f"{url}/w/{SLUG}/live/boards/g2/")
    waiting.ready()

    # Everyone is in: a new join link retires the one that was on the wall.
    old_link = console.input_value("#join-link")
    console.locator("[data-renew-link]").click()
    console.locator("[data-renew-link]").click()
    expect(console.locator("#join-link")).not_to_have_value(old_link)
    assert waiting.context.request.get(old_link).status == 404
    for screen in (organiser, waiting):
        screen.clean()
        screen.context.close()
