"""Triage, "Notre avis", the audit, the rework round trip, duplicates."""

import pytest
from django.urls import reverse

from rebours.live.events import events_after
from rebours.proposals.actions import do_create_proposal, do_update_proposal
from rebours.proposals.models import Proposal, VersionKind
from rebours.review.actions import (
    ReviewInvalid,
    do_mark_duplicate,
    do_merge_duplicate,
    do_review_proposal,
    do_set_theme_opinion,
)
from rebours.review.models import Review, TriageChange
from rebours.workshops.models import Theme
from tests.support.hostile import hostile

pytestmark = pytest.mark.django_db


def test_triage_is_audited_with_who_and_when(proposal, organiser):
    do_review_proposal(proposal, actor=organiser, opinion=hostile("avis"), triage="programme")
    do_review_proposal(proposal, actor=organiser, opinion=hostile("avis"), triage="programme")
    do_review_proposal(proposal, actor=organiser, opinion="", triage="not_original")
    review = Review.objects.get(proposal=proposal)
    assert (review.triage, review.reviewer) == ("not_original", organiser)
    assert review.reviewed_at is not None
    changes = list(TriageChange.objects.filter(proposal=proposal).order_by("at", "id"))
    # The imported review said "rework"; each real change is kept, a repeat is not.
    assert [(c.previous, c.triage, c.by_name) for c in changes] == [
        ("rework", "programme", "orga"),
        ("programme", "not_original", "orga"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"triage": "maybe"}, "triage"),
        ({"triage": "rework", "comment": "  "}, "comment"),
        ({"triage": "", "opinion": "x" * 10_001}, "opinion"),
        ({"triage": "", "opinion": "a\x00b"}, "opinion"),
    ],
)
def test_bad_reviews_are_refused(proposal, organiser, kwargs, field):
    before = Review.objects.get(proposal=proposal).triage
    with pytest.raises(ReviewInvalid) as caught:
        do_review_proposal(proposal, actor=organiser, **{"opinion": "", **kwargs})
    assert caught.value.field == field
    assert Review.objects.get(proposal=proposal).triage == before


def test_rework_round_trip(workshop, organiser, organiser_client, member_client):
    """Sent back with a comment, seen by the group in its editor, reworked, then programmed."""
    theme = Theme.objects.get(workshop=workshop, key="t-1")
    proposal = do_create_proposal(theme, actor=None, title=hostile("Cantine")[:300])
    edit = reverse("proposals:edit", args=["hostile", proposal.key])
    review_url = reverse("review:proposal", args=["hostile", proposal.key])
    response = organiser_client.post(
        review_url,
        {"opinion": hostile("avis"), "triage": "rework", "comment": "Précisez qui finance."},
    )
    assert response.status_code == 302
    stream = events_after(f"proposal:{proposal.pk}", 0)
    assert stream[-1]["kind"] == "proposal.reviewed"
    assert stream[-1]["payload"] == {"triage": "rework", "comment": "Précisez qui finance."}
    page = member_client.get(edit).content.decode()
    assert "Précisez qui finance." in page
    proposal.refresh_from_db()
    do_update_proposal(
        proposal,
        {"roles": [{"actor": "Région", "does": "finance le réseau"}]},
        base_version=proposal.version,
        actor=None,
    )
    organiser_client.post(
        review_url, {"opinion": hostile("avis"), "triage": "programme", "comment": ""}
    )
    assert "Précisez qui finance." not in member_client.get(edit).content.decode()
    catalogue = organiser_client.get(
        reverse("proposals:catalogue", args=["hostile"]) + "?triage=programme"
    )
    assert f'href="/w/hostile/proposals/{proposal.key}/"' in catalogue.content.decode()
    triages = list(TriageChange.objects.filter(proposal=proposal).values_list("triage", flat=True))
    assert triages == ["programme", "rework"]  # newest first


def test_the_theme_opinion_is_written_by_organisers(
    workshop, organiser, organiser_client, member_client
):
    theme = Theme.objects.get(workshop=workshop, key="t-2")
    url = reverse("review:theme", args=["hostile", "t-2"])
    assert member_client.post(url, {"opinion": "moi"}).status_code in (302, 403)
    assert Theme.objects.get(pk=theme.pk).opinion == ""
    assert organiser_client.post(url, {"opinion": hostile("thème")}).status_code == 302
    assert Theme.objects.get(pk=theme.pk).opinion == hostile("thème")
    do_set_theme_opinion(theme, actor=organiser, opinion="")
    assert Theme.objects.get(pk=theme.pk).opinion == ""


def test_merging_duplicates_keeps_both_histories(workshop, organiser):
    theme = Theme.objects.get(workshop=workshop, key="t-1")
    kept = do_create_proposal(
        theme, actor=None, title="Cantine", fields={"objectives": ["manger local"], "summary": ""}
    )
    other = do_create_proposal(
        theme,
        actor=None,
        title="Cantine bis",
        fields={"objectives": ["manger local", "moins de déchets"], "summary": "résumé"},
    )
    do_update_proposal(other, {"description": "écrit avant"}, base_version=1, actor=None)
    duplicate = do_mark_duplicate(kept, other, actor=organiser)
    assert do_mark_duplicate(kept, other, actor=organiser) == duplicate  # marking twice is once
    merged = do_merge_duplicate(duplicate, actor=organiser)
    assert merged.objectives == ["manger local", "moins de déchets"]
    assert merged.summary == "résumé"  # it had none: it takes the duplicate's
    other.refresh_from_db()
    assert other.merged_into == merged
    assert [v.number for v in other.versions.order_by("number")] == [1, 2, 3]
    assert merged.versions.order_by("number").last().kind == VersionKind.DUPLICATE
    assert merged.versions.order_by("number").last().note == "Cantine bis"
    with pytest.raises(ReviewInvalid):
        do_merge_duplicate(duplicate, actor=organiser)
    assert not Proposal.objects.filter(merged_into__isnull=True, pk=other.pk).exists()


def test_a_proposal_cannot_duplicate_itself_or_another_workshop(proposal, organiser):
    with pytest.raises(ReviewInvalid):
        do_mark_duplicate(proposal, proposal, actor=organiser)
