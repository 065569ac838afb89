import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from rebours.exchange.export import export_document
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import can_export


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
def workshop_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole workshop in the exchange format, as `rebours export` prints it."""
    workshop = Workshop.objects.filter(slug=slug).first()
    if workshop is None:
        return _error(404, f'no workshop "{slug}"')
    if not can_export(request.user, workshop):
        status = 403 if request.user.is_authenticated else 401
        return _error(status, "exporting a whole workshop is for its organisers")
    body = json.dumps(export_document(workshop), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
