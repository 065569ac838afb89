"""Reading booklet versions for the pages."""

import datetime

from django.utils import timezone

from rebours.booklet.models import BookletVersion, Status
from rebours.workshops.models import Workshop

# The rendering process touches its versions every few seconds (core.jobs.HEARTBEAT_SECONDS). One
# that has not been heard of for this long lost its process: a restart, a crash, a kill.
STALE_AFTER = datetime.timedelta(seconds=90)


def versions(workshop: Workshop) -> list[BookletVersion]:
    """Every version of the booklet, newest first."""
    return list(workshop.booklet_versions.select_related("created_by"))


def latest_ready(workshop: Workshop, *, prefer: str = "") -> list[BookletVersion]:
    """The newest ready version in each language, the `prefer`red language first."""
    latest: dict[str, BookletVersion] = {}
    for version in workshop.booklet_versions.filter(status=Status.READY).exclude(file=""):
        latest.setdefault(version.lang, version)
    return sorted(latest.values(), key=lambda v: (v.lang != prefer[:2], v.lang))


def is_stale(version: BookletVersion, *, now: datetime.datetime | None = None) -> bool:
    """Whether an unfinished version's process is gone (see STALE_AFTER)."""
    if version.is_finished:
        return False
    last = version.heartbeat_at or version.created_at
    return (now or timezone.now()) - last > STALE_AFTER


def stale_versions(workshop: Workshop) -> list[BookletVersion]:
    unfinished = workshop.booklet_versions.filter(status__in=[Status.QUEUED, Status.RENDERING])
    now = timezone.now()
    return [v for v in unfinished if is_stale(v, now=now)]
