"""The live board of a group: notes (post-its), their dots and the clusters they are grouped in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.workshops.models import KEY_MAX, AgendaItem, Person, Theme

NOTE_MAX_LENGTH = 2000


class Cluster(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="clusters")
    name = models.TextField(_("name"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "name"], name="cluster_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="notes")
    key = models.CharField(max_length=KEY_MAX)
    position = models.PositiveIntegerField(default=0)
    session = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    text = models.TextField(_("text"), max_length=NOTE_MAX_LENGTH)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    # Dots counted in an imported document carry no voter: they are kept as a count.
    # None means the document said nothing, which the export must reproduce.
    imported_dots = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # Keys are unique per workshop in the exchange format; theme belongs to one workshop,
            # and the importer checks the workshop-wide uniqueness before writing.
            models.UniqueConstraint(fields=["theme", "key"], name="note_key_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Dot(models.Model):
    """One dot placed on a note by one person during the day (budget enforced by the actions)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="dots")
    voter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dots")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.voter} → {self.note}"
