"""A small inverted index in numpy, so TF-IDF and trigrams need no scipy.

Dense document-term matrices do not fit: 10,000 documents and 30,000 trigrams
would take over a gigabyte. Instead each term keeps the list of documents that
contain it (its postings), and a block of queries is scored by gathering the
postings of its terms and summing them with one `np.bincount`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SparseRow = tuple[np.ndarray, np.ndarray]
"""(term ids as int64, weights as float32) of one document or query."""

EMPTY_ROW: SparseRow = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


class Postings:
    """Term -> (documents, weights), built from document rows."""

    def __init__(self, rows: Sequence[SparseRow], n_terms: int) -> None:
        self.n_docs = len(rows)
        lengths = np.fromiter((len(t) for t, _ in rows), dtype=np.int64, count=len(rows))
        if lengths.sum():
            terms = np.concatenate([t for t, _ in rows]).astype(np.int64)
            weights = np.concatenate([w for _, w in rows]).astype(np.float32)
        else:
            terms, weights = EMPTY_ROW
        docs = np.repeat(np.arange(self.n_docs, dtype=np.int64), lengths)
        order = np.argsort(terms, kind="stable")
        self._docs = docs[order]
        self._weights = weights[order]
        counts = np.bincount(terms, minlength=n_terms) if n_terms else np.zeros(0, np.int64)
        self._start = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=self._start[1:])

    def dot(self, queries: Sequence[SparseRow]) -> np.ndarray:
        """Dot products of each query row with every document row: (len, n_docs)."""
        n_q = len(queries)
        if n_q == 0 or self.n_docs == 0:
            return np.zeros((n_q, self.n_docs), dtype=np.float32)
        q_lengths = np.fromiter((len(t) for t, _ in queries), dtype=np.int64, count=n_q)
        if not q_lengths.sum():
            return np.zeros((n_q, self.n_docs), dtype=np.float32)
        q_terms = np.concatenate([t for t, _ in queries]).astype(np.int64)
        q_weights = np.concatenate([w for _, w in queries]).astype(np.float32)
        q_rows = np.repeat(np.arange(n_q, dtype=np.int64), q_lengths)

        starts = self._start[q_terms]
        lengths = self._start[q_terms + 1] - starts
        total = int(lengths.sum())
        # Flatten the postings ranges [start, start + length) of all query terms:
        # entry k of the output belongs to range j and sits at start_j + (k - first_j).
        firsts = np.cumsum(lengths) - lengths
        flat = np.arange(total, dtype=np.int64) + np.repeat(starts - firsts, lengths)
        cells = np.repeat(q_rows, lengths) * self.n_docs + self._docs[flat]
        contributions = self._weights[flat] * np.repeat(q_weights, lengths)
        summed = np.bincount(cells, weights=contributions, minlength=n_q * self.n_docs)
        return summed.reshape(n_q, self.n_docs).astype(np.float32)
