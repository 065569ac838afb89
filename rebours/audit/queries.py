"""Reading the audit log for its page."""

from django.db.models import Q, QuerySet

from rebours.audit.models import AuditAction, AuditEntry
from rebours.workshops.models import Role, Workshop


def organiser_accounts(workshop: Workshop) -> list[int]:
    return [
        person.user_id
        for person in workshop.people.filter(user__isnull=False)
        if person.user_id is not None and Role.ORGANISER in (person.roles or [])
    ]


def entries_for(workshop: Workshop, action: str = "") -> QuerySet[AuditEntry]:
    """The workshop's entries, newest first; with them, what its organisers did that belongs to
    no workshop (their API tokens reach it)."""
    found = AuditEntry.objects.filter(
        Q(workshop_slug=workshop.slug)
        | Q(workshop_slug="", actor_id__in=organiser_accounts(workshop))
    )
    if action in AuditAction.values:
        found = found.filter(action=action)
    return found.order_by("-at", "-id")
