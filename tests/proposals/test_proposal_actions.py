import pytest

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.live.events import events_after
from rebours.proposals.actions import (
    ProposalConflict,
    ProposalInvalid,
    do_create_proposal,
    do_update_proposal,
)
from rebours.workshops.models import Theme
from tests.support.hostile import hostile, hostile_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme():
    do_import_workshop(Package(document=hostile_document()), actor=None)
    return Theme.objects.get(key="t-1")


def test_create_gives_the_next_letter_and_a_free_key(theme):
    first = do_create_proposal(theme, actor=None, title=hostile("nouvelle"))
    second = do_create_proposal(theme, actor=None, title=hostile("nouvelle"))
    assert (first.letter, second.letter) == ("b", "c")
    assert first.key != second.key
    assert first.version == 1
    kinds = [e["kind"] for e in events_after(f"board:{theme.pk}", 0)]
    assert kinds == ["proposal.created", "proposal.created"]


def test_update_bumps_the_version_and_announces_it(theme):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    updated = do_update_proposal(
        proposal,
        {"summary": hostile("résumé"), "pathway": [{"year": 2030, "milestone": "Premier pas"}]},
        base_version=1,
        actor=None,
    )
    assert updated.version == 2
    assert updated.summary == hostile("résumé")
    assert events_after(f"proposal:{proposal.pk}", 0)[0]["payload"] == {
        "version": 2,
        "fields": ["pathway", "summary"],
    }


def test_a_stale_save_is_a_conflict_and_changes_nothing(theme):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    do_update_proposal(proposal, {"summary": "mine"}, base_version=1, actor=None)
    with pytest.raises(ProposalConflict) as caught:
        do_update_proposal(proposal, {"summary": "theirs"}, base_version=1, actor=None)
    assert caught.value.current["summary"] == "mine"
    assert caught.value.current["version"] == 2
    proposal.refresh_from_db()
    assert proposal.summary == "mine"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"kind": "castle"}, "kind"),
        ({"summary": 5}, "summary"),
        ({"pathway": [{"year": 2999, "milestone": "trop tard"}]}, "pathway"),
        ({"roles": [{"actor": "Région"}]}, "roles"),
        ({"objectives": "pas une liste"}, "objectives"),
        ({"secret": "x"}, "secret"),
        ({"description": "a\x00b"}, "description"),
    ],
)
def test_invalid_changes_are_refused(theme, changes, field):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    with pytest.raises(ProposalInvalid) as caught:
        do_update_proposal(proposal, changes, base_version=1, actor=None)
    assert caught.value.field == field
    proposal.refresh_from_db()
    assert proposal.version == 1
