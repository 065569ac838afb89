"""The originality check: for a proposal, the closest other proposals and existing initiatives.

Glue between the database and the pure `similarity` package. Vectors are kept per object,
backend and text fingerprint (SimilarityVector), so a page asking for neighbours embeds only
the texts that changed since the last time; the built index is kept in memory while the corpus
stays the same.

Embedding a proposal with E5 takes about a second on a small machine. A page never waits for
more than a few: when many vectors are missing (a workshop just imported), the page answers
with the lexical backend (TF-IDF, instant) and a background thread computes and stores the E5
vectors for the next pages. The `similar` command waits for them instead.
"""

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from rebours.proposals.models import Proposal
from rebours.review import actions
from rebours.review.models import Initiative, SimilarityVector
from rebours.review.similarity import (
    Backend,
    Document,
    Index,
    TfidfBackend,
    build_index,
    decode_vector,
    default_backend,
    text_fingerprint,
)

logger = logging.getLogger(__name__)

PROPOSAL_GROUP_PREFIX = "w:"
INITIATIVES_GROUP = "initiatives"
PROPOSALS_GROUP = "proposals"
TOP = 5
# Neighbours far below the "looks alike" cut-off are noise; the best few are always shown.
FLOOR_OF_THRESHOLD = 1 / 3
ALWAYS_SHOWN = 3
_CACHE_SIZE = 4
# How many missing vectors a page computes itself before it falls back on TF-IDF.
INLINE_LIMIT = 3

_cache: dict[tuple, Index] = {}
_cache_lock = threading.Lock()


def proposal_text(proposal: Proposal) -> str:
    """What a proposal says, in the template's order, without its title."""
    parts = [
        proposal.summary,
        proposal.description,
        proposal.how_it_works,
        *(proposal.objectives or []),
        *(f"{r.get('actor', '')} : {r.get('does', '')}" for r in proposal.roles or []),
        *(proposal.obstacles or []),
        *(m.get("milestone", "") for m in proposal.pathway or []),
    ]
    return "\n".join(part for part in parts if part)


def proposal_document(proposal: Proposal, group: str) -> Document:
    return Document(
        id=f"p{proposal.pk}", title=proposal.title, text=proposal_text(proposal), group=group
    )


def initiative_document(initiative: Initiative) -> Document:
    text = "\n".join(part for part in (initiative.description, initiative.place) if part)
    return Document(
        id=f"i{initiative.pk}", title=initiative.title, text=text, group=INITIATIVES_GROUP
    )


@dataclass
class Neighbour:
    """One close text and why: its score and the words or passages both share."""

    score: float
    shared_terms: list[str]
    passages: list[str]
    proposal: Proposal | None = None
    initiative: Initiative | None = None
    alike: bool = False  # above the backend's "these look alike" cut-off

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class Originality:
    proposals: list[Neighbour] = field(default_factory=list)
    initiatives: list[Neighbour] = field(default_factory=list)
    backend: str = ""
    threshold: float = 0.0
    preparing: bool = False  # E5 vectors are being computed; this answer is lexical


def _corpus() -> tuple[list[Proposal], list[Initiative]]:
    proposals = list(
        Proposal.objects.filter(merged_into__isnull=True, workshop__published=True)
        .select_related("workshop", "theme")
        .order_by("id")
    )
    initiatives = list(Initiative.objects.order_by("id"))
    return proposals, initiatives


def _stored_vectors(backend: Backend, documents: Sequence[Document]) -> dict[str, np.ndarray]:
    """The vectors kept for these documents whose fingerprint still matches their text."""
    wanted = {doc.id: text_fingerprint(doc.full_text, backend.model_id) for doc in documents}
    by_kind: dict[str, list[int]] = {SimilarityVector.PROPOSAL: [], SimilarityVector.INITIATIVE: []}
    for doc_id in wanted:
        kind = SimilarityVector.PROPOSAL if doc_id.startswith("p") else SimilarityVector.INITIATIVE
        by_kind[kind].append(int(doc_id[1:]))
    found: dict[str, np.ndarray] = {}
    for kind, ids in by_kind.items():
        prefix = "p" if kind == SimilarityVector.PROPOSAL else "i"
        rows = SimilarityVector.objects.filter(
            kind=kind, object_id__in=ids, backend=backend.model_id
        ).values_list("object_id", "fingerprint", "data")
        for object_id, fingerprint, data in rows:
            doc_id = f"{prefix}{object_id}"
            if wanted.get(doc_id) != fingerprint:
                continue
            try:
                found[doc_id] = decode_vector(bytes(data), backend.model_id).vector
            except ValueError:
                continue  # damaged or from another model: computed again
    return found


def _fingerprints(backend: Backend, documents: Sequence[Document]) -> tuple:
    return tuple(
        (d.id, d.group, text_fingerprint(d.full_text, backend.model_id)) for d in documents
    )


def _build(backend: Backend, documents: list[Document]) -> Index:
    """An index of `documents`, from memory when the same corpus was indexed just before."""
    key = (backend.model_id, _fingerprints(backend, documents))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    vectors = _stored_vectors(backend, documents) if _stores_vectors(backend) else {}
    index = build_index(documents, backend, vectors)
    _keep_vectors(index, backend, [d for d in documents if d.id not in vectors])
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = index
    return index


def _stores_vectors(backend: Backend) -> bool:
    return backend.name == "e5"


def _keep_vectors(index: Index, backend: Backend, documents: Sequence[Document]) -> None:
    vector_of = getattr(index, "vector", None)
    if vector_of is None or not documents:
        return
    fresh = {
        d.id: (vector_of(d.id), text_fingerprint(d.full_text, backend.model_id)) for d in documents
    }
    actions.do_store_vectors(fresh, backend=backend.model_id, actor=None)


_warming = threading.Lock()


def _warm_up(backend: Backend, documents: list[Document]) -> None:
    """Compute and store the missing vectors of `documents` (runs in a background thread)."""
    from django.db import connection

    try:
        index = build_index(documents, backend, {})
        _keep_vectors(index, backend, documents)
    except Exception:
        logger.exception("computing %s similarity vectors failed", backend.name)
    finally:
        connection.close()
        _warming.release()


def start_warm_up(backend: Backend, documents: list[Document]) -> bool:
    """Compute missing vectors in the background, unless that is already under way."""
    if not _warming.acquire(blocking=False):
        return False
    thread = threading.Thread(
        target=_warm_up, args=(backend, documents), name="similarity-warm-up", daemon=True
    )
    thread.start()
    return True


def missing_documents(backend: Backend, documents: Sequence[Document]) -> list[Document]:
    if not _stores_vectors(backend):
        return []
    stored = _stored_vectors(backend, documents)
    return [d for d in documents if d.id not in stored]


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _worth_showing(threshold: float, neighbours: list[Neighbour]) -> list[Neighbour]:
    floor = threshold * FLOOR_OF_THRESHOLD
    return [n for i, n in enumerate(neighbours) if i < ALWAYS_SHOWN or n.score >= floor]


class Checker:
    """Indexes built once for many questions (a page asks one, the command asks for all).

    With `wait` off (pages), missing vectors beyond INLINE_LIMIT are computed in the
    background and this check uses TF-IDF; `preparing` then says so.
    """

    def __init__(self, backend: Backend | None = None, *, wait: bool = True) -> None:
        backend = backend or default_backend()
        proposals, initiatives = _corpus()
        self.proposals = {f"p{p.pk}": p for p in proposals}
        self.initiatives = {f"i{i.pk}": i for i in initiatives}
        self.preparing = False
        if not wait:
            documents = [proposal_document(p, PROPOSALS_GROUP) for p in proposals] + [
                initiative_document(i) for i in initiatives
            ]
            missing = missing_documents(backend, documents)
            if len(missing) > inline_limit():
                if background_allowed():
                    start_warm_up(backend, missing)
                backend = TfidfBackend()
                self.preparing = True
        self.backend = backend
        # Proposals grouped by workshop, to leave a workshop out when asked.
        self.proposal_index = _build(
            self.backend,
            [proposal_document(p, PROPOSAL_GROUP_PREFIX + p.workshop.slug) for p in proposals],
        )
        # Initiatives with every proposal, grouped so that excluding "proposals" leaves only
        # initiatives: the proposal asking is then found in the index, not embedded again.
        self.initiative_index = (
            _build(
                self.backend,
                [proposal_document(p, PROPOSALS_GROUP) for p in proposals]
                + [initiative_document(i) for i in initiatives],
            )
            if initiatives
            else None
        )

    def _query(self, proposal: Proposal, group: str) -> Document | str:
        doc_id = f"p{proposal.pk}"
        if doc_id in self.proposals:
            return doc_id
        return proposal_document(proposal, group)  # merged or unpublished: free text

    def similar_proposals(
        self, proposal: Proposal, *, top: int = TOP, other_workshops: bool = False
    ) -> list[Neighbour]:
        exclude = PROPOSAL_GROUP_PREFIX + proposal.workshop.slug if other_workshops else None
        query = self._query(proposal, PROPOSAL_GROUP_PREFIX + proposal.workshop.slug)
        threshold = self.proposal_index.threshold
        return _worth_showing(
            threshold,
            [
                Neighbour(
                    score=m.score,
                    shared_terms=m.shared_terms[:8],
                    passages=m.passages[:3],
                    proposal=self.proposals[m.id],
                    alike=m.score >= threshold,
                )
                for m in self.proposal_index.most_similar(query, top=top, exclude_group=exclude)
                if m.id in self.proposals
            ],
        )

    def similar_initiatives(self, proposal: Proposal, *, top: int = TOP) -> list[Neighbour]:
        if self.initiative_index is None:
            return []
        query = self._query(proposal, PROPOSALS_GROUP)
        threshold = self.initiative_index.threshold
        return _worth_showing(
            threshold,
            [
                Neighbour(
                    score=m.score,
                    shared_terms=m.shared_terms[:8],
                    passages=m.passages[:3],
                    initiative=self.initiatives[m.id],
                    alike=m.score >= threshold,
                )
                for m in self.initiative_index.most_similar(
                    query, top=top, exclude_group=PROPOSALS_GROUP
                )
                if m.id in self.initiatives
            ],
        )

    def check(self, proposal: Proposal, *, top: int = TOP) -> Originality:
        return Originality(
            proposals=self.similar_proposals(proposal, top=top),
            initiatives=self.similar_initiatives(proposal, top=top),
            backend=self.backend.name,
            threshold=self.proposal_index.threshold,
            preparing=self.preparing,
        )


def inline_limit() -> int:
    from django.conf import settings

    return getattr(settings, "REBOURS_SIMILARITY_INLINE", INLINE_LIMIT)


def background_allowed() -> bool:
    """Off in tests (settings) or for a server started with REBOURS_SIMILARITY_BACKGROUND=0."""
    from django.conf import settings

    if os.environ.get("REBOURS_SIMILARITY_BACKGROUND", "1") == "0":
        return False
    return getattr(settings, "REBOURS_SIMILARITY_BACKGROUND", True)


def originality_of(proposal: Proposal, *, top: int = TOP, wait: bool = False) -> Originality:
    """The closest proposals (this workshop and others) and existing initiatives of `proposal`.

    A page does not wait for a whole corpus to be embedded (see the module's docstring).
    """
    return Checker(wait=wait).check(proposal, top=top)
