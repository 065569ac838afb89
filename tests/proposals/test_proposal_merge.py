"""The pure three-way merge behind concurrent editing, and the readable diffs."""

from hypothesis import given
from hypothesis import strategies as st

from rebours.proposals.merge import as_lines, three_way, union, word_diff
from tests.support.hostile import hostile

BASE = {"title": "Cantine", "summary": "base", "objectives": ["a", "b"]}


def test_a_field_only_i_changed_is_applied():
    current = {**BASE, "title": "Cantine REAL"}  # they changed the title
    merge = three_way(BASE, current, {"summary": hostile("mine")})
    assert merge.apply == {"summary": hostile("mine")}
    assert merge.conflicts == []


def test_a_field_both_changed_differently_is_a_conflict():
    current = {**BASE, "summary": "theirs"}
    merge = three_way(BASE, current, {"summary": "mine", "title": "Cantine 2"})
    assert merge.conflicts == ["summary"]
    assert merge.apply == {"title": "Cantine 2"}


def test_the_same_change_on_both_sides_is_no_conflict():
    current = {**BASE, "summary": "same words"}
    assert three_way(BASE, current, {"summary": "same words"}).apply == {}
    assert three_way(BASE, current, {"summary": "same words"}).conflicts == []


def test_a_field_i_sent_unchanged_keeps_theirs():
    current = {**BASE, "objectives": ["a", "b", "c"]}
    merge = three_way(BASE, current, {"objectives": ["a", "b"]})
    assert merge.apply == {} and merge.conflicts == []


def test_without_the_base_every_real_change_is_a_conflict():
    merge = three_way(None, BASE, {"summary": "mine", "title": "Cantine"})
    assert merge.conflicts == ["summary"]
    assert merge.apply == {}


@given(
    base=st.text(max_size=20),
    theirs=st.text(max_size=20),
    mine=st.text(max_size=20),
)
def test_no_word_is_ever_lost_silently(base, theirs, mine):
    merge = three_way({"f": base}, {"f": theirs}, {"f": mine})
    result = merge.apply.get("f", theirs)
    if "f" in merge.conflicts:
        return  # a person decides
    # Whatever is written, neither side's change disappears without a conflict.
    if mine != base:
        assert result == mine
    if theirs != base:
        assert result == theirs


def test_union_keeps_their_order_then_adds_mine():
    assert union(["b", "a"], ["a", "c", "b", "d"]) == ["b", "a", "c", "d"]
    rows = [{"actor": "Région", "does": "paie"}]
    assert union(rows, [*rows, {"actor": "AMAP", "does": "livre"}])[1]["actor"] == "AMAP"


def test_word_diff_marks_removed_and_added_words():
    segments = word_diff("une cantine bio locale", "une cantine locale et solidaire")
    removed = "".join(text for op, text in segments if op == "-")
    added = "".join(text for op, text in segments if op == "+")
    assert "bio" in removed
    assert "solidaire" in added
    assert "".join(text for op, text in segments if op != "-") == "une cantine locale et solidaire"


def test_lines_read_like_the_template():
    assert as_lines("roles", [{"actor": "Région", "does": "paie"}]) == ["Région → paie"]
    pathway = [{"year": 2030, "milestone": "début"}, {"year": 2050, "milestone": "fin"}]
    assert as_lines("pathway", pathway) == ["2050 — fin", "2030 — début"]
    assert as_lines("summary", "a\nb") == ["a", "b"]
    assert as_lines("summary", "") == []
