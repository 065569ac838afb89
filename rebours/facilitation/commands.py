"""The console's live commands and the day's streams, plugged into rebours.live.

Streams: `day:<workshop>` (the state every screen shows: timer, wall, message), `staff:<workshop>`
(who joins, for the console), `person:<id>` (news for one participant: assigned, removed).
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from rebours.board.actions import BoardRefused, do_set_dot_budget
from rebours.facilitation import actions
from rebours.facilitation.permissions import DayAccess, day_access
from rebours.live import registry
from rebours.live.registry import CommandRefused, Viewer
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import current_person


def _int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise CommandRefused(
            _("This request is missing a valid “%(name)s”.") % {"name": name}, code="invalid"
        )
    return value


def access_for(viewer: Viewer, data: dict[str, Any]) -> DayAccess:
    workshop = Workshop.objects.filter(pk=_int(data, "workshop")).first()
    if workshop is None:
        raise CommandRefused(_("This workshop does not exist."), code="not_found")
    access = day_access(viewer.user, viewer.session, workshop)
    if not access.run:
        raise CommandRefused(
            _("Only the workshop's facilitators and organisers run the day."), code="forbidden"
        )
    return access


def _command(run: Any) -> Any:
    def handler(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
        access = access_for(viewer, data)
        try:
            result = run(access.workshop, access, data)
        except (actions.DayRefused, BoardRefused) as refused:
            raise CommandRefused(refused.message, code=refused.code) from refused
        return result if isinstance(result, dict) else {}

    return handler


def _join_settings(workshop: Workshop, actor: DayAccess, data: dict[str, Any]) -> dict[str, Any]:
    join = actions.do_update_join_settings(
        workshop, actor=actor, is_open=data.get("is_open"), group_choice=data.get("group_choice")
    )
    return {"is_open": join.is_open, "group_choice": join.group_choice}


def _renew_link(workshop: Workshop, actor: DayAccess, data: dict[str, Any]) -> dict[str, Any]:
    join = actions.do_renew_join_link(workshop, actor=actor)
    return {"path": reverse("facilitation:join", args=[join.token])}


def _dot_budget(workshop: Workshop, actor: DayAccess, data: dict[str, Any]) -> dict[str, Any]:
    if not actor.organise:
        raise actions.DayRefused(_("Only the workshop's organisers may do this."), code="forbidden")
    return {"dot_budget": do_set_dot_budget(workshop, actor=actor, budget=data.get("dot_budget"))}


COMMANDS = {
    "day.start": lambda w, a, d: actions.do_start_day(w, actor=a),
    "day.end": lambda w, a, d: actions.do_end_day(w, actor=a),
    "agenda.start": lambda w, a, d: actions.do_start_item(w, actor=a, item=_int(d, "item")),
    "agenda.skip": lambda w, a, d: actions.do_skip_item(w, actor=a, item=d.get("item")),
    "timer.pause": lambda w, a, d: actions.do_pause_timer(w, actor=a),
    "timer.resume": lambda w, a, d: actions.do_resume_timer(w, actor=a),
    "timer.extend": lambda w, a, d: actions.do_extend_timer(w, actor=a, seconds=d.get("seconds")),
    "day.mode": lambda w, a, d: actions.do_set_mode(w, actor=a, mode=d.get("mode")),
    "wall.show": lambda w, a, d: actions.do_show_on_wall(
        w, actor=a, view=d.get("view"), article=d.get("article")
    ),
    "day.message": lambda w, a, d: actions.do_send_message(w, actor=a, text=d.get("text")),
    "join.settings": _join_settings,
    "join.renew": _renew_link,
    "board.budget": _dot_budget,
    "participant.assign": lambda w, a, d: {
        "person": actions.do_assign_participant(
            w, actor=a, person=_int(d, "person"), theme=_int(d, "board")
        ).pk
    },
    "participant.balance": lambda w, a, d: {"assigned": actions.do_balance_groups(w, actor=a)},
    "participant.remove": lambda w, a, d: actions.do_remove_participant(
        w, actor=a, person=_int(d, "person")
    ),
}


def _workshop_of(stream: str) -> Workshop | None:
    _kind, _sep, ident = stream.partition(":")
    return Workshop.objects.filter(pk=int(ident)).first() if ident.isdigit() else None


def can_read_day(viewer: Viewer, stream: str) -> bool:
    workshop = _workshop_of(stream)
    return workshop is not None and day_access(viewer.user, viewer.session, workshop).follow


def can_read_staff(viewer: Viewer, stream: str) -> bool:
    workshop = _workshop_of(stream)
    return workshop is not None and day_access(viewer.user, viewer.session, workshop).run


def can_read_person(viewer: Viewer, stream: str) -> bool:
    _kind, _sep, ident = stream.partition(":")
    if not ident.isdigit():
        return False
    person = Person.objects.select_related("workshop").filter(pk=int(ident)).first()
    if person is None:
        return False
    me = current_person(viewer.user, viewer.session, person.workshop)
    return me is not None and me.pk == person.pk


def register() -> None:
    registry.register_stream("day", can_read_day)
    registry.register_stream("staff", can_read_staff)
    registry.register_stream("person", can_read_person)
    for name, run in COMMANDS.items():
        registry.register_command(name, _command(run))
