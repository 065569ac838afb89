import pytest
from django.test import Client

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import hostile_document


@pytest.fixture
def workshop(db):
    do_import_workshop(Package(document=hostile_document()), actor=None)
    return Workshop.objects.get(slug="hostile")


@pytest.fixture
def proposal(workshop):
    return Proposal.objects.get(workshop=workshop, key="p-1")


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_user("orga", password="x", is_staff=True)


@pytest.fixture
def organiser_client(organiser):
    client = Client()
    client.force_login(organiser)
    return client


@pytest.fixture
def member_client(workshop):
    """Bo, a member of the group of p-1, joined without an account."""
    client = Client()
    session = client.session
    session[participant_session_key(workshop)] = Person.objects.get(
        workshop=workshop, key="bo-2"
    ).pk
    session.save()
    return client
