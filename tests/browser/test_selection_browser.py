"""The selection in Chromium: an organiser opens the vote, voters of three colleges vote at once
from their own browsers, one changes their ballot, the vote closes, and the merit profiles read.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from rebours.exchange.demo import DEMO_DIR
from tests.support.server import start_server

pytestmark = pytest.mark.browser

SLUG = "regionales-2028"
VOTERS = {
    "elected": "p67",  # an elected official
    "participant": "p03",  # a participant
    "both": "p37",  # a participant who is also an elected official
}

SESSIONS = """
import json
from django.contrib.sessions.backends.db import SessionStore
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import participant_session_key
workshop = Workshop.objects.get(slug=%r)
keys = {}
for name, key in %r.items():
    store = SessionStore()
    store[participant_session_key(workshop)] = workshop.people.get(key=key).pk
    store.create()
    keys[name] = store.session_key
print(json.dumps(keys))
"""

COUNT = """
from rebours.selection.models import Ballot
print(Ballot.objects.filter(voter__key=%r, voter__workshop__slug=%r).count())
"""


@pytest.fixture(scope="module")
def server():
    # The demo's words without its images: the .json form of the demo imports with placeholders.
    running = start_server(demo=False)
    running.rebours("import", str(DEMO_DIR / "workshop.json"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def organiser_login(server):
    code = "from rebours.exchange.demo import demo_organiser; print(*demo_organiser())"
    username, password = server.python(code).strip().splitlines()[-1].split()
    return username, password


@pytest.fixture(scope="module")
def sessions(server):
    return json.loads(server.python(SESSIONS % (SLUG, VOTERS)).strip().splitlines()[-1])


def new_page(browser, server, *, session=None, language="fr", width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    cookies = [{"name": "django_language", "value": language, "url": server.url}]
    if session:
        cookies.append({"name": "sessionid", "value": session, "url": server.url})
    context.add_cookies(cookies)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def grade(page, proposal_title, label):
    row = page.locator("fieldset.ballot-row").filter(has_text=proposal_title)
    row.get_by_label(label, exact=True).check()


def test_vote_from_several_browsers_then_read_the_results(
    browser, server, sessions, organiser_login, shoot
):
    base = server.url + f"/w/{SLUG}/selection/"

    # The organiser opens the vote to the three colleges; results stay hidden until closing.
    organiser = new_page(browser, server, language="en")
    organiser.goto(server.url + f"/accounts/login/?next=/w/{SLUG}/selection/manage/")
    organiser.fill("#id_username", organiser_login[0])
    organiser.fill("#id_password", organiser_login[1])
    organiser.locator("main form button[type=submit]").click()
    expect(organiser.get_by_role("heading", name="Run the selection")).to_be_visible()
    organiser.get_by_label("public").check()
    organiser.get_by_label("hidden until the vote closes").check()
    shoot(organiser, "selection-manage-en")
    organiser.get_by_role("button", name="Open the vote").click()
    expect(organiser.get_by_text("The vote is open.")).to_be_visible()

    # The organiser follows the results live while people vote.
    organiser.goto(base + "results/")
    expect(organiser.locator("[data-ballot-count]")).to_have_text("0 ballots")

    elected = new_page(browser, server, session=sessions["elected"])
    participant = new_page(browser, server, session=sessions["participant"], width=390)
    both = new_page(browser, server, session=sessions["both"], language="en")
    public = new_page(browser, server, width=390)

    elected.goto(base)
    expect(elected.get_by_text("dans le collège « élus »")).to_be_visible()
    grade(elected, "Cantine REAL : réseau", "Très bien")
    grade(elected, "Test-zones", "Excellent")
    grade(elected, "Le thermostat numérique", "Bien")

    participant.goto(base)
    grade(participant, "Cantine REAL : réseau", "Assez bien")
    grade(participant, "Test-zones", "Passable")
    shoot(participant, "selection-ballot-phone-fr")

    both.goto(base)
    both.get_by_label("participants", exact=True).check()
    grade(both, "Cantine REAL : réseau", "Good")
    grade(both, "Pacte interrégional", "Very good")

    public.goto(base)
    public.get_by_label("Votre nom").fill("Une passante <b>curieuse</b>")
    public.get_by_role("button", name="Voter en tant que membre du public").click()
    expect(public.get_by_text("Vous votez en tant que membre du public.")).to_be_visible()
    grade(public, "Test-zones", "Très bien")

    # Four ballots submitted together from four browsers.
    voters = [elected, participant, both, public]
    for page in voters:
        page.locator("form.ballot").evaluate("form => form.requestSubmit()")
    for page in voters:
        page.wait_for_url("**/selection/receipt/")
        assert not page.errors, page.errors
    expect(elected.locator("[data-receipt]")).to_have_text(
        re.compile(r"^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$")
    )
    shoot(elected, "selection-receipt-fr")
    first_receipt = elected.locator("[data-receipt]").inner_text()
    expect(organiser.locator("[data-ballot-count]")).to_have_text("4 ballots")

    # The elected official changes their mind; the receipt changes and shows the new ballot.
    elected.get_by_role("link", name="Modifier mon bulletin").click()
    expect(
        elected.locator("fieldset.ballot-row")
        .filter(has_text="Test-zones")
        .get_by_label("Excellent")
    ).to_be_checked()
    grade(elected, "Test-zones", "Insuffisant")
    elected.get_by_role("button", name="Modifier mon bulletin").click()
    elected.wait_for_url("**/selection/receipt/")
    assert elected.locator("[data-receipt]").inner_text() != first_receipt
    expect(elected.locator("tr").filter(has_text="Test-zones")).to_contain_text("Insuffisant")
    assert server.python(COUNT % ("p67", SLUG)).strip().splitlines()[-1] == "1"

    # A double submission racing from one browser still ends with one ballot.
    participant.goto(base)
    participant.locator("form.ballot").evaluate(
        """form => Promise.all(Array.from({length: 6}, (_, i) => {
            const data = new FormData(form);
            data.set("grade-test-zones", String(i % 7));
            return fetch(form.action, {method: "POST", body: data, credentials: "same-origin"});
        }))"""
    )
    assert server.python(COUNT % ("p03", SLUG)).strip().splitlines()[-1] == "1"

    # Results are hidden from voters until closing.
    both.goto(base + "results/")
    expect(both.get_by_text("The results are hidden until the vote closes.")).to_be_visible()
    expect(both.locator("svg.merit-profile")).to_have_count(0)

    # A ballot left open in a tab while the organiser closes the vote is refused.
    participant.goto(base)
    grade(participant, "Le thermostat numérique", "Excellent")
    organiser.goto(base + "manage/")
    organiser.get_by_role("button", name="Close the vote now").click()
    expect(organiser.get_by_text("The vote is closed.")).to_be_visible()
    participant.locator("form.ballot").evaluate("form => form.requestSubmit()")
    expect(participant.get_by_role("alert")).to_contain_text("rien n’a été enregistré")
    assert participant.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    participant.errors.clear()
    assert server.python(COUNT % ("p03", SLUG)).strip().splitlines()[-1] == "1"

    # The results: a merit profile per college, a text alternative, tabs.
    both.goto(base + "results/")
    tabs = both.get_by_role("tab")
    expect(tabs).to_have_count(4)
    expect(tabs.first).to_have_text("All together (4)")
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    chart = both.locator("#college-0 .merit-chart--wide svg[role=img]")
    expect(chart).to_be_visible()
    title = chart.locator("title").first.text_content()
    assert title == "Merit profiles, all together — majority judgment"
    desc = chart.locator("desc").text_content()
    assert "4 ballots" in desc and "Reject" in desc and "majority grade" in desc
    assert both.locator("#college-0 table.ranking tbody tr").count() == 27
    shoot(both, "selection-results-en")

    both.get_by_role("tab", name=re.compile("Elected officials")).click()
    expect(both.locator("#college-1")).to_be_visible()
    expect(both.locator("#college-0")).to_be_hidden()
    expect(both.locator("#college-1 .merit-chart--wide svg title").first).to_have_text(
        "Merit profiles, elected officials — majority judgment"
    )
    both.keyboard.press("ArrowRight")
    expect(both.locator("#college-2")).to_be_visible()
    shoot(both, "selection-results-participants-en")
    assert not both.errors, both.errors

    # On a phone the narrow chart shows, with the labels above the bars.
    public.goto(base + "results/")
    expect(public.locator("#college-0 .merit-chart--narrow svg")).to_be_visible()
    expect(public.locator("#college-0 .merit-chart--wide svg")).to_be_hidden()
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(public, "selection-results-phone-fr")
    assert "<b>curieuse</b>" not in public.content()
    for page in [organiser, *voters]:
        assert not page.errors, page.errors
        page.context.close()
