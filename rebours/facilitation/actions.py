"""Running the live day: the agenda and its timer, the wall, messages, joining and the groups.

Every action locks the workshop's `DayState` (or `JoinSettings`) row, changes it, and publishes
the whole new state on the `day:<workshop>` stream inside the transaction. Console commands are
intentions about a known state ("skip *this* item"), so that two facilitators pressing the same
button at once skip one item, not two.
"""

import secrets
import unicodedata
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rebours.board.actions import do_forget_voter, note_payload
from rebours.board.actions import stream_for as board_stream
from rebours.board.models import Note
from rebours.facilitation.models import (
    MESSAGE_MAX_LENGTH,
    DayState,
    GroupChoice,
    JoinSettings,
    Mode,
    Phase,
    WallView,
    new_token,
)
from rebours.facilitation.permissions import DayAccess
from rebours.live.events import publish, recheck
from rebours.workshops.models import (
    AgendaItem,
    AgendaKind,
    Person,
    Role,
    Theme,
    ThemeMembership,
    ThemeRole,
    Workshop,
)

DISPLAY_NAME_MAX_LENGTH = 60
MAX_EXTRA_SECONDS = 4 * 3600


class DayRefused(Exception):
    """Something the day will not do; `message` is for the person who asked."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def now() -> datetime:
    """The server's clock: the one every screen's timer is computed from."""
    return timezone.now()


def day_stream(workshop: Workshop | int) -> str:
    return f"day:{workshop if isinstance(workshop, int) else workshop.pk}"


def staff_stream(workshop: Workshop | int) -> str:
    return f"staff:{workshop if isinstance(workshop, int) else workshop.pk}"


def person_stream(person: Person | int) -> str:
    return f"person:{person if isinstance(person, int) else person.pk}"


def board_url(theme: Theme) -> str:
    return f"/w/{theme.workshop.slug}/live/boards/{theme.key}/"


# --- the state every screen receives --------------------------------------------------------


def _epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def day_payload(day: DayState) -> dict[str, Any]:
    workshop = day.workshop
    item = day.item
    agenda = list(workshop.agenda.values_list("pk", flat=True))
    articles = list(workshop.articles.values_list("pk", flat=True))
    article = day.article
    return {
        "phase": day.phase,
        "mode": day.mode,
        "item": None
        if item is None
        else {
            "id": item.pk,
            "key": item.key,
            "title": item.title or item.get_kind_display(),
            "kind": item.kind,
            "minutes": item.minutes,
            "index": agenda.index(item.pk) + 1 if item.pk in agenda else 0,
            "count": len(agenda),
        },
        "timer": None
        if item is None or day.started_at is None
        else {
            "started_at": _epoch(day.started_at),
            "paused_at": _epoch(day.paused_at),
            "duration": item.minutes * 60 + day.extra_seconds,
        },
        "wall": {
            "view": day.wall_view,
            "article": None
            if article is None
            else {
                "id": article.pk,
                "headline": article.headline,
                "lede": article.lede,
                "dated": article.dated.isoformat() if article.dated else "",
                "theme": article.theme.title if article.theme else "",
                "index": articles.index(article.pk) + 1 if article.pk in articles else 0,
                "count": len(articles),
            },
        },
        "message": {"text": day.message, "at": _epoch(day.message_at)} if day.message else None,
    }


def _locked_day(workshop: Workshop) -> DayState:
    day, _created = DayState.objects.get_or_create(workshop=workshop)
    return (
        # of=self: PostgreSQL locks no row on the nullable side of an outer join (item, article).
        DayState.objects.select_for_update(of=("self",))
        .select_related("workshop", "item", "article__theme")
        .get(pk=day.pk)
    )


def _publish_day(day: DayState) -> dict[str, Any]:
    day.save()
    payload = day_payload(day)
    publish(day_stream(day.workshop_id), "day.state", payload)
    return payload


def _require_run(actor: DayAccess, workshop: Workshop) -> None:
    if actor.workshop.pk != workshop.pk or not actor.run:
        raise DayRefused(
            _("Only the workshop's facilitators and organisers run the day."), code="forbidden"
        )


def _require_organise(actor: DayAccess, workshop: Workshop) -> None:
    if actor.workshop.pk != workshop.pk or not actor.organise:
        raise DayRefused(_("Only the workshop's organisers may do this."), code="forbidden")


def do_prepare_day(workshop: Workshop, *, actor: Any) -> tuple[DayState, JoinSettings]:
    """The day's state and join settings, created the first time anyone looks at them."""
    with transaction.atomic():
        day, _created = DayState.objects.get_or_create(workshop=workshop)
        join, _created = JoinSettings.objects.get_or_create(workshop=workshop)
    return day, join


# --- the agenda and its timer ---------------------------------------------------------------


def _begin(day: DayState, item: AgendaItem | None) -> None:
    day.item = item
    day.started_at = now() if item is not None else None
    day.paused_at = None
    day.extra_seconds = 0
    if item is not None and item.kind in (AgendaKind.DIVERGE, AgendaKind.CONVERGE):
        day.mode = item.kind


def do_start_day(workshop: Workshop, *, actor: DayAccess) -> dict[str, Any]:
    """Open the day: the first agenda item starts and the wall shows the first press article."""
    _require_run(actor, workshop)
    with transaction.atomic():
        day = _locked_day(workshop)
        if day.phase == Phase.RUNNING:
            raise DayRefused(_("The day has already started."), code="invalid")
        day.phase = Phase.RUNNING
        _begin(day, workshop.agenda.order_by("position", "pk").first())
        first_article = workshop.articles.order_by("position", "pk").first()
        if first_article is not None:
            day.wall_view, day.article = WallView.PRESS, first_article
        return _publish_day(day)


def _item_of(workshop: Workshop, item: AgendaItem | int) -> AgendaItem:
    pk = item if isinstance(item, int) else item.pk
    found = AgendaItem.objects.filter(workshop=workshop, pk=pk).first()
    if found is None:
        raise DayRefused(_("This agenda item is not part of this workshop."), code="not_found")
    return found


def do_start_item(
    workshop: Workshop, *, actor: DayAccess, item: AgendaItem | int
) -> dict[str, Any]:
    """Start an agenda item's timer from the beginning (the day starts too if it had not)."""
    _require_run(actor, workshop)
    with transaction.atomic():
        day = _locked_day(workshop)
        day.phase = Phase.RUNNING
        _begin(day, _item_of(workshop, item))
        return _publish_day(day)


def do_pause_timer(workshop: Workshop, *, actor: DayAccess) -> dict[str, Any]:
    """Freeze the current item's timer."""
    _require_run(actor, workshop)
    with transaction.atomic():
        day = _locked_day(workshop)
        if day.started_at is None:
            raise DayRefused(_("No timer is running."), code="invalid")
        if day.paused_at is None:
            day.paused_at = now()
        return _publish_day(day)


def do_resume_timer(workshop: Workshop, *, actor: DayAccess) -> dict[str, Any]:
    """Let the paused timer run again from where it stopped."""
    _require_run(actor, workshop)
    with transaction.atomic():
        day = _locked_day(workshop)
        if day.started_at is None:
            raise DayRefused(_("No timer is running."), code="invalid")
        if day.paused_at is not None:
            # Moving the start by the length of the pause keeps the elapsed time unchanged.
            day.started_at += now() - day.paused_at
            day.paused_at = None
        return _publish_day(day)


def do_extend_timer(workshop: Workshop, *, actor: DayAccess, seconds: Any) -> dict[str, Any]:
    """Give the current item more time (or less, with a negative number of seconds)."""
    _require_run(actor, workshop)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not -3600 <= seconds <= 3600:
        raise DayRefused(_("Extend by a whole number of seconds, at most an hour."), code="invalid")
    with transaction.atomic():
        day = _locked_day(workshop)
        if day.item is None or day.started_at is None:
            raise DayRefused(_("No timer is running."), code="invalid")
        extra = day.extra_seconds + seconds
        if abs(extra) > MAX_EXTRA_SECONDS or day.item.minutes * 60 + extra < 0:
            raise DayRefused(_("The item cannot be shortened below zero."), code="invalid")
        day.extra_seconds = extra
        return _publish_day(day)


def do_skip_item(workshop: Workshop, *, actor: DayAccess, item: Any) -> dict[str, Any]:
    """Move on from `item` (the one the console showed) to the next; the day ends after the last.

    Naming the item makes a double press harmless: the second one finds the agenda moved on.
    """
    _require_run(actor, workshop)
    with transaction.atomic():
        day = _locked_day(workshop)
        if day.item_id is None or day.item_id != item:
            raise DayRefused(_("The agenda has already moved on."), code="conflict")
        agenda = list(workshop.agenda.order_by("position", "pk"))
        index = next(i for i, a in enumerate(agenda) if a.pk == day.item_id)
        if index + 1 < len(agenda):
            _begin(day, agenda[index + 1])
        else:
            _end(day)
        return _publish_day(day)


def _end(day: DayState) -> None:
    day.phase = Phase.ENDED
    _begin(day, None)
    day.wall_view, day.article = WallView.MOSAIC, None


def do_end_day(workshop: Workshop, *, actor: DayAccess) -> dict[str, Any]:
    """Close the day: timers stop and the wall shows the mosaic."""
    _require_run(actor, workshop)
    with transaction.atomic():
        day = _locked_day(workshop)
        _end(day)
        return _publish_day(day)


def do_set_mode(workshop: Workshop, *, actor: DayAccess, mode: Any) -> dict[str, Any]:
    """Switch every group between diverging (posting ideas) and converging (shaping projects)."""
    _require_run(actor, workshop)
    if mode not in Mode.values:
        raise DayRefused(_("Unknown mode."), code="invalid")
    with transaction.atomic():
        day = _locked_day(workshop)
        day.mode = mode
        return _publish_day(day)


def do_show_on_wall(
    workshop: Workshop, *, actor: DayAccess, view: Any, article: Any = None
) -> dict[str, Any]:
    """Choose what the wall shows; for the press review, which article."""
    _require_run(actor, workshop)
    if view not in WallView.values:
        raise DayRefused(_("The wall cannot show that."), code="invalid")
    with transaction.atomic():
        day = _locked_day(workshop)
        chosen = None
        if view == WallView.PRESS:
            articles = workshop.articles.order_by("position", "pk")
            chosen = (
                articles.filter(pk=article).first()
                if isinstance(article, int)
                else articles.first()
            )
            if chosen is None:
                raise DayRefused(
                    _("This press article is not part of this workshop."), code="not_found"
                )
        day.wall_view, day.article = view, chosen
        return _publish_day(day)


def check_message(text: Any) -> str:
    if not isinstance(text, str):
        raise DayRefused(_("A message is text."), code="invalid")
    text = " ".join(text.split())
    if "\x00" in text or len(text) > MESSAGE_MAX_LENGTH:
        raise DayRefused(
            _("A message holds at most %(max)d characters.") % {"max": MESSAGE_MAX_LENGTH},
            code="invalid",
        )
    return text


def do_send_message(workshop: Workshop, *, actor: DayAccess, text: Any) -> dict[str, Any]:
    """Show a message on every screen ("10 minutes left"); an empty one clears it."""
    _require_run(actor, workshop)
    text = check_message(text)
    with transaction.atomic():
        day = _locked_day(workshop)
        day.message = text
        day.message_at = now() if text else None
        return _publish_day(day)


# --- joining --------------------------------------------------------------------------------


def check_display_name(name: Any) -> str:
    if not isinstance(name, str):
        raise DayRefused(_("Please give a name."), code="invalid")
    # Control and formatting characters (right-to-left overrides…) would let a name disguise itself.
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf"} or c == "\u200d")
    name = " ".join(name.split())
    if not name:
        raise DayRefused(_("Please give a name."), code="invalid")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise DayRefused(
            _("A name holds at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX_LENGTH},
            code="invalid",
        )
    return name


def open_groups(workshop: Workshop) -> list[Any]:
    """The groups participants may join: those with a facilitator (an island needs one), or
    every group when none has a facilitator yet."""
    themes = list(
        workshop.themes.annotate(
            facilitators=Count("memberships", filter=Q(memberships__role=ThemeRole.FACILITATOR)),
            members=Count("memberships", filter=~Q(memberships__role=ThemeRole.FACILITATOR)),
        ).order_by("position", "pk")
    )
    staffed = [t for t in themes if t.facilitators]
    return list(staffed or themes)


def _membership(person: Person, theme: Theme) -> None:
    top = ThemeMembership.objects.filter(theme=theme).aggregate(top=Max("position"))["top"]
    ThemeMembership.objects.create(
        theme=theme, person=person, role=ThemeRole.MEMBER, position=0 if top is None else top + 1
    )


def participant_payload(person: Person, theme: Theme | None) -> dict[str, Any]:
    return {
        "person": person.pk,
        "name": person.display_name,
        "board": theme.pk if theme else None,
        "group": theme.title if theme else "",
    }


def do_join_workshop(
    join: JoinSettings, *, actor: Any, display_name: Any, theme: Theme | int | None
) -> Person:
    """A participant joins from the workshop's link: a new person, a member of their group.

    The caller then binds the person to the browser's session (`participant_session_key`).
    """
    name = check_display_name(display_name)
    with transaction.atomic():
        join = JoinSettings.objects.select_for_update().select_related("workshop").get(pk=join.pk)
        workshop = join.workshop
        if not join.is_open:
            raise DayRefused(_("Joining this workshop is closed. Ask an organiser."), code="closed")
        group = None
        if join.group_choice == GroupChoice.CHOOSE:
            pk = theme.pk if isinstance(theme, Theme) else theme
            group = next((t for t in open_groups(workshop) if t.pk == pk), None)
            if group is None:
                raise DayRefused(_("Please choose one of the groups."), code="invalid")
        top = workshop.people.aggregate(top=Max("position"))["top"]
        person = Person.objects.create(
            workshop=workshop,
            key=f"j-{secrets.token_hex(5)}",
            position=0 if top is None else top + 1,
            display_name=name,
            roles=[Role.PARTICIPANT],
        )
        if group is not None:
            _membership(person, group)
        publish(staff_stream(workshop), "participant.joined", participant_payload(person, group))
    return person


def do_update_join_settings(
    workshop: Workshop, *, actor: DayAccess, is_open: Any = None, group_choice: Any = None
) -> JoinSettings:
    """Open or close joining, and choose whether participants pick their group."""
    _require_organise(actor, workshop)
    if is_open is not None and not isinstance(is_open, bool):
        raise DayRefused(_("Say whether joining is open."), code="invalid")
    if group_choice is not None and group_choice not in GroupChoice.values:
        raise DayRefused(_("Unknown way of forming groups."), code="invalid")
    with transaction.atomic():
        JoinSettings.objects.get_or_create(workshop=workshop)
        join = JoinSettings.objects.select_for_update().get(workshop=workshop)
        if is_open is not None:
            join.is_open = is_open
        if group_choice is not None:
            join.group_choice = group_choice
        join.save()
        publish(
            staff_stream(workshop),
            "join.settings",
            {"is_open": join.is_open, "group_choice": join.group_choice},
        )
    return join


def do_renew_join_link(workshop: Workshop, *, actor: DayAccess) -> JoinSettings:
    """A new join link (the old one stops working), for a link that spread too far."""
    _require_organise(actor, workshop)
    with transaction.atomic():
        JoinSettings.objects.get_or_create(workshop=workshop)
        join = JoinSettings.objects.select_for_update().get(workshop=workshop)
        join.token = new_token()
        join.save(update_fields=["token"])
        # No token in the event: walls reload to show the new code.
        publish(day_stream(workshop), "join.renewed", {})
    return join


def _participant(workshop: Workshop, person: Person | int) -> Person:
    pk = person if isinstance(person, int) else person.pk
    found = Person.objects.select_for_update().filter(workshop=workshop, pk=pk).first()
    if found is None:
        raise DayRefused(_("This person is not part of this workshop."), code="not_found")
    if found.user_id is not None or not found.has_role(Role.PARTICIPANT):
        raise DayRefused(
            _("Only participants who joined with the link can be moved or removed here."),
            code="invalid",
        )
    return found


def do_assign_participant(
    workshop: Workshop, *, actor: DayAccess, person: Person | int, theme: Theme | int
) -> Person:
    """Put a participant in a group (or move them to another one)."""
    _require_run(actor, workshop)
    with transaction.atomic():
        found = _participant(workshop, person)
        pk = theme if isinstance(theme, int) else theme.pk
        group = Theme.objects.select_related("workshop").filter(workshop=workshop, pk=pk).first()
        if group is None:
            raise DayRefused(_("This group is not part of this workshop."), code="not_found")
        previous = list(
            ThemeMembership.objects.filter(person=found, role=ThemeRole.MEMBER).values_list(
                "theme_id", flat=True
            )
        )
        if previous == [group.pk]:
            return found
        ThemeMembership.objects.filter(person=found, role=ThemeRole.MEMBER).delete()
        _membership(found, group)
        publish(
            person_stream(found),
            "participant.assigned",
            {"board": group.pk, "url": board_url(group)},
        )
        publish(staff_stream(workshop), "participant.assigned", participant_payload(found, group))
        for theme_id in previous:
            recheck(board_stream(theme_id))
    return found


def do_balance_groups(workshop: Workshop, *, actor: DayAccess) -> int:
    """Put every participant still waiting for a group into the smallest open group."""
    _require_run(actor, workshop)
    with transaction.atomic():
        waiting = list(
            Person.objects.select_for_update(of=("self",))
            .filter(workshop=workshop, user__isnull=True, memberships__isnull=True)
            .order_by("position", "pk")
        )
        waiting = [p for p in waiting if p.has_role(Role.PARTICIPANT)]
        groups = open_groups(workshop)
        if not groups:
            return 0
        sizes = {t.pk: t.members for t in groups}
        for person in waiting:
            # Smallest first; among equals, the first in the agenda's order.
            group = min(groups, key=lambda t: (sizes[t.pk], t.position, t.pk))
            sizes[group.pk] += 1
            _membership(person, group)
            publish(
                person_stream(person),
                "participant.assigned",
                {"board": group.pk, "url": board_url(group)},
            )
            publish(
                staff_stream(workshop), "participant.assigned", participant_payload(person, group)
            )
    return len(waiting)


def do_remove_participant(workshop: Workshop, *, actor: DayAccess, person: Person | int) -> None:
    """Take a participant out of the workshop: their dots go, their notes stay unsigned, and their
    session stops working at once (their open screens are unsubscribed)."""
    _require_organise(actor, workshop)
    with transaction.atomic():
        found = _participant(workshop, person)
        pk = found.pk
        themes = list(found.memberships.values_list("theme_id", flat=True))
        notes = list(Note.objects.filter(author=found).values_list("pk", flat=True))
        do_forget_voter(found, actor=actor)
        publish(person_stream(pk), "participant.removed", {"person": pk})
        publish(staff_stream(workshop), "participant.removed", {"person": pk})
        found.delete()
        for note in Note.objects.filter(pk__in=notes).select_related("author").order_by("pk"):
            publish(board_stream(note.theme_id), "note.updated", {"note": note_payload(note)})
        for theme_id in themes:
            recheck(board_stream(theme_id))
        recheck(day_stream(workshop))
        recheck(person_stream(pk))
        recheck(staff_stream(workshop))


def do_give_account(person: Person, *, actor: Any, username: str, password: str) -> Any:
    """Let a facilitator or organiser of the day sign in: an account (created if new) for `person`.

    An existing account keeps its password unless one is given.
    """
    from django.contrib.auth import get_user_model

    from rebours.workshops.actions import do_link_account

    users = get_user_model()
    if not username or len(username) > 150:
        raise DayRefused(_("Give a user name of at most 150 characters."), code="invalid")
    with transaction.atomic():
        user = users.objects.select_for_update().filter(username=username).first()
        if user is None:
            user = users.objects.create_user(username, password=password or None)
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
        do_link_account(person, user, actor=actor)
    return user
