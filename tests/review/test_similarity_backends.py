"""Behaviour shared by the three similarity backends, on the fictional initiatives."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rebours.review.similarity import (
    Backend,
    Document,
    E5Backend,
    Index,
    Query,
    TfidfBackend,
    TrigramBackend,
    build_index,
)
from rebours.review.similarity.text import stem, tokenize

HERE = Path(__file__).parent
BACKENDS: dict[str, Backend] = {
    "e5": E5Backend(),
    "tfidf": TfidfBackend(),
    "trigram": TrigramBackend(),
}


def load_initiatives() -> list[Document]:
    with (HERE / "initiatives.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Document(id=f"init-{i}", title=r["title"], text=r["description"], group=r["place"])
        for i, r in enumerate(rows)
    ]


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def index(request: pytest.FixtureRequest) -> Index:
    backend = BACKENDS[request.param]
    if not backend.available():
        pytest.skip(f"{request.param} is not installed")
    return build_index(load_initiatives(), backend)


def title_of(index: Index, doc_id: str) -> str:
    return index.document(doc_id).title


# A citizen's proposal and the initiative a reviewer would point to. Each keeps a
# few words of the initiative so that the lexical backends have a fair chance.
OBVIOUS = [
    (
        "Une cuisine centrale pour les repas des écoles avec les légumes et la viande "
        "des fermes du canton",
        "La Cantine des Trois Vallées",
    ),
    (
        "Une coopérative d'habitants qui pose des panneaux photovoltaïques sur le gymnase "
        "et l'école",
        "Soleil sur nos toits",
    ),
    (
        "Un minibus sur réservation pour conduire les habitants des hameaux au marché",
        "Navette des hameaux",
    ),
    ("Emprunter des violons et des guitares à la médiathèque", "Instrumenthèque intercommunale"),
]


@pytest.mark.parametrize(("text", "expected"), OBVIOUS)
def test_finds_the_obvious_neighbour(index: Index, text: str, expected: str) -> None:
    matches = index.most_similar(text, top=3)
    assert matches, "no match at all"
    assert title_of(index, matches[0].id) == expected


def test_a_document_query_with_title_finds_its_twin(index: Index) -> None:
    twin = Document(
        id="new",
        title="Repair café une fois par mois",
        text="Des bénévoles aident à réparer électroménager, vêtements et vélos.",
    )
    assert title_of(index, index.most_similar(twin, top=1)[0].id) == "Repair Café du samedi"


def test_scores_are_in_unit_interval_and_sorted(index: Index) -> None:
    for doc_id in index.ids[:10]:
        matches = index.most_similar(doc_id, top=10)
        scores = [m.score for m in matches]
        assert all(0.0 < s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)
    matrix = index.scores(index.ids[:5])
    assert matrix.shape == (5, len(index))
    assert float(matrix.min()) >= 0.0
    assert float(matrix.max()) <= 1.0


def test_a_document_is_not_its_own_neighbour(index: Index) -> None:
    for doc_id in index.ids[:10]:
        assert doc_id not in {m.id for m in index.most_similar(doc_id, top=10)}


def test_identical_text_scores_one(index: Index) -> None:
    doc = index.document("init-0")
    copy = Document(id="copy", title=doc.title, text=doc.text)
    best = index.most_similar(copy, top=1)[0]
    assert best.id == "init-0"
    assert best.score == pytest.approx(1.0, abs=1e-5)


def test_exclude_group(index: Index) -> None:
    query = "Des bénévoles aident les collégiens à faire leurs devoirs"
    first = index.most_similar(query, top=1)[0]
    group = index.document(first.id).group
    kept = index.most_similar(query, top=len(index), exclude_group=group)
    assert kept
    assert all(index.document(m.id).group != group for m in kept)
    # Orvaux has three initiatives: all of them go.
    orvaux = {d for d in index.ids if index.document(d).group == "Orvaux"}
    assert len(orvaux) >= 2
    found = index.most_similar(query, top=len(index), exclude_group="Orvaux")
    assert not orvaux & {m.id for m in found}
    # An unknown group excludes nothing.
    assert index.most_similar(query, top=3, exclude_group="nowhere") == index.most_similar(
        query, top=3
    )


def test_top_and_min_score(index: Index) -> None:
    query = "panneaux solaires sur l'école"
    assert index.most_similar(query, top=0) == []
    assert len(index.most_similar(query, top=2)) <= 2
    everything = index.most_similar(query, top=len(index) + 10)
    assert len(everything) <= len(index)
    cut = everything[len(everything) // 2].score
    kept = index.most_similar(query, top=len(index), min_score=cut)
    assert kept
    assert all(m.score >= cut for m in kept)
    with pytest.raises(ValueError):
        index.most_similar(query, top=-1)


def test_batch_equals_one_by_one(index: Index) -> None:
    queries: list[Query] = [
        *index.ids[:4],
        "marché de producteurs",
        Document("x", "fibre pour les fermes"),
    ]
    batch = index.most_similar_many(queries, top=4)
    for query, matches in zip(queries, batch, strict=True):
        single = index.most_similar(query, top=4)
        assert [m.id for m in matches] == [m.id for m in single]
        assert [m.score for m in matches] == pytest.approx([m.score for m in single], abs=1e-5)
    bare = index.most_similar_many(queries, top=4, explain=False)
    assert [[m.id for m in ms] for ms in bare] == [[m.id for m in ms] for ms in batch]
    assert all(m.shared_terms == [] and m.passages == [] for ms in bare for m in ms)


def _words(text: str) -> set[str]:
    return {t.surface.lower() for t in tokenize(text)}


def test_shared_terms_are_real_words_of_both_texts(index: Index) -> None:
    query = (
        "Un atelier au collège pour apprendre à réparer les vélos et les meubles "
        "avec des artisans retraités"
    )
    matches = index.most_similar(query, top=5)
    assert any(m.shared_terms for m in matches)
    for m in matches:
        other = index.document(m.id).full_text
        other_stems = {t.stem for t in tokenize(other)}
        for term in m.shared_terms:
            assert term.lower() in _words(query)  # written as in the query
            assert stem(term) in other_stems  # and the other text uses the same word
        for passage in m.passages:
            assert passage in query


def test_shared_terms_prefer_the_form_both_texts_use(index: Index) -> None:
    matches = index.most_similar("Les cantines et la cantine des écoles du canton", top=3)
    cantine = next(m for m in matches if title_of(index, m.id) == "La Cantine des Trois Vallées")
    assert "cantine" in cantine.shared_terms
    assert "cantines" not in cantine.shared_terms


def test_passages_show_long_common_runs(index: Index) -> None:
    query = "Nous voulons une maison de santé construite par la commune, comme ailleurs."
    matches = index.most_similar(query, top=5)
    passages = [p for m in matches for p in m.passages]
    assert "construite par la commune" in passages


def test_duplicate_ids_are_refused() -> None:
    docs = [Document("a", "un"), Document("a", "deux")]
    for backend in BACKENDS.values():
        if backend.available():
            with pytest.raises(ValueError, match="duplicate"):
                backend.build(docs)


def test_empty_index_answers_nothing() -> None:
    for backend in BACKENDS.values():
        if backend.available():
            index = backend.build([])
            assert len(index) == 0
            assert index.most_similar("cantine bio", top=5) == []
            assert index.scores(["cantine bio"]).shape == (1, 0)
