from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rebours.booklet import queries
from rebours.booklet.actions import BookletError, do_expire_stale_versions, do_publish_booklet
from rebours.booklet.content import ImageMode, gather
from rebours.booklet.models import BookletVersion, Status
from rebours.booklet.permissions import can_download, can_publish
from rebours.booklet.render import STEP_RANGE, Step, template_context
from rebours.workshops.models import Workshop
from rebours.workshops.queries import workshop_by_slug


def step_label(version: BookletVersion) -> str:
    if version.status == Status.QUEUED:
        return _("Waiting for its turn")
    if version.status == Status.READY:
        return _("Ready")
    if version.status == Status.FAILED:
        return _("Failed")
    labels = {
        Step.GATHER.value: _("Gathering the workshop"),
        Step.HTML.value: _("Writing the pages"),
        Step.LAYOUT.value: _("Laying out the pages"),
        Step.WRITE.value: _("Writing the PDF"),
    }
    return labels.get(version.step, _("Rendering"))


@require_GET
def booklet_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The booklet as a web page, in the reader's language."""
    workshop = workshop_by_slug(slug, request)
    booklet = gather(workshop, translation.get_language() or "fr", images=ImageMode.WEB)
    return render(request, "booklet/page.html", {**template_context(booklet), "workshop": workshop})


def _organiser_workshop(request: HttpRequest, slug: str) -> Workshop:
    workshop = get_object_or_404(Workshop, slug=slug)
    if not can_publish(request.user, workshop):
        raise Http404  # no hint that an unpublished workshop exists
    return workshop


@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers publish the booklet and follow its rendering; every version is kept."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    workshop = _organiser_workshop(request, slug)
    if request.method == "POST":
        try:
            do_publish_booklet(workshop, actor=request.user, lang=request.POST.get("lang", ""))
        except BookletError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The booklet is being rendered. It takes a minute or so."))
        return redirect("booklet:publish", slug=workshop.slug)
    do_expire_stale_versions(workshop, actor=request.user)
    versions = queries.versions(workshop)
    for version in versions:
        version.step_label = step_label(version)  # type: ignore[attr-defined]
    return render(
        request,
        "booklet/publish.html",
        {
            "workshop": workshop,
            "versions": versions,
            "running": [v for v in versions if not v.is_finished],
            "languages": _languages(),
            "current_lang": translation.get_language(),
        },
    )


def _languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


@require_GET
def status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    """Where a rendering stands, for the progress bar of the organisers' page."""
    workshop = get_object_or_404(Workshop, slug=slug)
    if not can_publish(request.user, workshop):
        return JsonResponse({"error": _("Only the organisers follow renderings.")}, status=403)
    version = get_object_or_404(BookletVersion, pk=pk, workshop=workshop)
    if queries.is_stale(version):
        do_expire_stale_versions(workshop, actor=request.user)
        version.refresh_from_db()
    ready = version.status == Status.READY
    return JsonResponse(
        {
            "id": version.pk,
            "status": version.status,
            "progress": version.progress,
            "step": version.step,
            "step_label": step_label(version),
            "steps": {step.value: list(span) for step, span in STEP_RANGE.items()},
            "pages": version.pages,
            "size": version.size,
            "error": version.error,
            "download_url": (
                reverse("booklet:download", args=[workshop.slug, version.pk]) if ready else None
            ),
        }
    )


@require_GET
def download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    version = get_object_or_404(
        BookletVersion.objects.select_related("workshop"), pk=pk, workshop__slug=slug
    )
    if not can_download(request.user, version):
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    stamp = version.finished_at.strftime("%Y-%m-%d") if version.finished_at else ""
    filename = "-".join(p for p in (version.workshop.slug, version.lang, stamp) if p) + ".pdf"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
