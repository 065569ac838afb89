"""Writing the review: opinions, triage (audited), initiatives, duplicates and stored vectors."""

from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.live.events import publish
from rebours.proposals.actions import Actor, author_name, do_merge_into, stream_for
from rebours.proposals.models import Proposal
from rebours.review.initiatives import parse_initiatives
from rebours.review.models import (
    Duplicate,
    Initiative,
    Review,
    SimilarityVector,
    Triage,
    TriageChange,
)
from rebours.review.similarity import encode_vector
from rebours.workshops.models import Theme, Workshop

OPINION_MAX_LENGTH = 10_000


class ReviewInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _user(actor: Actor):
    return actor if actor is not None and actor.is_authenticated else None


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ReviewInvalid(field, _("must be text"))
    if "\x00" in value:
        raise ReviewInvalid(field, _("contains a NUL character"))
    value = value.replace("\r\n", "\n").strip()
    if len(value) > OPINION_MAX_LENGTH:
        raise ReviewInvalid(
            field,
            _("is %(length)s characters long; the limit is %(limit)s")
            % {"length": len(value), "limit": OPINION_MAX_LENGTH},
        )
    return value


def do_review_proposal(
    proposal: Proposal,
    *,
    actor: Actor,
    opinion: str,
    triage: str,
    comment: str = "",
) -> Review:
    """Write "Notre avis" and the triage of `proposal`; a triage change is kept in the audit.

    *Rework* sends the proposal back to its group: the comment says what to rework, and the
    group sees it in its editor (announced on the proposal's stream).
    """
    opinion = _text("opinion", opinion)
    comment = _text("comment", comment)
    if triage not in ("", *Triage.values):
        raise ReviewInvalid("triage", _("is not one of the triage classes"))
    if triage == Triage.REWORK and not comment:
        raise ReviewInvalid("comment", _("say what the group should rework"))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        review, _created = Review.objects.select_for_update().get_or_create(proposal=locked)
        previous = review.triage
        review.opinion = opinion
        review.triage = triage
        review.comment = comment
        review.reviewer = _user(actor)
        review.reviewed_at = timezone.now()
        review.save()
        if previous != triage:
            TriageChange.objects.create(
                proposal=locked,
                previous=previous,
                triage=triage,
                comment=comment,
                by=_user(actor),
                by_name=author_name(actor, None),
            )
        record(
            locked.workshop,
            actor=actor,
            action=AuditAction.PROPOSAL_REVIEWED,
            target=locked.title,
            details={"proposal": locked.key, "triage": {"from": previous, "to": triage}},
        )
        publish(
            stream_for(locked),
            "proposal.reviewed",
            {"triage": triage, "comment": comment if triage == Triage.REWORK else ""},
        )
    return review


def do_set_theme_opinion(theme: Theme, *, actor: Actor, opinion: str) -> Theme:
    """The organisers' opinion on a whole theme ("Notre avis" under the theme's chapter)."""
    opinion = _text("opinion", opinion)
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        locked.opinion = opinion
        locked.save(update_fields=["opinion"])
        record(
            locked.workshop,
            actor=actor,
            action=AuditAction.THEME_OPINION,
            target=locked.title,
            details={"theme": locked.key},
        )
        publish(f"workshop:{locked.workshop_id}", "theme.opinion", {"theme": locked.pk})
    return locked


def do_import_initiatives(
    workshop: Workshop, data: bytes, *, actor: Actor, replace: bool = True
) -> list[Initiative]:
    """Import a CSV of existing initiatives (title, description, url, place) for `workshop`.

    All or nothing: the first faulty line raises InitiativesInvalid naming it, and nothing
    is written. With `replace`, the workshop's previous list goes.
    """
    rows = parse_initiatives(data)
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop.pk)
        start = 0
        if replace:
            old = list(workshop.initiatives.values_list("id", flat=True))
            SimilarityVector.objects.filter(
                kind=SimilarityVector.INITIATIVE, object_id__in=old
            ).delete()
            workshop.initiatives.all().delete()
        else:
            start = workshop.initiatives.count()
        created = Initiative.objects.bulk_create(
            [
                Initiative(
                    workshop=workshop,
                    position=start + i,
                    title=row.title,
                    description=row.description,
                    url=row.url,
                    place=row.place,
                    imported_by=_user(actor),
                )
                for i, row in enumerate(rows)
            ]
        )
        record(
            workshop,
            actor=actor,
            action=AuditAction.INITIATIVES_IMPORTED,
            details={"count": len(created), "replace": replace},
        )
        publish(f"workshop:{workshop.pk}", "initiatives.imported", {"count": len(created)})
    return created


def do_store_vectors(
    vectors: dict[str, tuple[np.ndarray, str]], *, backend: str, actor: Actor = None
) -> int:
    """Keep computed similarity vectors ({"p12": (vector, fingerprint)}, "i3" for initiatives).

    Derived data: no event. A vector stored meanwhile by another request is simply replaced.
    """
    with transaction.atomic():
        for doc_id, (vector, fingerprint) in vectors.items():
            kind = SimilarityVector.PROPOSAL if doc_id[0] == "p" else SimilarityVector.INITIATIVE
            SimilarityVector.objects.update_or_create(
                kind=kind,
                object_id=int(doc_id[1:]),
                backend=backend,
                defaults={"fingerprint": fingerprint, "data": encode_vector(vector, backend)},
            )
    return len(vectors)


def do_mark_duplicate(kept: Proposal, other: Proposal, *, actor: Actor) -> Duplicate:
    """Note that `other` says what `kept` says; merging is a separate, deliberate step."""
    if kept.pk == other.pk:
        raise ReviewInvalid("proposal", _("a proposal cannot duplicate itself"))
    if kept.workshop_id != other.workshop_id:
        raise ReviewInvalid("proposal", _("only proposals of one workshop can be merged"))
    with transaction.atomic():
        duplicate, _created = Duplicate.objects.get_or_create(
            kept=kept, other=other, defaults={"marked_by": _user(actor)}
        )
        record(
            kept.workshop,
            actor=actor,
            action=AuditAction.DUPLICATE_MARKED,
            target=f"{other.title} → {kept.title}",
            details={"kept": kept.key, "other": other.key},
        )
        publish(
            f"workshop:{kept.workshop_id}", "duplicate.marked", {"kept": kept.pk, "other": other.pk}
        )
    return duplicate


def do_merge_duplicate(duplicate: Duplicate, *, actor: Actor) -> Proposal:
    """Merge the duplicate into the kept proposal; both histories stay (see do_merge_into)."""
    with transaction.atomic():
        locked = Duplicate.objects.select_for_update().get(pk=duplicate.pk)
        if locked.merged_at is not None:
            raise ReviewInvalid("duplicate", _("these proposals are merged already"))
        kept = do_merge_into(locked.other, locked.kept, actor=actor)
        locked.merged_at = timezone.now()
        locked.merged_by = _user(actor)
        locked.save()
        record(
            kept.workshop,
            actor=actor,
            action=AuditAction.DUPLICATES_MERGED,
            target=f"{locked.other.title} → {kept.title}",
            details={"kept": kept.key, "other": locked.other.key},
        )
    return kept
