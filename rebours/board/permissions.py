"""Who may read, write on and moderate a group's board.

A board is a theme's island. Its members (participants who joined it, its designer) read and
write; its facilitators and the workshop's organisers also moderate (edit or delete any note,
remove clusters, turn a cluster into a proposal draft). The day's other facilitators and the wall
only read.
"""

from dataclasses import dataclass
from typing import Any

from rebours.workshops.models import Person, Theme, ThemeMembership, ThemeRole, Workshop
from rebours.workshops.permissions import User, current_person, is_organiser, theme_roles


def watcher_session_key(workshop: Workshop) -> str:
    """Set in a session opened with the wall's link: that screen may read every board."""
    return f"rebours.wall.{workshop.pk}"


def is_watcher(session: Any, workshop: Workshop) -> bool:
    return bool(session is not None and session.get(watcher_session_key(workshop)))


def facilitates_workshop(person: Person | None, workshop: Workshop) -> bool:
    if person is None:
        return False
    return ThemeMembership.objects.filter(
        person=person, theme__workshop=workshop, role=ThemeRole.FACILITATOR
    ).exists()


@dataclass(frozen=True)
class BoardAccess:
    theme: Theme
    person: Person | None
    user: Any
    read: bool = False
    write: bool = False
    moderate: bool = False

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None


def board_access(user: User, session: Any, theme: Theme) -> BoardAccess:
    workshop = theme.workshop
    person = current_person(user, session, workshop)
    organiser = is_organiser(user, workshop)
    roles = theme_roles(person, theme)
    if organiser or ThemeRole.FACILITATOR in roles:
        return BoardAccess(theme, person, user, read=True, write=person is not None, moderate=True)
    if roles:
        return BoardAccess(theme, person, user, read=True, write=True)
    if is_watcher(session, workshop) or facilitates_workshop(person, workshop):
        return BoardAccess(theme, person, user, read=True)
    return BoardAccess(theme, person, user)
