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
    """The live day's workshop (two groups), with proposals."""
    document = live_document(slug)
    document["proposals"] = [
        {"id": f"p{index}", "theme": "g1" if index % 2 else "g2", "title": hostile(f"p{index}")}
        for index in range(PROPOSALS)
    ]
    return document


def vote_slug(slug: str) -> str:
    return f"{slug}-vote"


def _seeded(slug: str, per_group: int) -> tuple[Any, list[dict[str, Any]]]:
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from tests.support.liveday import seed_participants

    workshop = do_import_workshop(Package(document=fault_document(slug)), actor=None).workshop
    groups = [seed_participants(slug, key, per_group) for key in ("g1", "g2")]
    people = [{**person, "board": group["board"]} for group in groups for person in group["people"]]
    return workshop, people


def prepare_room(slug: str, per_group: int) -> dict[str, Any]:
    """Two workshops on one server: `slug`, whose day is running, with `per_group` participants
    joined to each group (each with a session, as joining leaves them), who post notes and dots;
    and `slug`-vote, with as many participants and its vote open (the permission table keeps
    boards and votes apart in one workshop). Returns what the clients need, as JSON-ready data."""
    from django.contrib.auth import get_user_model

    from rebours.facilitation.actions import do_start_day
    from rebours.facilitation.permissions import day_access
    from rebours.selection.actions import do_open_selection

    workshop, people = _seeded(slug, per_group)
    organiser, _ = get_user_model().objects.get_or_create(
        username="fault-organiser", defaults={"is_staff": True}
    )
    do_start_day(workshop, actor=day_access(organiser, {}, workshop))
    # Participants join while the workshop is in preparation, then the vote opens.
    voting, voters = _seeded(vote_slug(slug), per_group)
    selection = do_open_selection(voting, actor=None, grades=GRADES)
    return {
        "workshop": workshop.pk,
        "day": f"day:{workshop.pk}",
        "vote_slug": voting.slug,
        "selection": f"selection:{selection.pk}",
        "proposals": [f"p{index}" for index in range(PROPOSALS)],
        "scale": len(GRADES),
        "people": people,
        "voters": voters,
    }


def room_report(slug: str) -> dict[str, Any]:
    """Everything the fault tests check, read from the database in one go (both workshops)."""
    from django.db.models import Count

    from rebours.board.models import Dot, Note
    from rebours.live.models import Event, Stream
    from rebours.selection.actions import receipt_digest, receipt_text
    from rebours.selection.models import Ballot, Selection
    from rebours.workshops.models import Workshop

    workshop = Workshop.objects.get(slug=slug)
    boards = [f"board:{pk}" for pk in workshop.themes.values_list("pk", flat=True)]
    selection = Selection.objects.get(workshop__slug=vote_slug(slug))
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
