"""Results through the API follow the selection's own rule: hidden until closing, or live."""

import copy

import pytest

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.selection.actions import do_close_selection, do_open_selection
from rebours.selection.scale import DEFAULT_GRADES
from tests.api.conftest import account, bearer
from tests.support.hostile import hostile_document

pytestmark = pytest.mark.django_db

SELECTION = "/api/v1/workshops/vote/selection"
RESULTS = f"{SELECTION}/results"


@pytest.fixture
def vote(db):
    document = copy.deepcopy(hostile_document("vote"))
    del document["selection"]
    workshop = do_import_workshop(Package(document=document), actor=None).workshop
    return do_open_selection(workshop, actor=None, grades=DEFAULT_GRADES)


@pytest.fixture
def organiser_token(vote):
    from rebours.api.actions import do_create_token

    user = account("cy", vote.workshop, "cy_3")
    return do_create_token(user, "results", actor=None)[1]


def test_hidden_while_the_vote_is_open(client, vote, organiser_token):
    selection = client.get(SELECTION).json()
    assert selection["status"] == "open" and selection["results_visibility"] == "after_closing"
    assert selection["results_visible"] is False
    response = client.get(RESULTS)
    assert response.status_code == 403
    assert response.json() == {"error": "the results are hidden until the vote closes"}
    # Organisers always see them.
    assert client.get(RESULTS, headers=bearer(organiser_token)).status_code == 200
    assert client.get(SELECTION, headers=bearer(organiser_token)).json()["results_visible"]


def test_shown_once_the_vote_closes(client, vote):
    do_close_selection(vote, actor=None)
    assert client.get(SELECTION).json()["results_visible"] is True
    results = client.get(RESULTS).json()
    assert results["status"] == "closed"
    assert [c["college"] for c in results["colleges"]] == ["all", "elected", "participant"]


def test_shown_live_when_the_organiser_chose_so(client, vote):
    do_open_selection(vote.workshop, actor=None, grades=DEFAULT_GRADES, results_visibility="live")
    response = client.get(RESULTS)
    assert response.status_code == 200
    assert response.json()["status"] == "open"
