"""Writing proposals. Every save names the version it started from; a stale one is merged when
nobody else touched the same fields, and is a conflict otherwise (never a silent overwrite).

Each saved state is kept as a ProposalVersion: the history people read, organisers restore
from, and the base that merges compare with (`merge.three_way`).
"""

import logging
import string
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.live.events import announce, publish
from rebours.proposals import images
from rebours.proposals.checks import (
    EDITABLE_FIELDS,
    LIST_MAX_ITEMS,
    ProposalInvalid,
    check_changes,
    check_text,
    year_bounds,
)
from rebours.proposals.merge import three_way, union
from rebours.proposals.models import (
    Origin,
    Proposal,
    ProposalVersion,
    VersionKind,
)
from rebours.proposals.search import search_text_for
from rebours.workshops.models import Person, Theme, Workshop

logger = logging.getLogger(__name__)

Actor = AbstractBaseUser | AnonymousUser | None

# What a version remembers beyond the editable fields: the image it showed.
IMAGE_FIELDS = ("image", "thumbnail", "image_path")
PRESENCE_TAB_MAX = 40


@dataclass
class ProposalConflict(Exception):
    """The proposal changed since the version the save started from, in the same fields.

    `current` is the proposal now, `base` the snapshot the save started from (None when that
    version's history is missing), `mine` the cleaned save, `fields` the fields both sides
    changed, `authors` who last changed each of them since the base, and `merged` the part of
    the save that would have merged cleanly (it waits for the resolution, all or nothing).
    """

    current: dict[str, Any]
    base_version: int
    base: dict[str, Any] | None = None
    fields: list[str] = field(default_factory=list)
    mine: dict[str, Any] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    merged: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"the proposal is at version {self.current['version']}, "
            f"this save started from version {self.base_version}"
        )


def snapshot(proposal: Proposal) -> dict[str, Any]:
    """The editable fields of a proposal and its version: what editors compare and merge."""
    data = {name: getattr(proposal, name) for name in EDITABLE_FIELDS}
    data["version"] = proposal.version
    return data


def _history_snapshot(proposal: Proposal) -> dict[str, Any]:
    data = snapshot(proposal)
    data["image"] = proposal.image.name or ""
    data["thumbnail"] = proposal.thumbnail
    data["image_path"] = proposal.image_path
    return data


def stream_for(proposal: Proposal) -> str:
    return f"proposal:{proposal.pk}"


def _user(actor: Actor) -> Any:
    """The account behind `actor`, or None for anonymous participants and scripts."""
    return actor if actor is not None and actor.is_authenticated else None


def author_name(actor: Actor, person: Person | None) -> str:
    if person is not None:
        return person.display_name[:200]
    user = _user(actor)
    return user.get_username()[:200] if user is not None else ""


def _check_for(proposal: Proposal, changes: dict[str, Any]) -> dict[str, Any]:
    first, horizon = year_bounds(proposal.workshop)
    known = {
        m["year"]
        for m in proposal.pathway or []
        if isinstance(m, dict) and isinstance(m.get("year"), int)
    }
    return check_changes(changes, horizon_year=horizon, first_year=first, known_years=known)


# ----------------------------------------------------------------------------- history


def _record(
    proposal: Proposal,
    *,
    kind: str,
    fields: Iterable[str],
    actor: Actor,
    person: Person | None,
    note: str = "",
    restored_from: int | None = None,
) -> ProposalVersion:
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=proposal.version,
        kind=kind,
        snapshot=_history_snapshot(proposal),
        fields=sorted(fields),
        author=_user(actor),
        person=person,
        author_name=author_name(actor, person),
        note=note,
        restored_from=restored_from,
    )


def _ensure_baseline(proposal: Proposal) -> None:
    """Keep the state a proposal had before its first recorded edit (imported, or edited in the
    admin), so that saves based on it can still be merged."""
    if not ProposalVersion.objects.filter(proposal=proposal, number=proposal.version).exists():
        _record(proposal, kind=VersionKind.BASELINE, fields=(), actor=None, person=None)


def keep_baseline(proposal_pk: int) -> dict[str, Any]:
    """Before the admin changes a proposal: keep the state it had, if not in the history yet.

    Returns that state, to tell afterwards which fields the admin changed.
    """
    with transaction.atomic():
        stored = Proposal.objects.select_for_update().get(pk=proposal_pk)
        _ensure_baseline(stored)
    return _history_snapshot(stored)


def record_admin_edit(proposal: Proposal, *, actor: Actor, before: dict[str, Any]) -> None:
    """The admin saves proposals itself (organisers' repairs); it still leaves a version."""
    after = _history_snapshot(proposal)
    fields = [name for name in (*EDITABLE_FIELDS, "image") if before.get(name) != after.get(name)]
    with transaction.atomic():
        _record(
            proposal, kind=VersionKind.EDIT, fields=fields, actor=actor, person=None, note="admin"
        )


def base_snapshot(proposal: Proposal, version: int) -> dict[str, Any] | None:
    """The proposal as it was at `version`, from its history (None when not recorded)."""
    if version == proposal.version:
        return snapshot(proposal)
    row = ProposalVersion.objects.filter(proposal=proposal, number=version).first()
    return row.snapshot if row is not None else None


def _authors_since(proposal: Proposal, base_version: int, fields: list[str]) -> dict[str, str]:
    authors: dict[str, str] = {}
    for row in ProposalVersion.objects.filter(proposal=proposal, number__gt=base_version).order_by(
        "number"
    ):
        for name in row.fields:
            if name in fields:
                authors[name] = row.author_name
    return authors


# ----------------------------------------------------------------------------- writing


def _free_key(theme: Theme, title: str) -> str:
    base = slugify(title)[:50].strip("-") or "proposition"
    taken = set(Proposal.objects.filter(workshop=theme.workshop).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _free_letter(theme: Theme) -> str:
    taken = set(theme.proposals.values_list("letter", flat=True))
    return next((c for c in string.ascii_lowercase if c not in taken), "")


def do_create_proposal(
    theme: Theme,
    *,
    actor: Actor,
    title: str,
    origin: str = Origin.GROUP,
    fields: dict[str, Any] | None = None,
    person: Person | None = None,
) -> Proposal:
    """A new proposal sheet in `theme`, at version 1, announced on the theme's board."""
    first, horizon = year_bounds(theme.workshop)
    cleaned = check_changes(
        {"title": title, **(fields or {})}, horizon_year=horizon, first_year=first
    )
    with transaction.atomic():
        theme = Theme.objects.select_for_update().select_related("workshop").get(pk=theme.pk)
        proposal = Proposal(
            workshop=theme.workshop,
            theme=theme,
            key=_free_key(theme, cleaned["title"]),
            letter=_free_letter(theme),
            origin=origin,
            position=theme.proposals.count(),
            updated_by=_user(actor),
            **cleaned,
        )
        proposal.search_text = search_text_for(proposal)
        proposal.save()
        _record(
            proposal,
            kind=VersionKind.CREATED,
            fields=[name for name, value in cleaned.items() if value],
            actor=actor,
            person=person,
        )
        publish(
            f"board:{theme.pk}",
            "proposal.created",
            {
                "id": proposal.pk,
                "key": proposal.key,
                "title": proposal.title,
                "letter": proposal.letter,
            },
        )
    return proposal


def _apply(
    current: Proposal,
    values: dict[str, Any],
    *,
    kind: str,
    actor: Actor,
    person: Person | None,
    note: str = "",
    restored_from: int | None = None,
    extra: Iterable[str] = (),
) -> None:
    """Write `values` as the next version, keep it in the history and tell the editors."""
    _ensure_baseline(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    current.updated_by = _user(actor)
    current.search_text = search_text_for(current)
    current.save()
    changed = [*values, *extra]
    _record(
        current,
        kind=kind,
        fields=changed,
        actor=actor,
        person=person,
        note=note,
        restored_from=restored_from,
    )
    payload: dict[str, Any] = {
        "version": current.version,
        "fields": sorted(changed),
        "values": {name: getattr(current, name) for name in values if name in EDITABLE_FIELDS},
        "by": author_name(actor, person),
        "kind": kind,
    }
    if "image" in changed:
        payload["image"] = {
            "url": current.image.url if current.image.name else "",
            "thumbnail": current.thumbnail_url(),
            "alt": current.image_alt,
        }
    publish(stream_for(current), "proposal.updated", payload)


def _locked(proposal: Proposal) -> Proposal:
    current = (
        Proposal.objects.select_for_update().select_related("theme", "workshop").get(pk=proposal.pk)
    )
    if current.merged_into_id is not None:
        raise ProposalInvalid("proposal", _("this proposal was merged into another one"))
    return current


def do_update_proposal(
    proposal: Proposal,
    changes: dict[str, Any],
    *,
    base_version: int,
    actor: Actor,
    person: Person | None = None,
    resolving: bool = False,
) -> Proposal:
    """Apply `changes`, a save started from `base_version`.

    When others saved since, the save is merged if it touches only fields they left alone
    (compared with the snapshot of `base_version`); otherwise ProposalConflict, and nothing is
    written. `resolving` marks the save that settles a conflict a person has looked at.
    """
    with transaction.atomic():
        current = _locked(proposal)
        cleaned = _check_for(current, changes)
        now = snapshot(current)
        if base_version == current.version:
            values = {name: value for name, value in cleaned.items() if now[name] != value}
            kind = VersionKind.RESOLVED if resolving else VersionKind.EDIT
        elif not 1 <= base_version < current.version:
            raise ProposalInvalid(
                "version", _("version %(n)s of this proposal does not exist") % {"n": base_version}
            )
        else:
            base = base_snapshot(current, base_version)
            merge = three_way(base, now, cleaned)
            if merge.conflicts:
                raise ProposalConflict(
                    current=now,
                    base_version=base_version,
                    base=base,
                    fields=merge.conflicts,
                    mine=cleaned,
                    authors=_authors_since(current, base_version, merge.conflicts),
                    merged=merge.apply,
                )
            values = merge.apply
            kind = VersionKind.MERGED
        if not values:
            return current
        if "image_alt" in values and not values["image_alt"].strip() and current.image.name:
            raise ProposalInvalid(
                "image_alt", _("an image needs a description for people who cannot see it")
            )
        _apply(current, values, kind=kind, actor=actor, person=person)
    return current


def do_restore_version(
    proposal: Proposal, number: int, *, actor: Actor, person: Person | None = None
) -> Proposal:
    """Bring back the fields (and image) of version `number`, as a new version: nothing is lost."""
    with transaction.atomic():
        current = _locked(proposal)
        row = ProposalVersion.objects.filter(proposal=current, number=number).first()
        if row is None:
            raise ProposalInvalid(
                "version", _("version %(n)s of this proposal does not exist") % {"n": number}
            )
        old = row.snapshot
        values = {
            name: old[name]
            for name in EDITABLE_FIELDS
            if name in old and old[name] != getattr(current, name)
        }
        image_back = old.get("image", "") != (current.image.name or "") and (
            not old.get("image") or default_storage.exists(old["image"])
        )
        _ensure_baseline(current)
        if image_back:
            current.image.name = old.get("image", "")
            current.thumbnail = old.get("thumbnail", "")
            current.image_path = old.get("image_path", current.image_path)
        if not values and not image_back:
            return current
        _apply(
            current,
            values,
            kind=VersionKind.RESTORED,
            actor=actor,
            person=person,
            restored_from=number,
            extra=("image",) if image_back else (),
        )
        record(
            current.workshop,
            actor=actor,
            action=AuditAction.VERSION_RESTORED,
            target=current.title,
            details={"proposal": current.key, "restored": number, "version": current.version},
        )
    return current


def _storage_names(proposal: Proposal, extension: str) -> tuple[str, str]:
    stem = f"proposals/{proposal.workshop.slug}/{proposal.key[:40]}-{uuid.uuid4().hex[:8]}"
    return f"{stem}.{extension}", f"{stem}-{images.THUMBNAIL_WIDTH}.webp"


def do_set_image(
    proposal: Proposal,
    data: bytes,
    *,
    alt: str,
    actor: Actor,
    person: Person | None = None,
) -> Proposal:
    """Check the image by decoding it, store it re-encoded without metadata, with its thumbnail.

    Raises images.ImageRejected (with the reason) or ProposalInvalid (no description).
    The previous image file stays in storage: the history can bring it back.
    """
    alt = check_text("image_alt", alt).strip()
    if not alt:
        raise ProposalInvalid(
            "image_alt", _("an image needs a description for people who cannot see it")
        )
    prepared = images.prepare_image(data)
    name, thumb = _storage_names(proposal, prepared.extension)
    written: list[str] = []
    try:
        written.append(default_storage.save(name, ContentFile(prepared.data)))
        written.append(default_storage.save(thumb, ContentFile(prepared.thumbnail)))
        with transaction.atomic():
            current = _locked(proposal)
            _ensure_baseline(current)
            current.image.name = written[0]
            current.thumbnail = written[1]
            current.image_path = ""
            values = {"image_alt": alt} if alt != current.image_alt else {}
            _apply(
                current,
                values,
                kind=VersionKind.IMAGE,
                actor=actor,
                person=person,
                extra=("image",),
            )
    except BaseException:
        for stored in written:
            default_storage.delete(stored)
        raise
    return current


def do_ensure_thumbnails(proposals: Iterable[Proposal], *, actor: Actor = None) -> int:
    """Make the missing thumbnails (images imported with a workshop have none); return how many.

    A thumbnail is derived data: it gets no version and no event.
    """
    made = 0
    for proposal in proposals:
        if proposal.thumbnail or not proposal.image_available():
            continue
        try:
            with proposal.image.open("rb") as handle:
                data = handle.read()
            thumbnail = images.thumbnail_of(data)
        except (OSError, images.ImageRejected) as exc:
            logger.warning("no thumbnail for %s: %s", proposal.image.name, exc)
            continue
        stem = (proposal.image.name or "").rsplit(".", 1)[0]
        name = default_storage.save(f"{stem}-{images.THUMBNAIL_WIDTH}.webp", ContentFile(thumbnail))
        with transaction.atomic():
            updated = Proposal.objects.filter(pk=proposal.pk, thumbnail="").update(thumbnail=name)
        if updated:
            proposal.thumbnail = name
            made += 1
        else:
            default_storage.delete(name)  # someone made it meanwhile
    return made


def do_announce_presence(
    proposal: Proposal,
    *,
    actor: Actor,
    person: Person | None,
    tab: str,
    field: str | None,
    leaving: bool = False,
) -> dict[str, Any]:
    """Tell the other editors who is here and in which field. Passing news: never stored."""
    if field not in (None, "", *EDITABLE_FIELDS):
        raise ProposalInvalid("field", _("is not a field of the template"))
    if not isinstance(tab, str) or not 0 < len(tab) <= PRESENCE_TAB_MAX:
        raise ProposalInvalid("tab", _("must be a short text"))
    user = _user(actor)
    who = f"p{person.pk}" if person is not None else f"u{user.pk}" if user is not None else "anon"
    payload = {
        "who": who,
        "tab": tab,
        "name": author_name(actor, person) or _("someone"),
        "field": field or "",
        "leaving": bool(leaving),
    }
    announce(stream_for(proposal), "proposal.presence", payload)
    return payload


def do_merge_into(
    other: Proposal, kept: Proposal, *, actor: Actor, person: Person | None = None
) -> Proposal:
    """Merge `other` (a duplicate) into `kept`: both histories stay, `other` leaves the catalogue.

    `kept` keeps its texts, takes those it lacks from `other`, and gains the list items
    (objectives, obstacles, actors, milestones) only `other` has; that is a new version of
    `kept`. `other` gets a last version saying where it went.
    """
    if other.pk == kept.pk:
        raise ProposalInvalid("proposal", _("a proposal cannot be merged into itself"))
    with transaction.atomic():
        # Locked in id order, so that two merges of the same pair cannot deadlock.
        first, second = sorted((other, kept), key=lambda p: p.pk)
        locked = {p.pk: _locked(p) for p in (first, second)}
        target, source = locked[kept.pk], locked[other.pk]
        if target.workshop_id != source.workshop_id:
            raise ProposalInvalid("proposal", _("only proposals of one workshop can be merged"))
        values: dict[str, Any] = {}
        for name in ("summary", "description", "how_it_works", "kind"):
            if not getattr(target, name) and getattr(source, name):
                values[name] = getattr(source, name)
        for name in ("objectives", "obstacles", "roles", "pathway"):
            combined = union(getattr(target, name) or [], getattr(source, name) or [])
            if combined != (getattr(target, name) or []):
                values[name] = combined[:LIST_MAX_ITEMS]
        if "pathway" in values:
            values["pathway"].sort(key=lambda m: m.get("year", 0), reverse=True)
        _apply(
            target,
            values,
            kind=VersionKind.DUPLICATE,
            actor=actor,
            person=person,
            note=source.title,
            extra=("merged",),
        )
        _ensure_baseline(source)
        source.merged_into = target
        source.version += 1
        source.updated_by = _user(actor)
        source.save()
        _record(
            source,
            kind=VersionKind.DUPLICATE,
            fields=("merged",),
            actor=actor,
            person=person,
            note=target.title,
        )
        publish(stream_for(source), "proposal.merged", {"into": target.pk, "key": target.key})
    return target


def do_rename_in_history(
    person: Person, *, actor: Actor, name: str | None = None, dry_run: bool = False
) -> int:
    """Write `name` (by default `person`'s current one: a pseudonym, once their data is erased)
    in the versions they wrote, whose author name was kept as written at the time; how many."""
    name = person.display_name if name is None else name
    versions = ProposalVersion.objects.filter(person=person).exclude(author_name=name)
    if dry_run:
        return versions.count()
    with transaction.atomic():
        return versions.update(author_name=name)


def purge_history_names(workshop: Workshop, *, dry_run: bool) -> int:
    """A retention purger: the history names the workshop's people by the pseudonym the people's
    own purger gives them (people credited by name keep it)."""
    from rebours.workshops.actions import pseudonym

    return sum(
        do_rename_in_history(
            person,
            actor=None,
            name=person.display_name if person.credit_by_name else pseudonym(person),
            dry_run=dry_run,
        )
        for person in Person.objects.filter(workshop=workshop).order_by("pk")
    )
