"""Who may do what on a workshop. Checked by views, the API and the CLI alike."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rebours.workshops.models import Role, Workshop

User = AbstractBaseUser | AnonymousUser


def is_organiser(user: User, workshop: Workshop) -> bool:
    """Staff organise every workshop; an account linked to a workshop organiser organises that one."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False):
        return True
    return any(
        Role.ORGANISER in (person.roles or [])
        for person in workshop.people.filter(user=user)
    )


def can_export(user: User, workshop: Workshop) -> bool:
    # The full document holds people's attributes and contacts: organisers only.
    return is_organiser(user, workshop)
