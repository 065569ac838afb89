"""The data the similarity package takes and gives, and the interfaces of its backends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True, slots=True)
class Document:
    """A text to compare: a proposal, a note, an existing initiative...

    `group` is what a caller may want to leave out of the results, typically the
    workshop slug ("show me similar proposals from *other* workshops").
    """

    id: str
    text: str
    title: str = ""
    group: str = ""

    @property
    def full_text(self) -> str:
        """Title and text as one string, the form every backend embeds."""
        if self.title and self.text:
            return f"{self.title}\n{self.text}"
        return self.title or self.text


@dataclass(frozen=True, slots=True)
class Match:
    """One neighbour found by an index.

    `score` is in [0, 1], higher is more similar; its scale depends on the backend
    (see each backend's `threshold`). `shared_terms` are words both texts use, most
    telling first, written as in the query text; `passages` are runs of several words
    that both texts contain, as written in the query text.
    """

    id: str
    score: float
    shared_terms: list[str] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)


Query = str | Document
"""A query: a Document, the id of an indexed document, or free text."""


@runtime_checkable
class Index(Protocol):
    """A searchable set of documents, built once by a backend."""

    backend_name: str
    # Suggested "these look alike" cut-off for `min_score`, on this index's scale.
    threshold: float

    @property
    def ids(self) -> list[str]: ...

    def document(self, doc_id: str) -> Document: ...

    def __len__(self) -> int: ...

    def __contains__(self, doc_id: object) -> bool: ...

    def most_similar(
        self,
        query: Query,
        top: int = 5,
        exclude_group: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]: ...

    def most_similar_many(
        self,
        queries: Sequence[Query],
        top: int = 5,
        exclude_group: str | None = None,
        min_score: float | None = None,
        explain: bool = True,
    ) -> list[list[Match]]: ...

    def scores(self, queries: Sequence[Query]) -> np.ndarray: ...


@runtime_checkable
class Backend(Protocol):
    """Turns documents into an Index. One per method (E5, TF-IDF, trigrams)."""

    name: str
    # Suggested cut-off for "these look alike" on this backend's usual score scale
    # (an index may use another scale; prefer `Index.threshold`).
    threshold: float

    @property
    def model_id(self) -> str:
        """Names the method and its version: changes whenever scores would change."""
        ...

    def available(self) -> bool: ...

    def build(
        self,
        documents: Sequence[Document],
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> Index: ...


# The brief and older notes call the backend interface an "embedder".
Embedder = Backend
