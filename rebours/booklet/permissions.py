"""Who may publish and download booklets (the table's `publish_booklet` and reading rules)."""

from rebours.booklet.models import BookletVersion, Status
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, can_read_workshop, may
from rebours.workshops.policy import Action


def can_publish(user: User, workshop: Workshop) -> bool:
    return may(user, None, workshop, Action.PUBLISH_BOOKLET)


def can_download(user: User, version: BookletVersion) -> bool:
    """Anyone may download a ready booklet of a published workshop; organisers any ready one."""
    if version.status != Status.READY or not version.file:
        return False
    return can_read_workshop(user, None, version.workshop)
