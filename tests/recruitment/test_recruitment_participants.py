"""The panel becomes participants spread across mixed groups; contacts never leave."""

import json
import random
from collections import Counter
from itertools import combinations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from rebours.api.actions import do_create_token
from rebours.exchange.export import export_document
from rebours.exchange.validation import validate
from rebours.recruitment import actions, mixing
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.models import Volunteer
from rebours.workshops.models import Person, Role, ThemeMembership, ThemeRole
from tests.support.recruitment import (
    draw_now,
    make_workshop,
    open_registration,
    register,
    set_quotas,
)

pytestmark = pytest.mark.django_db

QUOTAS = [
    ("gender", "femme", 6, 6),
    ("gender", "homme", 6, 6),
    ("territory", "nord", 3, 6),
    ("territory", "sud", 3, 6),
    ("territory", "est", 3, 6),
]


@pytest.fixture
def workshop():
    workshop = make_workshop(themes=3)
    open_registration(workshop)
    register(workshop, 24, seed=5)
    set_quotas(workshop, QUOTAS)
    return workshop


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("orga", password="x" * 12, is_staff=True)
    client.force_login(user)
    return user


def participants(workshop):
    return [p for p in Person.objects.filter(workshop=workshop) if p.has_role(Role.PARTICIPANT)]


def groups_of(workshop):
    memberships = ThemeMembership.objects.filter(
        theme__workshop=workshop, role=ThemeRole.MEMBER
    ).select_related("person")
    groups: dict[int, list[Person]] = {}
    for membership in memberships:
        groups.setdefault(membership.theme_id, []).append(membership.person)
    return groups


def test_the_panel_becomes_participants_in_mixed_groups(client, workshop, organiser):
    draw = draw_now(workshop, size=12)
    response = client.post(reverse("recruitment:participants", args=[workshop.slug, draw.pk]))
    assert response.status_code == 302
    people = participants(workshop)
    assert len(people) == 12
    volunteers = {v.pseudonym: v for v in Volunteer.objects.filter(workshop=workshop)}
    for person in people:
        volunteer = volunteers[person.key]
        assert volunteer.person_id == person.pk
        assert person.display_name == volunteer.name
        assert person.attributes == volunteer.attributes
        assert person.user_id is None
    groups = groups_of(workshop)
    assert len(groups) == 3 and sorted(len(g) for g in groups.values()) == [4, 4, 4]
    # Mixing: for every quoted answer, group counts differ by at most one.
    for feature in ("gender", "territory"):
        for value in {p.attributes[feature] for p in people}:
            counts = [sum(p.attributes[feature] == value for p in g) for g in groups.values()]
            assert max(counts) - min(counts) <= 1, (feature, value, counts)
    page = client.get(reverse("recruitment:draw", args=[workshop.slug, draw.pk])).content.decode()
    assert "rec-mix" in page
    # Once is enough.
    with pytest.raises(RecruitmentError):
        actions.do_make_participants(draw, actor=None)
    assert Person.objects.filter(workshop=workshop).count() == 13  # and the organiser


def test_a_replacement_after_the_panel_became_participants_takes_the_place(workshop):
    draw = draw_now(workshop, size=12)
    actions.do_make_participants(draw, actor=None)
    # Someone whose gender and territory another volunteer outside the panel shares, so that a
    # replacement exists whoever the (randomly named) pool put on the panel.
    kinds = {
        v.pseudonym: (v.attributes["gender"], v.attributes["territory"])
        for v in Volunteer.objects.filter(workshop=workshop)
    }
    outside = {kinds[p] for p in kinds if p not in draw.panel}
    leaving = next(p for p in draw.panel if kinds[p] in outside)
    place = ThemeMembership.objects.get(person__key=leaving).theme_id
    replacement = actions.do_replace(draw, actor=None, declined=[leaving], seed=11)
    assert not Person.objects.filter(workshop=workshop, key=leaving).exists()
    newcomer = Person.objects.get(workshop=workshop, key=replacement.added[0])
    assert ThemeMembership.objects.get(person=newcomer).theme_id == place
    assert len(participants(workshop)) == 12


def test_contacts_never_leave_in_exports_or_the_api(client, workshop, organiser):
    draw = draw_now(workshop, size=12)
    actions.do_make_participants(draw, actor=None)
    contacts = list(Volunteer.objects.filter(workshop=workshop).values_list("contact", flat=True))
    document = export_document(workshop)
    validate(document)  # still a valid exchange document
    text = json.dumps(document, ensure_ascii=False)
    assert not any(contact in text for contact in contacts)
    # Only the drawn panel are people; the rest of the pool is not in the document.
    keys = {p["id"] for p in document["people"]}
    assert set(draw.panel) <= keys
    outside = {v.pseudonym for v in Volunteer.objects.filter(workshop=workshop)} - set(draw.panel)
    assert not keys & outside
    # The API: public and organiser endpoints alike.
    token = do_create_token(User.objects.get(username="orga"), "script", actor=None)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for path in (
        f"/api/v1/workshops/{workshop.slug}",
        f"/api/v1/workshops/{workshop.slug}/export",
        f"/api/v1/workshops/{workshop.slug}/themes",
        f"/api/v1/workshops/{workshop.slug}/themes/t-1",
    ):
        response = client.get(path, **headers)
        body = response.content.decode()
        assert response.status_code == 200, (path, response.status_code)
        assert not any(contact in body for contact in contacts), path


# --- the mixing itself (pure) ---------------------------------------------------------------


def spread_counts(people, result, groups):
    counts = {}
    for person, attributes in people.items():
        for feature, value in attributes.items():
            counts.setdefault((feature, value), Counter())[result.groups[person]] += 1
    return {key: [c[g] for g in groups] for key, c in counts.items()}


@pytest.mark.parametrize("seed", range(4))
def test_two_attributes_are_always_spread_within_one(seed):
    # With two attributes a perfect spread always exists; the optimisation must find it.
    rng = random.Random(seed)
    people = {
        f"p{i}": {"gender": rng.choice("FH"), "territory": rng.choice("abcde")} for i in range(23)
    }
    groups = ["g1", "g2", "g3", "g4"]
    result = mixing.spread(people, groups)
    assert result.excess == 0
    sizes = Counter(result.groups.values())
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for key, counts in spread_counts(people, result, groups).items():
        assert max(counts) - min(counts) <= 1, (key, counts)


def test_the_optimisation_beats_round_robin_on_several_attributes():
    rng = random.Random(9)
    people = {
        f"p{i:02d}": {
            "category": rng.choice(["citoyen", "citoyen", "élu", "asso"]),
            "gender": rng.choice("FH"),
            "territory": rng.choice("abcdefg"),
            "age": rng.choice(["jeune", "mûr", "âgé"]),
        }
        for i in range(40)
    }
    groups = [f"g{i}" for i in range(5)]
    result = mixing.spread(people, groups)
    order = sorted(["age", "category", "gender", "territory"])
    assert result.excess <= mixing.excess(people, groups, mixing.round_robin(people, groups, order))
    assert result.excess == 0


def test_when_no_perfect_spread_exists_the_result_is_still_valid():
    # Two groups of two; a and b share both answers, so one group gets two "x".
    people = {
        "a": {"f": "x", "g": "u"},
        "b": {"f": "x", "g": "u"},
        "c": {"f": "x", "g": "v"},
        "d": {"f": "y", "g": "v"},
    }
    result = mixing.spread(people, ["A", "B"])
    assert sorted(Counter(result.groups.values()).values()) == [2, 2]
    assert result.excess == mixing.excess(people, ["A", "B"], result.groups)


def test_spreading_is_deterministic_and_handles_edge_cases():
    people = {f"p{i}": {"f": "xyz"[i % 3]} for i in range(10)}
    assert mixing.spread(people, ["a", "b"]) == mixing.spread(
        dict(reversed(people.items())), ["a", "b"]
    )
    assert mixing.spread({}, ["a"]).groups == {}
    assert set(mixing.spread(people, ["only"]).groups.values()) == {"only"}
    with pytest.raises(ValueError):
        mixing.spread(people, [])
    pairs = list(combinations(sorted(people), 2))
    assert pairs  # sanity: the pool is not empty
