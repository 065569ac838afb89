"""Who may vote, in which college, who names favourites, and who sees the results."""

from datetime import datetime

from rebours.live.registry import Viewer
from rebours.selection.models import College, Selection, Visibility
from rebours.workshops.models import Person, Role, Workshop
from rebours.workshops.permissions import User, is_organiser

# A member of the public who voted is a Person of the workshop marked with this attribute; it
# has no role, so nothing else in the workshop (boards, proposals) opens to them.
PUBLIC_ATTRIBUTE = ("college", College.PUBLIC.value)

# Everyone who worked in a group during the day votes with the participants.
PARTICIPANT_ROLES = {Role.PARTICIPANT.value, Role.FACILITATOR.value, Role.DESIGNER.value}


def is_public_voter(person: Person) -> bool:
    key, value = PUBLIC_ATTRIBUTE
    return (person.attributes or {}).get(key) == value


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
    return is_organiser(user, workshop)


def can_name_favourites(person: Person | None) -> bool:
    return person is not None and person.has_role(Role.ELECTED.value)


def can_see_results(user: User, selection: Selection, now: datetime | None = None) -> bool:
    """Organisers always; others once the vote is closed, or live if the organiser chose so."""
    if is_organiser(user, selection.workshop):
        return True
    if selection.results_visibility == Visibility.LIVE:
        return True
    return not selection.is_open(now)


def can_read_stream(viewer: Viewer, stream: str) -> bool:
    """`selection:<id>` carries counts only (ballots per college), never who voted what."""
    _, _, ident = stream.partition(":")
    if not ident.isdigit():
        return False
    selection = Selection.objects.select_related("workshop").filter(pk=int(ident)).first()
    if selection is None:
        return False
    return selection.workshop.published or is_organiser(viewer.user, selection.workshop)
