"""Writing the audit log: `record`, called by the audited actions inside their transaction."""

from typing import Any

from django.db import transaction

from rebours.audit.models import AuditAction, AuditEntry
from rebours.workshops.models import Person, Workshop

TARGET_MAX_LENGTH = 500


class AuditOutsideTransaction(RuntimeError):
    """`record` was called outside the action's transaction: its entry could outlive a rollback."""


def actor_of(actor: Any) -> tuple[Any, str]:
    """(account or None, label) of whoever an action names as its actor.

    Actions name their actor in several ways: an account, the access a live page computed (it
    carries `user` and `person`), a Person (a voter), or nothing (the command line).
    """
    user, person = None, None
    if isinstance(actor, Person):
        person = actor
        user = actor.user
    elif hasattr(actor, "is_authenticated"):
        user = actor
    elif actor is not None:
        user = getattr(actor, "user", None)
        person = getattr(actor, "person", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None:
        return user, user.get_username()
    if person is not None:
        return None, person.display_name[:200]
    return None, ""


def record(
    workshop: Workshop | None,
    *,
    actor: Any,
    action: AuditAction,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry for `action`, done by `actor` on `workshop` (and `target` in it).

    Must run inside the action's own transaction, so that a refused or failed action (rolled
    back) leaves no entry behind.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"record({action}) outside a transaction")
    user, label = actor_of(actor)
    return AuditEntry.objects.create(
        workshop=workshop,
        workshop_slug=workshop.slug if workshop is not None else "",
        actor=user,
        actor_label=label,
        action=action,
        target_label=(target or "")[:TARGET_MAX_LENGTH],
        details=details or {},
    )
