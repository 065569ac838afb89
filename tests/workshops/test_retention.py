"""A workshop's retention date and the purge of its personal data: the action, the registry of
purgers, the `purge_expired` command and the organisers' page."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from rebours.audit.models import AuditAction, AuditEntry
from rebours.board.models import Note
from rebours.core import retention
from rebours.live.models import Event
from rebours.proposals.actions import do_update_proposal
from rebours.proposals.models import ProposalVersion
from rebours.selection.actions import do_cast_ballot, do_close_selection
from rebours.selection.models import Ballot
from rebours.workshops.actions import (
    RETENTION_KIND,
    PurgeRefused,
    do_purge_personal_data,
    do_set_personal_data_until,
)
from rebours.workshops.models import Contact, Person
from rebours.workshops.policy import Phase, Role
from tests.support.hostile import hostile
from tests.support.policy_world import build_world
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db

PAST = datetime.date(2001, 2, 3)


@pytest.fixture
def world():
    world = build_world(Phase.SELECTION_OPEN, "kept")
    eli = world.people["eli"]
    do_cast_ballot(world.selection, eli, actor=eli, grades={"p1": 6})
    do_close_selection(world.selection, actor=world.actors[Role.ORGANISER].user)
    mem = world.people["mem"]
    Person.objects.filter(pk=mem.pk).update(
        organisation=hostile("org"), attributes={"age": "30-39", "territory": hostile("t")}
    )
    return world


def organiser(world):
    return world.actors[Role.ORGANISER].user


def test_no_purge_before_the_date(world):
    org = organiser(world)
    with pytest.raises(PurgeRefused):
        do_purge_personal_data(world.workshop, actor=org)  # no date yet
    do_set_personal_data_until(world.workshop, actor=org, until=datetime.date.today())
    before = snapshot()
    with pytest.raises(PurgeRefused):
        do_purge_personal_data(world.workshop, actor=org)  # the day itself still keeps them
    assert snapshot() == before


def test_the_purge_de_identifies_people_and_keeps_what_they_did(world):
    org = organiser(world)
    do_update_proposal(
        world.proposal,
        {"summary": hostile("by mem")},
        base_version=world.proposal.version,
        actor=None,
        person=world.people["mem"],
    )
    Person.objects.filter(pk=world.people["des"].pk).update(credit_by_name=True)
    do_set_personal_data_until(world.workshop, actor=org, until=PAST)
    notes, ballots = Note.objects.count(), Ballot.objects.count()
    day_events = Event.objects.filter(stream__name=f"day:{world.workshop.pk}")
    assert day_events.exists()  # the day's states, as screens received them
    preview = do_purge_personal_data(world.workshop, actor=org, dry_run=True)
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_PURGED).exists()
    counts = do_purge_personal_data(world.workshop, actor=org)
    assert counts == preview
    assert counts["contacts"] == 1 and counts["people"] >= 7 and counts["history_names"] == 1
    people = {p.key: p for p in Person.objects.filter(workshop=world.workshop)}
    mem = people["mem"]
    assert mem.display_name.startswith("Person") or mem.display_name.startswith("Personne")
    assert mem.organisation == "" and mem.attributes == {}
    assert people["pub"].attributes == {"college": "public"}  # its ballots' college
    assert people["des"].display_name == hostile("des")  # agreed to be named in the booklet
    assert not Contact.objects.filter(workshop=world.workshop).exists()
    assert Note.objects.count() == notes and Ballot.objects.count() == ballots
    version = ProposalVersion.objects.filter(person=mem).latest("number")
    assert version.author_name == mem.display_name
    assert not day_events.exists()
    [entry] = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_PURGED)
    assert entry.details["counts"] == counts and entry.actor == org
    # A second purge finds nothing more to change.
    again = do_purge_personal_data(world.workshop, actor=org)
    assert again["people"] == 0 and again["contacts"] == 0


def test_another_app_registers_its_own_purger(world, monkeypatch):
    monkeypatch.setattr(retention, "_PURGERS", {k: dict(v) for k, v in retention._PURGERS.items()})
    seen = []
    retention.register(
        RETENTION_KIND, "volunteers", lambda unit, *, dry_run: seen.append(dry_run) or 3
    )
    do_set_personal_data_until(world.workshop, actor=organiser(world), until=PAST)
    counts = do_purge_personal_data(world.workshop, actor=organiser(world))
    assert counts["volunteers"] == 3 and seen == [False]
    assert list(counts)[:2] == ["people", "contacts"]


def test_the_command_purges_expired_workshops_only(world):
    later = build_world(Phase.PREPARATION, "later")
    do_set_personal_data_until(world.workshop, actor=None, until=PAST)
    do_set_personal_data_until(later.workshop, actor=None, until=datetime.date(2999, 1, 1))
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert out.getvalue().startswith("kept (kept until 2001-02-03): would purge people")
    assert "later" not in out.getvalue()
    assert Contact.objects.filter(workshop=world.workshop).exists()
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "kept (kept until 2001-02-03): purged people" in out.getvalue()
    assert not Contact.objects.filter(workshop=world.workshop).exists()
    assert Contact.objects.filter(workshop=later.workshop).exists()
    [entry] = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_PURGED)
    assert entry.actor_label == ""  # the command line


def page(world, role):
    return world.client(role), reverse("privacy:workshop", args=[world.workshop.slug])


def test_organisers_set_the_date_and_purge_from_the_page(world):
    client, url = page(world, Role.ORGANISER)
    html = client.get(url).content.decode()
    assert "contacts" in html and 'name="purge"' not in html
    assert client.post(url, {"personal_data_until": "2001-02-03"}).status_code == 302
    world.workshop.refresh_from_db()
    assert world.workshop.personal_data_until == PAST
    assert client.post(url, {"purge": "1"}).status_code == 400  # not confirmed
    assert Contact.objects.filter(workshop=world.workshop).exists()
    assert client.post(url, {"purge": "1", "confirm": "on"}).status_code == 302
    assert not Contact.objects.filter(workshop=world.workshop).exists()


def test_before_the_date_the_button_is_refused(world):
    do_set_personal_data_until(world.workshop, actor=None, until=datetime.date(2999, 1, 1))
    client, url = page(world, Role.ORGANISER)
    client.post(url, {"purge": "1", "confirm": "on"})
    assert Contact.objects.filter(workshop=world.workshop).exists()


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.ANONYMOUS])
def test_others_do_not_manage_personal_data(world, role):
    do_set_personal_data_until(world.workshop, actor=None, until=PAST)
    client, url = page(world, role)
    assert client.get(url).status_code in (302, 403)
    client.post(url, {"purge": "1", "confirm": "on"})
    assert Contact.objects.filter(workshop=world.workshop).exists()
