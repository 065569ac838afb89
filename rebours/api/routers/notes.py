"""The notes (post-its) of the groups' boards, read-only.

Writing notes belongs to the board's actions, which are not on main yet; when they land, the
write operations call them from here, the way the proposals router calls its actions.
Authors are left out: the public pages credit no one for a note.
"""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router

from rebours.api.access import access_workshop
from rebours.api.auth import READ, principal
from rebours.api.pagination import PageParams, paginate
from rebours.api.routers.common import errors
from rebours.api.schemas import NotePage, unsent
from rebours.board.models import Note

router = Router(tags=["notes"], auth=READ)


def note_data(note: Note) -> dict[str, Any]:
    # Dots imported as a count have no voter; live dots are rows. The export adds them the same.
    return {
        "key": note.key,
        "theme": note.theme.key,
        "session": note.session.key if note.session is not None else None,
        "text": note.text,
        "dots": (note.imported_dots or 0) + getattr(note, "live_dots", 0),
        "cluster": note.cluster.name if note.cluster is not None else None,
        "version": note.version,
    }


class NoteFilters(PageParams):
    theme: str = unsent(  # None: every theme
        max_length=64, description="Only this theme's notes."
    )


@router.get("/workshops/{slug}/notes", response={200: NotePage, **errors(401, 404, 422)})
def list_notes(request: HttpRequest, slug: str, filters: Query[NoteFilters]) -> Any:
    """The notes of every board, theme by theme, in their order on the board."""
    workshop = access_workshop(principal(request), slug)
    notes = (
        Note.objects.filter(theme__workshop=workshop)
        .select_related("theme", "session", "cluster")
        .annotate(live_dots=Count("dots"))
        .order_by("theme__position", "theme_id", "position", "id")
    )
    if filters.theme is not None:
        notes = notes.filter(theme__key=filters.theme)
    return paginate(request, notes, filters, note_data)
