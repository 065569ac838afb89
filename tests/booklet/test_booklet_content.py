"""What the booklet says: gathered once, the same for the page, the file and the PDF."""

import pytest

from rebours.booklet.content import ImageMode, gather
from rebours.workshops.models import Person
from tests.booklet.conftest import import_document
from tests.support.booklet_docs import generated_document

pytestmark = pytest.mark.django_db


def test_chapters_follow_the_themes_with_their_proposals(generated):
    booklet = gather(generated, "fr")
    assert [c.title for c in booklet.chapters] == ["Thème 1", "Thème 2"]
    assert [p.label for p in booklet.chapters[0].proposals] == [
        "a / Proposition 1a : un lieu pour tous",
        "b / Proposition 1b : un lieu pour tous",
    ]
    assert booklet.figures.proposals == 4 and booklet.hours_text == "7"
    anchors = [entry.anchor for entry in booklet.toc]
    assert anchors[:2] == ["introduction", "theme-theme-0"]
    assert {"selection", "method", "lessons", "contacts"} <= set(anchors)


def test_people_are_credited_by_role_unless_they_agreed(generated):
    credits = {c.role: c.text for c in gather(generated, "en").chapters[0].credits}
    assert credits == {
        "Facilitation": "one facilitator",
        "Design": "one designer",
        "Participants": "2 participants",
    }
    Person.objects.filter(workshop=generated, key="p0").update(credit_by_name=True)
    Person.objects.filter(workshop=generated, key="p2").update(
        credit_by_name=True, organisation="Amap"
    )
    credits = {c.role: c.text for c in gather(generated, "en").chapters[0].credits}
    assert credits["Facilitation"] == "Personne 0"
    assert credits["Participants"] == "Personne 2 (Amap) and one other participant"
    french = {c.role: c.text for c in gather(generated, "fr").chapters[0].credits}
    assert french["Participants"] == "Personne 2 (Amap) et un·e autre participant·e"


def test_organisers_proposals_are_marked_and_announced(generated):
    proposals = [p for c in gather(generated, "fr").chapters for p in c.proposals]
    marked = [p for p in proposals if p.by_organisers]
    assert [p.key for p in marked] == ["prop-1-1"]
    assert marked[0].first_by_organisers


def test_pathway_reads_from_the_horizon_back_to_today(generated):
    pathway = gather(generated, "fr").chapters[0].proposals[0].pathway
    assert [m.year for m in pathway.marks] == [2040, 2030, 2027]
    assert [m.number for m in pathway.marks] == [1, 2, 3]
    xs = [m.x for m in pathway.marks]
    assert xs == sorted(xs) and xs[0] == pathway.horizon_x  # the horizon on the left
    assert (pathway.horizon, pathway.today) == (2040, 2026)


def test_selection_ranks_by_majority_judgment_and_keeps_favourites(generated):
    selection = gather(generated, "en").selection
    (ranking,) = selection.rankings
    assert ranking.college == "élus" and ranking.voters == 2
    assert [row.rank for row in ranking.rows] == sorted(row.rank for row in ranking.rows)
    assert all(sum(row.tally) == 2 for row in ranking.rows)
    assert 'role="img"' in ranking.chart
    (group,) = selection.favourites
    assert group.by == "Elected official 1"  # not named: no consent recorded
    assert group.picks[0].anchor == "proposal-prop-0-0"


def test_images_by_mode(generated):
    web = gather(generated, "fr", images=ImageMode.WEB).chapters[0].proposals[0].picture
    assert web.available and web.src.startswith("/media/proposals/generated/")
    assert (web.width, web.height) == (1600, 1000)
    inline = gather(generated, "fr", images=ImageMode.INLINE).chapters[0].proposals[0].picture
    assert inline.src.startswith("data:image/png;base64,")
    printed = gather(generated, "fr", images=ImageMode.PRINT).chapters[0].proposals[0].picture
    assert printed.src.startswith("rebours-media:proposals/generated/")


def test_small_images_are_flagged_for_print(tmp_path):
    document, media = generated_document("small", themes=1, per_theme=1)
    from tests.support.booklet_docs import poster_bytes

    media = {name: poster_bytes(0, width=400, height=250) for name in media}
    workshop = import_document(tmp_path, document, media)
    booklet = gather(workshop, "en", images=ImageMode.PRINT)
    assert any("400 pixels wide" in w for w in booklet.warnings)
