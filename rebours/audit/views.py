"""The audit log's page: a workshop's organisers read who did what, newest first."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rebours.audit.models import AuditAction
from rebours.audit.permissions import can_read_audit
from rebours.audit.queries import entries_for
from rebours.workshops.models import Workshop

PER_PAGE = 50


@never_cache
@require_GET
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop, slug=slug)
    if not can_read_audit(request.user, workshop):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(_("Only the workshop's organisers read its audit log."))
    action = request.GET.get("action", "")
    page = Paginator(entries_for(workshop, action), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "workshop": workshop,
            "page": page,
            "action": action if action in AuditAction.values else "",
            "actions": AuditAction.choices,
        },
    )
