"""The organisers' review pages: the queue, a proposal's review, themes, initiatives, duplicates."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rebours.proposals import queries as proposal_queries
from rebours.proposals.actions import ProposalInvalid
from rebours.review import actions, originality, permissions, queries
from rebours.review.initiatives import COLUMNS, InitiativesInvalid
from rebours.review.initiatives import MAX_BYTES as CSV_MAX_BYTES
from rebours.review.models import Duplicate, Triage
from rebours.workshops.models import Workshop
from rebours.workshops.queries import theme_by_key, workshop_by_slug


def _organiser_only(
    request: HttpRequest,
    slug: str,
    allowed: Callable[[Any, Workshop], bool] = permissions.can_review,
) -> Workshop | HttpResponse:
    workshop = workshop_by_slug(slug, request)
    if allowed(request.user, workshop):
        return workshop
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(_("Only the organisers review proposals."))


def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _organiser_only(request, slug)
    if isinstance(workshop, HttpResponse):
        return workshop
    return render(
        request,
        "review/queue.html",
        {
            "workshop": workshop,
            "queue": queries.queue(workshop),
            "audit": queries.workshop_audit(workshop)[:20],
            "counts": proposal_queries.triage_counts(workshop),
        },
    )


@require_http_methods(["GET", "POST"])
def review_proposal(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = _organiser_only(request, slug)
    if isinstance(workshop, HttpResponse):
        return workshop
    proposal = proposal_queries.proposal_by_key(workshop, key)
    review = getattr(proposal, "review", None)
    error = None
    posted = None
    if request.method == "POST":
        posted = {
            "opinion": request.POST.get("opinion", ""),
            "triage": request.POST.get("triage", ""),
            "comment": request.POST.get("comment", ""),
        }
        try:
            actions.do_review_proposal(proposal, actor=request.user, **posted)
        except actions.ReviewInvalid as invalid:
            error = invalid
        else:
            messages.success(request, _("The review is saved."))
            following = next(iter(queries.queue(workshop).to_review), None)
            if request.POST.get("next") == "queue" and following is not None:
                return redirect("review:proposal", slug, following.key)
            return redirect("review:proposal", slug, key)
    check = originality.originality_of(proposal)
    duplicates_marked = {d.other_id for d in Duplicate.objects.filter(kept=proposal)} | {
        d.kept_id for d in Duplicate.objects.filter(other=proposal)
    }
    return render(
        request,
        "review/proposal.html",
        {
            "workshop": workshop,
            "proposal": proposal,
            "theme": proposal.theme,
            "review": review,
            "values": posted
            or {
                "opinion": review.opinion if review else "",
                "triage": review.triage if review else "",
                "comment": review.comment if review else "",
            },
            "triages": Triage.choices,
            "error": error,
            "check": check,
            "duplicates_marked": duplicates_marked,
            "history": queries.triage_history(proposal),
        },
        status=400 if error else 200,
    )


@require_POST
def mark_duplicate(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = _organiser_only(request, slug)
    if isinstance(workshop, HttpResponse):
        return workshop
    proposal = proposal_queries.proposal_by_key(workshop, key)
    other = get_object_or_404(workshop.proposals, pk=request.POST.get("other") or 0)
    try:
        actions.do_mark_duplicate(proposal, other, actor=request.user)
    except actions.ReviewInvalid as invalid:
        messages.error(request, invalid.message)
    else:
        messages.success(
            request,
            _(
                "“%(other)s” is marked as a duplicate of “%(kept)s”; "
                "merge them from the duplicates page."
            )
            % {"other": other.title, "kept": proposal.title},
        )
    return redirect("review:proposal", slug, key)


@require_http_methods(["GET", "POST"])
def theme_opinion(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = _organiser_only(request, slug, permissions.can_write_opinion)
    if isinstance(workshop, HttpResponse):
        return workshop
    theme = theme_by_key(workshop, key)
    error = None
    opinion = theme.opinion
    if request.method == "POST":
        opinion = request.POST.get("opinion", "")
        try:
            actions.do_set_theme_opinion(theme, actor=request.user, opinion=opinion)
        except actions.ReviewInvalid as invalid:
            error = invalid
        else:
            messages.success(request, _("The opinion on the theme is saved."))
            return redirect("review:queue", slug)
    return render(
        request,
        "review/theme.html",
        {"workshop": workshop, "theme": theme, "opinion": opinion, "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def initiatives(request: HttpRequest, slug: str) -> HttpResponse:
    """The existing initiatives proposals are compared with, and the CSV import."""
    workshop = _organiser_only(request, slug)
    if isinstance(workshop, HttpResponse):
        return workshop
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = InitiativesInvalid(0, _("choose a CSV file to import"))
        elif upload.size is not None and upload.size > CSV_MAX_BYTES:
            error = InitiativesInvalid(
                0, _("the file is over %(limit)s MB") % {"limit": CSV_MAX_BYTES // (1024 * 1024)}
            )
        else:
            try:
                created = actions.do_import_initiatives(
                    workshop,
                    upload.read(),
                    actor=request.user,
                    replace=request.POST.get("replace") == "on",
                )
            except InitiativesInvalid as invalid:
                error = invalid
            else:
                messages.success(
                    request,
                    _("%(n)s initiatives imported.") % {"n": len(created)},
                )
                return redirect("review:initiatives", slug)
    return render(
        request,
        "review/initiatives.html",
        {
            "workshop": workshop,
            "initiatives": workshop.initiatives.all(),
            "error": error,
            "columns": COLUMNS,
            "max_megabytes": CSV_MAX_BYTES // (1024 * 1024),
        },
        status=400 if error else 200,
    )


def duplicates(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _organiser_only(request, slug)
    if isinstance(workshop, HttpResponse):
        return workshop
    return render(
        request,
        "review/duplicates.html",
        {"workshop": workshop, "duplicates": queries.duplicates(workshop)},
    )


@require_POST
def merge_duplicate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _organiser_only(request, slug)
    if isinstance(workshop, HttpResponse):
        return workshop
    duplicate = get_object_or_404(Duplicate, pk=pk, kept__workshop=workshop)
    if not permissions.can_merge(request.user, workshop):
        messages.error(
            request,
            _("The vote is open: duplicates are merged once it closes, not on a ballot in use."),
        )
        return redirect("review:duplicates", slug)
    try:
        kept = actions.do_merge_duplicate(duplicate, actor=request.user)
    except (actions.ReviewInvalid, ProposalInvalid) as invalid:
        messages.error(request, invalid.message)
        return redirect("review:duplicates", slug)
    messages.success(
        request,
        _("Merged into “%(title)s”; both histories are kept.") % {"title": kept.title},
    )
    return redirect("review:duplicates", slug)
