"""Pages: limit and offset, their bounds, and links that walk the whole list once."""

import pytest

from rebours.exchange.demo import DEMO_SLUG, load_demo

pytestmark = pytest.mark.django_db

URL = f"/api/v1/workshops/{DEMO_SLUG}/proposals"


@pytest.fixture
def demo(db):
    load_demo()


def test_the_default_page_is_50(client, demo):
    page = client.get(URL).json()
    assert page["count"] == 27 and page["limit"] == 50 and page["offset"] == 0
    assert len(page["items"]) == 27 and page["next"] is None and page["previous"] is None


def test_following_next_walks_every_item_once(client, demo):
    seen, url, pages = [], f"{URL}?limit=10", 0
    while url:
        page = client.get(url).json()
        seen += [item["key"] for item in page["items"]]
        url, pages = page["next"], pages + 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 27
    assert seen == [item["key"] for item in client.get(f"{URL}?limit=200").json()["items"]]


def test_links_keep_the_filters(client, demo):
    page = client.get(f"{URL}?theme=alimentation&limit=1&offset=1").json()
    assert page["count"] == 3
    assert "theme=alimentation" in page["previous"] and "offset=0" in page["previous"]
    assert "theme=alimentation" in page["next"] and "offset=2" in page["next"]


def test_beyond_the_end_is_an_empty_page(client, demo):
    page = client.get(f"{URL}?offset=1000").json()
    assert page["items"] == [] and page["count"] == 27 and page["next"] is None
    assert "offset=950" in page["previous"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("offset=1e99", "offset"),
        ("offset=10000000000", "offset"),
    ],
)
def test_out_of_bounds_is_422_naming_the_parameter(client, demo, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_the_largest_page(client, demo):
    assert client.get(f"{URL}?limit=200").status_code == 200


@pytest.mark.parametrize("path", ["", "/themes", "/press-review", "/notes"])
def test_every_list_is_paginated(client, demo, path):
    base = f"/api/v1/workshops/{DEMO_SLUG}{path}" if path else "/api/v1/workshops"
    first = client.get(f"{base}?limit=1").json()
    assert len(first["items"]) == 1 and first["limit"] == 1
    assert (first["next"] is None) == (first["count"] == 1)
    assert client.get(f"{base}?limit=201").status_code == 422
