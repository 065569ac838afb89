"""The merit-profile SVG builder, as a plain library: no Django, no database."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebours.selection.merit_profile import (
    RAMP,
    WIDTH,
    _luminance,
    grade_colours,
    merit_profile_svg,
    text_colour_on,
)
from tests.support.hostile import EMOJI, RTL, SCRIPT, hostile

SVG = "{http://www.w3.org/2000/svg}"
GRADES = ["À rejeter", "Passable", "Bien", "Très bien"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[list[ET.Element]]:
    """The coloured rects of each row, left to right."""
    return [
        [r for r in g.iter(f"{SVG}rect") if r.get("fill") in RAMP]
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "merit-profile__row"
    ]


def test_accessible_name_description_and_a_title_per_row():
    svg = merit_profile_svg(
        [("Cantine", [1, 3, 6, 2]), ("Zones", [4, 4, 2, 2])],
        GRADES,
        title="Profils de mérite",
        description="Deux propositions.",
        id_prefix="m1",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{SVG}title").text == "Profils de mérite"
    assert root.find(f"{SVG}desc").text == "Deux propositions."
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "merit-profile__row"]
    assert rows[0].find(f"{SVG}title").text == (
        "Cantine — À rejeter: 1 (8 %); Passable: 3 (25 %); Bien: 6 (50 %); Très bien: 2 (17 %)"
    )
    assert "style" not in svg


def test_segments_are_proportional_worst_first_and_fill_the_bar():
    root = parse(merit_profile_svg([("A", [1, 0, 2, 1])], GRADES, title="t"))
    (row,) = bars(root)
    colours = grade_colours(4)
    assert [r.get("fill") for r in row] == [colours[0], colours[2], colours[3]]
    widths = [float(r.get("width")) for r in row]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.1)
    assert sum(widths) == pytest.approx(WIDTH - 250 - 12 - 2, abs=0.3)
    xs = [float(r.get("x")) for r in row]
    assert xs == sorted(xs)


def test_the_median_line_sits_at_half_the_bar():
    root = parse(merit_profile_svg([("A", [1, 1, 1, 1])], GRADES, title="t"))
    (row,) = bars(root)
    left = float(row[0].get("x"))
    right = float(row[-1].get("x")) + float(row[-1].get("width"))
    lines = [ln for ln in root.iter(f"{SVG}line")]
    assert lines
    for line in lines:
        assert float(line.get("x1")) == pytest.approx((left + right) / 2, abs=0.1)


def test_hostile_labels_are_escaped_and_the_result_is_well_formed():
    label = hostile("label")
    svg = merit_profile_svg(
        [(label, [1, 1, 1, 1]), (SCRIPT, [0, 0, 0, 0])],
        [SCRIPT, RTL, EMOJI, "a & b"],
        title=SCRIPT,
        description=SCRIPT,
        id_prefix='x" onload="alert(1)',
        notes=[SCRIPT, ""],
    )
    assert "<script>" not in svg
    assert "onload=" not in svg.replace("onload=&quot;", "")
    parse(svg)  # well-formed XML: every text went through escaping


def test_nobody_graded_draws_an_empty_bar():
    svg = merit_profile_svg([("A", [0, 0, 0, 0])], GRADES, title="t", empty_label="sans note")
    assert "sans note" in svg
    assert bars(parse(svg)) == [[]]


@pytest.mark.parametrize(
    ("rows", "grades", "kwargs"),
    [
        ([("A", [1, 2])], GRADES, {}),
        ([("A", [1, -1, 0, 0])], GRADES, {}),
        ([("A", [1, 1, 1, 1])], GRADES, {"labels": "right"}),
        ([("A", [1, 1, 1, 1])], GRADES, {"notes": ["x", "y"]}),
    ],
)
def test_bad_input_is_refused(rows, grades, kwargs):
    with pytest.raises(ValueError):
        merit_profile_svg(rows, grades, title="t", **kwargs)


def test_labels_above_for_narrow_screens_keep_the_font_size():
    svg = merit_profile_svg(
        [("Une proposition au titre assez long pour un téléphone", [1, 2, 3, 4])],
        GRADES,
        title="t",
        width=360,
        labels="above",
        notes=["Très bien"],
    )
    root = parse(svg)
    assert root.get("width") == "360"
    assert root.get("font-size") == "12"
    (row,) = bars(root)
    assert float(row[0].get("x")) == pytest.approx(1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Très bien" in texts
    assert any(t and t.startswith("Une proposition") for t in texts)


def test_notes_beside_the_bars():
    root = parse(merit_profile_svg([("A", [1, 1, 1, 1])], GRADES, title="t", notes=["Bien"]))
    (row,) = bars(root)
    right = float(row[-1].get("x")) + float(row[-1].get("width"))
    note = next(t for t in root.iter(f"{SVG}text") if t.text == "Bien" and t.get("font-weight"))
    assert float(note.get("x")) > right


@pytest.mark.parametrize("longest", ["Insufficient", "Excellent", "Fairly good", "Insuffisant"])
def test_the_longest_note_is_never_cut(longest):
    """The notes' column is as wide as the longest: that one fits whole, whatever its length."""
    svg = merit_profile_svg(
        [("A", [1, 1, 1, 1]), ("B", [0, 0, 1, 1])], GRADES, title="t", notes=[longest, "Bien"]
    )
    texts = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("font-weight")]
    assert longest in texts and "Bien" in texts


def test_colours_run_light_to_dark_and_text_contrasts():
    for count in range(1, len(RAMP) + 1):
        colours = grade_colours(count)
        assert len(colours) == count
        lightness = [_luminance(c) for c in colours]
        assert lightness == sorted(lightness, reverse=True)
    for colour in RAMP:
        ink = text_colour_on(colour)
        high, low = sorted([_luminance(colour), _luminance(ink)], reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5
    with pytest.raises(ValueError):
        grade_colours(len(RAMP) + 1)


@given(
    st.lists(
        st.tuples(st.text(max_size=40), st.lists(st.integers(0, 10**6), min_size=3, max_size=3)),
        max_size=8,
    ),
    st.sampled_from(["left", "above"]),
)
def test_any_rows_give_well_formed_svg_with_one_group_per_row(rows, labels):
    svg = merit_profile_svg(rows, ["a", "b", "c"], title="t", labels=labels, width=300)
    root = parse(svg)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "merit-profile__row"]
    assert len(groups) == len(rows)
    assert not re.search(r"\bnan\b|\binf\b", svg)
