"""A workshop with someone in every role of the permission table, brought to any phase.

Built through the actions (the importer, the live day's console, the selection), so that the
phase is the one the code derives, not one set by hand. Every text is hostile.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from rebours.board.models import Note
from rebours.proposals.models import Proposal
from rebours.selection.models import College, Selection
from rebours.workshops.models import Person, Theme, Workshop
from rebours.workshops.permissions import participant_session_key
from rebours.workshops.policy import Phase, Role
from tests.support.hostile import hostile

# The person each role acts as (None: nobody in the workshop), and whether through an account.
ROLE_PEOPLE: dict[Role, tuple[str | None, bool]] = {
    Role.ANONYMOUS: (None, False),
    Role.PUBLIC: ("pub", False),
    Role.PARTICIPANT: ("par", False),
    Role.MEMBER: ("mem", False),
    Role.DESIGNER: ("des", False),
    Role.FACILITATOR: ("fac", True),
    Role.ELECTED: ("eli", False),
    Role.ORGANISER: ("org", True),
    Role.STAFF: (None, True),
}


def world_document(slug: str) -> dict[str, Any]:
    h = hostile
    people = [
        {"id": "org", "display_name": h("org"), "roles": ["organiser"]},
        {"id": "fac", "display_name": h("fac"), "roles": ["facilitator"]},
        {"id": "fac2", "display_name": h("fac2"), "roles": ["facilitator"]},
        {"id": "des", "display_name": h("des"), "roles": ["designer"]},
        {"id": "mem", "display_name": h("mem"), "roles": ["participant"]},
        {"id": "par", "display_name": h("par"), "roles": ["participant"]},
        {"id": "eli", "display_name": h("eli"), "roles": ["elected"]},
        {
            "id": "pub",
            "display_name": h("pub"),
            "roles": [],
            "attributes": {"college": "public"},
        },
    ]
    notes = [
        # One note of each person on the first group's board, and one nobody signs.
        {"id": f"n-{p['id']}", "theme": "g1", "author": p["id"], "text": h(f"note {p['id']}")}
        for p in people
    ] + [{"id": "n-none", "theme": "g1", "text": h("unsigned")}]
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": slug, "title": h("policy")[:200], "horizon_year": 2040},
        "people": people,
        "agenda": [
            {"id": "open", "kind": "opening", "title": h("opening"), "minutes": 30},
            {"id": "s1", "kind": "diverge", "title": h("s1"), "minutes": 120},
            {"id": "s2", "kind": "converge", "title": h("s2"), "minutes": 120},
        ],
        "themes": [
            {
                "id": "g1",
                "title": h("group one"),
                "facilitators": ["fac"],
                "designers": ["des"],
                "members": ["mem"],
            },
            {"id": "g2", "title": h("group two"), "facilitators": ["fac2"], "members": ["par"]},
        ],
        "notes": notes,
        "proposals": [
            {"id": "p1", "theme": "g1", "title": h("proposal one")[:300], "summary": h("s")},
            {"id": "p2", "theme": "g1", "title": h("proposal two")[:300]},
            {"id": "p3", "theme": "g2", "title": h("proposal three")[:300]},
        ],
        "contacts": [{"name": h("contact"), "email": "contact@example.org"}],
    }


@dataclass
class Actor:
    role: Role
    user: Any
    session: dict[str, Any]
    person: Person | None


@dataclass
class World:
    phase: Phase
    workshop: Workshop
    theme: Theme  # the first group, where the group roles are
    proposal: Proposal  # a proposal of the first group
    selection: Selection | None
    people: dict[str, Person]
    actors: dict[Role, Actor] = field(default_factory=dict)

    def note_of(self, person: Person | None) -> Note:
        """The note `person` posted on the first group's board (for nobody: the unsigned one)."""
        key = f"n-{person.key}" if person is not None else "n-none"
        return Note.objects.get(theme=self.theme, key=key)

    def other_note(self) -> Note:
        """A note by someone who is none of the table's roles (the other group's facilitator)."""
        return Note.objects.get(theme=self.theme, key="n-fac2")

    def client(self, role: Role) -> Client:
        """A Django test client acting as `role`: signed in, or with the session it joined with."""
        actor = self.actors[role]
        client = Client()
        if actor.user.is_authenticated:
            client.force_login(actor.user)
        if actor.session:
            session = client.session
            session.update(actor.session)
            session.save()
        return client

    def selection_or_stand_in(self) -> Selection:
        """The workshop's selection; before there is one, an unsaved stand-in with every college
        (the permission functions read the phase from the database, not from it)."""
        if self.selection is not None:
            return self.selection
        return Selection(
            workshop=self.workshop,
            grades=["a", "b"],
            colleges=[c.value for c in College],
        )


def _accounts(workshop: Workshop, slug: str) -> dict[str, Any]:
    from rebours.facilitation.actions import do_give_account

    people = {p.key: p for p in Person.objects.filter(workshop=workshop)}
    accounts = {
        key: do_give_account(people[key], actor=None, username=f"{key}-{slug}", password="")
        for key in ("org", "fac")
    }
    accounts["staff"] = get_user_model().objects.create_user(f"staff-{slug}", is_staff=True)
    return accounts


def build_world(phase: Phase, slug: str | None = None) -> World:
    """A workshop in `phase`, with an actor for every role (see ROLE_PEOPLE)."""
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from rebours.facilitation import actions as day
    from rebours.facilitation.permissions import day_access
    from rebours.selection.actions import do_close_selection, do_open_selection
    from rebours.selection.scale import DEFAULT_GRADES

    slug = slug or f"policy-{phase.value.replace('_', '-')}"
    workshop = do_import_workshop(Package(document=world_document(slug)), actor=None).workshop
    accounts = _accounts(workshop, slug)
    organiser = accounts["org"]
    console = day_access(organiser, {}, workshop)
    day.do_prepare_day(workshop, actor=organiser)
    selection = None
    if phase != Phase.PREPARATION:
        day.do_start_day(workshop, actor=console)
    if phase == Phase.LIVE_CONVERGE:
        day.do_set_mode(workshop, actor=console, mode="converge")
    if phase in (Phase.REVIEW, Phase.SELECTION_OPEN, Phase.SELECTION_CLOSED):
        day.do_end_day(workshop, actor=console)
    if phase in (Phase.SELECTION_OPEN, Phase.SELECTION_CLOSED):
        selection = do_open_selection(
            workshop,
            actor=organiser,
            grades=DEFAULT_GRADES,
            colleges=[c.value for c in College],
            closes_at=timezone.now() + timedelta(days=1),
        )
    if phase == Phase.SELECTION_CLOSED:
        assert selection is not None
        selection = do_close_selection(selection, actor=organiser)
    people = {p.key: p for p in Person.objects.filter(workshop=workshop)}
    world = World(
        phase=phase,
        workshop=workshop,
        theme=workshop.themes.get(key="g1"),
        proposal=workshop.proposals.get(key="p1"),
        selection=selection,
        people=people,
    )
    for role, (key, with_account) in ROLE_PEOPLE.items():
        person = people[key] if key else None
        if with_account:
            user = accounts[key or "staff"]
            session: dict[str, Any] = {}
        else:
            user = AnonymousUser()
            session = {participant_session_key(workshop): person.pk} if person else {}
        world.actors[role] = Actor(role, user, session, person)
    return world
