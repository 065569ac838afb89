"""Two people editing one proposal in two browsers: presence, a conflict, a merge, no word lost.

A real server subprocess, Debian's Chromium, a workshop full of hostile text: no alert may fire.
"""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import start_server

SETUP = """
from django.contrib.auth import get_user_model
from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.workshops.models import Person
from tests.support.hostile import hostile_document

do_import_workshop(Package(document=hostile_document()), actor=None)
User = get_user_model()
for username, key in (("ana", "ana"), ("bo", "bo-2")):
    user = User.objects.create_user(username, password="mot-de-passe-" + username)
    Person.objects.filter(key=key).update(user=user)
User.objects.create_user("orga", password="mot-de-passe-orga", is_staff=True)
"""

EDIT = "/w/hostile/proposals/p-1/edit/"
SAVED = re.compile("^(saved|merged)$")


@pytest.fixture(scope="module")
def editor_server():
    server = start_server(demo=False, extra_env={"REBOURS_SIMILARITY_BACKGROUND": "0"})
    server.python(SETUP)
    yield server
    server.stop()


def watch(page: Page, dialogs: list[str], errors: list[str]) -> Page:
    """Record alerts (a script that ran) and script errors (CSP violations included).

    Failed requests are left out: going offline and a 409 answer are part of the story.
    """

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", on_console)
    return page


def sign_in(page: Page, server, username: str) -> None:
    page.goto(server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mot-de-passe-" + username)
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r".*/$"))


def open_editor(page: Page, server) -> None:
    page.goto(server.url + EDIT)
    expect(page.locator("[data-editor]")).to_have_attribute("data-ready", "true")


def proposal_state(server) -> dict:
    code = (
        "import json; from rebours.proposals.models import Proposal; "
        "p = Proposal.objects.get(key='p-1'); "
        "print(json.dumps({'summary': p.summary, 'obstacles': p.obstacles, "
        "'description': p.description, 'version': p.version, "
        "'kinds': [v.kind for v in p.versions.order_by('number')]}))"
    )
    return json.loads(server.python(code).strip().splitlines()[-1])


def test_two_people_edit_one_proposal_and_merge_a_conflict(browser, editor_server, shoot):
    dialogs: list[str] = []
    errors: list[str] = []
    ana_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    bo_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    ana = watch(ana_context.new_page(), dialogs, errors)
    bo = watch(bo_context.new_page(), dialogs, errors)
    sign_in(ana, editor_server, "ana")
    sign_in(bo, editor_server, "bo")
    open_editor(ana, editor_server)
    open_editor(bo, editor_server)

    # Presence: Bo sees that Ana is in the summary.
    ana.locator("#f-summary").click()
    expect(bo.locator('[data-presence-for="summary"]')).to_contain_text("ana <script>")
    expect(bo.locator("[data-presence]")).to_be_visible()

    # Bo loses the network and writes the summary and the obstacles meanwhile.
    bo_context.set_offline(True)
    bo_summary = "Bo : les cantines achètent aux fermes voisines."
    bo.locator("#f-summary").fill(bo_summary)
    bo.locator("#f-obstacles").fill("Le code des marchés publics")
    expect(bo.locator("[data-status]")).to_have_attribute("data-state", "offline")

    # Ana, online, rewrites the summary and the description; both are saved.
    ana.locator("#f-summary").fill("Ana : un réseau régional de cantines écologiques.")
    ana.locator("#f-description").fill("Ana décrit le réseau.")
    expect(ana.locator("[data-status]")).to_have_attribute("data-state", SAVED)
    expect(ana.locator("[data-status]")).to_have_attribute("data-version", "3")

    # Bo is back: the obstacles merge on their own, the summary is a conflict shown in the page.
    bo_context.set_offline(False)
    conflict = bo.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator('[data-version="mine"]')).to_contain_text("Bo : les cantines")
    expect(conflict.locator('[data-version="theirs"]')).to_contain_text("Ana : un réseau")
    expect(bo.locator("#f-summary")).to_have_value(bo_summary)
    shoot(bo, "editor-conflict-phone")

    # Bo writes a version that keeps both people's words.
    conflict.locator('input[name="choice-summary"][value="edit"]').check()
    merged = (
        "Ana : un réseau régional de cantines écologiques. "
        "Bo : les cantines achètent aux fermes voisines."
    )
    conflict.locator('textarea[name="edit-summary"]').fill(merged)
    conflict.get_by_role("button").last.click()
    expect(bo.locator("[data-conflict]")).to_have_count(0)
    expect(bo.locator("#f-summary")).to_have_value(merged)
    expect(bo.locator("[data-status]")).to_have_attribute("data-state", SAVED)

    # Ana's page follows: the merged summary and Bo's obstacles arrive without a reload.
    expect(ana.locator("#f-summary")).to_have_value(merged)
    expect(ana.locator("#f-obstacles")).to_have_value("Le code des marchés publics")
    expect(ana.locator("#f-description")).to_have_value("Ana décrit le réseau.")
    shoot(ana, "editor-after-merge-desktop")

    state = proposal_state(editor_server)
    assert state["summary"] == merged
    assert state["obstacles"] == ["Le code des marchés publics"]
    assert state["description"] == "Ana décrit le réseau."
    assert "resolved" in state["kinds"]
    assert dialogs == []
    assert errors == [], errors
    ana_context.close()
    bo_context.close()


def test_rows_and_the_pathway_autosave(browser, editor_server, shoot):
    dialogs: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), dialogs, errors)
    sign_in(page, editor_server, "ana")
    open_editor(page, editor_server)
    roles = page.locator('[data-field="roles"]')
    roles.get_by_role("button", name=re.compile("Ajouter|Add")).click()
    roles.locator('input[name="roles-actor"]').last.fill("La Région <b>")
    roles.locator('textarea[name="roles-does"]').last.fill("finance le réseau")
    pathway = page.locator('[data-field="pathway"]')
    pathway.locator('input[name="pathway-year"]').last.fill("2045")
    pathway.locator('textarea[name="pathway-milestone"]').last.fill("Le réseau couvre la région")
    expect(page.locator("[data-status]")).to_have_attribute("data-state", SAVED)
    expect(pathway.locator("svg.timeline text.timeline__year", has_text="2045")).to_have_count(1)
    page.reload()
    expect(page.locator('input[name="roles-actor"][value="La Région <b>"]')).to_have_count(1)
    shoot(page, "editor-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "editor-phone")
    assert dialogs == []
    assert errors == [], errors
    context.close()


def test_the_form_works_without_javascript(browser, editor_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, editor_server, "bo")
    page.goto(editor_server.url + EDIT)
    page.fill("#f-how_it_works", "Sans JavaScript, le formulaire enregistre aussi.")
    page.locator("#editor-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("#f-how_it_works")).to_have_value(
        "Sans JavaScript, le formulaire enregistre aussi."
    )
    context.close()


def test_review_pages_look_right(browser, editor_server, shoot):
    dialogs: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), dialogs, errors)
    sign_in(page, editor_server, "orga")
    for name, path in [
        ("review-queue", "/w/hostile/review/"),
        ("review-proposal", "/w/hostile/review/proposals/p-1/"),
        ("catalogue-programme", "/w/hostile/proposals/?triage=programme"),
        ("proposal-history", "/w/hostile/proposals/p-1/history/"),
        ("proposal-page", "/w/hostile/proposals/p-1/"),
    ]:
        response = page.goto(editor_server.url + path)
        assert response is not None and response.ok
        shoot(page, name)
    page.goto(editor_server.url + "/w/hostile/review/proposals/p-1/")
    page.fill("#r-comment", "Dites qui finance.")
    page.locator('input[name="triage"][value="rework"]').check()
    page.get_by_role("button", name=re.compile("Enregistrer l’avis|Save the review")).click()
    expect(page.locator(".message--success")).to_be_visible()
    assert dialogs == []
    assert errors == [], errors
    context.close()


def test_a_rework_note_reaches_the_open_editor(browser, editor_server):
    dialogs: list[str] = []
    errors: list[str] = []
    bo_context, orga_context = browser.new_context(), browser.new_context()
    page = watch(bo_context.new_page(), dialogs, errors)
    organiser = watch(orga_context.new_page(), dialogs, errors)
    sign_in(page, editor_server, "bo")
    response = page.goto(editor_server.url + "/w/hostile/proposals/p-2/edit/")
    assert response is not None and response.status == 403  # not Bo's group
    open_editor(page, editor_server)
    # The organiser, in another browser, sends the proposal back with a comment.
    sign_in(organiser, editor_server, "orga")
    organiser.goto(editor_server.url + "/w/hostile/review/proposals/p-1/")
    organiser.fill("#r-comment", "<script>alert(2)</script> Qui finance le réseau ?")
    organiser.locator('input[name="triage"][value="rework"]').check()
    organiser.locator(".review-form button[type=submit]").first.click()
    expect(organiser.locator(".message--success")).to_be_visible()
    expect(page.locator("[data-rework]")).to_contain_text("<script>alert(2)</script> Qui finance")
    assert dialogs == []
    assert errors == [], errors
    bo_context.close()
    orga_context.close()
