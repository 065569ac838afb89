"""The originality check on the labelled pairs, stored as proposals of two workshops."""

import json
from pathlib import Path

import pytest

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.proposals.actions import do_update_proposal
from rebours.proposals.models import Proposal
from rebours.review import originality
from rebours.review.actions import do_import_initiatives
from rebours.review.models import SimilarityVector
from rebours.review.originality import Checker
from rebours.review.similarity import E5Backend, TfidfBackend
from rebours.workshops.models import Workshop

PAIRS = json.loads((Path(__file__).parent / "labelled_pairs.json").read_text(encoding="utf-8"))[
    "pairs"
]
SAME = [p for p in PAIRS if p["label"] == "same"]

pytestmark = pytest.mark.django_db


def workshop_document(slug: str, side: str) -> dict:
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": slug, "title": f"Atelier {side}", "horizon_year": 2040},
        "themes": [{"id": "t", "title": "Tout"}],
        "proposals": [
            {
                "id": f"{p['id']}{side}",
                "theme": "t",
                "title": p[side]["title"],
                "summary": p[side]["text"],
            }
            for p in PAIRS
        ],
    }


@pytest.fixture
def two_workshops():
    originality.clear_cache()
    do_import_workshop(Package(document=workshop_document("atelier-a", "a")), actor=None)
    do_import_workshop(Package(document=workshop_document("atelier-b", "b")), actor=None)
    yield Workshop.objects.get(slug="atelier-a"), Workshop.objects.get(slug="atelier-b")
    originality.clear_cache()


def recall_at_5(checker: Checker) -> float:
    found = 0
    for pair in SAME:
        proposal = Proposal.objects.get(workshop__slug="atelier-a", key=f"{pair['id']}a")
        near = checker.similar_proposals(proposal, top=5, other_workshops=True)
        assert all(n.proposal.workshop.slug == "atelier-b" for n in near)
        found += any(n.proposal.key == f"{pair['id']}b" for n in near)
    return found / len(SAME)


@pytest.mark.slow
def test_e5_finds_the_same_project_told_otherwise_and_keeps_its_vectors(two_workshops):
    checker = Checker(E5Backend())
    assert checker.proposal_index.computed == 2 * len(PAIRS)
    assert recall_at_5(checker) >= 0.9  # measured: 0.975 (39 of 40)
    assert SimilarityVector.objects.filter(kind="proposal").count() == 2 * len(PAIRS)
    # A new page in another process: every vector comes from the database.
    originality.clear_cache()
    assert Checker(E5Backend()).proposal_index.computed == 0
    # One proposal edited: only its vector is computed again.
    edited = Proposal.objects.get(key="p01a")
    do_update_proposal(
        edited, {"summary": "Des menus faits avec les fermes du coin."}, base_version=1, actor=None
    )
    originality.clear_cache()
    again = Checker(E5Backend())
    assert again.proposal_index.computed == 1
    near = again.similar_proposals(Proposal.objects.get(key="p01a"), top=3, other_workshops=True)
    assert "p01b" in [n.proposal.key for n in near]


def test_every_neighbour_comes_with_a_reason(two_workshops):
    checker = Checker(TfidfBackend())
    proposal = Proposal.objects.get(key="p01a")
    near = checker.similar_proposals(proposal, top=5)
    assert near and all(0 < n.score <= 1 for n in near)
    assert [n.score for n in near] == sorted((n.score for n in near), reverse=True)
    assert proposal not in [n.proposal for n in near]
    assert all(n.shared_terms or n.passages for n in near)  # lexical: words in common, always


def test_initiatives_are_compared_too(two_workshops, django_user_model):
    workshop = two_workshops[0]
    csv = (
        "title,description,place\n"
        "Cantines en circuit court,"
        "Les écoles achètent leurs repas aux agriculteurs du département,Gers\n"
        "Atelier vélo,Réparer son vélo soi-même avec des bénévoles,Lyon\n"
    )
    do_import_initiatives(workshop, csv.encode(), actor=None)
    checker = Checker(TfidfBackend())
    near = checker.similar_initiatives(Proposal.objects.get(key="p01a"), top=2)
    assert near[0].initiative.title == "Cantines en circuit court"
    assert "agriculteurs" in near[0].shared_terms or near[0].passages


def test_a_page_does_not_wait_for_a_whole_corpus(two_workshops, settings):
    settings.REBOURS_SIMILARITY_BACKGROUND = False
    check = originality.originality_of(Proposal.objects.get(key="p01a"))
    # No vector stored yet: the page answers with shared words, at once.
    assert check.preparing and check.backend == "tfidf"
    assert check.proposals
