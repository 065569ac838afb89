"""A workshop and its cast: people, the press review from the future, the agenda, the themes."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_MAX = 64


class Workshop(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.TextField(_("subtitle"), blank=True)
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    venue = models.TextField(_("venue"), blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    organiser = models.TextField(_("organiser"), blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    hours = models.FloatField(_("hours"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=True)
    # After this day, organisers may purge the personal data of the workshop's people and
    # contacts (rebours.core.retention): names, organisations, attributes, e-mail addresses.
    personal_data_until = models.DateField(
        _("personal data kept until"),
        null=True,
        blank=True,
        help_text=_("After this date, organisers may purge the personal data of this workshop."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    def personal_data_expired(self, today: datetime.date | None = None) -> bool:
        """Whether the retention date has passed (on the day itself, the data is still kept)."""
        until = self.personal_data_until
        return until is not None and until < (today or timezone.localdate())


class Role(models.TextChoices):
    ORGANISER = "organiser", _("organiser")
    FACILITATOR = "facilitator", _("facilitator")
    DESIGNER = "designer", _("designer")
    PARTICIPANT = "participant", _("participant")
    ELECTED = "elected", _("elected official")
    OBSERVER = "observer", _("observer")


class Person(models.Model):
    """Someone involved in one workshop. `key` is the id in the exchange format."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="people")
    key = models.CharField(max_length=KEY_MAX)
    position = models.PositiveIntegerField(default=0)
    display_name = models.TextField(_("display name"))
    roles = models.JSONField(_("roles"), default=list, blank=True)
    organisation = models.TextField(_("organisation"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # Publications credit people by their role unless they agreed to be named. The flag is
    # consent recorded on this platform, so it stays out of the exchange format.
    credit_by_name = models.BooleanField(
        _("credited by name"),
        default=False,
        help_text=_("The person agreed to be named in the booklet; otherwise only their role is."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_people",
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="person_key_unique"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])


class PressArticle(models.Model):
    """A good-news article dated at the horizon, shown at the opening of the day."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="articles")
    key = models.CharField(max_length=KEY_MAX)
    position = models.PositiveIntegerField(default=0)
    headline = models.TextField(_("headline"))
    lede = models.TextField(_("lede"), blank=True)
    dated = models.DateField(_("dated"), null=True, blank=True)
    theme = models.ForeignKey(
        "Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="article_key_unique"),
        ]
        verbose_name = _("press article")
        verbose_name_plural = _("press review")

    def __str__(self) -> str:
        return self.headline


class AgendaKind(models.TextChoices):
    OPENING = "opening", _("opening")
    DIVERGE = "diverge", _("diverge")
    CONVERGE = "converge", _("converge")
    BREAK = "break", _("break")
    SELECTION = "selection", _("selection")
    CLOSING = "closing", _("closing")


class AgendaItem(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda")
    key = models.CharField(max_length=KEY_MAX)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=AgendaKind.choices)
    title = models.TextField(_("title"), blank=True)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="agenda_key_unique"),
        ]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class Theme(models.Model):
    """A group's island: a theme with its challenge and question."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="themes")
    key = models.CharField(max_length=KEY_MAX)
    position = models.PositiveIntegerField(default=0)
    title = models.TextField(_("title"))
    challenge = models.TextField(_("challenge"), blank=True)
    question = models.TextField(_("question"), blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    article = models.ForeignKey(
        PressArticle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opinion = models.TextField(_("our opinion"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="theme_key_unique"),
        ]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.title

    PALETTES = 9

    @property
    def palette(self) -> int:
        """Which of the nine theme colours the pages use for this theme."""
        return self.position % self.PALETTES


class ThemeRole(models.TextChoices):
    FACILITATOR = "facilitator", _("facilitator")
    DESIGNER = "designer", _("designer")
    MEMBER = "member", _("member")


class ThemeMembership(models.Model):
    """Who works on a theme and as what; the order is the one the group was listed in."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=ThemeRole.choices)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "person", "role"], name="theme_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role}) in {self.theme}"


class LessonKind(models.TextChoices):
    WORKED = "worked", _("what worked")
    DID_NOT_WORK = "did_not_work", _("what did not work")


class Lesson(models.Model):
    """One line of the retrospective."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="lessons")
    kind = models.CharField(max_length=16, choices=LessonKind.choices)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Contact(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveIntegerField(default=0)
    name = models.TextField(_("name"))
    role = models.TextField(_("role"), blank=True)
    email = models.TextField(_("email"), blank=True)
    url = models.TextField(_("web address"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
