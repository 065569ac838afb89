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
def as_member(client, workshop):
    """A participant who joined without an account: known through the session only."""

    def join(key: str = "bo-2"):
        session = client.session
        session[participant_session_key(workshop)] = Person.objects.get(
            workshop=workshop, key=key
        ).pk
        session.save()
        return client

    return join


@pytest.fixture
def organiser_client(django_user_model):
    """An organiser in a browser of their own (the `client` fixture is someone else's)."""
    user = django_user_model.objects.create_user("orga", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    return client
