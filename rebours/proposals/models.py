"""A proposal: one tangible project written on the group's template, with its pathway."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.workshops.models import KEY_MAX, Person, Theme, Workshop

TITLE_MAX_LENGTH = 300


class Kind(models.TextChoices):
    PLACE = "place", _("place")
    SERVICE = "service", _("service")
    DEVICE = "device", _("device")
    POLICY = "policy", _("policy")


class Origin(models.TextChoices):
    GROUP = "group", _("a group")
    ORGANISERS = "organisers", _("the organisers")


def image_upload_to(proposal: "Proposal", filename: str) -> str:
    return f"proposals/{proposal.workshop.slug}/{filename}"


class Proposal(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="proposals")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="proposals")
    key = models.CharField(max_length=KEY_MAX)
    position = models.PositiveIntegerField(default=0)
    letter = models.CharField(_("letter"), max_length=1, blank=True)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Lists stay JSON: the template's sections are edited, versioned and merged as a whole.
    objectives = models.JSONField(_("objectives"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    how_it_works = models.TextField(_("how it works"), blank=True)
    roles = models.JSONField(_("who does what"), default=list, blank=True)  # [{actor, does}]
    obstacles = models.JSONField(_("obstacles"), default=list, blank=True)
    pathway = models.JSONField(_("pathway"), default=list, blank=True)  # [{year, milestone}]
    image = models.ImageField(_("image"), upload_to=image_upload_to, blank=True, max_length=300)
    # The name the image has in the exchange format ("media/x.png"), kept for a faithful export
    # even while the file itself is missing (a bare JSON import cannot carry images).
    image_path = models.CharField(max_length=300, blank=True)
    image_alt = models.TextField(_("image description"), blank=True)
    # A small copy of the image for the mosaic and the cards, stored beside it (empty: none yet).
    thumbnail = models.CharField(max_length=300, blank=True)
    # Set when the organisers merged this proposal into another one found to be its duplicate;
    # the proposal and its history stay, out of the catalogue.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    version = models.PositiveIntegerField(default=1)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="proposal_key_unique"),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """ "a / Cantine REAL" as the seed numbers proposals within their theme."""
        return f"{self.letter} / {self.title}" if self.letter else self.title

    def image_available(self) -> bool:
        """Whether the image file is really in storage (a .json import names images it lacks)."""
        name = self.image.name
        return name is not None and name != "" and self.image.storage.exists(name)

    def thumbnail_url(self) -> str:
        """The mosaic-sized copy when there is one, else the image itself."""
        if self.thumbnail:
            return self.image.storage.url(self.thumbnail)
        return self.image.url if self.image.name else ""

    def pathway_backwards(self) -> list[dict]:
        """Milestones read from the horizon back to today, as the method asks."""
        return sorted(self.pathway or [], key=lambda m: m.get("year", 0), reverse=True)


class VersionKind(models.TextChoices):
    CREATED = "created", _("created")
    BASELINE = "baseline", _("as it was when its history began")
    EDIT = "edit", _("edited")
    MERGED = "merged", _("edited, merged with a parallel edit")
    RESOLVED = "resolved", _("conflict resolved")
    IMAGE = "image", _("image changed")
    RESTORED = "restored", _("restored")
    DUPLICATE = "duplicate", _("merged with a duplicate")


class ProposalVersion(models.Model):
    """One saved state of a proposal: what it said, who saved it, when, and which fields changed.

    Saves made on an older version are merged by comparing with the snapshot of that version,
    so the history is also what makes concurrent editing safe.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=VersionKind.choices, default=VersionKind.EDIT)
    snapshot = models.JSONField()
    fields = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as written at the time, so the history still names people whose account went away.
    author_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_unique"),
        ]
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"
