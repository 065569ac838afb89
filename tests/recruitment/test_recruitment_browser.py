"""In Chromium: a volunteer registers; an organiser sets quotas in the table, draws, re-runs."""

import json
import textwrap

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser_fixtures
from tests.support.hostile import SCRIPT
from tests.support.recruitment import workshop_document
from tests.support.server import start_server

pytestmark = pytest.mark.browser

# Browser fixtures (Debian's Chromium, screenshots, dialogs) are shared with tests/browser.
browser_type_launch_args = browser_fixtures.browser_type_launch_args
dialogs = browser_fixtures.dialogs
shoot = browser_fixtures.shoot

PASSWORD = "a-long-password-for-tests"
SLUG = "panel"


def pool_csv(size: int = 16) -> str:
    lines = ["id,name,contact,gender,territory,age"]
    for i in range(size):
        gender = "femme" if i % 2 else "homme"
        territory = ("nord", "sud", "est")[i % 3]
        age = ("18-34", "35-54", "55+")[i % 3 if i % 4 else (i + 1) % 3]
        lines.append(f"p{i},Personne {i},p{i}@example.org,{gender},{territory},{age}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def recruitment_server(tmp_path_factory):
    server = start_server(demo=False)
    path = tmp_path_factory.mktemp("doc") / "panel.json"
    path.write_text(json.dumps(workshop_document(SLUG, themes=2)), encoding="utf-8")
    server.rebours("import", str(path))
    server.python(
        textwrap.dedent(
            f"""
            import datetime
            from rebours.recruitment import actions
            from rebours.workshops.actions import do_set_organiser_account
            from rebours.workshops.models import Workshop
            from tests.support.recruitment import CATEGORIES
            do_set_organiser_account("orga", {PASSWORD!r}, actor=None)
            workshop = Workshop.objects.get(slug={SLUG!r})
            actions.do_save_settings(
                workshop, actor=None, categories=CATEGORIES, registration_open=True,
                retention_until=datetime.date.today() + datetime.timedelta(days=90),
                panel_size=6,
            )
            actions.do_import_pool(workshop, actor=None, text={pool_csv()!r},
                                   consent_confirmed=True)
            """
        )
    )
    yield server
    server.stop()


def sign_in(page, server):
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", "orga")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_volunteer_registers(page, recruitment_server, shoot, dialogs):
    page.goto(f"{recruitment_server.url}/w/{SLUG}/recruitment/register/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.fill("input[name=name]", f"{SCRIPT} Zoé")
    page.fill("input[name=contact]", "zoe@example.org")
    page.get_by_label("femme").check()
    page.get_by_label("sud").check()
    page.get_by_label("55+").check()
    shoot(page, "recruitment-register")
    page.click("form.rec-form button[type=submit]")
    # Without the two consents, nothing is taken and the form says why.
    expect(page.locator(".rec-error")).to_have_count(2)
    page.check("input[name=consent_lottery]")
    page.check("input[name=consent_processing]")
    page.click("form.rec-form button[type=submit]")
    expect(page.locator("h1")).not_to_contain_text("Volunteer for the panel")
    expect(page.locator(".rec-register .lede")).to_be_visible()
    assert dialogs == []


def test_the_quota_table_and_a_draw(page, recruitment_server, shoot, dialogs):
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": recruitment_server.url}]
    )
    sign_in(page, recruitment_server)
    page.goto(f"{recruitment_server.url}/w/{SLUG}/recruitment/quotas/")
    table = page.locator("table.rec-quotas")
    expect(table).to_be_visible()
    # An impossible table first: more women than the panel holds.
    page.get_by_label("Minimum for femme").fill("3")
    page.get_by_label("Maximum for femme").fill("3")
    page.get_by_label("Minimum for homme").fill("4")
    page.get_by_label("Maximum for homme").fill("4")
    page.click("form.rec-quota-form button[type=submit]")
    expect(page.locator(".message--success")).to_be_visible()
    page.goto(f"{recruitment_server.url}/w/{SLUG}/recruitment/draws/")
    expect(page.locator(".rec-issues")).to_contain_text("gender")
    page.fill("input[name=seed]", "2028")
    page.click("form.rec-draw-form button[type=submit]")
    expect(page.locator(".rec-issues")).to_contain_text("Nothing was drawn")
    shoot(page, "recruitment-infeasible")
    # Then quotas that hold.
    page.goto(f"{recruitment_server.url}/w/{SLUG}/recruitment/quotas/")
    page.get_by_label("Minimum for homme").fill("3")
    page.get_by_label("Maximum for homme").fill("3")
    page.click("form.rec-quota-form button[type=submit]")
    shoot(page, "recruitment-quotas")
    page.goto(f"{recruitment_server.url}/w/{SLUG}/recruitment/draws/")
    expect(page.locator(".message--success")).to_contain_text("can be met")
    page.fill("input[name=seed]", "2028")
    page.click("form.rec-draw-form button[type=submit]")
    # The lottery is computed in the background; the page follows it and shows the result.
    expect(page.locator(".rec-chart__svg")).to_be_visible(timeout=120_000)
    expect(page.locator(".rec-seed")).to_have_text("2028")
    expect(page.locator("table.rec-members tbody tr")).to_have_count(6)
    panel_counts = page.locator("table.rec-quotas .rec-panel-count")
    expect(panel_counts.first).to_have_text("3")
    expect(page.locator("polyline.rec-chart__line")).to_have_count(2)
    shoot(page, "recruitment-draw")
    page.click("text=Re-run from the snapshot")
    expect(page.locator(".rec-rerun--matched")).to_be_visible(timeout=120_000)
    with page.expect_download() as caught:
        page.click("text=Download the files")
    assert caught.value.suggested_filename == f"{SLUG}-draw-1.zip"
    # The panel becomes the participants, in both groups.
    page.click("text=Make them the workshop's participants")
    expect(page.locator("table.rec-mix tbody tr")).to_have_count(2)
    shoot(page, "recruitment-participants")
    assert dialogs == []
