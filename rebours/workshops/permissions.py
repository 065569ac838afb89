"""Who may do what on a workshop. Checked by views, the API and the CLI alike."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rebours.workshops.models import Person, Role, Theme, ThemeMembership, Workshop

User = AbstractBaseUser | AnonymousUser


def is_organiser(user: User, workshop: Workshop) -> bool:
    """Staff organise every workshop; an account linked to an organiser there organises that one."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False):
        return True
    return any(
        Role.ORGANISER in (person.roles or []) for person in workshop.people.filter(user_id=user.pk)
    )


def can_export(user: User, workshop: Workshop) -> bool:
    # The full document holds people's attributes and contacts: organisers only.
    return is_organiser(user, workshop)


def participant_session_key(workshop: Workshop) -> str:
    """Where a participant's session remembers who they are in one workshop (set on joining)."""
    return f"rebours.person.{workshop.pk}"


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
