"""The organisers' review of a proposal: "Notre avis", the triage and the originality check."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.proposals.models import Proposal
from rebours.workshops.models import Workshop


class Triage(models.TextChoices):
    PROGRAMME = "programme", _("for a regional programme")
    REWORK = "rework", _("to rework")
    NOT_ORIGINAL = "not_original", _("not original")


class Review(models.Model):
    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="review")
    opinion = models.TextField(_("our opinion"), blank=True)
    triage = models.CharField(_("triage"), max_length=16, choices=Triage.choices, blank=True)
    # For the group only (shown in its editor when the proposal is sent back for rework).
    comment = models.TextField(_("comment for the group"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.proposal}: {self.triage or '-'}"


class TriageChange(models.Model):
    """Every change of a proposal's triage, for the audit: who moved it from what to what, when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="triage_changes")
    previous = models.CharField(max_length=16, choices=Triage.choices, blank=True)
    triage = models.CharField(max_length=16, choices=Triage.choices, blank=True)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("triage change")
        verbose_name_plural = _("triage changes")

    def __str__(self) -> str:
        return f"{self.proposal}: {self.previous or '-'} → {self.triage or '-'}"


class Initiative(models.Model):
    """Something that already exists, imported by organisers to judge proposals' originality."""

    # The workshop whose organisers imported it; every workshop's proposals are compared with
    # every initiative, whoever imported it.
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="initiatives")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "position", "id"]
        verbose_name = _("existing initiative")
        verbose_name_plural = _("existing initiatives")

    def __str__(self) -> str:
        return self.title


class SimilarityVector(models.Model):
    """The similarity vector of a proposal or an initiative, kept until its text changes.

    Keyed by object, backend and text fingerprint: a page asking for neighbours recomputes only
    the texts that changed since the last time.
    """

    PROPOSAL = "proposal"
    INITIATIVE = "initiative"

    kind = models.CharField(max_length=16)
    object_id = models.PositiveBigIntegerField()
    backend = models.CharField(max_length=100)  # the backend's model_id
    fingerprint = models.CharField(max_length=64)
    data = models.BinaryField()  # similarity.encode_vector()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "backend"], name="similarity_vector_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.backend})"


class Duplicate(models.Model):
    """Two proposals the organisers found to say the same thing; `kept` survives a merge."""

    kept = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-marked_at"]
        constraints = [
            models.UniqueConstraint(fields=["kept", "other"], name="duplicate_pair_unique"),
        ]
        verbose_name = _("duplicate")
        verbose_name_plural = _("duplicates")

    def __str__(self) -> str:
        return f"{self.other} = {self.kept}"
