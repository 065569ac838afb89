"""Recruitment's pages: the public registration form, and the organisers' pool, quotas and draws.

Views check permissions, call one action and answer; the pages' figures come from queries.py
and presentation.py.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rebours.core.ratelimit import client_address, hit
from rebours.recruitment import actions, checks, presentation, queries
from rebours.recruitment.bundle import bundle_zip
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.computing import prepare_draw
from rebours.recruitment.forms import (
    DrawForm,
    PoolImportForm,
    RegistrationForm,
    SettingsForm,
    UploadForm,
)
from rebours.recruitment.models import Draw, DrawStatus, Method, Volunteer
from rebours.recruitment.permissions import can_manage, can_register
from rebours.recruitment.snapshot import quotas_csv
from rebours.workshops.models import Workshop

# Registrations accepted from one address per hour. A household or an office may share one
# address, so it is not tiny; a script filling the pool is stopped.
DEFAULT_REGISTRATIONS_PER_HOUR = 20


class _SignIn(Exception):
    pass


def _organiser_workshop(request: HttpRequest, slug: str) -> Workshop:
    if not request.user.is_authenticated:
        raise _SignIn
    workshop = get_object_or_404(Workshop, slug=slug)
    if not can_manage(request.user, workshop):
        raise Http404  # no hint that an unpublished workshop or its pool exists
    return workshop


def organisers_only(view: Any) -> Any:
    def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            workshop = _organiser_workshop(request, slug)
        except _SignIn:
            return redirect_to_login(request.get_full_path())
        return view(request, workshop, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _registration_allowed(request: HttpRequest) -> bool:
    limit = int(
        getattr(settings, "RECRUITMENT_REGISTRATIONS_PER_HOUR", DEFAULT_REGISTRATIONS_PER_HOUR)
    )
    return hit(f"recruitment.register.{client_address(request)}", limit, 3600)


# --- the public form ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """The public registration form of a workshop's volunteer pool."""
    workshop = get_object_or_404(Workshop, slug=slug)
    config = queries.settings_of(workshop)
    if not can_register(request.user, request.session, config):
        return render(request, "recruitment/closed.html", {"workshop": workshop}, status=404)
    household = config.one_per_household
    form = RegistrationForm(request.POST or None, categories=config.categories, household=household)
    status = 200
    if request.method == "POST":
        if not _registration_allowed(request):
            form.add_error(None, _("Too many registrations from your connection. Try later."))
            status = 429
        elif form.is_valid():
            try:
                actions.do_register(
                    workshop,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    answers=form.answers(),
                    household=form.cleaned_data.get("household", ""),
                    consent_lottery=form.cleaned_data["consent_lottery"],
                    consent_processing=form.cleaned_data["consent_processing"],
                )
            except RecruitmentError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                return render(
                    request, "recruitment/registered.html", {"workshop": workshop, "config": config}
                )
        else:
            status = 400
    return render(
        request,
        "recruitment/register.html",
        {"workshop": workshop, "config": config, "form": form},
        status=status,
    )


# --- the organisers' pages ------------------------------------------------------------------


@organisers_only
@require_GET
def overview(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return render(request, "recruitment/overview.html", presentation.overview(request, workshop))


@organisers_only
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    config = queries.settings_of(workshop)
    initial = {
        "registration_open": config.registration_open,
        "retention_until": config.retention_until,
        "privacy_notice": config.privacy_notice,
        "panel_size": config.panel_size or None,
        "one_per_household": config.one_per_household,
    }
    form = SettingsForm(request.POST or None, initial=initial, categories=config.categories)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_settings(
                workshop,
                actor=request.user,
                categories=form.categories(),
                registration_open=form.cleaned_data["registration_open"],
                retention_until=form.cleaned_data["retention_until"],
                privacy_notice=form.cleaned_data["privacy_notice"],
                panel_size=form.cleaned_data["panel_size"] or 0,
                one_per_household=form.cleaned_data["one_per_household"],
            )
        except RecruitmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("recruitment:settings", slug=workshop.slug)
    context = {"workshop": workshop, "form": form, "section": "settings"}
    context["register_url"] = request.build_absolute_uri(
        reverse("recruitment:register", args=[workshop.slug])
    )
    return render(request, "recruitment/settings.html", context)


@organisers_only
@require_http_methods(["GET", "POST"])
def pool(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The volunteers, with contacts and duplicates; POST imports a CSV file (all or nothing)."""
    form = PoolImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = actions.do_import_pool(
                    workshop,
                    actor=request.user,
                    text=form.text(),
                    consent_confirmed=form.cleaned_data["consent_confirmed"],
                )
            except RecruitmentError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, presentation.import_message(result))
                return redirect("recruitment:pool", slug=workshop.slug)
    context = presentation.pool_page(workshop)
    context["form"] = form
    return render(request, "recruitment/pool.html", context, status=status)


@organisers_only
@require_POST
def remove_volunteer(request: HttpRequest, workshop: Workshop, pseudonym: str) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer, workshop=workshop, pseudonym=pseudonym)
    actions.do_remove_volunteer(volunteer, actor=request.user)
    messages.success(request, _("The volunteer and their answers are erased."))
    return redirect("recruitment:pool", slug=workshop.slug)


@organisers_only
@require_http_methods(["GET", "POST"])
def quotas(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The quota table: a minimum and a maximum per category value, beside the pool's count."""
    error, status, posted = "", 200, None
    upload = UploadForm()
    if request.method == "POST":
        posted = request.POST
        try:
            if "file" in request.FILES:
                upload = UploadForm(request.POST, request.FILES)
                if not upload.is_valid():
                    raise RecruitmentError(_("Choose a CSV file."))
                actions.do_import_quotas(workshop, actor=request.user, text=upload.text())
            else:
                rows = presentation.quota_rows_from_post(request.POST)
                actions.do_set_quotas(workshop, actor=request.user, rows=rows)
        except RecruitmentError as error_:
            error, status = error_.message, 400
        else:
            messages.success(request, _("The quotas are saved."))
            return redirect("recruitment:quotas", slug=workshop.slug)
    context = presentation.quotas_page(workshop, posted)
    context.update({"error": error, "upload": upload})
    return render(request, "recruitment/quotas.html", context, status=status)


@organisers_only
@require_GET
def quotas_file(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The quotas as a file that uploads back; no maximum is written as the panel size."""
    unbounded = queries.settings_of(workshop).panel_size or checks.MAX_PANEL_SIZE
    rows = [
        {
            "feature": q.feature,
            "value": q.value,
            "min": q.min,
            "max": q.max if q.max is not None else unbounded,
        }
        for q in queries.quotas(workshop)
    ]
    response = HttpResponse(quotas_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}-quotas.csv"'
    return response


@organisers_only
@require_http_methods(["GET", "POST"])
def draws(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Start a draw (after the quotas are checked) and list the draws made so far."""
    actions.do_expire_stale_draws(workshop, actor=request.user)
    config = queries.settings_of(workshop)
    initial = {
        "size": config.panel_size or None,
        "method": Method.LEXIMIN,
        "household": config.one_per_household,
    }
    form = DrawForm(request.POST or None, initial=initial)
    issues: list[str] = []
    refusal = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                draw = actions.do_start_draw(
                    workshop,
                    actor=request.user,
                    size=form.cleaned_data["size"],
                    method=form.cleaned_data["method"],
                    seed=form.cleaned_data["seed"],
                    household=form.cleaned_data["household"],
                )
            except RecruitmentError as error:
                if error.issues:
                    refusal, issues = error.message, error.issues
                else:
                    form.add_error(None, error.message)
            else:
                return redirect("recruitment:draw", slug=workshop.slug, pk=draw.pk)
    size = config.panel_size
    if form.is_bound and form.is_valid():
        size = form.cleaned_data["size"]
    check = None
    if size and not issues:
        check = prepare_draw(workshop, size=size, household=config.one_per_household)
    context = {
        "workshop": workshop,
        "section": "draws",
        "form": form,
        "issues": issues or (check.issues if check else []),
        "refusal": refusal,
        "checked_size": size,
        "draws": queries.draws(workshop),
    }
    return render(request, "recruitment/draws.html", context, status=status)


def _draw(workshop: Workshop, pk: int) -> Draw:
    return get_object_or_404(Draw.objects.select_related("created_by"), workshop=workshop, pk=pk)


@organisers_only
@require_GET
def draw_page(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    actions.do_expire_stale_draws(workshop, actor=request.user)
    draw = _draw(workshop, pk)
    return render(request, "recruitment/draw.html", presentation.draw_page(workshop, draw))


@organisers_only
@require_GET
def draw_status(request: HttpRequest, workshop: Workshop, pk: int) -> JsonResponse:
    """Where a draw and its re-run stand, for the page's script."""
    draw = _draw(workshop, pk)
    if queries.is_stale(draw):
        actions.do_expire_stale_draws(workshop, actor=request.user)
        draw.refresh_from_db()
    return JsonResponse(
        {
            "id": draw.pk,
            "status": draw.status,
            "rerun_status": draw.rerun_status,
            "finished": draw.is_finished and draw.rerun_status not in ("queued", "running"),
        }
    )


@organisers_only
@require_POST
def rerun(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    draw = _draw(workshop, pk)
    try:
        actions.do_rerun_draw(draw, actor=request.user)
    except RecruitmentError as error:
        messages.error(request, error.message)
    return redirect("recruitment:draw", slug=workshop.slug, pk=draw.pk)


@organisers_only
@require_GET
def bundle(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    draw = _draw(workshop, pk)
    if draw.status != DrawStatus.DONE:
        raise Http404
    data = bundle_zip(draw, queries.replacements(draw))
    response = HttpResponse(data, content_type="application/zip")
    name = f"{workshop.slug}-draw-{draw.pk}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@organisers_only
@require_POST
def replace(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    draw = _draw(workshop, pk)
    try:
        replacement = actions.do_replace(
            draw,
            actor=request.user,
            declined=request.POST.getlist("declined"),
            seed=request.POST.get("seed", ""),
        )
    except RecruitmentError as error:
        context = presentation.draw_page(workshop, draw)
        context.update({"replace_error": error.message, "replace_issues": error.issues})
        return render(request, "recruitment/draw.html", context, status=400)
    messages.success(request, presentation.replacement_message(replacement))
    return redirect("recruitment:draw", slug=workshop.slug, pk=draw.pk)


@organisers_only
@require_POST
def participants(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    draw = _draw(workshop, pk)
    try:
        people = actions.do_make_participants(draw, actor=request.user)
    except RecruitmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d participant was added to the workshop.",
                "%(count)d participants were added to the workshop.",
                len(people),
            )
            % {"count": len(people)},
        )
    return redirect("recruitment:draw", slug=workshop.slug, pk=draw.pk)
