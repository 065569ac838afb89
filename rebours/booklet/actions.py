"""Publishing booklets: the only code that writes booklet versions.

`do_publish_booklet` records a queued version and, once that is committed, hands it to the
background renderer (jobs.py), which calls `do_render_version` in a worker thread. The worker
reports its progress on the version itself, so that any server process can answer the
organiser's page; a version whose process died is marked failed by `do_expire_stale_versions`.
"""

import logging
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.booklet import jobs, queries
from rebours.booklet.models import BookletVersion, Status
from rebours.booklet.render import Step, build_pdf, overall_percent
from rebours.workshops.models import Workshop

logger = logging.getLogger(__name__)

# Progress is written at most this often: enough for a progress bar, little for the database.
PROGRESS_INTERVAL = 0.5
ERROR_MAX_LENGTH = 2000


class BookletError(Exception):
    """A request that cannot be carried out; the message is meant for the person who made it."""


def check_lang(lang: str) -> str:
    known = [code for code, _name in settings.LANGUAGES]
    if lang not in known:
        raise BookletError(_("Choose a language among %(known)s.") % {"known": ", ".join(known)})
    return lang


def do_publish_booklet(workshop: Workshop, *, actor: Any, lang: str) -> BookletVersion:
    """Queue a new PDF of the booklet of `workshop` in `lang`; it renders in the background.

    Every call makes a new version: earlier ones are kept, so a booklet sent to the printer
    can always be found again.
    """
    check_lang(lang)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        version = BookletVersion.objects.create(
            workshop=workshop,
            lang=lang,
            status=Status.QUEUED,
            step="",
            created_by=user,
            heartbeat_at=timezone.now(),
        )
        record(
            workshop,
            actor=actor,
            action=AuditAction.BOOKLET_PUBLISHED,
            details={"version": version.pk, "lang": lang},
        )
        transaction.on_commit(lambda: jobs.submit(version.pk))
    return version


def do_render_version(version_id: int) -> BookletVersion:
    """Render a queued version to PDF, recording progress; mark it ready or failed.

    Runs in a worker thread (jobs.py). Never raises for a rendering problem: the error is
    stored on the version, where the organiser reads it.
    """
    claimed = BookletVersion.objects.filter(pk=version_id, status=Status.QUEUED).update(
        status=Status.RENDERING, step=Step.GATHER.value, heartbeat_at=timezone.now()
    )
    version = BookletVersion.objects.select_related("workshop").get(pk=version_id)
    if not claimed:
        return version  # another worker took it, or it was expired meanwhile

    last_write = 0.0
    last_percent = -1

    def progress(step: Step, fraction: float) -> None:
        nonlocal last_write, last_percent
        percent = overall_percent(step, fraction)
        now = time.monotonic()
        if percent == last_percent or (now - last_write < PROGRESS_INTERVAL and percent < 100):
            return
        last_write, last_percent = now, percent
        BookletVersion.objects.filter(pk=version_id, status=Status.RENDERING).update(
            step=step.value, progress=min(percent, 99), heartbeat_at=timezone.now()
        )

    try:
        result = build_pdf(version.workshop, version.lang, progress=progress)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        # /media/ is served as is: a random part keeps the file of an unpublished workshop
        # from being found by guessing its name.
        name = f"{version.workshop.slug}-{version.lang}-{stamp}-{secrets.token_hex(6)}.pdf"
        version.file.save(name, ContentFile(result.data), save=False)
    except Exception as exc:
        logger.exception("booklet version %s failed", version_id)
        message = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        BookletVersion.objects.filter(pk=version_id).update(
            status=Status.FAILED, error=message, finished_at=timezone.now()
        )
    else:
        try:
            updated = BookletVersion.objects.filter(pk=version_id, status=Status.RENDERING).update(
                status=Status.READY,
                progress=100,
                step="",
                file=version.file.name,
                size=len(result.data),
                pages=result.pages,
                warnings=result.warnings,
                heartbeat_at=timezone.now(),
                finished_at=timezone.now(),
            )
        except BaseException:
            # Not recorded (the database failed): no file without its version. The version
            # stays unfinished and is shown failed once it falls silent.
            version.file.delete(save=False)
            raise
        if not updated:
            # Expired as stale while it was still working: keep the verdict, drop the file.
            version.file.delete(save=False)
    version.refresh_from_db()
    return version


def do_touch_versions(version_ids: list[int]) -> int:
    """Record that the process rendering these versions is alive (see queries.is_stale)."""
    if not version_ids:
        return 0
    return BookletVersion.objects.filter(
        pk__in=version_ids, status__in=[Status.QUEUED, Status.RENDERING]
    ).update(heartbeat_at=timezone.now())


def do_expire_stale_versions(workshop: Workshop, *, actor: Any = None) -> int:
    """Mark failed the unfinished versions whose rendering process has gone silent."""
    stale = [v.pk for v in queries.stale_versions(workshop)]
    if not stale:
        return 0
    return BookletVersion.objects.filter(
        pk__in=stale, status__in=[Status.QUEUED, Status.RENDERING]
    ).update(
        status=Status.FAILED,
        error=_("The rendering stopped without finishing (the server may have restarted)."),
        finished_at=timezone.now(),
    )
