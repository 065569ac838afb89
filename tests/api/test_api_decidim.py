"""The proposals as a CSV file for Decidim's admin import."""

import csv
import io

import pytest
from django.utils import translation

from rebours.exchange.demo import DEMO_SLUG, load_demo
from tests.support.hostile import hostile

pytestmark = pytest.mark.django_db

URL = "/api/v1/workshops/hostile/proposals.csv"


def french(text):
    with translation.override("fr"):
        return translation.gettext(text)


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")  # Decidim's reader takes the first header as it is
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_header_is_the_one_decidim_reads(client, workshop):
    table = rows(client.get(URL))
    assert table[0] == [
        "id",
        "title/fr",
        "body/fr",
        "category/id",
        "taxonomies/ids",
        "scope/id",
        "category/name/fr",
        "reference",
        "url",
    ]
    # Decidim's importer requires title/<default locale> and body/<default locale>, once each.
    assert len(set(table[0])) == len(table[0])
    assert all(len(row) == len(table[0]) for row in table)


def test_every_proposal_is_a_row_with_its_text_intact(client, workshop):
    header, first, _second = rows(client.get(URL))
    record = dict(zip(header, first, strict=True))
    assert record["id"] == "p-1"
    assert record["title/fr"] == hostile("proposal")[:300]
    assert record["category/name/fr"] == hostile("theme")
    assert record["category/id"] == record["scope/id"] == record["taxonomies/ids"] == ""
    assert record["reference"] == "hostile/p-1"
    assert record["url"] == "http://testserver/w/hostile/proposals/p-1/"
    body = record["body/fr"]
    assert french("How it works").startswith("Comment")  # headings in the workshop's language
    assert body.startswith(hostile("summary"))
    for heading, text in [
        ("Objectives", hostile("objective 1")),
        ("Description", hostile("description", "\nline two\n\nparagraph")),
        ("How it works", hostile("how")),
        ("Who does what", f"- {hostile('actor')}: {hostile('does')}"),
        ("Obstacles", hostile("obstacle")),
    ]:
        assert f"\n\n{french(heading)}\n" in body, heading
        assert text in body, heading
    # The pathway is read from the horizon back to today, as the method asks.
    pathway = body[body.index("2050: ") :]
    assert pathway.index("2050") < pathway.index("2030: ") < pathway.index("2027: ")
    assert f"\n\n{french('Our opinion')}\n{hostile('review')}" in body


def test_a_proposal_with_nothing_but_a_title(client, workshop):
    header, _first, second = rows(client.get(URL))
    record = dict(zip(header, second, strict=True))
    assert record["title/fr"] == "Deux" and record["body/fr"] == ""


def test_the_locale_of_the_columns_and_headings(client, workshop):
    header, first, _ = rows(client.get(f"{URL}?locale=en"))
    assert header[1:3] == ["title/en", "body/en"]
    assert "\n\nHow it works\n" in dict(zip(header, first, strict=True))["body/en"]
    catalan = rows(client.get(f"{URL}?locale=ca"))
    assert catalan[0][1:3] == ["title/ca", "body/ca"]  # headings fall back to English
    assert client.get(f"{URL}?locale=../../x").status_code == 422


def test_formula_cells_are_defused(client, workshop):
    from rebours.proposals.actions import do_update_proposal
    from rebours.proposals.models import Proposal

    proposal = Proposal.objects.get(key="p-2")
    do_update_proposal(
        proposal, {"title": '=HYPERLINK("http://x","y")'}, base_version=1, actor=None
    )
    header, _first, second = rows(client.get(URL))
    assert dict(zip(header, second, strict=True))["title/fr"] == '\'=HYPERLINK("http://x","y")'


def test_the_demo_as_decidim_would_read_it(client, db):
    load_demo()
    table = rows(client.get(f"/api/v1/workshops/{DEMO_SLUG}/proposals.csv"))
    assert len(table) == 28
    header = table[0]
    records = [dict(zip(header, row, strict=True)) for row in table[1:]]
    assert all(r["title/fr"] and r["body/fr"] for r in records)
    assert records[0]["id"] == "cantine-real"
