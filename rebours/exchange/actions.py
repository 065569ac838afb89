"""Importing a whole workshop: the one writer of the exchange format.

All or nothing: the document was validated before we get here, every row is written in one
transaction, and media files written for it are removed again if that transaction fails.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.board.models import Cluster, Note
from rebours.exchange.containers import Package
from rebours.exchange.errors import ExchangeError
from rebours.proposals.models import Proposal
from rebours.proposals.search import search_text_for
from rebours.review.models import Review
from rebours.selection.models import Ballot, BallotGrade, Favourite, Selection
from rebours.workshops.models import (
    AgendaItem,
    Contact,
    Lesson,
    LessonKind,
    Person,
    PressArticle,
    Theme,
    ThemeMembership,
    ThemeRole,
    Workshop,
)

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass
class ImportResult:
    workshop: Workshop
    warnings: list[str] = field(default_factory=list)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _time(text: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(text) if text else None


def do_import_workshop(package: Package, *, actor: Actor, replace: bool = False) -> ImportResult:
    """Create the workshop of a validated package; with `replace`, the old one goes first."""
    document = package.document
    slug = document["workshop"]["slug"]
    written: list[str] = []
    try:
        with transaction.atomic():
            existing = Workshop.objects.select_for_update().filter(slug=slug).first()
            old_files: list[str] = []
            if existing is not None:
                if not replace:
                    raise ExchangeError(
                        "$.workshop.slug",
                        f'a workshop "{slug}" already exists (use --replace to replace it)',
                    )
                old_files = [
                    name
                    for name in Proposal.objects.filter(workshop=existing).values_list(
                        "image", flat=True
                    )
                    if name
                ]
                existing.delete()
            workshop = _write_document(document, package.media, written)
            record(
                workshop,
                actor=actor,
                action=AuditAction.WORKSHOP_REPLACED
                if existing is not None
                else AuditAction.WORKSHOP_IMPORTED,
                target=workshop.title,
                details={"slug": slug, "format": document.get("format", "")},
            )
            # Old files go only once the new workshop is safely stored.
            transaction.on_commit(lambda: _delete_files(old_files))
    except BaseException:
        _delete_files(written)
        raise
    return ImportResult(workshop=workshop, warnings=list(package.warnings))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _write_document(doc: dict[str, Any], media: dict[str, bytes], written: list[str]) -> Workshop:
    info = doc["workshop"]
    workshop = Workshop.objects.create(
        slug=info["slug"],
        title=info["title"],
        subtitle=info.get("subtitle") or "",
        horizon_year=info["horizon_year"],
        held_on=_date(info.get("held_on")),
        venue=info.get("venue") or "",
        language=info.get("language") or "",
        organiser=info.get("organiser") or "",
        introduction=info.get("introduction") or "",
        hours=info.get("hours"),
    )

    people = _bulk(
        Person,
        doc.get("people"),
        lambda i, p: Person(
            workshop=workshop,
            key=p["id"],
            position=i,
            display_name=p["display_name"],
            roles=p.get("roles") or [],
            organisation=p.get("organisation") or "",
            attributes=p.get("attributes") or {},
        ),
    )
    articles = _bulk(
        PressArticle,
        doc.get("press_review"),
        lambda i, a: PressArticle(
            workshop=workshop,
            key=a["id"],
            position=i,
            headline=a["headline"],
            lede=a.get("lede") or "",
            dated=_date(a.get("dated")),
        ),
    )
    agenda = _bulk(
        AgendaItem,
        doc.get("agenda"),
        lambda i, a: AgendaItem(
            workshop=workshop,
            key=a["id"],
            position=i,
            kind=a["kind"],
            title=a.get("title") or "",
            starts_at=_time(a.get("starts_at")),
            minutes=a["minutes"],
        ),
    )
    themes = _bulk(
        Theme,
        doc.get("themes"),
        lambda i, t: Theme(
            workshop=workshop,
            key=t["id"],
            position=i,
            title=t["title"],
            challenge=t.get("challenge") or "",
            question=t.get("question") or "",
            introduction=t.get("introduction") or "",
            article=articles.get(t.get("article") or ""),
            opinion=t.get("opinion") or "",
        ),
    )
    # Articles and themes refer to each other; the article side is set once both exist.
    for a in doc.get("press_review") or []:
        if a.get("theme"):
            article = articles[a["id"]]
            article.theme = themes[a["theme"]]
            article.save(update_fields=["theme"])

    memberships = []
    for t in doc.get("themes") or []:
        position = 0
        for field_name, role in (
            ("facilitators", ThemeRole.FACILITATOR),
            ("designers", ThemeRole.DESIGNER),
            ("members", ThemeRole.MEMBER),
        ):
            for key in t.get(field_name) or []:
                memberships.append(
                    ThemeMembership(
                        theme=themes[t["id"]], person=people[key], role=role, position=position
                    )
                )
                position += 1
    ThemeMembership.objects.bulk_create(memberships)

    _write_notes(doc, themes, agenda, people)
    proposals = _write_proposals(doc, workshop, themes, media, written)
    _write_selection(doc, workshop, people, proposals)

    retro = doc.get("retrospective") or {}
    Lesson.objects.bulk_create(
        [
            Lesson(workshop=workshop, kind=kind, position=i, text=text)
            for kind in (LessonKind.WORKED, LessonKind.DID_NOT_WORK)
            for i, text in enumerate(retro.get(kind.value) or [])
        ]
    )
    Contact.objects.bulk_create(
        [
            Contact(
                workshop=workshop,
                position=i,
                name=c["name"],
                role=c.get("role") or "",
                email=c.get("email") or "",
                url=c.get("url") or "",
            )
            for i, c in enumerate(doc.get("contacts") or [])
        ]
    )
    return workshop


def _bulk(model: type, items: list | None, build: Callable[[int, dict], Any]) -> dict[str, Any]:
    objects = [build(i, item) for i, item in enumerate(items or [])]
    model.objects.bulk_create(objects)  # type: ignore[attr-defined]
    return {obj.key: obj for obj in objects}


def _write_notes(doc: dict, themes: dict, agenda: dict, people: dict) -> None:
    clusters: dict[tuple[str, str], Cluster] = {}
    for n in doc.get("notes") or []:
        name = n.get("cluster") or ""
        if name and (n["theme"], name) not in clusters:
            clusters[(n["theme"], name)] = Cluster(
                theme=themes[n["theme"]], name=name, position=len(clusters)
            )
    Cluster.objects.bulk_create(clusters.values())
    Note.objects.bulk_create(
        [
            Note(
                theme=themes[n["theme"]],
                key=n["id"],
                position=i,
                session=agenda.get(n.get("session") or ""),
                author=people.get(n.get("author") or ""),
                text=n["text"],
                cluster=clusters.get((n["theme"], n.get("cluster") or "")),
                imported_dots=n.get("dots"),
            )
            for i, n in enumerate(doc.get("notes") or [])
        ]
    )


def _write_proposals(
    doc: dict, workshop: Workshop, themes: dict, media: dict[str, bytes], written: list[str]
) -> dict[str, Proposal]:
    stored: dict[str, str] = {}  # media path -> storage name, so shared images are stored once
    proposals = []
    reviews = []
    for i, p in enumerate(doc.get("proposals") or []):
        image = p.get("image") or {}
        path = image.get("path") or ""
        proposal = Proposal(
            workshop=workshop,
            theme=themes[p["theme"]],
            key=p["id"],
            position=i,
            letter=p.get("letter") or "",
            origin=p.get("origin") or "",
            title=p["title"],
            kind=p.get("kind") or "",
            summary=p.get("summary") or "",
            objectives=p.get("objectives") or [],
            description=p.get("description") or "",
            how_it_works=p.get("how_it_works") or "",
            roles=p.get("roles") or [],
            obstacles=p.get("obstacles") or [],
            pathway=p.get("pathway") or [],
            image_path=path,
            image_alt=image.get("alt") or "",
        )
        if path in media:
            if path not in stored:
                base = path.removeprefix("media/")
                name = f"proposals/{workshop.slug}/{uuid.uuid4().hex[:8]}-{base}"
                stored[path] = default_storage.save(name, ContentFile(media[path]))
                written.append(stored[path])
            proposal.image.name = stored[path]
        proposal.search_text = search_text_for(proposal)
        proposals.append(proposal)
        review = p.get("review") or {}
        if review.get("opinion") or review.get("triage"):
            reviews.append((proposal, review))
    Proposal.objects.bulk_create(proposals)
    Review.objects.bulk_create(
        [
            Review(proposal=proposal, opinion=r.get("opinion") or "", triage=r.get("triage") or "")
            for proposal, r in reviews
        ]
    )
    return {p.key: p for p in proposals}


def _write_selection(doc: dict, workshop: Workshop, people: dict, proposals: dict) -> None:
    data = doc.get("selection")
    if not data:
        return
    selection = Selection.objects.create(workshop=workshop, grades=data["grades"])
    scale = {grade: index for index, grade in enumerate(data["grades"])}
    ballots = [
        Ballot(
            selection=selection,
            voter=people[b["voter"]],
            college=b.get("college") or "",
            position=i,
        )
        for i, b in enumerate(data.get("ballots") or [])
    ]
    Ballot.objects.bulk_create(ballots)
    BallotGrade.objects.bulk_create(
        [
            BallotGrade(ballot=ballot, proposal=proposals[key], grade=scale[grade])
            for ballot, b in zip(ballots, data.get("ballots") or [], strict=True)
            for key, grade in (b.get("grades") or {}).items()
        ]
    )
    Favourite.objects.bulk_create(
        [
            Favourite(
                selection=selection,
                by=people[f["by"]],
                proposal=proposals[f["proposal"]],
                position=i,
            )
            for i, f in enumerate(data.get("favourites") or [])
        ]
    )
