"""Character-trigram similarity as PostgreSQL's pg_trgm computes it: the baseline.

Decidim's proposal wizard looks for similar proposals with
`GREATEST(similarity(title, ?), similarity(body, ?)) >= 0.25`. This backend gives
the same numbers without PostgreSQL, so we can measure what that approach finds
on our labelled set and compare it with TF-IDF and embeddings on equal terms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .core import BaseIndex, Resolved
from .model import Document
from .sparse import EMPTY_ROW, Postings, SparseRow
from .text import pg_trgm_trigrams

TRIGRAM_VERSION = "1"
DECIDIM_THRESHOLD = 0.25


class _Field:
    """Trigram sets of one field (title, body or whole text) of every document."""

    def __init__(self, texts: Sequence[str], vocabulary: dict[str, int]) -> None:
        self.rows: list[SparseRow] = []
        sizes = []
        for text in texts:
            trigrams = pg_trgm_trigrams(text)
            ids = [vocabulary.setdefault(t, len(vocabulary)) for t in trigrams]
            self.rows.append(_binary_row(ids))
            sizes.append(len(trigrams))
        self.sizes = np.asarray(sizes, dtype=np.float32)
        self.postings: Postings | None = None

    def freeze(self, n_terms: int) -> None:
        self.postings = Postings(self.rows, n_terms)

    def similarity(self, queries: Sequence[tuple[SparseRow, int]]) -> np.ndarray:
        """pg_trgm similarity of each query trigram set with this field of every doc."""
        assert self.postings is not None
        shared = self.postings.dot([row for row, _ in queries])
        q_sizes = np.asarray([size for _, size in queries], dtype=np.float32)[:, None]
        union = q_sizes + self.sizes[None, :] - shared
        out = np.zeros_like(shared)
        # pg_trgm answers 0 when either side has no trigram; union is then <= 0 too.
        np.divide(shared, union, out=out, where=(union > 0) & (q_sizes > 0) & (self.sizes > 0))
        return out


def _binary_row(ids: Sequence[int]) -> SparseRow:
    if not ids:
        return EMPTY_ROW
    return np.sort(np.asarray(ids, dtype=np.int64)), np.ones(len(ids), dtype=np.float32)


class TrigramIndex(BaseIndex):
    backend_name = "trigram"

    def __init__(self, documents: Sequence[Document], per_field: bool = True) -> None:
        super().__init__(documents)
        self._per_field = per_field
        self._vocabulary: dict[str, int] = {}
        if per_field:
            self._title = _Field([d.title for d in self._docs], self._vocabulary)
            self._body = _Field([d.text for d in self._docs], self._vocabulary)
            fields = [self._title, self._body]
        else:
            self._body = _Field([d.full_text for d in self._docs], self._vocabulary)
            fields = [self._body]
        for f in fields:
            f.freeze(len(self._vocabulary))

    def _encode(self, text: str) -> tuple[SparseRow, int]:
        trigrams = pg_trgm_trigrams(text)
        # Trigrams the corpus never saw match nothing but still widen the union.
        ids = [self._vocabulary[t] for t in trigrams if t in self._vocabulary]
        return _binary_row(ids), len(trigrams)

    def _stored(self, field: _Field, pos: int) -> tuple[SparseRow, int]:
        return field.rows[pos], int(field.sizes[pos])

    def _score_block(self, block: Sequence[Resolved]) -> np.ndarray:
        if not self._per_field:
            queries = [
                self._stored(self._body, q.pos) if q.pos >= 0 else self._encode(q.doc.full_text)
                for q in block
            ]
            return self._body.similarity(queries)
        titles, bodies = [], []
        for q in block:
            if q.pos >= 0:
                titles.append(self._stored(self._title, q.pos))
                bodies.append(self._stored(self._body, q.pos))
            else:
                body = self._encode(q.doc.text)
                # Free text has no title: compare it with the titles too, as a
                # search box would, rather than scoring titles as 0.
                titles.append(self._encode(q.doc.title) if q.doc.title else body)
                bodies.append(body)
        return np.maximum(self._title.similarity(titles), self._body.similarity(bodies))


class TrigramBackend:
    """pg_trgm `similarity()` on title and body, best of the two, as Decidim does.

    With `per_field=False` the title and text are compared as one string instead.
    """

    name = "trigram"
    threshold = DECIDIM_THRESHOLD

    def __init__(self, per_field: bool = True) -> None:
        self.per_field = per_field

    @property
    def model_id(self) -> str:
        fields = "title+body" if self.per_field else "full"
        return f"pg-trgm-similarity/{fields}/v{TRIGRAM_VERSION}"

    def available(self) -> bool:
        return True

    def build(
        self,
        documents: Sequence[Document],
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> TrigramIndex:
        # `vectors` is ignored: trigram sets are cheaper to recompute than to store.
        index = TrigramIndex(documents, per_field=self.per_field)
        index.threshold = self.threshold
        return index
