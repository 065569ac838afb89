"""Hostile text on every page type, in Chromium: it reads as text, no script runs, no dialog opens.

The server holds the hostile document (every text field of the exchange format carries a
`<script>` and an `<img onerror>`), people who joined under names made of those payloads, live
notes and a cluster posted with them, a message to every screen, a public voter's ballot. Each
page is opened by someone allowed to see it; on each: no dialog, no script error (a blocked
inline script would be one: the strict Content-Security-Policy reports it), no element carrying
an `on…` attribute, no inline script, and the payloads shown as text where the page shows them.
Also: the session cookie is Secure and Chromium keeps it on http://127.0.0.1.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.support.hostile import IMG, SCRIPT
from tests.support.server import start_server

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rebours.board.actions import do_create_cluster, do_create_note
from rebours.board.permissions import board_access
from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.facilitation import actions as day
from rebours.facilitation.permissions import day_access
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import IMG, SCRIPT, hostile, hostile_document

document = hostile_document()
w = do_import_workshop(Package(document=document), actor=None).workshop
orga = get_user_model().objects.create_user("orga", password="mot-de-passe-orga", is_staff=True)
console = day_access(orga, {}, w)
join = day.do_prepare_day(w, actor=orga)[1]
day.do_start_day(w, actor=console)
t1 = w.themes.get(key="t-1")
member = day.do_join_workshop(join, actor=None, display_name=SCRIPT, theme=t1.pk)
day.do_join_workshop(join, actor=None, display_name=IMG, theme=t1.pk)
day.do_update_join_settings(w, actor=console, group_choice="assign")
waiting = day.do_join_workshop(join, actor=None, display_name=IMG + " 2", theme=None)

def session_of(person):
    store = SessionStore()
    store[participant_session_key(w)] = person.pk
    store.create()
    return store.session_key

access = board_access(None, {participant_session_key(w): member.pk}, t1)
for text in (hostile("live note"), SCRIPT, IMG, "<svg onload=alert(1)>"):
    do_create_note(t1, actor=access, text=text)
do_create_cluster(t1, actor=access, name=(SCRIPT + IMG)[:80])
day.do_send_message(w, actor=console, text=(SCRIPT + " " + IMG)[:200])
day.do_show_on_wall(w, actor=console, view="boards")
print(json.dumps({"member": session_of(member), "waiting": session_of(waiting)}))
"""

OPEN_THE_VOTE = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rebours.selection.actions import do_cast_ballot, do_join_as_public, do_open_selection
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import IMG

w = Workshop.objects.get(slug="hostile")
selection = w.selections.get()
orga = get_user_model().objects.get(username="orga")
do_open_selection(
    w, actor=orga, grades=list(selection.grades), colleges=["elected", "participant", "public"],
    results_visibility="live",
)
voter = do_join_as_public(selection, actor=None, display_name=IMG)
do_cast_ballot(selection, voter, actor=voter, grades={"p-1": 2, "p-2": 0})
store = SessionStore()
store[participant_session_key(w)] = voter.pk
store.create()
print(json.dumps({"public": store.session_key}))
"""


@pytest.fixture(scope="module")
def hostile_server():
    server = start_server(demo=False, extra_env={"REBOURS_SIMILARITY_BACKGROUND": "0"})
    sessions = json.loads(server.python(SETUP).strip().splitlines()[-1])
    yield server, sessions
    server.stop()


class Visitor:
    """One browser context (one device), watching for dialogs and script errors."""

    def __init__(self, browser, server, session: str | None = None):
        self.context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        if session:
            self.context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load resource")
                and self.errors.append(m.text)
            ),
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def sign_in(self, server, username: str) -> None:
        self.page.goto(server.url + "/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "mot-de-passe-" + username)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_url(re.compile(r".*/$"))


def inspect(visitor: Visitor, url: str, *, ready: str | None, shows: tuple[str, ...]) -> None:
    page = visitor.page
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    if ready:
        expect(page.locator(ready)).to_have_count(1)
    # Nothing the payloads could have become: no element with a handler, no inline script.
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
            .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"""
    )
    assert handlers == [], (url, handlers)
    inline = page.evaluate(
        """() => [...document.scripts].filter(s => !s.src && s.type !== 'application/json')
            .map(s => s.outerHTML.slice(0, 80))"""
    )
    assert inline == [], (url, inline)
    text = page.locator("body").inner_text()
    for payload in shows:
        assert payload in text, (url, payload)
    assert visitor.dialogs == [], (url, visitor.dialogs)
    assert visitor.errors == [], (url, visitor.errors)


def test_live_notes_with_payloads_render_as_text(browser, hostile_server):
    server, sessions = hostile_server
    member = Visitor(browser, server, sessions["member"])
    inspect(
        member,
        server.url + "/w/hostile/live/boards/t-1/",
        ready="body[data-ready]",
        shows=(SCRIPT, IMG),
    )
    # A note posted from the page itself arrives through the live stream and is drawn by script.
    page = member.page
    expect(page.locator('[data-live-status][data-status="live"]')).to_have_count(1)
    page.fill("#note-text", f"{IMG} posted {SCRIPT}")
    page.locator("[data-note-form] button[type=submit]").click()
    expect(page.locator(".note__text", has_text=f"{IMG} posted {SCRIPT}")).to_have_count(1)
    assert member.dialogs == [] and member.errors == []
    cookies = {c["name"]: c for c in member.context.cookies()}
    assert cookies["csrftoken"]["secure"]  # set Secure by the server, kept on 127.0.0.1


PAGES = [
    # (name, path, who, a selector to wait for, payloads the page must show as text)
    ("workshop", "/w/hostile/", None, None, (SCRIPT, IMG)),
    ("theme", "/w/hostile/themes/t-1/", None, None, (SCRIPT, IMG)),
    ("proposal", "/w/hostile/proposals/p-1/", None, None, (SCRIPT, IMG)),
    ("catalogue", "/w/hostile/proposals/", None, None, (SCRIPT,)),
    ("mosaic", "/w/hostile/mosaic/", None, None, (SCRIPT,)),
    ("search", "/search/?q=proposal", None, None, (SCRIPT,)),
    ("booklet", "/w/hostile/booklet/", None, None, (SCRIPT, IMG)),
    ("results", "/w/hostile/selection/results/", None, None, (SCRIPT,)),
    ("ballot", "/w/hostile/selection/", "public", None, (SCRIPT, IMG)),
    ("my data", "/me/data/", "member", None, (SCRIPT, IMG)),
    ("board", "/w/hostile/live/boards/t-1/", "member", "body[data-ready]", (SCRIPT, IMG)),
    ("lobby", "/w/hostile/live/lobby/", "waiting", "body[data-ready]", (SCRIPT,)),
    ("wall", "/w/hostile/live/wall/", "orga", "body[data-ready]", (SCRIPT, IMG)),
    ("console", "/w/hostile/live/console/", "orga", "body[data-ready]", (SCRIPT, IMG)),
    ("editor", "/w/hostile/proposals/p-1/edit/", "orga", '[data-ready="true"]', ()),
    ("history", "/w/hostile/proposals/p-1/history/", "orga", None, (SCRIPT,)),
    ("review", "/w/hostile/review/", "orga", None, (SCRIPT,)),
    ("review of a proposal", "/w/hostile/review/proposals/p-1/", "orga", None, (SCRIPT,)),
    ("duplicates", "/w/hostile/review/duplicates/", "orga", None, ()),
    ("vote settings", "/w/hostile/selection/manage/", "orga", None, ()),
    ("booklet publishing", "/w/hostile/booklet/publish/", "orga", None, (SCRIPT,)),
    ("audit log", "/w/hostile/audit/", "orga", None, (SCRIPT,)),
    ("personal data", "/w/hostile/personal-data/", "orga", None, (SCRIPT,)),
    ("API tokens", "/accounts/api-tokens/", "orga", None, ()),
    ("API docs", "/api/v1/docs", None, ".swagger-ui", ()),
]


def test_every_page_type_shows_the_payloads_as_text(browser, hostile_server, shoot):
    server, sessions = hostile_server
    sessions = {**sessions, **json.loads(server.python(OPEN_THE_VOTE).strip().splitlines()[-1])}
    visitors: dict[str | None, Visitor] = {}
    for name, path, who, ready, shows in PAGES:
        if who not in visitors:
            visitors[who] = Visitor(browser, server, sessions.get(who) if who else None)
            if who == "orga":
                visitors[who].sign_in(server, "orga")
        inspect(visitors[who], server.url + path, ready=ready, shows=shows)
        if name in ("board", "console", "ballot"):
            shoot(visitors[who].page, f"security-{name.replace(' ', '-')}")
