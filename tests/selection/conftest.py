"""A hostile workshop with people of every college and no selection yet, built by the importer."""

import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.selection.actions import do_open_selection
from rebours.selection.scale import DEFAULT_GRADES
from rebours.workshops.models import Person
from tests.support.hostile import hostile, hostile_document


def voting_document() -> dict:
    document = copy.deepcopy(hostile_document("vote"))
    del document["selection"]
    document["people"] += [
        {"id": "dana", "display_name": hostile("dana"), "roles": ["participant", "elected"]},
        {"id": "eli", "display_name": hostile("eli"), "roles": ["participant"]},
        {"id": "obs", "display_name": hostile("obs"), "roles": ["observer"]},
    ]
    document["proposals"].append(
        {
            "id": "p-3",
            "theme": "t-2",
            "title": hostile("three")[:300],
            "review": {"triage": "not_original"},
        }
    )
    return document


@pytest.fixture
def workshop(db):
    return do_import_workshop(Package(document=voting_document()), actor=None).workshop


@pytest.fixture
def people(workshop):
    return {p.key: p for p in Person.objects.filter(workshop=workshop)}


@pytest.fixture
def selection(workshop):
    """An open vote on every proposal, for elected officials, participants and the public."""
    return do_open_selection(
        workshop,
        actor=None,
        grades=DEFAULT_GRADES,
        colleges=["elected", "participant", "public"],
        closes_at=timezone.now() + timedelta(hours=1),
    )
