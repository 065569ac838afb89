"""The volunteer pool, its quotas, and the draws that pick a panel from it.

Contacts live only on `Volunteer`. Everything a draw keeps for its audit (the pool snapshot, the
quotas, the result, the replacements) names volunteers by their `pseudonym`, so that it can be
published as it is: see docs/recruitment.md.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.workshops.models import Person, Workshop


def new_pseudonym() -> str:
    # 40 random bits: unguessable enough to publish, short enough to read out in a room.
    return f"v-{secrets.token_hex(5)}"


class RecruitmentSettings(models.Model):
    """What the registration form asks for, and how long the answers are kept."""

    workshop = models.OneToOneField(
        Workshop, on_delete=models.CASCADE, related_name="recruitment_settings"
    )
    # [{"key": "gender", "label": "Gender", "values": ["woman", "man", ...]}, ...]. `key` is the
    # column of the pool CSV and the feature of the quotas; `label` is what volunteers read.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    registration_open = models.BooleanField(_("registration open"), default=False)
    retention_until = models.DateField(_("data kept until"), null=True, blank=True)
    privacy_notice = models.TextField(_("privacy notice"), blank=True)
    panel_size = models.PositiveIntegerField(_("panel size"), default=0)
    one_per_household = models.BooleanField(_("at most one person per household"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recruitment settings")
        verbose_name_plural = _("recruitment settings")

    def __str__(self) -> str:
        return f"{self.workshop}: recruitment"


class Source(models.TextChoices):
    FORM = "form", _("registration form")
    IMPORT = "import", _("imported file")


class Volunteer(models.Model):
    """Someone who asked to take part and may be drawn. Not a `Person` until drawn."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="volunteers")
    pseudonym = models.CharField(_("pseudonym"), max_length=24, default=new_pseudonym)
    name = models.TextField(_("name"))
    contact = models.TextField(_("contact"))
    # The contact folded for comparison (case, spaces, phone punctuation): same key, same person.
    contact_key = models.CharField(max_length=200, db_index=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    household = models.TextField(_("household"), blank=True)
    household_key = models.CharField(max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    source_id = models.CharField(_("id in the imported file"), max_length=200, blank=True)
    consent_lottery = models.BooleanField(_("agreed to the lottery"))
    consent_processing = models.BooleanField(_("agreed to the processing of the data"))
    consented_at = models.DateTimeField(_("agreed at"))
    retention_until = models.DateField(_("data kept until"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # The participant made of this volunteer once drawn (without the contact).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "pseudonym"], name="volunteer_pseudonym_unique"
            ),
        ]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.pseudonym


class Quota(models.Model):
    """At least `min` and at most `max` panel members with `value` for the category `feature`."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="quotas")
    feature = models.CharField(_("category"), max_length=100)
    value = models.CharField(_("value"), max_length=200)
    min = models.PositiveIntegerField(_("minimum"), default=0)
    # None: no upper bound other than the panel size.
    max = models.PositiveIntegerField(_("maximum"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "feature", "value"], name="quota_value_unique"
            ),
        ]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self) -> str:
        return f"{self.feature}={self.value}: {self.min}–{self.max}"


class DrawStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for its turn")
    RUNNING = "running", _("drawing")
    DONE = "done", _("drawn")
    FAILED = "failed", _("failed")


class RerunStatus(models.TextChoices):
    NONE = "", _("not re-run")
    QUEUED = "queued", _("waiting for its turn")
    RUNNING = "running", _("re-running")
    MATCHED = "matched", _("same panel")
    DIFFERED = "differed", _("different panel")
    FAILED = "failed", _("failed")


class Method(models.TextChoices):
    LEXIMIN = "leximin", _("LEXIMIN (fairest)")
    MAXIMIN = "maximin", _("MAXIMIN")
    GREEDY = "greedy", _("greedy stratified draw")


class Draw(models.Model):
    """One lottery: its inputs frozen at the time, and its result once computed.

    `pool` is the snapshot the lottery ran on: [{"id": pseudonym, "features": {...},
    "household": pseudonymous household or None}], quoted categories only, no name, no contact.
    `quotas` is [{"feature", "value", "min", "max"}]. Both are what the published bundle holds.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="draws")
    status = models.CharField(
        _("status"), max_length=16, choices=DrawStatus.choices, default=DrawStatus.QUEUED
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    # Text: a published seed may have more digits than a database integer holds.
    seed = models.CharField(_("seed"), max_length=1000)
    size = models.PositiveIntegerField(_("panel size"))
    household = models.BooleanField(_("at most one person per household"), default=False)
    pool = models.JSONField(_("pool snapshot"), default=list)
    quotas = models.JSONField(_("quotas"), default=list)
    result = models.JSONField(_("result"), default=dict, blank=True)
    greedy_probabilities = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    rerun_status = models.CharField(
        _("re-run"), max_length=16, choices=RerunStatus.choices, default="", blank=True
    )
    rerun_result = models.JSONField(default=dict, blank=True)
    rerun_at = models.DateTimeField(_("re-run at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Touched by the computing process while it lives (see jobs.py and queries.is_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    participants_at = models.DateTimeField(_("became participants at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self) -> str:
        return f"{self.workshop}: draw {self.pk} ({self.method}, seed {self.seed})"

    @property
    def is_finished(self) -> bool:
        return self.status in (DrawStatus.DONE, DrawStatus.FAILED)

    @property
    def panel(self) -> list[str]:
        """The panel as drawn, before any replacement."""
        return list(self.result.get("panel", []))


class Replacement(models.Model):
    """Replacements drawn for panel members who declined, keeping every quota."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="replacements")
    position = models.PositiveIntegerField(default=0)
    seed = models.CharField(_("seed"), max_length=1000)
    declined = models.JSONField(_("declined"), default=list)
    # Everyone who declined earlier: out of the pool for this draw of replacements.
    excluded = models.JSONField(default=list, blank=True)
    kept = models.JSONField(default=list)
    added = models.JSONField(_("added"), default=list)
    panel = models.JSONField(_("panel"), default=list)
    probabilities = models.JSONField(default=dict, blank=True)
    lottery = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        ordering = ["draw", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "position"], name="replacement_position_unique"
            ),
        ]
        verbose_name = _("replacement")
        verbose_name_plural = _("replacements")

    def __str__(self) -> str:
        return f"{self.draw}: replacement {self.position}"
