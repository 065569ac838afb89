"""Lists come in pages: `?limit=` (1 to 200, default 50) and `?offset=` (from 0).

Every page says how many items the whole list has and links to its neighbours, so a script can
follow `next` until it is null. Lists are in a fixed order (the workshop's), so pages do not
overlap while nothing is added.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page, at most 200."
    )
    offset: int = Field(0, ge=0, le=10**9, description="How many items to skip.")


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    page: PageParams,
    present: Callable[[Any], T],
) -> dict[str, Any]:
    count = items.count() if isinstance(items, QuerySet) else len(items)
    chunk = items[page.offset : page.offset + page.limit]
    after = page.offset + page.limit
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next": _link(request, page.limit, after) if after < count else None,
        "previous": (
            _link(request, page.limit, max(page.offset - page.limit, 0))
            if page.offset > 0
            else None
        ),
        "items": [present(item) for item in chunk],
    }
