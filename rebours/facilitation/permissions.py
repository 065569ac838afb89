"""Who may follow the day, run it from the console, and organise it.

- organise: the workshop's organisers (join settings, dot budget, removing a participant);
- run: organisers and the signed-in facilitators of any of its groups (timer, wall, messages);
- follow: anyone acting in the workshop (a joined participant, a facilitator) and the wall.
"""

from dataclasses import dataclass
from typing import Any

from rebours.board.permissions import facilitates_workshop, is_watcher
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import User, current_person, is_organiser


@dataclass(frozen=True)
class DayAccess:
    workshop: Workshop
    person: Person | None
    user: Any
    follow: bool = False
    run: bool = False
    organise: bool = False
    watcher: bool = False


def day_access(user: User, session: Any, workshop: Workshop) -> DayAccess:
    person = current_person(user, session, workshop)
    organise = is_organiser(user, workshop)
    run = organise or (user.is_authenticated and facilitates_workshop(person, workshop))
    watcher = is_watcher(session, workshop)
    return DayAccess(
        workshop,
        person,
        user,
        follow=run or watcher or person is not None,
        run=run,
        organise=organise,
        watcher=watcher,
    )
