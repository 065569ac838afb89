"""The live day's pages: joining, a group's board, the lobby, the console and the wall.

Pages render the state they start from and the stream numbers it matches; their scripts then
follow the streams (rebours/live) and send commands. Nothing here writes except through actions.
"""

import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rebours.board.permissions import board_access, watcher_session_key
from rebours.board.queries import board_snapshot
from rebours.core.ratelimit import client_address, hit
from rebours.facilitation import queries
from rebours.facilitation.actions import DayRefused, do_join_workshop, open_groups, person_stream
from rebours.facilitation.models import GroupChoice, JoinSettings, Mode, WallView
from rebours.facilitation.permissions import DayAccess, can_join, day_access
from rebours.facilitation.strings import board_strings, console_strings, day_strings
from rebours.facilitation.timer import clock_text
from rebours.live.events import last_seq
from rebours.workshops.models import Theme, ThemeMembership, Workshop
from rebours.workshops.permissions import participant_session_key

WALL_NOTES_PER_GROUP = 40


def _access(request: HttpRequest, workshop: Workshop) -> DayAccess:
    return day_access(request.user, request.session, workshop)


def _not_joined(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return render(request, "facilitation/not_joined.html", {"workshop": workshop}, status=403)


def _day_context(request: HttpRequest, workshop: Workshop) -> dict[str, Any]:
    day = queries.day_snapshot(workshop)
    timer = queries.timer_of(day["state"])
    return {
        "workshop": workshop,
        "day": day,
        "state": day["state"],
        "clock": clock_text(timer.remaining(time.time())) if timer else "",
        "day_strings": day_strings(),
    }


def _join_attempt_allowed(request: HttpRequest) -> bool:
    # A whole room may share one address (the venue's wifi): the limit is per minute and generous,
    # enough to stop a script, not a queue of people scanning the code.
    address = client_address(request)
    return hit(f"join.{address}", settings.JOIN_ATTEMPTS_PER_MINUTE, 60)


@never_cache
def join(request: HttpRequest, token: str) -> HttpResponse:
    settings_row = JoinSettings.objects.select_related("workshop").filter(token=token).first()
    if settings_row is None:
        raise Http404(
            _("This join link is not valid (any more). Ask an organiser for the new one.")
        )
    workshop = settings_row.workshop
    if not can_join(request.user, request.session, workshop):
        if queries.is_in_workshop(request, workshop):
            return redirect("facilitation:place", slug=workshop.slug)
        return render(
            request,
            "facilitation/join.html",
            {"workshop": workshop, "join": settings_row, "over": True},
            status=403,
        )
    choose = settings_row.group_choice == GroupChoice.CHOOSE
    groups = open_groups(workshop) if choose else []
    error, status, name, chosen = "", 200, "", None
    if request.method == "POST":
        name = request.POST.get("display_name", "")
        theme_value = request.POST.get("group", "")
        chosen = int(theme_value) if theme_value.isdigit() else None
        if not _join_attempt_allowed(request):
            error, status = (
                _("Too many attempts from this network. Please wait a minute and try again."),
                429,
            )
        else:
            try:
                person = do_join_workshop(settings_row, actor=None, display_name=name, theme=chosen)
            except DayRefused as refused:
                error, status = refused.message, 400
            else:
                # A new session key: whoever knew the old one (fixation) does not get the person.
                request.session.cycle_key()
                request.session[participant_session_key(workshop)] = person.pk
                return redirect("facilitation:place", slug=workshop.slug)
    return render(
        request,
        "facilitation/join.html",
        {
            "workshop": workshop,
            "join": settings_row,
            "groups": groups,
            "choose": choose,
            "error": error,
            "name": name,
            "chosen": chosen,
        },
        status=status,
    )


@never_cache
def place(request: HttpRequest, slug: str) -> HttpResponse:
    """Where someone belongs on the day: the console, their group's board, the lobby or the wall."""
    workshop = queries.workshop_for_day(slug)
    access = _access(request, workshop)
    if access.run:
        return redirect("facilitation:console", slug=slug)
    if access.person is not None:
        theme = queries.group_of(access.person)
        if theme is not None:
            return redirect("facilitation:board", slug=slug, key=theme.key)
        return redirect("facilitation:lobby", slug=slug)
    if access.watcher:
        return redirect("facilitation:wall", slug=slug)
    if not request.user.is_authenticated:
        return _not_joined(request, workshop)
    raise Http404


@never_cache
def lobby(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = queries.workshop_for_day(slug)
    access = _access(request, workshop)
    if access.person is None:
        return _not_joined(request, workshop)
    theme = queries.group_of(access.person)
    if theme is not None:
        return redirect("facilitation:board", slug=slug, key=theme.key)
    context = _day_context(request, workshop)
    stream = person_stream(access.person)
    context.update(
        {"person": access.person, "person_stream": {"stream": stream, "seq": last_seq(stream)}}
    )
    return render(request, "facilitation/lobby.html", context)


@never_cache
def board(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = queries.workshop_for_day(slug)
    theme = get_object_or_404(
        Theme.objects.select_related("workshop", "article"), workshop=workshop, key=key
    )
    access = board_access(request.user, request.session, theme)
    if not access.read:
        if access.person is None and not request.user.is_authenticated:
            return _not_joined(request, workshop)
        return render(request, "facilitation/forbidden.html", {"workshop": workshop}, status=403)
    context = _day_context(request, workshop)
    snapshot = board_snapshot(theme, access)
    streams = {context["day"]["stream"]: context["day"]["seq"], snapshot["stream"]: snapshot["seq"]}
    if access.person is not None:
        stream = person_stream(access.person)
        streams[stream] = last_seq(stream)
    context.update(
        {
            "theme": theme,
            "access": access,
            "board": snapshot,
            "streams": streams,
            "strings": board_strings(),
            "loose_notes": [n for n in snapshot["notes"] if n["cluster"] is None],
            "clusters": [
                {**c, "notes": [n for n in snapshot["notes"] if n["cluster"] == c["id"]]}
                for c in snapshot["clusters"]
            ],
            "team": ThemeMembership.objects.filter(theme=theme).select_related("person"),
            "expected": queries.EXPECTED_PROPOSALS,
            "dots_left": max(0, snapshot["me"]["budget"] - snapshot["me"]["used"]),
            "converging": context["state"]["mode"] == Mode.CONVERGE,
        }
    )
    return render(request, "facilitation/board.html", context)


def _run_or_login(request: HttpRequest, workshop: Workshop) -> DayAccess | HttpResponse:
    access = _access(request, workshop)
    if access.run:
        return access
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "facilitation/forbidden.html", {"workshop": workshop}, status=403)


def _join_url(request: HttpRequest, join_settings: JoinSettings) -> str:
    return request.build_absolute_uri(reverse("facilitation:join", args=[join_settings.token]))


@never_cache
def console(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = queries.workshop_for_day(slug)
    access = _run_or_login(request, workshop)
    if isinstance(access, HttpResponse):
        return access
    context = _day_context(request, workshop)
    join_settings = queries.join_settings(workshop)
    staff = queries.staff_snapshot(workshop)
    themes = list(workshop.themes.order_by("position", "pk"))
    context.update(
        {
            "access": access,
            "join": join_settings,
            "join_url": _join_url(request, join_settings),
            "wall_url": request.build_absolute_uri(
                reverse("facilitation:wall", args=[slug]) + "?pass=" + join_settings.wall_token
            ),
            "agenda": workshop.agenda.order_by("position", "pk"),
            "articles": workshop.articles.order_by("position", "pk"),
            "groups": [{"id": t.pk, "title": t.title} for t in themes],
            "progress": queries.progress(workshop),
            "staff": staff,
            "streams": {
                context["day"]["stream"]: context["day"]["seq"],
                staff["stream"]: staff["seq"],
            },
            "dot_budget": queries.dot_budget_of(workshop),
            "wall_views": WallView.choices,
            "modes": Mode.choices,
            "group_choices": GroupChoice.choices,
            "strings": console_strings(),
        }
    )
    return render(request, "facilitation/console.html", context)


def _wall_or_forbidden(request: HttpRequest, workshop: Workshop) -> DayAccess | HttpResponse:
    access = _access(request, workshop)
    if access.run or access.watcher:
        return access
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "facilitation/forbidden.html", {"workshop": workshop}, status=403)


@never_cache
def wall(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = queries.workshop_for_day(slug)
    wall_pass = request.GET.get("pass")
    if wall_pass is not None:
        # The projector's link: remember it in the session, then drop the secret from the URL.
        if wall_pass == queries.join_settings(workshop).wall_token:
            request.session[watcher_session_key(workshop)] = True
        return redirect("facilitation:wall", slug=slug)
    access = _wall_or_forbidden(request, workshop)
    if isinstance(access, HttpResponse):
        return access
    context = _day_context(request, workshop)
    join_settings = queries.join_settings(workshop)
    groups = []
    wall_boards = {}
    streams = {context["day"]["stream"]: context["day"]["seq"]}
    for theme in workshop.themes.order_by("position", "pk")[: queries.WALL_MAX_GROUPS]:
        snapshot = board_snapshot(theme)
        streams[snapshot["stream"]] = snapshot["seq"]
        groups.append(
            {
                "theme": theme,
                "board": snapshot,
                "top": queries.wall_notes(snapshot, WALL_NOTES_PER_GROUP),
            }
        )
        wall_boards[theme.pk] = {"notes": snapshot["notes"], "clusters": snapshot["clusters"]}
    columns, rows = queries.wall_grid(len(groups))
    proposals = queries.mosaic(workshop)
    context.update(
        {
            "groups": groups,
            "columns": columns,
            "rows": rows,
            "mosaic_columns": queries.mosaic_columns(len(proposals)),
            "wall_boards": wall_boards,
            "streams": streams,
            "join_url": _join_url(request, join_settings),
            "proposals": proposals,
            "participants": queries.participant_count(workshop),
        }
    )
    return render(request, "facilitation/wall.html", context)


@require_GET
def join_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The join link as an SVG QR code, for the wall and the console."""
    workshop = queries.workshop_for_day(slug)
    access = _access(request, workshop)
    if not (access.run or access.watcher):
        raise Http404
    image = qrcode.make(
        _join_url(request, queries.join_settings(workshop)),
        image_factory=qrcode.image.svg.SvgPathImage,
        border=2,
    )
    response = HttpResponse(image.to_string(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def progress_json(request: HttpRequest, slug: str) -> JsonResponse:
    workshop = queries.workshop_for_day(slug)
    if not _access(request, workshop).run:
        return JsonResponse(
            {"error": _("Only the workshop's facilitators and organisers run the day.")}, status=403
        )
    return JsonResponse({"groups": [g.as_dict() for g in queries.progress(workshop)]})


@require_GET
def mosaic_json(request: HttpRequest, slug: str) -> JsonResponse:
    workshop = queries.workshop_for_day(slug)
    access = _access(request, workshop)
    if not (access.run or access.watcher):
        return JsonResponse({"error": _("You may not see this wall.")}, status=403)
    tiles = [
        {
            "title": p.title,
            "palette": p.theme.palette,
            "image": p.image.url if p.image_available() else "",
            "alt": p.image_alt or p.title,
        }
        for p in queries.mosaic(workshop)
    ]
    return JsonResponse({"tiles": tiles}, json_dumps_params={"ensure_ascii": False})
