"""The board's live commands and its stream, plugged into rebours.live.

Every command names the board it is meant for (`"board": <theme id>`); the sender's access is
worked out for that board, and the actions refuse anything (a note, a cluster) that belongs to
another one. Handlers only translate between frames and actions.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from rebours.board import actions
from rebours.board.permissions import BoardAccess, board_access
from rebours.live import registry
from rebours.live.registry import CommandRefused, Viewer
from rebours.workshops.models import Theme


def _int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise CommandRefused(
            _("This request is missing a valid “%(name)s”.") % {"name": name}, code="invalid"
        )
    return value


def _optional_int(data: dict[str, Any], name: str) -> int | None:
    return None if data.get(name) is None else _int(data, name)


def _theme(pk: int) -> Theme:
    theme = Theme.objects.select_related("workshop").filter(pk=pk).first()
    if theme is None:
        raise CommandRefused(_("This board does not exist."), code="not_found")
    return theme


def access_for(viewer: Viewer, data: dict[str, Any]) -> BoardAccess:
    theme = _theme(_int(data, "board"))
    access = board_access(viewer.user, viewer.session, theme)
    if not access.read:
        raise CommandRefused(_("You are not part of this group."), code="forbidden")
    return access


def _run(call: Any) -> Any:
    try:
        return call()
    except actions.BoardRefused as refused:
        raise CommandRefused(refused.message, code=refused.code, data=refused.data) from refused


def _current_session(theme: Theme) -> int | None:
    # The agenda item under way, kept by the live day (rebours.facilitation) when it runs.
    try:
        return theme.workshop.day.item_id
    except (ObjectDoesNotExist, AttributeError):
        return None


def note_create(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    note = _run(
        lambda: actions.do_create_note(
            access.theme,
            actor=access,
            text=data.get("text"),
            session=_current_session(access.theme),
        )
    )
    return {"note": note.pk, "version": note.version}


def note_update(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    note = _run(
        lambda: actions.do_update_note(
            _int(data, "note"),
            actor=access,
            text=data.get("text"),
            base_version=data.get("version"),
        )
    )
    return {"note": note.pk, "version": note.version}


def note_delete(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    note = _int(data, "note")
    _run(lambda: actions.do_delete_note(note, actor=access))
    return {"note": note}


def note_move(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    cluster = _optional_int(data, "cluster")
    note = _run(lambda: actions.do_move_note(_int(data, "note"), actor=access, cluster=cluster))
    return {"note": note.pk, "cluster": note.cluster_id}


def dot_add(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    return _run(lambda: actions.do_add_dot(_int(data, "note"), actor=access)).as_dict()


def dot_remove(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    return _run(lambda: actions.do_remove_dot(_int(data, "note"), actor=access)).as_dict()


def cluster_create(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    cluster = _run(
        lambda: actions.do_create_cluster(access.theme, actor=access, name=data.get("name"))
    )
    return {"cluster": cluster.pk}


def cluster_rename(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    cluster = _run(
        lambda: actions.do_rename_cluster(
            _int(data, "cluster"), actor=access, name=data.get("name")
        )
    )
    return {"cluster": cluster.pk}


def cluster_delete(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    cluster = _int(data, "cluster")
    _run(lambda: actions.do_delete_cluster(cluster, actor=access))
    return {"cluster": cluster}


def cluster_propose(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    access = access_for(viewer, data)
    proposal = _run(
        lambda: actions.do_propose_cluster(
            _int(data, "cluster"), actor=access, title=data.get("title")
        )
    )
    return {"proposal": proposal.pk, "key": proposal.key, "url": actions.editor_url(proposal)}


def can_read_board(viewer: Viewer, stream: str) -> bool:
    _kind, _sep, ident = stream.partition(":")
    if not ident.isdigit():
        return False
    theme = Theme.objects.select_related("workshop").filter(pk=int(ident)).first()
    return theme is not None and board_access(viewer.user, viewer.session, theme).read


COMMANDS = {
    "note.create": note_create,
    "note.update": note_update,
    "note.delete": note_delete,
    "note.move": note_move,
    "dot.add": dot_add,
    "dot.remove": dot_remove,
    "cluster.create": cluster_create,
    "cluster.rename": cluster_rename,
    "cluster.delete": cluster_delete,
    "cluster.propose": cluster_propose,
}


def register() -> None:
    registry.register_stream("board", can_read_board)
    for name, handler in COMMANDS.items():
        registry.register_command(name, handler)
