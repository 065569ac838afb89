"""Who may vote, in which college, who names favourites, and who sees the results.

Who may take each action, and in which phase, is the table's (`rebours.workshops.policy`); the
colleges (which ballot box a voter's ballot goes in) are this app's.
"""

from datetime import datetime

from rebours.live.registry import Viewer
from rebours.selection.models import College, Selection, Visibility
from rebours.workshops.models import Person, Role, Workshop
from rebours.workshops.permissions import (
    PARTICIPANT_ROLES,
    PUBLIC_ATTRIBUTE,
    User,
    can_read_workshop,
    is_public_voter,
    may,
    phase_of,
)
from rebours.workshops.policy import Action

__all__ = [
    "PARTICIPANT_ROLES",
    "PUBLIC_ATTRIBUTE",
    "can_become_public_voter",
    "can_close",
    "can_manage",
    "can_name_favourites",
    "can_read_stream",
    "can_see_results",
    "can_vote",
    "is_public_voter",
    "person_colleges",
    "voting_colleges",
]


def person_colleges(person: Person | None) -> list[str]:
    """The colleges `person` belongs to, in the order of `College`."""
    if person is None:
        return []
    roles = set(person.roles or [])
    found = []
    if Role.ELECTED.value in roles:
        found.append(College.ELECTED.value)
    if roles & PARTICIPANT_ROLES:
        found.append(College.PARTICIPANT.value)
    if is_public_voter(person):
        found.append(College.PUBLIC.value)
    return found


def voting_colleges(person: Person | None, selection: Selection) -> list[str]:
    """The colleges `person` may vote in for `selection` (empty: they may not vote)."""
    return [c for c in person_colleges(person) if c in (selection.colleges or [])]


def can_manage(user: User, workshop: Workshop) -> bool:
    """Open the vote, reopen it, change its settings."""
    return may(user, None, workshop, Action.OPEN_SELECTION)


def can_close(user: User, workshop: Workshop) -> bool:
    return may(user, None, workshop, Action.CLOSE_SELECTION)


def can_vote(person: Person | None, selection: Selection, now: datetime | None = None) -> bool:
    """Whether `person` may cast a ballot now: the table says so, and a college of theirs votes."""
    if person is None or person.workshop_id != selection.workshop_id:
        return False
    workshop = selection.workshop
    phase = phase_of(workshop, now)
    return bool(voting_colleges(person, selection)) and may(
        None, None, workshop, Action.VOTE, phase=phase, person=person
    )


def can_become_public_voter(
    person: Person | None, selection: Selection, now: datetime | None = None
) -> bool:
    """Whether someone the workshop does not know yet may join the public college now."""
    if person is not None or College.PUBLIC not in (selection.colleges or []):
        return False
    workshop = selection.workshop
    return may(
        None, None, workshop, Action.BECOME_PUBLIC_VOTER, phase=phase_of(workshop, now), person=None
    )


def can_name_favourites(person: Person | None, now: datetime | None = None) -> bool:
    if person is None:
        return False
    workshop = person.workshop
    return may(
        None, None, workshop, Action.NAME_FAVOURITES, phase=phase_of(workshop, now), person=person
    )


def can_see_results(user: User, selection: Selection, now: datetime | None = None) -> bool:
    """Organisers always; others once the vote is closed, or live if the organiser chose so."""
    if selection.results_visibility == Visibility.LIVE:
        return True
    workshop = selection.workshop
    return may(user, None, workshop, Action.SEE_RESULTS, phase=phase_of(workshop, now))


def can_read_stream(viewer: Viewer, stream: str) -> bool:
    """`selection:<id>` carries counts only (ballots per college), never who voted what."""
    _, _, ident = stream.partition(":")
    if not ident.isdigit():
        return False
    selection = Selection.objects.select_related("workshop").filter(pk=int(ident)).first()
    if selection is None:
        return False
    return can_read_workshop(viewer.user, viewer.session, selection.workshop)
