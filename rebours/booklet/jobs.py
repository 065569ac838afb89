"""Rendering booklets in the background (see core/jobs.py).

One worker by default (setting BOOKLET_WORKERS): two PDFs at once would only compete for the
same cores. A version whose process died is shown failed after queries.STALE_AFTER; the
organiser publishes again.
"""

from concurrent.futures import Future

from django.conf import settings

from rebours.core.jobs import BackgroundJobs


def _touch(ids: list[int]) -> None:
    from rebours.booklet.actions import do_touch_versions

    do_touch_versions(ids)


def _render(version_id: int) -> object:
    from rebours.booklet.actions import do_render_version

    return do_render_version(version_id)


_jobs = BackgroundJobs(
    "booklet", touch=_touch, workers=lambda: int(getattr(settings, "BOOKLET_WORKERS", 1))
)
active = _jobs.active
wait = _jobs.wait


def submit(version_id: int) -> Future:
    """Render the version `version_id` in the background; the future resolves to it."""
    return _jobs.submit(version_id, _render)
