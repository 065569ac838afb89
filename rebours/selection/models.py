"""Selection: a grade scale, the ballots cast on it, and the officials' favourites."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Workshop


class Selection(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="selections")
    grades = models.JSONField(_("grades, worst to best"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.workshop}: {', '.join(self.grades)}"


class Ballot(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ballots")
    college = models.TextField(_("college"), blank=True)
    position = models.PositiveIntegerField(default=0)
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
