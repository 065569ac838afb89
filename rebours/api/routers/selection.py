"""The workshop's selection (its vote) and its results, read-only.

Results are the selection app's own (`queries.results`, `exports.results_document`), shown under
its rule (`permissions.can_see_results`): to organisers always, to others once the vote closes or
live if the organiser chose so.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from rebours.api.access import access_workshop
from rebours.api.auth import READ, principal
from rebours.api.errors import ApiError
from rebours.api.routers.common import errors
from rebours.api.schemas import ResultsOut, SelectionOut
from rebours.selection import queries
from rebours.selection.exports import results_document
from rebours.selection.models import Selection
from rebours.selection.permissions import can_see_results
from rebours.workshops.models import Workshop

router = Router(tags=["selection"], auth=READ)


def _selection(workshop: Workshop) -> Selection:
    selection = queries.current_selection(workshop)
    if selection is None:
        raise ApiError(404, f'workshop "{workshop.slug}" has no selection')
    return selection


@router.get("/workshops/{slug}/selection", response={200: SelectionOut, **errors(401, 404)})
def get_selection(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The vote's settings and status, the proposals on the ballot, and ballots per college."""
    caller = principal(request)
    selection = _selection(access_workshop(caller, slug))
    return {
        "status": "open" if selection.is_open() else "closed",
        "grades": list(selection.grades),
        "scope": selection.scope,
        "colleges": list(selection.colleges or []),
        "closes_at": selection.closes_at,
        "opened_at": selection.opened_at,
        "ungraded": selection.ungraded,
        "rule": selection.rule,
        "results_visibility": selection.results_visibility,
        "results_visible": can_see_results(caller.user, selection),
        "favourites_max": selection.favourites_max,
        "ballots": queries.ballot_counts(selection),
        "proposals": list(queries.selection_proposals(selection).values_list("key", flat=True)),
    }


@router.get(
    "/workshops/{slug}/selection/results", response={200: ResultsOut, **errors(401, 403, 404)}
)
def get_results(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Rankings per college and all together, with the favourites; 403 while they are hidden."""
    caller = principal(request)
    selection = _selection(access_workshop(caller, slug))
    if not can_see_results(caller.user, selection):
        raise ApiError(403, "the results are hidden until the vote closes")
    return results_document(queries.results(selection), queries.favourites(selection))
