"""The selection's pages: the ballot, the receipt, the organiser's settings, the results."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rebours.core.ratelimit import client_address
from rebours.live.events import last_seq
from rebours.selection import actions, queries
from rebours.selection.actions import SelectionRefused
from rebours.selection.exports import results_csv_text, results_document
from rebours.selection.forms import OpenSelectionForm, PublicVoterForm
from rebours.selection.models import College, Selection, Ungraded
from rebours.selection.permissions import (
    can_become_public_voter,
    can_close,
    can_manage,
    can_name_favourites,
    can_see_results,
    voting_colleges,
)
from rebours.selection.presentation import (
    ballot_rows,
    charts_for,
    grade_choices,
    receipt_rows,
    short_receipt,
)
from rebours.selection.scale import grade_label
from rebours.selection.throttle import allow_public_voter
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import current_person, participant_session_key
from rebours.workshops.queries import workshop_by_slug


def _selection(workshop: Workshop) -> Selection:
    selection = queries.current_selection(workshop)
    if selection is None:
        raise Http404(_("This workshop has no selection."))
    return selection


def _person(request: HttpRequest, workshop: Workshop) -> Person | None:
    return current_person(request.user, request.session, workshop)


def _ballot_page(
    request: HttpRequest,
    workshop: Workshop,
    selection: Selection,
    *,
    submitted: dict[str, Any] | None = None,
    error: str | None = None,
    public_form: PublicVoterForm | None = None,
    favourites_error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    person = _person(request, workshop)
    ballot = queries.ballot_of(selection, person)
    proposals = list(queries.selection_proposals(selection))
    colleges = voting_colleges(person, selection)
    is_open = selection.is_open()
    mine = queries.favourites_of(selection, person)
    slots = [{"proposal": f.proposal.key, "justification": f.justification} for f in mine] + [
        {"proposal": "", "justification": ""}
    ] * max(selection.favourites_max - len(mine), 0)
    context = {
        "workshop": workshop,
        "selection": selection,
        "person": person,
        "is_open": is_open,
        "colleges": [(code, College(code).label) for code in colleges],
        "ballot": ballot,
        "grades": grade_choices(selection),
        "rows": ballot_rows(selection, proposals, ballot, submitted),
        "college_chosen": (submitted or {}).get("college") or (ballot.college if ballot else ""),
        "error": error,
        "counts": queries.ballot_counts(selection),
        "worst": grade_label(selection.grades[0]) if selection.grades else "",
        "ungraded_is_worst": selection.ungraded == Ungraded.WORST,
        "public_open": can_become_public_voter(person, selection),
        "public_form": public_form or PublicVoterForm(),
        "favourites": queries.favourites(selection),
        "may_name_favourites": is_open and can_name_favourites(person),
        "favourite_slots": slots[: max(selection.favourites_max, len(mine))],
        "favourites_error": favourites_error,
        "proposals": proposals,
        "results_visible": can_see_results(request.user, selection),
        "organiser": can_manage(request.user, workshop),
    }
    return render(request, "selection/ballot.html", context, status=status)


def ballot_page(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    return _ballot_page(request, workshop, _selection(workshop))


@require_POST
def cast_ballot(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    selection = _selection(workshop)
    person = _person(request, workshop)
    grades: dict[str, Any] = {}
    for name in request.POST:
        if name.startswith("grade-"):
            values = request.POST.getlist(name)
            grades[name.removeprefix("grade-")] = values[0] if len(values) == 1 else values
    college = request.POST.get("college", "")
    submitted: dict[str, Any] = {"grades": grades, "college": college}
    claimed = request.POST.get("voter", "")
    if person is None:
        return _ballot_page(
            request,
            workshop,
            selection,
            submitted=submitted,
            error=_("Join the workshop, or vote as a member of the public, before voting."),
            status=403,
        )
    voter: Person | None = person
    if claimed and claimed != person.key:
        voter = workshop.people.filter(key=claimed).first()
    try:
        if voter is None:
            raise SelectionRefused(
                _("You can only cast your own ballot; nothing was recorded."), code="not_yours"
            )
        actions.do_cast_ballot(
            selection,
            voter,
            actor=person,
            grades=grades,
            college=college or None,
        )
    except SelectionRefused as refused:
        return _ballot_page(
            request, workshop, selection, submitted=submitted, error=refused.message, status=400
        )
    messages.success(
        request, _("Your ballot is recorded. You can change it until the vote closes.")
    )
    return redirect("selection:receipt", slug=workshop.slug)


def receipt(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    selection = _selection(workshop)
    person = _person(request, workshop)
    ballot = queries.ballot_of(selection, person)
    if ballot is None:
        return redirect("selection:ballot", slug=workshop.slug)
    proposals = list(queries.selection_proposals(selection))
    rows = receipt_rows(selection, proposals, ballot)
    text = (
        actions.receipt_text(ballot, [(r["key"], r["stored"]) for r in rows if r["stored"]])
        if ballot.cast_at
        else ""
    )
    return render(
        request,
        "selection/receipt.html",
        {
            "workshop": workshop,
            "selection": selection,
            "ballot": ballot,
            "college": queries.college_label(ballot.college),
            "rows": rows,
            "short": short_receipt(ballot.receipt),
            "text": text,
            "is_open": selection.is_open(),
            "worst": grade_label(selection.grades[0]),
            "ungraded_is_worst": selection.ungraded == Ungraded.WORST,
        },
    )


@require_POST
def join_public(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    selection = _selection(workshop)
    form = PublicVoterForm(request.POST)
    if not form.is_valid():
        return _ballot_page(request, workshop, selection, public_form=form, status=400)
    if not allow_public_voter(workshop.pk, client_address(request)):
        return _ballot_page(
            request,
            workshop,
            selection,
            public_form=form,
            error=_("Too many people joined from this address just now; try again in a while."),
            status=429,
        )
    try:
        person = actions.do_join_as_public(
            selection,
            actor=_person(request, workshop),
            display_name=form.cleaned_data["display_name"],
        )
    except SelectionRefused as refused:
        return _ballot_page(
            request, workshop, selection, public_form=form, error=refused.message, status=400
        )
    request.session[participant_session_key(workshop)] = person.pk
    messages.success(request, _("You vote as a member of the public. Grade the proposals below."))
    return redirect("selection:ballot", slug=workshop.slug)


@require_POST
def set_favourites(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    selection = _selection(workshop)
    keys = request.POST.getlist("favourite")
    reasons = request.POST.getlist("justification")
    choices = list(zip(keys, reasons + [""] * (len(keys) - len(reasons)), strict=False))
    try:
        actions.do_set_favourites(selection, actor=_person(request, workshop), choices=choices)
    except SelectionRefused as refused:
        return _ballot_page(
            request, workshop, selection, favourites_error=refused.message, status=400
        )
    messages.success(request, _("Your favourites are recorded."))
    return redirect(reverse("selection:ballot", kwargs={"slug": workshop.slug}) + "#favourites")


def manage(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage(request.user, workshop):
        return HttpResponse(_("Only the workshop's organisers run its selection."), status=403)
    selection = queries.current_selection(workshop)
    error = None
    status = 200
    initial = OpenSelectionForm.initial_for(selection)
    locked = selection is not None and selection.ballots.exists()
    if request.method == "POST":
        form = OpenSelectionForm(request.POST, initial=initial, locked=locked)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_open_selection(
                    workshop,
                    actor=request.user,
                    grades=form.grade_list(),
                    scope=data["scope"],
                    colleges=data["colleges"],
                    closes_at=data["closes_at"],
                    ungraded=data["ungraded"],
                    rule=data["rule"],
                    results_visibility=data["results_visibility"],
                    favourites_max=data["favourites_max"],
                )
            except SelectionRefused as refused:
                error = refused.message
            else:
                messages.success(request, _("The vote is open."))
                return redirect("selection:manage", slug=workshop.slug)
        status = 400
    else:
        form = OpenSelectionForm(initial=initial, locked=locked)
    return render(
        request,
        "selection/manage.html",
        {
            "workshop": workshop,
            "selection": selection,
            "form": form,
            "error": error,
            "is_open": selection.is_open() if selection else False,
            "counts": queries.ballot_counts(selection) if selection else {},
            "scope_counts": {
                code: queries.proposals_for_scope(workshop, code).count()
                for code in ("all", "triaged")
            },
        },
        status=status,
    )


@require_POST
def close(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    if not can_manage(request.user, workshop):
        return HttpResponse(_("Only the workshop's organisers run its selection."), status=403)
    selection = _selection(workshop)
    if not can_close(request.user, workshop):
        messages.error(request, _("The vote is already closed."))
        return redirect("selection:results", slug=workshop.slug)
    try:
        actions.do_close_selection(selection, actor=request.user)
    except SelectionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The vote is closed."))
    return redirect("selection:results", slug=workshop.slug)


def _visible_selection(request: HttpRequest, slug: str) -> tuple[Workshop, Selection, bool]:
    workshop = workshop_by_slug(slug, request)
    selection = _selection(workshop)
    return workshop, selection, can_see_results(request.user, selection)


def results(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, selection, visible = _visible_selection(request, slug)
    computed = queries.results(selection) if visible else None
    return render(
        request,
        "selection/results.html",
        {
            "workshop": workshop,
            "selection": selection,
            "visible": visible,
            "is_open": selection.is_open(),
            "counts": queries.ballot_counts(selection),
            "results": computed,
            "charts": charts_for(computed) if computed else [],
            "favourites": queries.favourites(selection),
            "worst": grade_label(selection.grades[0]) if selection.grades else "",
            "ungraded_is_worst": selection.ungraded == Ungraded.WORST,
            "organiser": can_manage(request.user, workshop),
            "stream": actions.stream_for(selection),
            "seq": last_seq(actions.stream_for(selection)),
            "now": timezone.now(),
        },
    )


def _hidden() -> HttpResponse:
    return HttpResponse(_("The results are hidden until the vote closes."), status=403)


def results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    workshop, selection, visible = _visible_selection(request, slug)
    if not visible:
        return _hidden()
    response = HttpResponse(
        results_csv_text(queries.results(selection)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}-results.csv"'
    return response


def results_json(request: HttpRequest, slug: str) -> HttpResponse:
    _workshop, selection, visible = _visible_selection(request, slug)
    if not visible:
        return _hidden()
    return JsonResponse(
        results_document(queries.results(selection), queries.favourites(selection)),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
