"""In Chromium: an organiser publishes the booklet and watches it render; readers read it."""

import pytest
from playwright.sync_api import expect

from tests.support.booklet_docs import generated_document, write_zip
from tests.support.server import start_server

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-tests"


@pytest.fixture(scope="module")
def booklet_server(tmp_path_factory):
    """A real server holding a generated workshop big enough for a visible progress bar."""
    server = start_server(demo=False)
    document, media = generated_document("atelier", themes=4, per_theme=3)
    archive = write_zip(tmp_path_factory.mktemp("doc") / "atelier.zip", document, media)
    server.rebours("import", str(archive))
    server.python(
        "from rebours.workshops.actions import do_set_organiser_account;"
        f"do_set_organiser_account('orga', '{PASSWORD}', actor=None)"
    )
    yield server
    server.stop()


def sign_in(page, server):
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", "orga")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_organiser_publishes_and_sees_progress_then_the_download(
    page, booklet_server, shoot, dialogs
):
    sign_in(page, booklet_server)
    page.goto(f"{booklet_server.url}/w/atelier/booklet/publish/")
    page.select_option("select[name=lang]", "fr")
    page.locator("form.publish-form button[type=submit]").click()
    progress = page.locator(".publish-job progress")
    expect(progress).to_be_visible(timeout=10_000)
    shoot(page, "booklet-publish-progress")
    download = page.locator("a.versions__download").first
    expect(download).to_be_visible(timeout=180_000)
    expect(page.locator(".publish-job")).to_have_count(0)
    shoot(page, "booklet-publish-ready")
    with page.expect_download() as caught:
        download.click()
    assert caught.value.suggested_filename.startswith("atelier-fr-")
    assert caught.value.suggested_filename.endswith(".pdf")
    # The public workshop page now offers it.
    page.goto(f"{booklet_server.url}/w/atelier/")
    expect(page.locator(".booklet-download a[href*='/booklet/versions/']")).to_be_visible()
    assert dialogs == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_booklet_page_reads_well_in_both_languages(page, booklet_server, shoot, dialogs, lang):
    page.context.add_cookies(
        [{"name": "django_language", "value": lang, "url": booklet_server.url}]
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{booklet_server.url}/w/atelier/booklet/")
    contents = {"fr": "Sommaire", "en": "Contents"}[lang]
    expect(page.get_by_role("heading", name=contents)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier généré")
    # Every image has a text alternative; the chart of the selection has a name.
    assert page.locator("img:not([alt])").count() == 0
    expect(page.locator("svg.merit-profile[role=img]")).to_have_count(1)
    shoot(page, f"booklet-page-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the booklet scrolls sideways on a phone"
    shoot(page, f"booklet-page-{lang}-phone")
    assert dialogs == []
