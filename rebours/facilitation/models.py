"""The state of a workshop's live day: where the agenda is, what the wall shows, who may join.

The timer is stored, never ticked: `started_at`, `paused_at` and `extra_seconds` are enough for any
screen to compute the same remaining time from the server's clock (see `timer.py`).
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from rebours.workshops.models import AgendaItem, PressArticle, Workshop

MESSAGE_MAX_LENGTH = 280


def new_token() -> str:
    # 128 bits: a join link cannot be guessed, only shared.
    return secrets.token_urlsafe(16)


class Phase(models.TextChoices):
    WAITING = "waiting", _("not started")
    RUNNING = "running", _("under way")
    ENDED = "ended", _("ended")


class Mode(models.TextChoices):
    DIVERGE = "diverge", _("diverge: open up ideas")
    CONVERGE = "converge", _("converge: shape three projects")


class WallView(models.TextChoices):
    JOIN = "join", _("how to join")
    PRESS = "press", _("the press review")
    BOARDS = "boards", _("the boards")
    MOSAIC = "mosaic", _("the mosaic")


class DayState(models.Model):
    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="day")
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.WAITING)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.DIVERGE)
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The current item's timer: it ran from started_at, is frozen since paused_at when paused, and
    # lasts the item's minutes plus extra_seconds. Resuming moves started_at forward by the pause.
    started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    extra_seconds = models.IntegerField(default=0)
    wall_view = models.CharField(max_length=16, choices=WallView.choices, default=WallView.JOIN)
    article = models.ForeignKey(
        PressArticle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    message_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("day state")

    def __str__(self) -> str:
        return f"{self.workshop}: {self.phase}"


class GroupChoice(models.TextChoices):
    CHOOSE = "choose", _("participants choose their group")
    ASSIGN = "assign", _("the organiser assigns groups")


class JoinSettings(models.Model):
    """How participants join without an account: a link (shown as a QR code) and its rules."""

    workshop = models.OneToOneField(
        Workshop, on_delete=models.CASCADE, related_name="join_settings"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    # A separate secret for the projector, so that sharing the wall does not let anyone post.
    wall_token = models.CharField(max_length=64, unique=True, default=new_token)
    is_open = models.BooleanField(_("joining open"), default=True)
    group_choice = models.CharField(
        max_length=16, choices=GroupChoice.choices, default=GroupChoice.CHOOSE
    )

    class Meta:
        verbose_name = _("join settings")

    def __str__(self) -> str:
        return f"{self.workshop}: {'open' if self.is_open else 'closed'}"
