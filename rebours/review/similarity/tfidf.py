"""French TF-IDF: stemmed, accent-folded words, sublinear counts, cosine similarity.

The fallback when the embedding model is not installed, and a fast lexical
baseline. It sees "cantines" and "cantine" as one term but not "cantine" and
"restauration scolaire": paraphrases with other words are what E5 is for.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from .core import BaseIndex, Resolved
from .explain import Lexicon, idf_from_counts
from .model import Document
from .sparse import Postings, SparseRow
from .text import content_stems

TFIDF_VERSION = "1"


class TfidfIndex(BaseIndex):
    backend_name = "tfidf"

    def __init__(self, documents: Sequence[Document]) -> None:
        super().__init__(documents)  # cleans documents, then calls _make_lexicon
        n = len(self._docs)
        self._vocabulary = {stem: i for i, stem in enumerate(sorted(self._df))}
        self._idf = np.array(
            [idf_from_counts(n, self._df[s]) for s in self._vocabulary], dtype=np.float64
        )
        self._unseen_idf = idf_from_counts(n, 0)
        self._rows = [self._vectorise(stems) for stems in self._stems]
        self._postings = Postings(self._rows, len(self._vocabulary))

    def _make_lexicon(self) -> Lexicon:
        # Tokenise once: the same stems and document frequencies serve the vectors
        # and the explanations.
        self._stems = [content_stems(d.full_text) for d in self._docs]
        df: Counter[str] = Counter()
        for stems in self._stems:
            df.update(set(stems))
        self._df = dict(df)
        return Lexicon(
            [d.full_text for d in self._docs], stems=lambda pos: self._stems[pos], df=self._df
        )

    def _vectorise(self, stems: Sequence[str]) -> SparseRow:
        """Sublinear tf * idf, L2-normalised.

        Stems the corpus has never seen cannot match anything, but they still count
        in the norm: a query made mostly of unknown words is less like any document
        than one whose every word is known.
        """
        counts = Counter(stems)
        ids: list[int] = []
        weights: list[float] = []
        unseen = 0.0
        for stem, tf in counts.items():
            w = 1.0 + math.log(tf)
            term = self._vocabulary.get(stem)
            if term is None:
                unseen += (w * self._unseen_idf) ** 2
            else:
                ids.append(term)
                weights.append(w * self._idf[term])
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        order = np.argsort(ids)
        id_arr = np.asarray(ids, dtype=np.int64)[order]
        w_arr = np.asarray(weights, dtype=np.float64)[order]
        norm = math.sqrt(float(np.dot(w_arr, w_arr)) + unseen)
        return id_arr, (w_arr / norm).astype(np.float32)

    def _score_block(self, block: Sequence[Resolved]) -> np.ndarray:
        rows = [
            self._rows[q.pos] if q.pos >= 0 else self._vectorise(content_stems(q.doc.full_text))
            for q in block
        ]
        return self._postings.dot(rows)


class TfidfBackend:
    """TF-IDF over French stems; always available (numpy + snowballstemmer)."""

    name = "tfidf"
    # A judgment call, not a measurement: on tests/review/labelled_pairs.json no
    # cut-off separates paraphrases from hard negatives (see docs/similarity.md).
    # 0.3 asks for a few shared, fairly rare words.
    threshold = 0.3

    @property
    def model_id(self) -> str:
        return f"tfidf-fr-snowball/v{TFIDF_VERSION}"

    def available(self) -> bool:
        return True

    def build(
        self,
        documents: Sequence[Document],
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> TfidfIndex:
        # `vectors` is ignored: TF-IDF weights depend on the whole corpus (idf), so
        # stored vectors would go stale whenever any document changes, and rebuilding
        # is cheap anyway.
        index = TfidfIndex(documents)
        index.threshold = self.threshold
        return index
