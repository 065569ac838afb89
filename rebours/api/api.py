"""The versioned API, `/api/v1/`, built with django-ninja: its pydantic schemas generate the
OpenAPI description served at `/api/v1/openapi.json`. Every error is JSON (`errors.py`)."""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from rebours.api.auth import anonymous
from rebours.api.errors import ApiError, error_response
from rebours.api.routers import me, notes, proposals, selection, workshops
from rebours.api.routers.common import ERROR_DESCRIPTIONS

logger = logging.getLogger(__name__)

DESCRIPTION = """\
The public API of Rebours, a platform for participatory backcasting workshops.

Reading is open to everyone for published workshops. Writing proposals needs a token
(`Authorization: Bearer rbs_…`, made on the tokens page or with `rebours manage api_token create`)
or the browser's session with its CSRF token. Lists are paginated with `limit` (at most 200)
and `offset`. Errors are JSON: `{"error": "…", "field": "…"}`. See docs/api.md.
"""


def _validation_field(location: tuple[Any, ...]) -> tuple[str | None, str]:
    """("body", "payload", "roles", 0, "actor") -> ("roles", "roles.0.actor")."""
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "page", "filters", "params"}:
        parts = parts[1:]
    if not parts:
        return None, ""
    return parts[0], ".".join(parts)


class ReboursAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def _operations(self) -> list[Operation]:
        # The operations as mounted, with the auth their router gave them (as ninja's own
        # schema generator reads them).
        return [
            operation
            for router in self._get_bound_routers()
            for path_view in router.path_operations.values()
            for operation in path_view.operations
        ]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Reads also work without any credential: OpenAPI says so with an empty requirement.
        optional = {
            self.get_openapi_operation_id(op)
            for op in self._operations()
            if anonymous in op.auth_callbacks
        }
        for path in schema["paths"].values():
            for operation in path.values():
                if operation.get("operationId") in optional:
                    operation.setdefault("security", []).append({})
                for code, response in operation.get("responses", {}).items():
                    if int(code) in ERROR_DESCRIPTIONS:
                        response["description"] = ERROR_DESCRIPTIONS[int(code)]
        return schema


def build_api() -> NinjaAPI:
    api = ReboursAPI(
        title="Rebours API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api",
        docs_url="/docs",
    )

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.message, **exc.extra)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401, "authentication required: send `Authorization: Bearer <token>` or sign in"
        )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field, path = _validation_field(tuple(first.get("loc", ())))
        message = str(first.get("msg", "invalid request"))
        return error_response(422, f"{path}: {message}" if path else message, field=field)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, str(exc) or "not found")

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "internal error")

    for module in (workshops, proposals, notes, selection, me):
        api.add_router("/", module.router)
    return api


api = build_api()
