"""What every index does the same way: resolve queries, pick the top matches, explain."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from .explain import Lexicon, common_passages, shared_terms
from .model import Document, Match, Query
from .text import clean_text, content_stems, tokenize

# Score matrices are computed for a block of queries at a time: (block, n_docs)
# cells. Half a million cells (4 MB as the float64 that np.bincount returns) keeps
# memory flat for any corpus size; bigger blocks were slower, not faster, for the
# sparse backends (trigrams on 10,000 documents: 6 ms a query against 10 to 29 ms
# with 2 million cells), because each large temporary array is fresh memory the
# kernel has to fault in.
_CELLS_PER_BLOCK = 500_000
_MAX_BLOCK = 512


def clean_document(doc: Document) -> Document:
    return Document(
        id=str(doc.id), text=clean_text(doc.text), title=clean_text(doc.title), group=doc.group
    )


class Resolved:
    """A query made concrete: its cleaned document and its row in the index, if any."""

    __slots__ = ("doc", "pos", "self_pos")

    def __init__(self, pos: int, doc: Document, self_pos: int | None = None) -> None:
        # Row whose stored representation can be reused, -1 when the query must be
        # encoded (free text, a new document, or an indexed one with edited text).
        self.pos = pos
        # Row to keep out of the query's own results, -1 when none.
        self.self_pos = pos if self_pos is None else self_pos
        self.doc = doc


class BaseIndex(ABC):
    """Shared machinery; subclasses only say how to score queries against the corpus."""

    backend_name: str = ""
    # Suggested "these look alike" cut-off on this index's score scale; set by the
    # backend that builds it.
    threshold: float = 0.0

    def __init__(self, documents: Sequence[Document]) -> None:
        docs = [clean_document(d) for d in documents]
        self._positions: dict[str, int] = {}
        for i, d in enumerate(docs):
            if d.id in self._positions:
                raise ValueError(f"duplicate document id {d.id!r}")
            self._positions[d.id] = i
        self._docs = docs
        groups = sorted({d.group for d in docs})
        self._group_codes = {g: i for i, g in enumerate(groups)}
        self._groups = np.fromiter(
            (self._group_codes[d.group] for d in docs), dtype=np.int32, count=len(docs)
        )
        self._lexicon = self._make_lexicon()

    # -- what subclasses provide -------------------------------------------------

    def _make_lexicon(self) -> Lexicon:
        texts = [d.full_text for d in self._docs]
        return Lexicon(texts, stems=lambda pos: content_stems(texts[pos]))

    @abstractmethod
    def _score_block(self, block: Sequence[Resolved]) -> np.ndarray:
        """Scores of each query of `block` against every document, shape (len, n)."""

    # -- public API ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._positions

    @property
    def ids(self) -> list[str]:
        """Document ids in index order: the columns of `scores()`."""
        return [d.id for d in self._docs]

    def document(self, doc_id: str) -> Document:
        """The indexed document (its text cleaned as the index saw it)."""
        return self._docs[self._positions[doc_id]]

    def scores(self, queries: Sequence[Query]) -> np.ndarray:
        """Raw score matrix (len(queries), len(index)) in [0, 1], columns as `ids`.

        No exclusion at all, not even of a query's own document: meant for
        evaluation and for callers with their own ranking.
        """
        resolved = [self._resolve(q) for q in queries]
        out = np.zeros((len(resolved), len(self._docs)), dtype=np.float32)
        step = self._block_size()
        for start in range(0, len(resolved), step):
            block = resolved[start : start + step]
            out[start : start + len(block)] = self._clipped(block)
        return out

    def most_similar(
        self,
        query: Query,
        top: int = 5,
        exclude_group: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]:
        """The `top` documents most like `query`, best first.

        `query` is a Document, the id of an indexed document (which is then left
        out of its own results), or any other string, taken as free text.
        `exclude_group` leaves out documents of that group; `min_score` drops
        matches scoring below it (`self.threshold` is the suggested cut-off).
        """
        return self.most_similar_many([query], top, exclude_group, min_score)[0]

    def most_similar_many(
        self,
        queries: Sequence[Query],
        top: int = 5,
        exclude_group: str | None = None,
        min_score: float | None = None,
        explain: bool = True,
    ) -> list[list[Match]]:
        """`most_similar` for many queries at once, scored block by block.

        `explain=False` skips shared terms and passages, for callers that only
        need ids and scores (they cost more than the scoring itself).
        """
        if top < 0:
            raise ValueError("top must be >= 0")
        resolved = [self._resolve(q) for q in queries]
        if top == 0 or not self._docs:
            return [[] for _ in resolved]
        excluded = None
        if exclude_group is not None and exclude_group in self._group_codes:
            excluded = self._groups == self._group_codes[exclude_group]
        k = min(top, len(self._docs))
        results: list[list[Match]] = []
        step = self._block_size()
        for start in range(0, len(resolved), step):
            block = resolved[start : start + step]
            scores = self._clipped(block)
            if excluded is not None:
                scores[:, excluded] = -np.inf
            for row, query in enumerate(block):
                if query.self_pos >= 0:
                    scores[row, query.self_pos] = -np.inf  # not its own neighbour
            if k < len(self._docs):
                candidates = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            else:
                candidates = np.tile(np.arange(len(self._docs)), (len(block), 1))
            for row, query in enumerate(block):
                cols = candidates[row]
                vals = scores[row, cols]
                # Best score first; equal scores in index order, so results are stable.
                order = np.lexsort((cols, -vals))
                matches = []
                for col, val in zip(cols[order], vals[order], strict=True):
                    # A score of 0 means nothing in common: not a neighbour at all.
                    if not val > 0 or (min_score is not None and val < min_score):
                        continue
                    matches.append(self._match(query, int(col), float(val), explain))
                results.append(matches)
        return results

    # -- helpers ------------------------------------------------------------------

    def _block_size(self) -> int:
        return max(1, min(_MAX_BLOCK, _CELLS_PER_BLOCK // max(1, len(self._docs))))

    def _clipped(self, block: Sequence[Resolved]) -> np.ndarray:
        scores = np.asarray(self._score_block(block), dtype=np.float32)
        # Rounding can push a cosine a hair past 1; E5 cosines can in theory be < 0.
        return np.clip(scores, 0.0, 1.0, out=scores)

    def _resolve(self, query: Query) -> Resolved:
        if isinstance(query, Document):
            pos = self._positions.get(str(query.id), -1)
            if pos >= 0 and self._docs[pos] == clean_document(query):
                return Resolved(pos, self._docs[pos])
            # Same id but edited text, or a new document: score what we were given,
            # but still keep the indexed version out of its own results.
            return Resolved(-1, clean_document(query), self_pos=pos)
        pos = self._positions.get(query, -1)
        if pos >= 0:
            return Resolved(pos, self._docs[pos])
        return Resolved(-1, Document(id="", text=clean_text(query)))

    def _match(self, query: Resolved, col: int, score: float, explain: bool) -> Match:
        doc_id = self._docs[col].id
        if not explain:
            return Match(doc_id, score)
        if query.pos >= 0:
            q_text = self._lexicon.text(query.pos)
            q_tokens = self._lexicon.tokens(query.pos)
        else:
            q_text = query.doc.full_text
            q_tokens = tokenize(q_text)
        d_tokens = self._lexicon.tokens(col)
        return Match(
            doc_id,
            score,
            shared_terms(q_tokens, d_tokens, self._lexicon.idf),
            common_passages(q_text, q_tokens, self._lexicon.text(col), d_tokens),
        )
