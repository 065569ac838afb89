"""Who may do what on a workshop. Checked by views, the API and the CLI alike.

The rules themselves are one table, `rebours.workshops.policy`. This module works out what the
table needs: the caller's roles in a workshop (or in one of its themes) and the workshop's phase,
derived from the state the apps already keep (the live day's `DayState`, the `Selection`).
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, Subquery

from rebours.workshops.models import Person, Role, Theme, ThemeMembership, ThemeRole, Workshop
from rebours.workshops.policy import Action, Phase, allows
from rebours.workshops.policy import Role as PolicyRole

User = AbstractBaseUser | AnonymousUser

# A member of the public who voted is a Person of the workshop marked with this attribute; it
# has no role, so nothing else in the workshop (boards, proposals) opens to them.
PUBLIC_ATTRIBUTE = ("college", "public")

# Everyone who worked in a group during the day takes part in the workshop (and votes with the
# participants).
PARTICIPANT_ROLES = {Role.PARTICIPANT.value, Role.FACILITATOR.value, Role.DESIGNER.value}

_UNKNOWN: Any = object()


def is_organiser(user: User, workshop: Workshop) -> bool:
    """Staff organise every workshop; an account linked to an organiser there organises that one."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False):
        return True
    return _organiser_account(user, workshop)


def _organiser_account(user: User, workshop: Workshop) -> bool:
    if user.pk is None:
        return False
    return any(
        Role.ORGANISER in (person.roles or []) for person in workshop.people.filter(user_id=user.pk)
    )


PARTICIPANT_SESSION_PREFIX = "rebours.person."


def participant_session_key(workshop: Workshop) -> str:
    """Where a participant's session remembers who they are in one workshop (set on joining)."""
    return f"{PARTICIPANT_SESSION_PREFIX}{workshop.pk}"


def current_person(user: User, session: Any, workshop: Workshop) -> Person | None:
    """The Person acting in `workshop`: the signed-in account's, else the joined participant's.

    `session` is a request's session or a websocket scope's; a participant who joined without an
    account is known only through it, and only for the workshop they joined.
    """
    if user is not None and user.is_authenticated:
        person = workshop.people.filter(user_id=user.pk).first()
        if person is not None:
            return person
    person_id = session.get(participant_session_key(workshop)) if session is not None else None
    if person_id is None:
        return None
    return workshop.people.filter(pk=person_id).first()


def theme_roles(person: Person | None, theme: Theme) -> set[str]:
    """The roles (facilitator, designer, member) `person` holds in `theme`'s group."""
    if person is None:
        return set()
    return set(
        ThemeMembership.objects.filter(theme=theme, person=person).values_list("role", flat=True)
    )


def facilitates_workshop(person: Person | None, workshop: Workshop) -> bool:
    if person is None:
        return False
    return ThemeMembership.objects.filter(
        person=person, theme__workshop=workshop, role=ThemeRole.FACILITATOR
    ).exists()


def is_public_voter(person: Person) -> bool:
    key, value = PUBLIC_ATTRIBUTE
    return (person.attributes or {}).get(key) == value


# --- the table's inputs: roles and phase -----------------------------------------------------


def roles_in(
    user: User | None,
    session: Any,
    workshop: Workshop,
    theme: Theme | None = None,
    *,
    person: Person | None = _UNKNOWN,
) -> frozenset[PolicyRole]:
    """The caller's roles in `workshop`, or in `theme`'s group when a theme is given.

    In a theme, *member*, *designer* and *facilitator* are the memberships of that group, and
    someone who takes part in the workshop elsewhere is a *participant*. Outside a theme, the
    person's own roles count, and *facilitator* means a signed-in facilitator of any group.
    Anyone the workshop knows with no role of ours counts as a participant; nobody is a visitor.
    """
    user = user if user is not None else AnonymousUser()
    if person is _UNKNOWN:
        person = current_person(user, session, workshop)
    roles: set[PolicyRole] = set()
    if user.is_authenticated:
        if getattr(user, "is_staff", False):
            roles.add(PolicyRole.STAFF)
        if _organiser_account(user, workshop):
            roles.add(PolicyRole.ORGANISER)
    if person is not None:
        held = set(person.roles or [])
        if is_public_voter(person):
            roles.add(PolicyRole.PUBLIC)
        if Role.ELECTED in held:
            roles.add(PolicyRole.ELECTED)
        takes_part = bool(held & PARTICIPANT_ROLES)
        if theme is not None:
            memberships = theme_roles(person, theme)
            for membership, role in (
                (ThemeRole.FACILITATOR, PolicyRole.FACILITATOR),
                (ThemeRole.DESIGNER, PolicyRole.DESIGNER),
                (ThemeRole.MEMBER, PolicyRole.MEMBER),
            ):
                if membership in memberships:
                    roles.add(role)
            if takes_part and not memberships:
                roles.add(PolicyRole.PARTICIPANT)
        else:
            facilitator = user.is_authenticated and facilitates_workshop(person, workshop)
            if facilitator:
                roles.add(PolicyRole.FACILITATOR)
            if Role.DESIGNER in held:
                roles.add(PolicyRole.DESIGNER)
            if Role.PARTICIPANT in held or (Role.FACILITATOR in held and not facilitator):
                roles.add(PolicyRole.PARTICIPANT)
        if not roles:
            roles.add(PolicyRole.PARTICIPANT)
    if not roles:
        roles.add(PolicyRole.ANONYMOUS)
    return frozenset(roles)


def phase_of(workshop: Workshop, now: datetime.datetime | None = None) -> Phase:
    """Where the workshop stands, read from the live day and the vote (never stored apart).

    An open vote comes first (whether or not the day still runs: boards and proposals then stay
    as the voters read them); then a running day, diverging or converging; then a vote that is
    over (or was imported); then a day that ended; otherwise the workshop is in preparation.
    """
    from rebours.facilitation.models import Mode
    from rebours.facilitation.models import Phase as DayPhase
    from rebours.selection.models import Selection

    # One query: the day's phase and mode, and the status of the workshop's (first) selection.
    first = Selection.objects.filter(workshop=OuterRef("pk")).order_by("id")
    row = (
        Workshop.objects.filter(pk=workshop.pk)
        .annotate(
            selection_status=Subquery(first.values("status")[:1]),
            selection_closes_at=Subquery(first.values("closes_at")[:1]),
        )
        .values_list("day__phase", "day__mode", "selection_status", "selection_closes_at")
        .first()
    )
    day_phase, mode, status, closes_at = row or (None, None, None, None)
    selection = None
    if status is not None:
        # The model's own rule of what "open" means, on the two fields it reads.
        selection = Selection(status=status, closes_at=closes_at)
        if selection.is_open(now):
            return Phase.SELECTION_OPEN
    day_phase = day_phase or DayPhase.WAITING
    if day_phase == DayPhase.RUNNING:
        return Phase.LIVE_CONVERGE if mode == Mode.CONVERGE else Phase.LIVE_DIVERGE
    if selection is not None:
        return Phase.SELECTION_CLOSED
    if day_phase == DayPhase.ENDED:
        return Phase.REVIEW
    return Phase.PREPARATION


def may(
    user: User | None,
    session: Any,
    workshop: Workshop,
    action: Action,
    *,
    theme: Theme | None = None,
    phase: Phase | None = None,
    person: Person | None = _UNKNOWN,
) -> bool:
    """Whether the caller may take `action` in `workshop` (in `theme`, if given) now."""
    roles = roles_in(user, session, workshop, theme, person=person)
    if phase is None:
        possible = [allows(roles, action, p) for p in Phase]
        if all(possible) or not any(possible):
            return possible[0]  # the phase does not matter: no need to read it
        phase = phase_of(workshop)
    return allows(roles, action, phase)


def may_ever(
    user: User | None,
    session: Any,
    workshop: Workshop,
    action: Action,
    *,
    theme: Theme | None = None,
    person: Person | None = _UNKNOWN,
) -> bool:
    """Whether the caller's roles allow `action` in some phase (whatever the current one)."""
    roles = roles_in(user, session, workshop, theme, person=person)
    return any(allows(roles, action, phase) for phase in Phase)


def only_the_phase_refuses(
    user: User | None,
    session: Any,
    workshop: Workshop,
    action: Action,
    *,
    theme: Theme | None = None,
) -> Phase | None:
    """The current phase, when it alone keeps the caller from `action` (their roles allow it in
    another phase); None otherwise. Pages use it to say "the vote is open" rather than "not yours".
    """
    roles = roles_in(user, session, workshop, theme)
    phase = phase_of(workshop)
    if allows(roles, action, phase):
        return None
    return phase if any(allows(roles, action, other) for other in Phase) else None


# --- the workshop's own questions --------------------------------------------------------------


def can_read_workshop(user: User, session: Any, workshop: Workshop) -> bool:
    """Published workshops are everyone's; an unpublished one is its organisers' and people's."""
    if workshop.published:
        return may(user, session, workshop, Action.READ_PUBLISHED)
    return may(user, session, workshop, Action.READ_UNPUBLISHED)


def can_export(user: User, workshop: Workshop) -> bool:
    # The full document holds people's attributes and contacts: organisers only.
    return may(user, None, workshop, Action.EXPORT)


def can_purge_personal_data(
    user: User, workshop: Workshop, today: datetime.date | None = None
) -> bool:
    """Organisers purge a workshop's personal data, once its retention date has passed."""
    return workshop.personal_data_expired(today) and may(
        user, None, workshop, Action.PURGE_CONTACTS
    )


def can_manage_personal_data(user: User, workshop: Workshop) -> bool:
    """Set the retention date and see what a purge would remove: the same organisers."""
    return may_ever(user, None, workshop, Action.PURGE_CONTACTS)
