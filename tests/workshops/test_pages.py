"""The public pages, through Django's test client: every page answers, hostile text is escaped."""

import pytest
from django.urls import reverse

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.proposals.models import Proposal
from tests.support.hostile import SCRIPT, hostile_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return do_import_workshop(Package(document=hostile_document()), actor=None).workshop


def pages(workshop):
    proposal = Proposal.objects.get(key="p-1")
    return [
        reverse("workshops:list"),
        reverse("workshops:detail", args=[workshop.slug]),
        reverse("workshops:theme", args=[workshop.slug, "t-1"]),
        reverse("workshops:theme", args=[workshop.slug, "t-2"]),
        reverse("proposals:detail", args=[workshop.slug, proposal.key]),
        reverse("proposals:detail", args=[workshop.slug, "p-2"]),
        reverse("proposals:mosaic", args=[workshop.slug]),
        reverse("proposals:search") + "?q=proposal",
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_answers_and_escapes(client, workshop, language):
    client.cookies["django_language"] = language
    for url in pages(workshop):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SCRIPT not in html, url
        assert f'lang="{language}"' in html
        assert "Content-Security-Policy" in response.headers


def test_french_by_default_and_english_on_request(client, workshop):
    assert "Ateliers" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Workshops" in client.get("/").content.decode()


def test_language_switch(client, workshop):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Backcasting workshops" in client.get("/").content.decode()


def test_unknown_things_are_404(client, workshop):
    assert client.get("/w/nope/").status_code == 404
    assert client.get(f"/w/{workshop.slug}/themes/nope/").status_code == 404
    assert client.get(f"/w/{workshop.slug}/proposals/nope/").status_code == 404


def test_unpublished_workshops_are_hidden(client, workshop):
    workshop.published = False
    workshop.save()
    assert client.get(f"/w/{workshop.slug}/").status_code == 404
    assert workshop.title not in client.get("/").content.decode()


def test_search_ignores_accents_and_case(client):
    document = hostile_document()
    document["proposals"][1]["title"] = "Réussir le défi ÉNERGÉTIQUE"
    do_import_workshop(Package(document=document), actor=None)
    for query in ("energetique", "ÉNERGÉTIQUE", "reussir defi", "Défi énergétique"):
        html = client.get("/search/", {"q": query}).content.decode()
        assert "Réussir le défi ÉNERGÉTIQUE" in html, query
    assert "Réussir" not in client.get("/search/", {"q": "cantine"}).content.decode()


def test_the_pathway_is_drawn_from_today_to_the_horizon(client, workshop):
    html = client.get(reverse("proposals:detail", args=[workshop.slug, "p-1"])).content.decode()
    assert "<svg" in html and "timeline" in html
    # held on 2026, horizon 2050, milestones listed backwards from the horizon
    listing = html[html.index('class="milestones"') :]
    assert listing.index("2050") < listing.index("2030") < listing.index("2027")


def test_missing_images_show_a_placeholder(client, workshop):
    html = client.get(reverse("proposals:detail", args=[workshop.slug, "p-1"])).content.decode()
    assert "image-missing" in html


def test_unsafe_contact_links_are_not_rendered_as_links(client, workshop):
    html = client.get(reverse("workshops:detail", args=[workshop.slug])).content.decode()
    assert 'href="javascript:' not in html


def test_safe_url_filter():
    from rebours.core.templatetags.rebours import safe_url

    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("www.example.org") == "https://www.example.org"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        " ",
    ):
        assert safe_url(bad) == ""


def test_retrospective_and_contacts_are_shown(client, workshop):
    html = client.get(reverse("workshops:detail", args=[workshop.slug])).content.decode()
    assert "retro__col--worked" in html and "retro__col--failed" in html
    assert 'class="contacts"' in html
    assert "mailto:x@example.org" in html


def test_the_browser_language_does_not_override_french(client, workshop):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="fr"' in html
