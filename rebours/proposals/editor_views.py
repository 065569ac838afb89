"""The proposal editor: the template form, autosave, conflicts, the image and the history.

Every page works without JavaScript (a plain POST carrying the version it started from, and a
conflict page when someone saved the same fields meanwhile); `static/proposals/editor.js` adds
autosave per field, presence and in-page conflict resolution through the same endpoints.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rebours.live.events import last_seq
from rebours.proposals import actions, checks, forms, permissions, queries
from rebours.proposals.actions import ProposalConflict, ProposalInvalid
from rebours.proposals.images import MAX_BYTES, MAX_PIXELS, ImageRejected
from rebours.proposals.merge import as_text, word_diff
from rebours.proposals.models import Kind, Proposal, ProposalVersion
from rebours.proposals.timeline import timeline_for
from rebours.workshops.policy import Action
from rebours.workshops.queries import theme_by_key, workshop_by_slug

# An upload is refused before Django spools it to disk when the request says it is bigger.
UPLOAD_SLACK = 256 * 1024


def _editable(
    request: HttpRequest, slug: str, key: str, action: Action = Action.EDIT_PROPOSAL
) -> Proposal:
    workshop = workshop_by_slug(slug, request)
    proposal = queries.proposal_by_key(workshop, key)
    allowed = (
        permissions.can_upload_image if action == Action.UPLOAD_IMAGE else permissions.can_edit
    )
    if not allowed(request.user, request.session, proposal):
        raise PermissionDenied(permissions.refusal(request.user, request.session, proposal, action))
    return proposal


def _person(request: HttpRequest, proposal: Proposal):
    return permissions.editor_person(request.user, request.session, proposal.theme)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _review(proposal: Proposal):
    return getattr(proposal, "review", None)


def _editor_context(
    request: HttpRequest,
    proposal: Proposal,
    *,
    values: dict[str, Any] | None = None,
    error: ProposalInvalid | None = None,
    image_error: str = "",
) -> dict[str, Any]:
    stream = actions.stream_for(proposal)
    seq = last_seq(stream)  # read before the proposal's state: events after it are replayed
    proposal.refresh_from_db()
    current = actions.snapshot(proposal)
    shown = {**current, **(values or {})}
    first_year, horizon = checks.year_bounds(proposal.workshop)
    labels = {name: str(label) for name, label in forms.LABELS.items()}
    config = {
        "proposal": proposal.pk,
        "stream": stream,
        "seq": seq,
        "version": proposal.version,
        "snapshot": current,
        "saveUrl": reverse("proposals:save", args=[proposal.workshop.slug, proposal.key]),
        "resolveUrl": reverse("proposals:resolve", args=[proposal.workshop.slug, proposal.key]),
        "firstYear": first_year,
        "horizon": horizon,
        "labels": labels,
        "messages": {
            "saving": _("Saving…"),
            "saved": _("All changes saved (version %(version)s)."),
            "merged": _("Saved, merged with what others wrote meanwhile (version %(version)s)."),
            "unsaved": _("Changes not saved yet…"),
            "conflict": _("Someone changed the same field: choose what to keep below."),
            "offline": _("Connection lost: your changes will be sent when it is back."),
            "invalid": _("Not saved: %(error)s"),
            "changedBy": _("%(name)s changed this field."),
            "changedMeanwhile": _(
                "%(name)s saved this field while you were writing: you will choose what to keep."
            ),
            "editing": _("%(name)s is writing here"),
            "alsoHere": _("Also here:"),
            "nobody": _("You are alone on this proposal."),
            "someone": _("someone"),
            "reworkTitle": _("Sent back to the group for rework"),
        },
    }
    return {
        "workshop": proposal.workshop,
        "proposal": proposal,
        "theme": proposal.theme,
        "review": _review(proposal),
        "shown": shown,
        "version": proposal.version
        if values is None
        else int(request.POST.get("base_version", proposal.version)),
        "objectives_text": "\n".join(shown.get("objectives") or []),
        "obstacles_text": "\n".join(shown.get("obstacles") or []),
        "role_rows": forms.rows(shown.get("roles"), ("actor", "does")),
        "pathway_rows": forms.rows(
            sorted(shown.get("pathway") or [], key=lambda m: m.get("year", 0), reverse=True),
            ("year", "milestone"),
        ),
        "kinds": Kind.choices,
        "labels": forms.LABELS,
        "first_year": first_year,
        "horizon": horizon,
        "timeline": timeline_for(proposal),
        "error": error,
        "error_label": forms.LABELS.get(error.field, "") if error else "",
        "image_error": image_error,
        "max_megabytes": MAX_BYTES // (1024 * 1024),
        "max_megapixels": MAX_PIXELS // 1_000_000,
        "can_restore": permissions.can_restore(request.user, proposal),
        "editor_config": config,
        "limits": {"title": 300, "text": checks.TEXT_MAX_LENGTH, "item": checks.ITEM_MAX_LENGTH},
    }


def _readable(name: str, value: Any) -> str:
    if name == "kind":
        return str(Kind(value).label) if value in Kind.values else ""
    return as_text(name, value)


def conflict_rows(conflict: ProposalConflict) -> list[dict[str, Any]]:
    """What the conflict page shows for each field both sides changed."""
    result = []
    for name in conflict.fields:
        mine = conflict.mine.get(name)
        theirs = conflict.current.get(name)
        mine_text, theirs_text = _readable(name, mine), _readable(name, theirs)
        result.append(
            {
                "name": name,
                "label": forms.LABELS.get(name, name),
                "is_list": isinstance(theirs, list) or isinstance(mine, list),
                "editable": name in checks.TEXT_FIELDS,
                "mine_text": mine_text,
                "theirs_text": theirs_text,
                "diff": word_diff(theirs_text, mine_text),
                "author": conflict.authors.get(name, ""),
                "mine_json": json.dumps(mine, ensure_ascii=False),
                "theirs_json": json.dumps(theirs, ensure_ascii=False),
            }
        )
    return result


def _conflict_context(proposal: Proposal, conflict: ProposalConflict) -> dict[str, Any]:
    return {
        "workshop": proposal.workshop,
        "proposal": proposal,
        "theme": proposal.theme,
        "conflict": conflict,
        "rows": conflict_rows(conflict),
        "pending_json": json.dumps(conflict.merged, ensure_ascii=False),
        "fields_json": json.dumps(conflict.fields),
        "merged_labels": [forms.LABELS.get(name, name) for name in conflict.merged],
    }


def _conflict_response(
    request: HttpRequest, proposal: Proposal, conflict: ProposalConflict
) -> HttpResponse:
    context = _conflict_context(proposal, conflict)
    if _wants_json(request):
        html = render(request, "proposals/_conflict.html", context).content.decode()
        return JsonResponse(
            {
                "conflict": {"fields": conflict.fields, "version": conflict.current["version"]},
                "html": html,
            },
            status=409,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "proposals/conflict.html", context, status=409)


def _saved_json(proposal: Proposal, base_version: int) -> JsonResponse:
    return JsonResponse(
        {
            "ok": True,
            "version": proposal.version,
            "snapshot": actions.snapshot(proposal),
            "merged": proposal.version > base_version + 1,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _invalid_json(invalid: ProposalInvalid) -> JsonResponse:
    label = forms.LABELS.get(invalid.field, invalid.field)
    return JsonResponse(
        {
            "error": f"{label} : {invalid.message}" if label else invalid.message,
            "field": invalid.field,
        },
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The editor. A POST is the form sent without JavaScript: every field, and its base version."""
    workshop = workshop_by_slug(slug, request)
    proposal = queries.proposal_by_key(workshop, key)
    merged = proposal.merged_into
    if merged is not None:
        messages.info(
            request, _("This proposal was merged into “%(title)s”.") % {"title": merged.title}
        )
        return redirect("proposals:edit", slug, merged.key)
    if not permissions.can_edit(request.user, request.session, proposal):
        if (
            not request.user.is_authenticated
            and permissions.editor_person(request.user, request.session, proposal.theme) is None
        ):
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(
            permissions.refusal(request.user, request.session, proposal, Action.EDIT_PROPOSAL)
        )
    if request.method == "GET":
        return render(request, "proposals/editor.html", _editor_context(request, proposal))
    try:
        base_version = int(request.POST.get("base_version", ""))
        values = forms.values_from_post(request.POST)
        base = actions.base_snapshot(proposal, base_version)
        changes = forms.changes_against(base, actions.snapshot(proposal), values)
        actions.do_update_proposal(
            proposal,
            changes,
            base_version=base_version,
            actor=request.user,
            person=_person(request, proposal),
        )
    except ValueError as exc:
        invalid = (
            exc
            if isinstance(exc, ProposalInvalid)
            else ProposalInvalid("version", _("the form was damaged; reload the editor"))
        )
        context = _editor_context(
            request,
            proposal,
            values=forms.values_from_post(request.POST, strict=False),
            error=invalid,
        )
        return render(request, "proposals/editor.html", context, status=400)
    except ProposalConflict as conflict:
        return _conflict_response(request, proposal, conflict)
    messages.success(request, _("Saved."))
    return redirect("proposals:edit", slug, proposal.key)


@require_POST
def save(request: HttpRequest, slug: str, key: str) -> JsonResponse:
    """Autosave: `{"base_version": 7, "changes": {"summary": "…"}}` -> the new state, or 409."""
    proposal = _editable(request, slug, key)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": _("the body must be JSON")}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("changes"), dict):
        return JsonResponse({"error": 'send {"base_version": …, "changes": {…}}'}, status=400)
    base_version = body.get("base_version")
    if not isinstance(base_version, int) or isinstance(base_version, bool):
        return JsonResponse(
            {"error": _("the save must name the version it started from")}, status=400
        )
    try:
        updated = actions.do_update_proposal(
            proposal,
            body["changes"],
            base_version=base_version,
            actor=request.user,
            person=_person(request, proposal),
        )
    except ProposalInvalid as invalid:
        return _invalid_json(invalid)
    except ProposalConflict as conflict:
        return _conflict_response(request, proposal, conflict)  # type: ignore[return-value]
    return _saved_json(updated, base_version)


@require_POST
def resolve(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The choices made on the conflict page, per field: mine, theirs, both, or an edit."""
    proposal = _editable(request, slug, key)
    try:
        base_version, changes = forms.resolution_from_post(request.POST)
        updated = actions.do_update_proposal(
            proposal,
            changes,
            base_version=base_version,
            actor=request.user,
            person=_person(request, proposal),
            resolving=True,
        )
    except ProposalInvalid as invalid:
        if _wants_json(request):
            return _invalid_json(invalid)
        messages.error(
            request, f"{forms.LABELS.get(invalid.field, invalid.field)} : {invalid.message}"
        )
        return redirect("proposals:edit", slug, key)
    except ProposalConflict as conflict:
        return _conflict_response(request, proposal, conflict)
    if _wants_json(request):
        return _saved_json(updated, base_version)
    messages.success(request, _("Saved, with the versions you chose."))
    return redirect("proposals:edit", slug, key)


@require_POST
def upload_image(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The photo-montage: checked by decoding, re-encoded without metadata, with its description."""
    proposal = _editable(request, slug, key, Action.UPLOAD_IMAGE)
    reason = ""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BYTES + UPLOAD_SLACK:
        reason = _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": f"{declared / 1e6:.1f}",
            "limit": MAX_BYTES // (1024 * 1024),
        }
    else:
        upload = request.FILES.get("image")
        alt = request.POST.get("image_alt", "")
        if upload is None:
            reason = _("Choose an image file to send.")
        elif upload.size is not None and upload.size > MAX_BYTES:
            reason = _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
                "size": f"{upload.size / 1e6:.1f}",
                "limit": MAX_BYTES // (1024 * 1024),
            }
        else:
            try:
                actions.do_set_image(
                    proposal,
                    upload.read(),
                    alt=alt,
                    actor=request.user,
                    person=_person(request, proposal),
                )
            except ImageRejected as rejected:
                reason = image_reason(rejected)
            except ProposalInvalid as invalid:
                reason = invalid.message
    if reason:
        context = _editor_context(request, proposal, image_error=reason)
        context["image_alt_posted"] = request.POST.get("image_alt", "")
        return render(request, "proposals/editor.html", context, status=400)
    messages.success(request, _("The image is saved, without its metadata."))
    return redirect(reverse("proposals:edit", args=[slug, key]) + "#image")


def image_reason(rejected: ImageRejected) -> str:
    """The refusal in the reader's language."""
    p = rejected.params
    reasons = {
        "too_large": lambda: _("The file is %(size)s MB; the limit is %(limit)s MB.") % p,
        "empty": lambda: _("The file is empty."),
        "svg": lambda: _(
            "SVG drawings and other images written as text are not accepted (they can carry "
            "scripts). Send a JPEG, PNG or WebP image."
        ),
        "format": lambda: (
            _("%(format)s files are not accepted. Send a JPEG, PNG or WebP image.") % p
        ),
        "too_many_pixels": lambda: (
            _(
                "The image is %(width)s×%(height)s pixels (%(megapixels)s megapixels); "
                "the limit is %(limit)s megapixels."
            )
            % p
        ),
        "bomb": lambda: _("The image declares far more pixels than we accept."),
        "not_image": lambda: _("The file is not an image: it could not be decoded."),
        "damaged": lambda: _(
            "The image is damaged or truncated: it could not be decoded to the end."
        ),
    }
    return reasons.get(rejected.code, lambda: rejected.message)()


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str, theme_key: str) -> HttpResponse:
    """A new proposal sheet in a theme; then on to the editor."""
    workshop = workshop_by_slug(slug, request)
    theme = theme_by_key(workshop, theme_key)
    if not permissions.can_edit_theme(request.user, request.session, theme):
        if (
            not request.user.is_authenticated
            and permissions.editor_person(request.user, request.session, theme) is None
        ):
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(
            permissions.refusal(request.user, request.session, theme, Action.ADD_PROPOSAL)
        )
    error = None
    title = ""
    kind = ""
    if request.method == "POST":
        title = request.POST.get("title", "")
        kind = request.POST.get("kind", "")
        try:
            proposal = actions.do_create_proposal(
                theme,
                actor=request.user,
                title=title,
                fields={"kind": kind},
                person=permissions.editor_person(request.user, request.session, theme),
            )
        except ProposalInvalid as invalid:
            error = invalid
        else:
            return redirect("proposals:edit", slug, proposal.key)
    return render(
        request,
        "proposals/new.html",
        {
            "workshop": workshop,
            "theme": theme,
            "error": error,
            "title": title,
            "kind": kind,
            "kinds": Kind.choices,
            "labels": forms.LABELS,
        },
        status=400 if error else 200,
    )


def history(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Every saved version: who changed which fields, when."""
    workshop = workshop_by_slug(slug, request)
    proposal = queries.proposal_by_key(workshop, key)
    if not permissions.can_view_history(request.user, request.session, proposal):
        raise PermissionDenied
    versions = [
        {"row": row, "labels": [forms.LABELS.get(name, name) for name in row.fields]}
        for row in proposal.versions.select_related("person")
    ]
    return render(
        request,
        "proposals/history.html",
        {
            "workshop": workshop,
            "proposal": proposal,
            "theme": proposal.theme,
            "versions": versions,
            "can_restore": permissions.can_restore(request.user, proposal),
        },
    )


def version_detail(request: HttpRequest, slug: str, key: str, number: int) -> HttpResponse:
    """One version, field by field, against the one before it."""
    workshop = workshop_by_slug(slug, request)
    proposal = queries.proposal_by_key(workshop, key)
    if not permissions.can_view_history(request.user, request.session, proposal):
        raise PermissionDenied
    row = get_object_or_404(ProposalVersion, proposal=proposal, number=number)
    previous = proposal.versions.filter(number__lt=number).first()
    before = previous.snapshot if previous else {}
    changes = []
    for name in actions.EDITABLE_FIELDS:
        old, new = as_text(name, before.get(name)), as_text(name, row.snapshot.get(name))
        if previous is None and not new:
            continue
        if old != new or previous is None:
            changes.append(
                {"label": forms.LABELS.get(name, name), "diff": word_diff(old, new), "new": new}
            )
    return render(
        request,
        "proposals/version.html",
        {
            "workshop": workshop,
            "proposal": proposal,
            "theme": proposal.theme,
            "row": row,
            "previous": previous,
            "changes": changes,
            "image_changed": previous is not None
            and previous.snapshot.get("image") != row.snapshot.get("image"),
            "can_restore": permissions.can_restore(request.user, proposal)
            and number != proposal.version,
        },
    )


@require_POST
def restore(request: HttpRequest, slug: str, key: str, number: int) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    proposal = queries.proposal_by_key(workshop, key)
    if not permissions.can_restore(request.user, proposal):
        raise PermissionDenied(_("Only organisers restore an earlier version."))
    try:
        restored = actions.do_restore_version(proposal, number, actor=request.user)
    except ProposalInvalid as invalid:
        raise Http404(invalid.message) from None
    messages.success(
        request,
        _("Version %(old)s is back, as version %(new)s.")
        % {"old": number, "new": restored.version},
    )
    return redirect("proposals:history", slug, key)
