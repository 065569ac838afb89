"""Who may join, follow the day, run it from the console, and organise it.

The rules are the table's (`rebours.workshops.policy`):
- organise: the joining rules, the dot budget, a new join link (`organise_day`); removing a
  participant (`remove_participant`): the workshop's organisers;
- run: organisers and the signed-in facilitators of any of its groups (`run_console`: timer,
  wall, messages, assigning groups);
- follow: anyone acting in the workshop (a joined participant, a facilitator) and the wall;
- join: a visitor with the link, until the day ends (`join`).
"""

from dataclasses import dataclass
from typing import Any

from rebours.board.permissions import is_watcher
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import User, current_person, phase_of, roles_in
from rebours.workshops.policy import Action, Phase, allows


@dataclass(frozen=True)
class DayAccess:
    workshop: Workshop
    person: Person | None
    user: Any
    follow: bool = False
    run: bool = False
    organise: bool = False
    watcher: bool = False
    remove: bool = False  # remove a participant who joined with the link


def day_access(user: User, session: Any, workshop: Workshop) -> DayAccess:
    person = current_person(user, session, workshop)
    roles = roles_in(user, session, workshop, person=person)
    phase = phase_of(workshop)
    run = allows(roles, Action.RUN_CONSOLE, phase)
    watcher = is_watcher(session, workshop)
    return DayAccess(
        workshop,
        person,
        user,
        follow=run or watcher or person is not None,
        run=run,
        organise=allows(roles, Action.ORGANISE_DAY, phase),
        watcher=watcher,
        remove=allows(roles, Action.REMOVE_PARTICIPANT, phase),
    )


def can_join(user: User, session: Any, workshop: Workshop, phase: Phase | None = None) -> bool:
    """Whether this caller may join `workshop` with its link now (joining open aside)."""
    roles = roles_in(user, session, workshop)
    return allows(roles, Action.JOIN, phase if phase is not None else phase_of(workshop))
