"""Who reads a workshop's audit log: its organisers (the table's `read_audit`)."""

from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, may
from rebours.workshops.policy import Action


def can_read_audit(user: User, workshop: Workshop) -> bool:
    return may(user, None, workshop, Action.READ_AUDIT)
