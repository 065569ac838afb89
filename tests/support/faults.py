"""A room for the fault tests, and what its database holds afterwards.

`prepare_room` and `room_report` run inside a server's database (through `rebours manage shell`,
`RunningServer.python`); the tests only talk to the server over HTTP and websockets, as devices
would, and read the verdict from `room_report`.
"""

import json
from typing import Any

from tests.support.hostile import hostile
from tests.support.liveday import live_document

GRADES = ["À rejeter", hostile("grade")[:40], "Passable", "Bien", "Très bien"]
PROPOSALS = 4


def fault_document(slug: str) -> dict[str, Any]:
    """The live day's workshop (two groups), with proposals on the ballot and a grading scale."""
    document = live_document(slug)
    document["proposals"] = [
        {"id": f"p{index}", "theme": "g1" if index % 2 else "g2", "title": hostile(f"p{index}")}
        for index in range(PROPOSALS)
    ]
    document["selection"] = {"grades": GRADES}
    return document


def prepare_room(slug: str, per_group: int) -> dict[str, Any]:
    """Import the workshop, join `per_group` participants to each group (each with a session, as
    joining leaves them) and open the vote. Returns what the clients need, as JSON-ready data."""
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from rebours.selection.actions import do_open_selection
    from rebours.selection.models import Selection
    from tests.support.liveday import seed_participants

    workshop = do_import_workshop(Package(document=fault_document(slug)), actor=None).workshop
    groups = [seed_participants(slug, key, per_group) for key in ("g1", "g2")]
    selection = Selection.objects.get(workshop=workshop)
    do_open_selection(workshop, actor=None, grades=list(selection.grades))
    return {
        "workshop": workshop.pk,
        "day": f"day:{workshop.pk}",
        "selection": f"selection:{selection.pk}",
        "proposals": [f"p{index}" for index in range(PROPOSALS)],
        "scale": len(GRADES),
        "people": [
            {**person, "board": group["board"]} for group in groups for person in group["people"]
        ],
    }


def room_report(slug: str) -> dict[str, Any]:
    """Everything the fault tests check, read from the database in one go."""
    from django.db.models import Count

    from rebours.board.models import Dot, Note
    from rebours.live.models import Event, Stream
    from rebours.selection.actions import receipt_digest, receipt_text
    from rebours.selection.models import Ballot, Selection
    from rebours.workshops.models import Workshop

    workshop = Workshop.objects.get(slug=slug)
    boards = [f"board:{pk}" for pk in workshop.themes.values_list("pk", flat=True)]
    selection = Selection.objects.get(workshop=workshop)
    streams = [*boards, f"day:{workshop.pk}", f"selection:{selection.pk}"]
    report: dict[str, Any] = {"streams": {}, "notes": {}, "created": {}, "ballots": {}, "dots": {}}
    for stream in Stream.objects.filter(name__in=streams):
        report["streams"][stream.name] = {
            "last_seq": stream.last_seq,
            "seqs": list(
                Event.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True)
            ),
        }
    for note in Note.objects.filter(theme__workshop=workshop):
        report["notes"][str(note.pk)] = {"text": note.text, "board": f"board:{note.theme_id}"}
    for event in Event.objects.filter(stream__name__in=boards, kind="note.created").select_related(
        "stream"
    ):
        note_id = str(event.payload["note"]["id"])
        report["created"].setdefault(note_id, []).append(event.stream.name)
    for ballot in Ballot.objects.filter(selection=selection).select_related("voter"):
        rows = list(ballot.grades.select_related("proposal"))
        text = receipt_text(
            ballot, [(row.proposal.key, selection.grades[row.grade]) for row in rows]
        )
        report["ballots"][str(ballot.voter_id)] = {
            "grades": {row.proposal.key: row.grade for row in rows},
            "receipt_matches": receipt_digest(text) == ballot.receipt,
        }
    dots = (
        Dot.objects.filter(note__theme__workshop=workshop)
        .values("voter")
        .annotate(n=Count("id"))
        .values_list("voter", "n")
    )
    report["dots"] = {str(voter): count for voter, count in dots}
    return report


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))
