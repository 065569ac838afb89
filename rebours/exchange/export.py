"""Writing a workshop out in the exchange format: the document, and a .zip with its media."""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch

from rebours.board.models import Note
from rebours.exchange.validation import FORMAT
from rebours.proposals.models import Proposal
from rebours.workshops.models import LessonKind, ThemeRole, Workshop


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Leave out what means nothing (None, "", [], {}), as the format's normalisation does."""
    if value is None or value == "" or value == [] or value == {}:
        return
    target[key] = value


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def export_document(
    workshop: Workshop, *, image_paths: dict[int, str] | None = None
) -> dict[str, Any]:
    """The whole workshop as a `rebours.workshop/1` document, lists in their stored order.

    `image_paths` overrides the image path per proposal id (the zip writer uses it to leave out
    images whose file is missing).
    """
    doc: dict[str, Any] = {"format": FORMAT}
    info: dict[str, Any] = {"slug": workshop.slug, "title": workshop.title}
    _put(info, "subtitle", workshop.subtitle)
    info["horizon_year"] = workshop.horizon_year
    _put(info, "held_on", workshop.held_on.isoformat() if workshop.held_on else None)
    _put(info, "venue", workshop.venue)
    _put(info, "language", workshop.language)
    _put(info, "organiser", workshop.organiser)
    _put(info, "introduction", workshop.introduction)
    _put(info, "hours", _number(workshop.hours))
    doc["workshop"] = info

    people = []
    for person in workshop.people.all():
        item: dict[str, Any] = {"id": person.key, "display_name": person.display_name}
        _put(item, "roles", person.roles)
        _put(item, "organisation", person.organisation)
        _put(item, "attributes", person.attributes)
        people.append(item)
    _put(doc, "people", people)

    articles = []
    for article in workshop.articles.select_related("theme"):
        item = {"id": article.key, "headline": article.headline}
        _put(item, "lede", article.lede)
        _put(item, "dated", article.dated.isoformat() if article.dated else None)
        _put(item, "theme", article.theme.key if article.theme else None)
        articles.append(item)
    _put(doc, "press_review", articles)

    agenda = []
    for entry in workshop.agenda.all():
        item = {"id": entry.key, "kind": entry.kind}
        _put(item, "title", entry.title)
        _put(item, "starts_at", entry.starts_at.strftime("%H:%M") if entry.starts_at else None)
        item["minutes"] = entry.minutes
        agenda.append(item)
    _put(doc, "agenda", agenda)

    themes = []
    for theme in workshop.themes.select_related("article").prefetch_related("memberships__person"):
        item = {"id": theme.key, "title": theme.title}
        _put(item, "challenge", theme.challenge)
        _put(item, "question", theme.question)
        _put(item, "introduction", theme.introduction)
        _put(item, "article", theme.article.key if theme.article else None)
        for field_name, role in (
            ("facilitators", ThemeRole.FACILITATOR),
            ("designers", ThemeRole.DESIGNER),
            ("members", ThemeRole.MEMBER),
        ):
            _put(
                item, field_name, [m.person.key for m in theme.memberships.all() if m.role == role]
            )
        _put(item, "opinion", theme.opinion)
        themes.append(item)
    doc["themes"] = themes

    notes = []
    for note in (
        Note.objects.filter(theme__workshop=workshop)
        .select_related("theme", "session", "author", "cluster")
        .annotate(live_dots=Count("dots"))
        .order_by("theme__position", "theme_id", "position", "id")
    ):
        item = {"id": note.key, "theme": note.theme.key}
        _put(item, "session", note.session.key if note.session else None)
        _put(item, "author", note.author.key if note.author else None)
        item["text"] = note.text
        if note.imported_dots is not None or note.live_dots:
            item["dots"] = (note.imported_dots or 0) + note.live_dots
        _put(item, "cluster", note.cluster.name if note.cluster else None)
        notes.append(item)
    _put(doc, "notes", notes)

    proposals = []
    for proposal in Proposal.objects.filter(workshop=workshop).select_related("theme", "review"):
        proposals.append(_proposal(proposal, image_paths))
    _put(doc, "proposals", proposals)

    selection = workshop.selections.first()
    if selection is not None:
        data: dict[str, Any] = {"grades": list(selection.grades)}
        ballots = []
        keys = dict(Proposal.objects.filter(workshop=workshop).values_list("id", "key"))
        for ballot in selection.ballots.select_related("voter").prefetch_related(
            Prefetch("grades", to_attr="grade_rows")
        ):
            item = {"voter": ballot.voter.key}
            _put(item, "college", ballot.college)
            item["grades"] = {
                keys[row.proposal_id]: selection.grades[row.grade] for row in ballot.grade_rows
            }
            ballots.append(item)
        _put(data, "ballots", ballots)
        _put(
            data,
            "favourites",
            [
                {"by": f.by.key, "proposal": f.proposal.key}
                for f in selection.favourites.select_related("by", "proposal")
            ],
        )
        doc["selection"] = data

    retrospective: dict[str, Any] = {}
    lessons = list(workshop.lessons.all())
    for kind in (LessonKind.WORKED, LessonKind.DID_NOT_WORK):
        _put(retrospective, kind.value, [lesson.text for lesson in lessons if lesson.kind == kind])
    _put(doc, "retrospective", retrospective)

    contacts = []
    for contact in workshop.contacts.all():
        item = {"name": contact.name}
        _put(item, "role", contact.role)
        _put(item, "email", contact.email)
        _put(item, "url", contact.url)
        contacts.append(item)
    _put(doc, "contacts", contacts)
    return doc


def _proposal(proposal: Proposal, image_paths: dict[int, str] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": proposal.key, "theme": proposal.theme.key}
    _put(item, "letter", proposal.letter)
    _put(item, "origin", proposal.origin)
    item["title"] = proposal.title
    _put(item, "kind", proposal.kind)
    _put(item, "summary", proposal.summary)
    _put(item, "objectives", proposal.objectives)
    _put(item, "description", proposal.description)
    _put(item, "how_it_works", proposal.how_it_works)
    _put(item, "roles", proposal.roles)
    _put(item, "obstacles", proposal.obstacles)
    _put(item, "pathway", proposal.pathway)
    path = proposal.image_path if image_paths is None else image_paths.get(proposal.id, "")
    if path:
        image = {"path": path}
        _put(image, "alt", proposal.image_alt)
        item["image"] = image
    review = getattr(proposal, "review", None)
    if review is not None:
        data: dict[str, Any] = {}
        _put(data, "opinion", review.opinion)
        _put(data, "triage", review.triage)
        _put(item, "review", data)
    return item


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_zip(workshop: Workshop, target: Path | io.BytesIO) -> list[str]:
    """Write `workshop.json` and `media/` to a zip; return warnings about missing image files."""
    warnings: list[str] = []
    paths: dict[int, str] = {}
    files: dict[str, str] = {}  # media path -> storage name
    for proposal in Proposal.objects.filter(workshop=workshop).only(
        "id", "key", "image", "image_path"
    ):
        if not proposal.image_path:
            continue
        name = proposal.image.name
        if name and default_storage.exists(name):
            paths[proposal.id] = proposal.image_path
            files.setdefault(proposal.image_path, name)
        else:
            warnings.append(
                f'proposal "{proposal.key}": its image "{proposal.image_path}" has no file; '
                "left out of the archive"
            )
    document = export_document(workshop, image_paths=paths)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("workshop.json", dumps(document))
        for media_path, name in files.items():
            with default_storage.open(name, "rb") as handle:
                archive.writestr(media_path, handle.read(), compress_type=zipfile.ZIP_STORED)
    return warnings
