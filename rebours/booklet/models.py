"""Published versions of a workshop's booklet: each rendering is kept, with how it went."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.workshops.models import Workshop


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    RENDERING = "rendering", _("rendering")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


def booklet_upload_to(version: "BookletVersion", filename: str) -> str:
    return f"booklets/{version.workshop.slug}/{filename}"


class BookletVersion(models.Model):
    """One PDF rendering of the booklet, from the request to the file (or the error)."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="booklet_versions"
    )
    lang = models.CharField(_("language"), max_length=5)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # 0–100
    step = models.CharField(_("step"), max_length=32, blank=True)
    file = models.FileField(_("file"), upload_to=booklet_upload_to, blank=True, max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Touched by the rendering process while it lives, so that a job whose process died can be
    # told from a slow one (see queries.is_stale).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("booklet version")
        verbose_name_plural = _("booklet versions")

    def __str__(self) -> str:
        return f"{self.workshop} ({self.lang}, {self.created_at:%Y-%m-%d %H:%M}): {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (Status.READY, Status.FAILED)
