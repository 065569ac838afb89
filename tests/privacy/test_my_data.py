"""/me/data/: what Rebours holds about the person reading, as a page and as JSON, and erasing it
by the documented rule."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from rebours.api.actions import do_create_token
from rebours.api.models import ApiToken
from rebours.board.actions import do_add_dot, do_create_note
from rebours.board.models import Dot, Note
from rebours.board.permissions import board_access
from rebours.selection.actions import do_cast_ballot, do_close_selection, do_set_favourites
from rebours.selection.models import Ballot, Favourite
from rebours.selection.queries import results
from rebours.workshops.models import Person
from rebours.workshops.policy import Phase, Role
from tests.support.hostile import SCRIPT, hostile
from tests.support.policy_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    """A running day: the member posted a note and placed a dot."""
    world = build_world(Phase.LIVE_DIVERGE, "mine")
    member = world.actors[Role.MEMBER]
    access = board_access(member.user, member.session, world.theme)
    note = do_create_note(world.theme, actor=access, text=hostile("my idea"))
    do_add_dot(note, actor=access)
    return world


@pytest.fixture
def vote():
    """An open vote: the elected official graded and named a favourite."""
    world = build_world(Phase.SELECTION_OPEN, "voted")
    eli = world.people["eli"]
    do_cast_ballot(world.selection, eli, actor=eli, grades={"p1": 6, "p2": 1})
    do_set_favourites(world.selection, actor=eli, choices=[("p1", hostile("why"))])
    return world


def test_a_participant_sees_what_is_held_about_them(day):
    html = day.client(Role.MEMBER).get(reverse("privacy:mine")).content.decode()
    assert "my idea" in html and SCRIPT not in html
    assert hostile("mem").split(" ")[0] in html
    assert "note des" not in html  # someone else's note


def test_the_export_is_the_same_data_as_json(day, vote):
    data = json.loads(day.client(Role.MEMBER).get(reverse("privacy:mine_json")).content)
    assert data["format"] == "rebours.personal-data/1" and data["account"] is None
    [person] = data["people"]
    assert person["display_name"] == hostile("mem")
    assert [n["text"] for n in person["notes"]] == [hostile("note mem"), hostile("my idea")]
    assert person["dots"] == {"g1": 1}
    assert person["groups"] == [{"theme": "g1", "title": hostile("group one"), "role": "member"}]
    elected = json.loads(vote.client(Role.ELECTED).get(reverse("privacy:mine_json")).content)
    [ballot] = elected["people"][0]["ballots"]
    assert {g["proposal"]: g["grade"] for g in ballot["grades"]} == {
        "p1": "Excellent",
        "p2": "Insuffisant",
    }
    assert elected["people"][0]["favourites"][0]["why"] == hostile("why")


def test_an_account_holder_sees_their_tokens(day):
    organiser = day.actors[Role.ORGANISER].user
    do_create_token(organiser, hostile("script")[:60], actor=organiser)
    data = json.loads(day.client(Role.ORGANISER).get(reverse("privacy:mine_json")).content)
    assert data["account"]["username"] == "org-mine"
    assert [t["name"] for t in data["account"]["api_tokens"]] == [hostile("script")[:60]]
    assert data["people"][0]["roles"] == ["organiser"]


def test_a_stranger_is_told_nothing_is_held(day):
    response = Client().get(reverse("privacy:mine"))
    assert response.status_code == 200
    assert json.loads(Client().get(reverse("privacy:mine_json")).content)["people"] == []


def test_erasing_unsigns_notes_and_leaves_a_pseudonym(day):
    client = day.client(Role.MEMBER)
    member = day.people["mem"]
    assert client.post(reverse("privacy:erase")).status_code == 400  # not confirmed
    response = client.post(reverse("privacy:erase"), {"confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name in ("Person 5", "Personne 5")
    assert member.attributes == {} and member.organisation == ""
    assert not Note.objects.filter(author=member).exists()
    assert Note.objects.filter(text=hostile("my idea"), author=None).exists()
    assert Dot.objects.filter(voter=member).count() == 1  # still counts, under the pseudonym
    # The browser is nobody in the workshop any more.
    assert json.loads(client.get(reverse("privacy:mine_json")).content)["people"] == []


def test_erasing_during_the_vote_withdraws_the_ballot(vote):
    vote.client(Role.ELECTED).post(reverse("privacy:erase"), {"confirm": "on"})
    assert not Ballot.objects.filter(selection=vote.selection).exists()
    assert not Favourite.objects.filter(selection=vote.selection).exists()


def test_erasing_after_the_vote_keeps_the_results(vote):
    do_close_selection(vote.selection, actor=vote.actors[Role.ORGANISER].user)
    before = results(vote.selection)
    vote.client(Role.ELECTED).post(reverse("privacy:erase"), {"confirm": "on"})
    assert Ballot.objects.filter(selection=vote.selection).count() == 1
    assert results(vote.selection) == before
    eli = Person.objects.get(pk=vote.people["eli"].pk)
    assert eli.display_name != hostile("eli")


def test_erasing_an_account_deletes_it_with_its_tokens(day):
    facilitator = day.actors[Role.FACILITATOR].user
    do_create_token(facilitator, "mine", actor=facilitator)
    client = day.client(Role.FACILITATOR)
    client.post(reverse("privacy:erase"), {"confirm": "on"})
    assert not get_user_model().objects.filter(pk=facilitator.pk).exists()
    assert not ApiToken.objects.filter(user_id=facilitator.pk).exists()
    person = Person.objects.get(pk=day.people["fac"].pk)
    assert person.user_id is None and person.display_name != hostile("fac")
    assert "_auth_user_id" not in client.session  # signed out


def test_erasing_needs_the_csrf_token(day):
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session.update(day.actors[Role.MEMBER].session)
    session.save()
    assert client.post(reverse("privacy:erase"), {"confirm": "on"}).status_code == 403
    assert Note.objects.filter(author=day.people["mem"]).exists()
