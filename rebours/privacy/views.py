"""Personal data: what Rebours holds about me (see, export, erase), and a workshop's retention
date and purge for its organisers."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rebours.privacy.actions import do_erase_my_data
from rebours.privacy.forms import ConfirmForm, RetentionForm
from rebours.privacy.queries import my_data, my_people
from rebours.workshops.actions import (
    PurgeRefused,
    do_purge_personal_data,
    do_set_personal_data_until,
)
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import (
    PARTICIPANT_SESSION_PREFIX,
    can_manage_personal_data,
    can_purge_personal_data,
)


@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/mine.html",
        {"data": my_data(request.user, request.session), "form": ConfirmForm()},
    )


@never_cache
@require_GET
def mine_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(my_data(request.user, request.session), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rebours-my-data.json"'
    return response


@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    people = my_people(request.user, request.session)
    if not form.is_valid():
        return render(
            request,
            "privacy/mine.html",
            {"data": my_data(request.user, request.session), "form": form},
            status=400,
        )
    erased = do_erase_my_data(request.user, people, actor=request.user)
    if erased.account:
        logout(request)  # the account is gone: its session goes with it
    else:
        joined = [
            k for k, _v in request.session.items() if k.startswith(PARTICIPANT_SESSION_PREFIX)
        ]
        for key in joined:
            del request.session[key]
        request.session.cycle_key()
    messages.success(request, _("What Rebours held about you is erased."))
    return redirect("privacy:mine")


@never_cache
@require_http_methods(["GET", "POST"])
def workshop_data(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' page: the retention date, what a purge would change, the purge itself."""
    workshop = get_object_or_404(Workshop, slug=slug)
    if not can_manage_personal_data(request.user, workshop):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(_("Only the workshop's organisers manage its personal data."))
    form = RetentionForm(initial={"personal_data_until": workshop.personal_data_until})
    confirm = ConfirmForm()
    status = 200
    if request.method == "POST" and "purge" in request.POST:
        confirm = ConfirmForm(request.POST)
        if not can_purge_personal_data(request.user, workshop):
            messages.error(request, _("The retention date has not passed yet."))
            return redirect("privacy:workshop", slug=slug)
        if confirm.is_valid():
            try:
                counts = do_purge_personal_data(workshop, actor=request.user)
            except PurgeRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    _("Personal data purged: %(counts)s.")
                    % {"counts": ", ".join(f"{k} {v}" for k, v in counts.items())},
                )
            return redirect("privacy:workshop", slug=slug)
        status = 400
    elif request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            do_set_personal_data_until(
                workshop, actor=request.user, until=form.cleaned_data["personal_data_until"]
            )
            messages.success(request, _("The retention date is saved."))
            return redirect("privacy:workshop", slug=slug)
        status = 400
    return render(
        request,
        "privacy/workshop.html",
        {
            "workshop": workshop,
            "form": form,
            "confirm": confirm,
            "preview": do_purge_personal_data(workshop, actor=request.user, dry_run=True),
            "may_purge": can_purge_personal_data(request.user, workshop),
        },
        status=status,
    )
