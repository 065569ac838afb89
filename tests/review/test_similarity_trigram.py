"""The trigram backend gives pg_trgm's numbers, worked out here by hand."""

from __future__ import annotations

import pytest

from rebours.review.similarity import DECIDIM_THRESHOLD, Document, TrigramBackend
from rebours.review.similarity.text import pg_trgm_similarity, pg_trgm_trigrams


def test_trigrams_of_a_word_are_padded_like_pg_trgm() -> None:
    # Two spaces before each word, one after, as in PostgreSQL's documentation.
    assert pg_trgm_trigrams("cat") == {"  c", " ca", "cat", "at "}
    # Non-alphanumerics separate words and are dropped.
    assert pg_trgm_trigrams("foo|bar") == {"  f", " fo", "foo", "oo ", "  b", " ba", "bar", "ar "}
    assert pg_trgm_trigrams("Cat") == pg_trgm_trigrams("cat")
    assert pg_trgm_trigrams("") == set()
    assert pg_trgm_trigrams("!!! ...") == set()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # word: {"  w"," wo","wor","ord","rd "}; two words: 10 trigrams, 4 shared -> 4/11
        # (the value PostgreSQL's documentation gives).
        ("word", "two words", 4 / 11),
        # cat: 4 trigrams; cats: 5; shared "  c"," ca","cat" -> 3 / (4 + 5 - 3)
        ("cat", "cats", 0.5),
        # Sets, not bags: "aaaa" repeats "aaa" and has the same 4 trigrams as "aaa".
        ("aaa", "aaaa", 1.0),
        # Accents are kept: école/ecole share "col","ole","le " of 6 each -> 3/9.
        ("école", "ecole", 1 / 3),
        ("Cantine", "cantine", 1.0),
        ("", "cantine", 0.0),
        ("cantine", "vélo", 0.0),
    ],
)
def test_similarity_matches_hand_computed_values(a: str, b: str, expected: float) -> None:
    assert pg_trgm_similarity(a, b) == pytest.approx(expected)
    assert pg_trgm_similarity(b, a) == pytest.approx(expected)


def test_index_scores_equal_the_reference_function() -> None:
    texts = [
        "Cantine bio dans les lycées",
        "Cours de cuisine dans les lycées",
        "Panneaux solaires sur les parkings",
        "word",
        "two words",
        "",
    ]
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    index = TrigramBackend(per_field=False).build(docs)
    matrix = index.scores(texts)
    for i, a in enumerate(texts):
        for j, b in enumerate(texts):
            assert matrix[i, j] == pytest.approx(pg_trgm_similarity(a, b), abs=1e-6)


def test_per_field_is_the_greatest_of_title_and_body_like_decidim() -> None:
    docs = [
        Document("a", title="Vélo-école", text="Apprendre à rouler aux adultes."),
        Document("b", title="Une vélo-école", text="Des cours de cuisine pour tous."),
    ]
    index = TrigramBackend().build(docs)
    query = docs[0]
    expected = max(
        pg_trgm_similarity(query.title, docs[1].title),
        pg_trgm_similarity(query.text, docs[1].text),
    )
    assert index.scores([query])[0, 1] == pytest.approx(expected, abs=1e-6)
    assert expected >= DECIDIM_THRESHOLD
    assert [m.id for m in index.most_similar("a", min_score=index.threshold)] == ["b"]


def test_free_text_is_compared_with_titles_and_bodies() -> None:
    docs = [Document("a", title="Navette des hameaux", text="Un minibus sur réservation.")]
    index = TrigramBackend().build(docs)
    assert index.scores(["navette des hameaux"])[0, 0] == pytest.approx(1.0)
    assert index.scores(["un minibus sur réservation"])[0, 0] == pytest.approx(1.0)


def test_decidim_threshold_is_its_default() -> None:
    assert TrigramBackend().threshold == DECIDIM_THRESHOLD == 0.25
