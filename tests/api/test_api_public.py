"""Every read operation, as the public sees it: published workshops only, hostile text intact."""

import pytest

from rebours.workshops.models import Workshop
from tests.support.hostile import SCRIPT, hostile

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workshops/hostile"

READS = [
    BASE,
    f"{BASE}/themes",
    f"{BASE}/themes/t-1",
    f"{BASE}/press-review",
    f"{BASE}/proposals",
    f"{BASE}/proposals/p-1",
    f"{BASE}/proposals.csv",
    f"{BASE}/notes",
    f"{BASE}/selection",
    f"{BASE}/selection/results",
]


def test_the_list_names_published_workshops(client, workshop):
    response = client.get("/api/v1/workshops")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    page = response.json()
    assert page["count"] == 1
    [item] = page["items"]
    assert item["slug"] == "hostile"
    assert item["title"] == hostile("title")[:200]  # raw text: escaping is the reader's job
    assert item["url"] == "http://testserver/w/hostile/"


@pytest.mark.parametrize("url", READS)
def test_every_read_answers_the_public(client, workshop, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]


def test_a_workshop_in_full(client, workshop):
    data = client.get(BASE).json()
    assert data["horizon_year"] == 2050
    assert data["figures"] == {"hours": 7.5, "participants": 3, "proposals": 2, "themes": 2}
    assert [item["key"] for item in data["agenda"]] == ["open", "s1", "s2"]
    assert data["agenda"][0]["starts_at"] == "09:00"
    assert data["agenda"][2]["starts_at"] is None
    assert data["retrospective"]["did_not_work"] == [hostile("failed"), hostile("failed 2")]
    assert data["contacts"][0]["url"] == "javascript:alert(1)"  # data, never a link here


def test_themes_and_their_team(client, workshop):
    themes = client.get(f"{BASE}/themes").json()
    assert [(t["key"], t["proposals"], t["article"]) for t in themes["items"]] == [
        ("t-1", 1, "art-1"),
        ("t-2", 1, None),
    ]
    theme = client.get(f"{BASE}/themes/t-1").json()
    assert theme["team"] == {
        "facilitators": [hostile("ana")],
        "designers": [hostile("cy")],
        "members": [hostile("bo"), hostile("ana")],
    }
    assert client.get(f"{BASE}/themes/nope").json() == {
        "error": 'no theme "nope" in workshop "hostile"'
    }


def test_press_review(client, workshop):
    items = client.get(f"{BASE}/press-review").json()["items"]
    assert items[0] == {
        "key": "art-1",
        "headline": hostile("headline"),
        "lede": hostile("lede"),
        "dated": "2050-01-01",
        "theme": "t-1",
    }
    assert items[1]["theme"] is None and items[1]["dated"] is None


def test_a_proposal_in_full(client, workshop):
    data = client.get(f"{BASE}/proposals/p-1").json()
    assert data["title"] == hostile("proposal")[:300]
    assert data["theme"] == "t-1" and data["letter"] == "a" and data["kind"] == "place"
    assert data["roles"] == [{"actor": hostile("actor"), "does": hostile("does")}]
    assert [m["year"] for m in data["pathway"]] == [2030, 2027, 2050]
    assert data["review"] == {"opinion": hostile("review"), "triage": "rework"}
    # A bare JSON import names the image without carrying its file.
    assert data["image"] == {"url": None, "alt": hostile("alt")}
    assert data["version"] == 1
    assert data["url"] == "http://testserver/w/hostile/proposals/p-1/"
    assert SCRIPT in data["summary"]
    other = client.get(f"{BASE}/proposals/p-2").json()
    assert other["image"] is None and other["review"] == {"opinion": "", "triage": "programme"}


def test_proposals_filtered_by_theme(client, workshop):
    keys = [p["key"] for p in client.get(f"{BASE}/proposals?theme=t-2").json()["items"]]
    assert keys == ["p-2"]
    assert client.get(f"{BASE}/proposals?theme=none").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "keys"),
    [("triage=rework", ["p-1"]), ("triage=programme", ["p-2"]), ("triage=none", [])],
)
def test_proposals_filtered_by_triage(client, workshop, query, keys):
    assert [p["key"] for p in client.get(f"{BASE}/proposals?{query}").json()["items"]] == keys


def test_proposals_filtered_by_kind_and_bad_filters(client, workshop):
    assert [p["key"] for p in client.get(f"{BASE}/proposals?kind=place").json()["items"]] == ["p-1"]
    for query in ("triage=maybe", "kind=castle"):
        response = client.get(f"{BASE}/proposals?{query}")
        assert response.status_code == 422 and response.json()["field"] == query.split("=")[0]


def test_notes_without_their_authors(client, workshop):
    notes = client.get(f"{BASE}/notes").json()["items"]
    assert [(n["key"], n["theme"], n["dots"]) for n in notes] == [
        ("n1", "t-1", 3),
        ("n2", "t-1", 0),
        ("n3", "t-2", 0),
    ]
    assert notes[0]["session"] == "s1" and notes[0]["cluster"] == hostile("cluster")
    assert len(notes[0]["text"]) == 2000
    assert all("author" not in n for n in notes)
    assert [n["key"] for n in client.get(f"{BASE}/notes?theme=t-2").json()["items"]] == ["n3"]


def test_selection_and_its_results(client, workshop):
    selection = client.get(f"{BASE}/selection").json()
    assert selection["status"] == "closed"  # an imported selection is closed
    assert selection["grades"] == ["À rejeter", hostile("grade")[:80], "Très bien"]
    assert selection["proposals"] == ["p-1", "p-2"]
    assert selection["ballots"]["all"] == 2
    assert selection["results_visible"] is True
    results = client.get(f"{BASE}/selection/results").json()
    everyone = results["colleges"][0]
    assert everyone["college"] == "all" and everyone["ballots"] == 2
    assert [row["proposal"] for row in everyone["ranking"]] == ["p-1", "p-2"]
    assert results["favourites"] == [{"by": hostile("bo"), "proposal": "p-1", "justification": ""}]


def test_a_workshop_without_a_selection(client, db):
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from tests.support.hostile import minimal_document

    do_import_workshop(Package(document=minimal_document()), actor=None)
    response = client.get("/api/v1/workshops/mini/selection")
    assert response.status_code == 404
    assert response.json() == {"error": 'workshop "mini" has no selection'}
    assert client.get("/api/v1/workshops/mini/selection/results").status_code == 404


@pytest.mark.parametrize("url", [*READS, f"{BASE}/export"])
def test_an_unpublished_workshop_does_not_exist_for_the_public(client, workshop, url):
    Workshop.objects.filter(pk=workshop.pk).update(published=False)
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"error": 'no workshop "hostile"'}
    assert client.get("/api/v1/workshops").json()["count"] == 0


def test_an_unpublished_workshop_is_visible_to_its_people(client, workshop, users, tokens):
    from tests.api.conftest import bearer

    Workshop.objects.filter(pk=workshop.pk).update(published=False)
    for who in ("member", "organiser"):
        assert client.get(BASE, headers=bearer(tokens[who])).status_code == 200
        listed = client.get("/api/v1/workshops", headers=bearer(tokens[who])).json()
        assert [w["slug"] for w in listed["items"]] == ["hostile"]
    assert client.get(BASE, headers=bearer(tokens["nobody"])).status_code == 404


def test_unknown_things_are_404_in_json(client, workshop):
    for url in (
        "/api/v1/workshops/nope",
        f"{BASE}/proposals/nope",
        "/api/v1/nothing/here",
        "/api/v1/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert set(response.json()) == {"error"}, url


def test_a_wrong_method_is_405_in_json(client, workshop):
    response = client.delete(f"{BASE}/proposals/p-1")
    assert response.status_code == 405
    assert "GET" in response["Allow"] and "PATCH" in response["Allow"]
    assert "error" in response.json()


def test_the_openapi_description(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    assert "/api/v1/workshops/{slug}/proposals/{key}" in paths
    for path, operations in paths.items():
        if "get" in operations and path != "/api/v1/me":
            assert {} in operations["get"]["security"], path  # reads need no credential
    assert {} not in paths["/api/v1/me"]["get"]["security"]
    write = paths["/api/v1/workshops/{slug}/proposals/{key}"]["patch"]
    assert {} not in write["security"] and {"BearerToken": []} in write["security"]
    assert set(write["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    csv = paths["/api/v1/workshops/{slug}/proposals.csv"]["get"]["responses"]["200"]
    assert list(csv["content"]) == ["text/csv"]
