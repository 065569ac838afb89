"""A small workshop ready for a live day, written with hostile text, and people to run it.

Two groups with a facilitator each (so both are open to joining), an organiser, an agenda with
a diverge and a converge session, and a press review of two articles.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.db import SessionStore

from rebours.workshops.models import Person, Theme, Workshop
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import hostile

PASSWORD = "correct horse battery staple 42"


def live_document(slug: str = "live") -> dict[str, Any]:
    h = hostile
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": slug, "title": h("day")[:200], "horizon_year": 2040},
        "people": [
            {"id": "org", "display_name": h("org"), "roles": ["organiser"]},
            {"id": "fac-1", "display_name": h("fac one"), "roles": ["facilitator"]},
            {"id": "fac-2", "display_name": h("fac two"), "roles": ["facilitator"]},
        ],
        "press_review": [
            {
                "id": "a1",
                "headline": h("headline one"),
                "lede": h("lede one"),
                "dated": "2040-12-09",
                "theme": "g1",
            },
            {
                "id": "a2",
                "headline": h("headline two"),
                "lede": h("lede two"),
                "dated": "2040-12-09",
            },
        ],
        "agenda": [
            {
                "id": "open",
                "kind": "opening",
                "title": h("opening"),
                "starts_at": "09:30",
                "minutes": 30,
            },
            {
                "id": "s1",
                "kind": "diverge",
                "title": h("session one"),
                "starts_at": "10:00",
                "minutes": 120,
            },
            {
                "id": "s2",
                "kind": "converge",
                "title": h("session two"),
                "starts_at": "13:00",
                "minutes": 120,
            },
        ],
        "themes": [
            {
                "id": "g1",
                "title": h("group one"),
                "question": h("question one"),
                "article": "a1",
                "facilitators": ["fac-1"],
            },
            {
                "id": "g2",
                "title": h("group two"),
                "question": h("question two"),
                "facilitators": ["fac-2"],
            },
        ],
    }


@dataclass
class LiveDay:
    workshop: Workshop
    g1: Theme
    g2: Theme
    organiser: Any
    facilitator: Any  # facilitates g1
    other_facilitator: Any  # facilitates g2


def setup_live_day(slug: str = "live", *, password: str = "") -> LiveDay:
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package

    workshop = do_import_workshop(Package(document=live_document(slug)), actor=None).workshop
    return LiveDay(workshop, *_themes(workshop), *make_accounts(slug, password=password))


def _themes(workshop: Workshop) -> tuple[Theme, Theme]:
    return workshop.themes.get(key="g1"), workshop.themes.get(key="g2")


def make_accounts(slug: str = "live", *, password: str = "") -> tuple[Any, Any, Any]:
    """Accounts `org-<slug>`, `fac1-<slug>`, `fac2-<slug>` linked to the workshop's people.

    Without a password (unit tests sign in with `force_login`) no slow hashing is done.
    """
    from rebours.facilitation.actions import do_give_account

    people = {p.key: p for p in Person.objects.filter(workshop__slug=slug)}
    return tuple(
        do_give_account(people[key], actor=None, username=f"{name}-{slug}", password=password)
        for key, name in (("org", "org"), ("fac-1", "fac1"), ("fac-2", "fac2"))
    )


def participant_session(workshop: Workshop, person: Person) -> str:
    """A saved session bound to `person` in `workshop`, as joining leaves it; returns its key."""
    session = SessionStore()
    session[participant_session_key(workshop)] = person.pk
    session.create()
    return session.session_key


def seed_participants(slug: str, group: str, count: int) -> dict[str, Any]:
    """Join `count` participants to `group` of workshop `slug` and give each a session; for tests
    and benchmarks that talk to a server subprocess (run through `rebours manage shell`)."""
    from rebours.facilitation.actions import do_join_workshop, do_prepare_day

    workshop = Workshop.objects.get(slug=slug)
    theme = workshop.themes.get(key=group)
    _state, join = do_prepare_day(workshop, actor=None)
    people = []
    for index in range(count):
        person = do_join_workshop(join, actor=None, display_name=f"P{index}", theme=theme.pk)
        people.append({"person": person.pk, "session": participant_session(workshop, person)})
    return {"workshop": workshop.pk, "board": theme.pk, "people": people}
