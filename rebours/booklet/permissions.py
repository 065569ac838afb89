"""Who may publish and download booklets."""

from rebours.booklet.models import BookletVersion, Status
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, is_organiser


def can_publish(user: User, workshop: Workshop) -> bool:
    return is_organiser(user, workshop)


def can_download(user: User, version: BookletVersion) -> bool:
    """Anyone may download a ready booklet of a published workshop; organisers any ready one."""
    if version.status != Status.READY or not version.file:
        return False
    return version.workshop.published or is_organiser(user, version.workshop)
