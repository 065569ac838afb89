"""Reading a board for its page: everything a screen needs to start, and where its stream is.

The stream's number is read *before* the board: any change the snapshot misses then comes after
that number, and a change both in the snapshot and in the replay is applied twice harmlessly
(every event carries the whole new state of what it touches).
"""

from typing import Any

from django.db.models import Count

from rebours.board.actions import cluster_payload, dot_budget, editor_url, note_payload, stream_for
from rebours.board.models import Cluster, Dot, Note
from rebours.board.permissions import BoardAccess
from rebours.live.events import last_seq
from rebours.workshops.models import Theme


def board_snapshot(theme: Theme, access: BoardAccess | None = None) -> dict[str, Any]:
    stream = stream_for(theme)
    seq = last_seq(stream)
    person = access.person if access is not None else None
    notes = (
        Note.objects.filter(theme=theme)
        .select_related("author")
        .annotate(live_dots=Count("dots"))
        .order_by("position", "pk")
    )
    mine: dict[int, int] = {}
    if person is not None:
        mine = dict(
            Dot.objects.filter(voter=person, note__theme=theme)
            .values_list("note")
            .annotate(n=Count("pk"))
        )
    clusters = Cluster.objects.filter(theme=theme).select_related("proposal__workshop")
    return {
        "stream": stream,
        "seq": seq,
        "board": theme.pk,
        "notes": [note_payload(note, dots=note.live_dots) for note in notes],
        "clusters": [cluster_payload(cluster) for cluster in clusters],
        "proposals": [
            {"id": p.pk, "key": p.key, "title": p.title, "letter": p.letter, "url": editor_url(p)}
            for p in theme.proposals.select_related("workshop").order_by("position", "pk")
        ],
        "me": {
            "person": person.pk if person else None,
            "write": bool(access and access.write),
            "moderate": bool(access and access.moderate),
            "dots": mine,
            "used": sum(mine.values()),
            "budget": dot_budget(theme.workshop),
        },
    }
