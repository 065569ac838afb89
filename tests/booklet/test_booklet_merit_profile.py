"""The merit-profile chart: a pure SVG builder, tested as a plain library."""

import re
import xml.etree.ElementTree as ET

import pytest

from rebours.selection.merit_profile import RAMP, grade_colours, merit_profile_svg, text_colour_on
from tests.support.hostile import SCRIPT, hostile

GRADES = ["To reject", "Fair", "Good", "Very good"]
NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if the markup is not well-formed


def test_one_bar_per_proposal_stacked_worst_to_best():
    svg = merit_profile_svg([("A", [1, 1, 2, 0]), ("B", [0, 0, 0, 4])], GRADES, title="Profiles")
    root = parse(svg)
    rows = root.findall(f"{NS}g[@class='merit-profile__row']")
    assert len(rows) == 2
    colours = grade_colours(len(GRADES))
    first = [r.get("fill") for r in rows[0].findall(f"{NS}rect")]
    assert first == [colours[0], colours[1], colours[2]]  # the empty "very good" is not drawn
    widths = [float(r.get("width")) for r in rows[0].findall(f"{NS}rect")]
    assert widths[2] == pytest.approx(widths[0] * 2)
    assert [r.get("fill") for r in rows[1].findall(f"{NS}rect")] == [colours[3]]


def test_accessible_name_description_and_median_line():
    svg = merit_profile_svg([("A", [1, 2, 3, 4])], GRADES, title="Profiles", id_prefix="m1")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{NS}title").text == "Profiles"
    assert "Very good" in root.find(f"{NS}desc").text
    line = root.find(f"{NS}g[@class='merit-profile__median']/{NS}line")
    bars = root.findall(f"{NS}g[@class='merit-profile__row']/{NS}rect")
    left = float(bars[0].get("x"))
    right = float(bars[-1].get("x")) + float(bars[-1].get("width"))
    assert float(line.get("x1")) == pytest.approx((left + right) / 2, abs=0.1)
    # Each bar says its exact counts to whoever hovers or reads it.
    assert "Good: 3 (30 %)" in root.find(f"{NS}g[@class='merit-profile__row']/{NS}title").text


def test_every_label_is_escaped():
    label = hostile("proposal")
    svg = merit_profile_svg(
        [(label, [1, 0, 0, 1])], [SCRIPT, "b", "c", "<d>"], title=SCRIPT, id_prefix='x" onload="1'
    )
    assert "<script>" not in svg
    assert "onerror=" not in svg.replace("onerror=&quot;", "")
    assert 'onload="1' not in svg
    root = parse(svg)
    assert root.find(f"{NS}title").text == SCRIPT  # escaped in the markup, intact as text


def test_nobody_graded_and_bad_tallies():
    root = parse(merit_profile_svg([("A", [0, 0, 0, 0])], GRADES, title="t", empty_label="none"))
    assert any(t.text == "none" for t in root.iter(f"{NS}text"))
    with pytest.raises(ValueError, match="4 grades"):
        merit_profile_svg([("A", [1, 2])], GRADES, title="t")
    with pytest.raises(ValueError, match="negative"):
        merit_profile_svg([("A", [1, -1, 0, 0])], GRADES, title="t")


def test_palette_is_sequential_and_text_stays_readable():
    assert grade_colours(len(RAMP)) == list(RAMP)
    colours = grade_colours(7)
    assert len(set(colours)) == 7
    assert colours[0] == RAMP[0] and colours[-1] == RAMP[-1]
    assert text_colour_on(RAMP[0]) != "#ffffff"  # dark text on the palest grade
    assert text_colour_on(RAMP[-1]) == "#ffffff"
    with pytest.raises(ValueError):
        grade_colours(len(RAMP) + 1)


def test_long_labels_are_cut_to_fit():
    svg = merit_profile_svg([("word " * 80, [1, 1, 1, 1])], GRADES, title="t")
    label = next(t.text for t in parse(svg).iter(f"{NS}text") if t.text and "word" in t.text)
    assert label.endswith("…") and len(label) < 60
    assert not re.search(r"<svg[^>]*style=", svg)  # attributes only: it must pass the CSP
