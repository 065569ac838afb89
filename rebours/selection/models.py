"""Selection: a grade scale, the ballots cast on it, and the officials' favourites."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Workshop


class Scope(models.TextChoices):
    ALL = "all", _("every proposal of the workshop")
    TRIAGED = "triaged", _("the proposals triaged for a programme or to rework")


class College(models.TextChoices):
    """Who votes; each college is counted on its own and all together."""

    ELECTED = "elected", _("elected officials")
    PARTICIPANT = "participant", _("participants")
    PUBLIC = "public", _("public")


class Ungraded(models.TextChoices):
    WORST = "worst", _("counts as the worst grade")
    IGNORED = "ignored", _("is not counted")


class Rule(models.TextChoices):
    MAJORITY = "majority", _("majority judgment")
    USUAL = "usual", _("usual judgment")


class Visibility(models.TextChoices):
    AFTER_CLOSING = "after_closing", _("hidden until the vote closes")
    LIVE = "live", _("shown live while people vote")


class Status(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


def default_colleges() -> list[str]:
    return [College.ELECTED.value, College.PARTICIPANT.value]


class Selection(models.Model):
    """One vote over a workshop's proposals.

    Every field but `workshop` and `grades` has a default, so that the exchange format's importer,
    which knows only the scale, creates a closed selection that ranks what it imported.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="selections")
    grades = models.JSONField(_("grades, worst to best"), default=list)
    scope = models.CharField(
        _("proposals on the ballot"), max_length=16, choices=Scope.choices, default=Scope.ALL
    )
    colleges = models.JSONField(_("colleges that vote"), default=default_colleges)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    ungraded = models.CharField(
        _("a proposal left ungraded"),
        max_length=16,
        choices=Ungraded.choices,
        default=Ungraded.WORST,
    )
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices, default=Rule.MAJORITY)
    results_visibility = models.CharField(
        _("results"), max_length=16, choices=Visibility.choices, default=Visibility.AFTER_CLOSING
    )
    favourites_max = models.PositiveSmallIntegerField(
        _("favourites per elected official"), default=3
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.CLOSED
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.workshop}: {', '.join(self.grades)}"

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether ballots are accepted: opened, and the closing time (if any) not reached."""
        if self.status != Status.OPEN:
            return False
        return self.closes_at is None or (now or timezone.now()) < self.closes_at


class Ballot(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ballots")
    college = models.TextField(_("college"), blank=True)
    position = models.PositiveIntegerField(default=0)
    # When the ballot as it stands was cast, and a digest of it, for the voter's receipt.
    # Imported ballots have neither.
    cast_at = models.DateTimeField(_("cast at"), null=True, blank=True)
    receipt = models.CharField(_("receipt"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # One ballot per voter per selection, whatever the application code does.
            models.UniqueConstraint(fields=["selection", "voter"], name="one_ballot_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} ({self.college or '-'})"


class BallotGrade(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="grades")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField()  # index into Selection.grades

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="one_grade_per_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot}: {self.proposal} = {self.grade}"


class Favourite(models.Model):
    """An elected official's "coup de cœur"."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="favourites")
    by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="favourites")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="favourites")
    justification = models.TextField(_("why"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "by", "proposal"], name="favourite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.by} ♥ {self.proposal}"
