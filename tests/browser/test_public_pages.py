"""Every public page, opened in Debian's Chromium in French and in English, with screenshots."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.server import REPO

PAGES = [
    ("list", "/"),
    ("workshop", "/w/regionales-2028/"),
    ("theme", "/w/regionales-2028/themes/alimentation/"),
    ("proposal", "/w/regionales-2028/proposals/cantine-real/"),
    ("proposal-organisers", "/w/regionales-2028/proposals/test-zones/"),
    ("mosaic", "/w/regionales-2028/mosaic/"),
    ("search", "/search/?q=energie"),
]


@pytest.fixture
def in_language(page, demo_server):
    def switch(language: str):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": demo_server.url}]
        )

    return switch


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_in_both_languages(
    page, demo_server, in_language, shoot, dialogs, name, path, language
):
    in_language(language)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(demo_server.url + path)
    assert response is not None and response.ok
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1").first).to_be_visible()
    shoot(page, f"public-{name}-{language}")
    assert errors == [], errors  # no CSP violation, no script error
    assert dialogs == []


def test_language_switch_and_phone_width(page, demo_server, shoot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_server.url + "/w/regionales-2028/")
    expect(page.locator(".cover__title")).to_have_text("Régionales 2028")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name=re.compile("The press review"))).to_be_visible()
    shoot(page, "public-workshop-phone-en")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name=re.compile("La revue de presse"))).to_be_visible()


def test_search_is_accent_insensitive(page, demo_server):
    page.goto(demo_server.url + "/search/")
    page.get_by_label("Mots à chercher").fill("ENERGETIQUE")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator(".result-count")).to_contain_text("trouvée")
    assert page.locator(".proposal-card").count() >= 1


def test_the_mosaic_shows_every_image(page, demo_server):
    page.goto(demo_server.url + "/w/regionales-2028/mosaic/")
    images = page.locator(".mosaic img")
    expect(images).to_have_count(27)
    # Images load lazily: bring each into view, then every one must really decode.
    for index in range(27):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.mosaic img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )


def test_the_pathway_timeline_reads_back_from_the_horizon(page, demo_server, shoot):
    page.goto(demo_server.url + "/w/regionales-2028/proposals/cantine-real/")
    timeline = page.locator("svg.timeline")
    expect(timeline).to_be_visible()
    years = page.locator(".milestones__year").all_inner_texts()
    assert years == sorted(years, reverse=True)
    assert int(years[0]) <= 2028
    (REPO / "test-output" / "screenshots").mkdir(parents=True, exist_ok=True)
    timeline.screenshot(path=str(REPO / "test-output" / "screenshots" / "pathway-cantine-real.png"))
