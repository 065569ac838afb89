"""Who may read, write on and moderate a group's board.

A board is a theme's island. What each role may do on it, and until when, is the table's
(`rebours.workshops.policy`): its members post, dot and sort while the day lasts; its facilitators
and the workshop's organisers also moderate (edit or delete any note, remove clusters, turn a
cluster into a proposal draft), the day over too. The day's other facilitators and the wall only
read.
"""

from dataclasses import dataclass
from typing import Any

from rebours.board.models import Note
from rebours.workshops.models import Person, Theme, Workshop
from rebours.workshops.permissions import (
    User,
    current_person,
    facilitates_workshop,
    phase_of,
    roles_in,
)
from rebours.workshops.policy import Action, Phase, allows
from rebours.workshops.policy import Role as PolicyRole

__all__ = [
    "BoardAccess",
    "board_access",
    "can_change_note",
    "facilitates_workshop",
    "is_watcher",
]


def watcher_session_key(workshop: Workshop) -> str:
    """Set in a session opened with the wall's link: that screen may read every board."""
    return f"rebours.wall.{workshop.pk}"


def is_watcher(session: Any, workshop: Workshop) -> bool:
    return bool(session is not None and session.get(watcher_session_key(workshop)))


@dataclass(frozen=True)
class BoardAccess:
    """What one caller may do on one board, now. Actions check the flag of what they do."""

    theme: Theme
    person: Person | None
    user: Any
    read: bool = False
    write: bool = False  # post notes (signed by `person`)
    moderate: bool = False  # edit or delete anyone's note, remove clusters
    edit_own: bool = False  # edit or delete one's own notes
    dot: bool = False
    sort: bool = False  # create and rename clusters, move notes
    draft: bool = False  # turn a cluster into a proposal draft
    roles: frozenset[PolicyRole] = frozenset()
    phase: Phase | None = None

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None


def board_access(user: User, session: Any, theme: Theme) -> BoardAccess:
    workshop = theme.workshop
    person = current_person(user, session, workshop)
    roles = roles_in(user, session, workshop, theme, person=person)
    phase = phase_of(workshop)

    def may(action: Action) -> bool:
        return allows(roles, action, phase)

    read = may(Action.READ_BOARD) or (
        # The wall and the day's other facilitators follow every board, read-only.
        is_watcher(session, workshop) or facilitates_workshop(person, workshop)
    )
    # Notes and dots are signed: without a person in the workshop, nobody can post or vote.
    signs = person is not None
    return BoardAccess(
        theme,
        person,
        user,
        read=read,
        write=signs and may(Action.POST_NOTE),
        moderate=may(Action.EDIT_ANY_NOTE),
        edit_own=signs and may(Action.EDIT_OWN_NOTE),
        dot=signs and may(Action.DOT),
        sort=may(Action.SORT),
        draft=may(Action.MAKE_DRAFT),
        roles=roles,
        phase=phase,
    )


def can_change_note(access: BoardAccess, note: Note) -> bool:
    """Edit or delete `note`: anyone's for a moderator, one's own while one may write."""
    if note.theme_id != access.theme.pk:
        return False
    return access.moderate or (
        access.edit_own and note.author_id is not None and note.author_id == access.person_id
    )
