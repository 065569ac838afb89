"""French text handling, TF-IDF details, and hostile input for every backend."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebours.review.similarity import Backend, Document, E5Backend, TfidfBackend, TrigramBackend
from rebours.review.similarity.text import (
    FRENCH_STOP_WORDS,
    MAX_CHARS,
    clean_text,
    content_stems,
    fold_accents,
    pg_trgm_trigrams,
    stem,
    tokenize,
)


def test_fold_accents() -> None:
    assert fold_accents("Électricité") == "electricite"
    assert fold_accents("cœur") == "coeur"
    assert fold_accents("ÇA") == "ca"


def test_stems_join_inflections_and_accents() -> None:
    assert stem("cantines") == stem("cantine")
    assert stem("écoles") == stem("ecole") == stem("École")
    assert stem("agriculteurs") == stem("agriculteur")


def test_elisions_and_stop_words() -> None:
    words = [t.folded for t in tokenize("L'école d’été, c'est pour qu'on s'amuse !")]
    assert words[:4] == ["l", "ecole", "d", "ete"]
    stems = content_stems("Nous proposons que la cantine de l'école soit bio")
    assert stem("cantine") in stems
    assert stem("école") in stems
    assert "nous" not in stems
    assert all(w == fold_accents(w) for w in FRENCH_STOP_WORDS)


def test_tokens_point_into_the_text() -> None:
    text = "Des vélos à la gare"
    for t in tokenize(text):
        assert text[t.start : t.end] == t.surface


def test_clean_text() -> None:
    assert clean_text("  a\u200f b\u202e\x00c\n\n ") == "a b c"
    assert clean_text("e\u0301cole") == "école"  # NFD -> NFC
    assert clean_text("\ud800x") == "?x"  # lone surrogate cannot reach UTF-8 encoders
    assert len(clean_text("a" * (3 * MAX_CHARS))) == MAX_CHARS


def test_tfidf_scores_are_cosines_of_stemmed_words() -> None:
    docs = [
        Document("a", "Cantine bio pour les écoles"),
        Document("b", "Les cantines BIO des ecoles"),
        Document("c", "Des vélos à la gare"),
    ]
    index = TfidfBackend().build(docs)
    m = index.scores(["a", "b", "c"])
    assert m[0, 1] == pytest.approx(1.0, abs=1e-6)  # same stems once folded
    assert m[0, 2] == 0.0
    # Words the corpus has never seen still lower the cosine.
    assert 0.0 < index.scores(["cantine bio ornithorynque"])[0, 0] < 1.0


HOSTILE = [
    "<script>alert('cantine')</script>",
    "🎉🚲🌻 vélo 🎉",
    "🎉🎉🎉",
    "\u200f\u202eمرحبا بالجميع\u202c",
    "\u200b\u200d\ufeff",
    "",
    "   \n\t ",
    "\x00\ud800\udfff",
    "Ａｒｔ ｅｔ ｃｕｌｔｕｒｅ",  # full-width letters
    "x" * 10_000,
    "proposition " * 900,  # about 10 kB of words
]


@pytest.mark.parametrize(
    "backend", [E5Backend(), TfidfBackend(), TrigramBackend()], ids=lambda b: b.name
)
def test_hostile_text_does_not_crash(backend: Backend) -> None:
    if not backend.available():
        pytest.skip("not installed")
    docs = [Document(f"h{i}", t, title=t[:50], group="g") for i, t in enumerate(HOSTILE)]
    docs.append(Document("ok", "Un vélo pour chaque élève", title="Vélos"))
    index = backend.build(docs)
    # By id, so E5 does not embed the 10 kB texts twice; free text is tried below.
    results = index.most_similar_many([d.id for d in docs], top=3)
    assert len(results) == len(docs)
    for matches in results:
        assert all(0.0 < m.score <= 1.0 for m in matches)
    # Texts without any word match nothing, not each other.
    for empty in ["", "🎉🎉🎉", "\u200b\u200d\ufeff", "\x00\ud800"]:
        assert index.most_similar(empty, top=5) == []
    assert index.most_similar("<script>alert('vélo')</script>", top=1)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_text_functions_accept_any_string(text: str) -> None:
    cleaned = clean_text(text)
    assert len(cleaned) <= MAX_CHARS
    cleaned.encode("utf-8")
    for t in tokenize(cleaned):
        assert cleaned[t.start : t.end] == t.surface
    assert all(len(g) == 3 for g in pg_trgm_trigrams(cleaned))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=6), st.text(max_size=80))
def test_lexical_indexes_accept_any_strings(texts: list[str], query: str) -> None:
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    for backend in (TfidfBackend(), TrigramBackend()):
        index = backend.build(docs)
        for m in index.most_similar(query, top=3):
            assert 0.0 < m.score <= 1.0
