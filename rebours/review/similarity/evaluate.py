"""Measure a backend on labelled pairs: precision and recall at a threshold, recall at k.

Used by the benchmark and the tests, so both report the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .model import Backend, Document


@dataclass(frozen=True)
class LabelledPair:
    a: Document
    b: Document
    same: bool


@dataclass(frozen=True)
class Quality:
    backend: str
    threshold: float
    threshold_note: str  # where the threshold comes from
    precision: float
    recall: float
    f1: float
    recall_at_k: float
    k: int
    pairs: int


def pairs_from_json(data: dict) -> list[LabelledPair]:
    """Pairs from the structure of tests/review/labelled_pairs.json."""
    pairs = []
    for item in data["pairs"]:
        a = Document(f"{item['id']}a", item["a"]["text"], item["a"].get("title", ""))
        b = Document(f"{item['id']}b", item["b"]["text"], item["b"].get("title", ""))
        pairs.append(LabelledPair(a, b, item["label"] == "same"))
    return pairs


def precision_recall(scores: np.ndarray, same: np.ndarray, threshold: float) -> tuple[float, ...]:
    """Precision, recall and F1 of "score >= threshold means same"."""
    predicted = scores >= threshold
    tp = int(np.sum(predicted & same))
    fp = int(np.sum(predicted & ~same))
    fn = int(np.sum(~predicted & same))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_threshold(scores: np.ndarray, same: np.ndarray) -> float:
    """The cut-off that best separates the pairs: highest TPR - FPR (Youden's J).

    Not the best-F1 cut-off: on a balanced set, flagging every pair already scores
    F1 = 0.66, so when a backend separates the pairs poorly the best-F1 cut-off
    drops to 0 and says nothing. Youden's J is 0 for any rule that ignores the text.
    Picked on the very pairs it is measured on, so the figures at this cut-off are
    optimistic: they say how well a backend *can* separate the pairs.
    """
    n_same = max(1, int(same.sum()))
    n_diff = max(1, int((~same).sum()))
    best, best_j = float(scores.max(initial=0.0)) + 1e-6, 0.0
    for candidate in np.unique(scores):
        predicted = scores >= candidate
        j = np.sum(predicted & same) / n_same - np.sum(predicted & ~same) / n_diff
        if j > best_j:
            best, best_j = float(candidate), float(j)
    return best


def evaluate(
    backend: Backend,
    pairs: Sequence[LabelledPair],
    threshold: float | None = None,
    k: int = 5,
    vectors: Mapping[str, np.ndarray] | None = None,
) -> Quality:
    """Score every pair with one index over all texts of the set.

    Recall at k: for each `same` pair, is b among the k nearest of a among all the
    other texts of the set, and a among those of b? Both directions count, and
    the hard negatives of the set are among the distractors.
    """
    docs = [d for p in pairs for d in (p.a, p.b)]
    index = backend.build(docs, vectors)
    matrix = index.scores(docs)
    column = {doc_id: i for i, doc_id in enumerate(index.ids)}
    scores = np.array([matrix[2 * i, column[p.b.id]] for i, p in enumerate(pairs)])
    same = np.array([p.same for p in pairs])

    queries: list[Document] = []
    partners: list[str] = []
    for p in pairs:
        if p.same:
            queries += [p.a, p.b]
            partners += [p.b.id, p.a.id]
    neighbours = index.most_similar_many(queries, top=k, explain=False)
    hits = sum(
        partner in {m.id for m in found}
        for partner, found in zip(partners, neighbours, strict=True)
    )

    if threshold is None:
        threshold = best_threshold(scores, same)
        predicted = scores >= threshold
        if not predicted.any():
            note = "chosen on this set: no cut-off beats chance, none flagged"
        else:
            note = "chosen on this set (best TPR - FPR)"
    else:
        note = "fixed"
    precision, recall, f1 = precision_recall(scores, same, threshold)
    return Quality(
        backend=backend.name,
        threshold=threshold,
        threshold_note=note,
        precision=precision,
        recall=recall,
        f1=f1,
        recall_at_k=hits / len(partners) if partners else 0.0,
        k=k,
        pairs=len(pairs),
    )
