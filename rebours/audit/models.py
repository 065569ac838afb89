"""The audit log: who did what to a workshop, as its organisers need to account for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rebours.workshops.models import Workshop


class AuditAction(models.TextChoices):
    """What an entry records. The value is stable (it is stored); the label is for the page."""

    WORKSHOP_IMPORTED = "workshop.imported", _("imported the workshop")
    WORKSHOP_REPLACED = "workshop.replaced", _("replaced the workshop by an import")
    PROPOSAL_REVIEWED = "proposal.reviewed", _("reviewed a proposal")
    THEME_OPINION = "theme.opinion", _("wrote the opinion on a theme")
    DUPLICATE_MARKED = "duplicate.marked", _("marked a duplicate")
    DUPLICATES_MERGED = "duplicates.merged", _("merged duplicates")
    INITIATIVES_IMPORTED = "initiatives.imported", _("imported existing initiatives")
    VERSION_RESTORED = "proposal.restored", _("restored a version of a proposal")
    SELECTION_OPENED = "selection.opened", _("opened the vote or changed its settings")
    SELECTION_CLOSED = "selection.closed", _("closed the vote")
    DRAW_RUN = "draw.run", _("ran a draw")
    DRAW_REPLACEMENT = "draw.replacement", _("drew replacements for people who declined")
    PANEL_SEATED = "draw.participants", _("made the drawn panel the workshop's participants")
    QUOTAS_SET = "recruitment.quotas", _("set the quotas of the panel")
    POOL_IMPORTED = "recruitment.pool", _("imported volunteers into the pool")
    BOOKLET_PUBLISHED = "booklet.published", _("published the booklet")
    DAY_CONTROL = "day.control", _("ran the day's controls")
    JOIN_SETTINGS = "join.settings", _("changed the joining rules")
    JOIN_RENEWED = "join.renewed", _("made a new join link")
    DOT_BUDGET = "board.dot_budget", _("changed the dot budget")
    PARTICIPANT_ASSIGNED = "participant.assigned", _("put participants in groups")
    PARTICIPANT_REMOVED = "participant.removed", _("removed a participant")
    ACCOUNT_GIVEN = "account.given", _("gave an account")
    TOKEN_CREATED = "api_token.created", _("created an API token")
    TOKEN_REVOKED = "api_token.revoked", _("revoked an API token")
    RETENTION_SET = "retention.set", _("set how long personal data is kept")
    PERSONAL_DATA_PURGED = "personal_data.purged", _("purged personal data")


class AuditEntry(models.Model):
    """One action, written inside the transaction of the action itself: an action rolled back
    leaves no entry, and an entry always stands for something that happened.

    The workshop is also kept by its slug, so that entries outlive a workshop replaced by an
    import (its rows are deleted and written anew under the same slug). The actor is kept by
    label too, as they read at the time.
    """

    workshop = models.ForeignKey(
        Workshop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workshop_slug = models.CharField(_("workshop"), max_length=64, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    target_label = models.TextField(_("on what"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action}"
