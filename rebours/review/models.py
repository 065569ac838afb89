"""The organisers' review of a proposal: "Notre avis" and the triage."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.proposals.models import Proposal


class Triage(models.TextChoices):
    PROGRAMME = "programme", _("for a regional programme")
    REWORK = "rework", _("to rework")
    NOT_ORIGINAL = "not_original", _("not original")


class Review(models.Model):
    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="review")
    opinion = models.TextField(_("our opinion"), blank=True)
    triage = models.CharField(_("triage"), max_length=16, choices=Triage.choices, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.proposal}: {self.triage or '-'}"
