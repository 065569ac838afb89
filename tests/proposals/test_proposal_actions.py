import pytest

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.live.events import events_after
from rebours.proposals.actions import (
    ProposalConflict,
    ProposalInvalid,
    do_create_proposal,
    do_merge_into,
    do_restore_version,
    do_update_proposal,
)
from rebours.proposals.models import Proposal, VersionKind
from rebours.workshops.models import Person, Theme
from tests.support.hostile import hostile, hostile_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme():
    do_import_workshop(Package(document=hostile_document()), actor=None)
    return Theme.objects.get(key="t-1")


@pytest.fixture
def people(theme):
    return {
        "ana": Person.objects.get(workshop=theme.workshop, key="ana"),
        "bo": Person.objects.get(workshop=theme.workshop, key="bo-2"),
    }


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_user("orga", password="x", is_staff=True)


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
    payload = events_after(f"proposal:{proposal.pk}", 0)[0]["payload"]
    assert (payload["version"], payload["fields"]) == (2, ["pathway", "summary"])
    assert payload["values"]["summary"] == hostile("résumé")


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


# --------------------------------------------------------------------- concurrent saves


def test_a_stale_save_of_another_field_is_merged_not_refused(theme):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    do_update_proposal(proposal, {"summary": hostile("Ana")}, base_version=1, actor=None)
    # Bo started from version 1 too, and wrote another field: nothing to fight over.
    merged = do_update_proposal(
        proposal, {"description": hostile("Bo")}, base_version=1, actor=None
    )
    assert merged.version == 3
    assert (merged.summary, merged.description) == (hostile("Ana"), hostile("Bo"))
    assert merged.versions.get(number=3).kind == VersionKind.MERGED


def test_a_conflict_carries_both_versions_and_who_wrote_theirs(theme, people):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    do_update_proposal(
        proposal,
        {"summary": "theirs", "title": "T"},
        base_version=1,
        actor=None,
        person=people["ana"],
    )
    with pytest.raises(ProposalConflict) as caught:
        do_update_proposal(
            proposal, {"summary": "mine", "obstacles": ["loi"]}, base_version=1, actor=None
        )
    conflict = caught.value
    assert conflict.fields == ["summary"]
    assert conflict.base["summary"] == "" and conflict.current["summary"] == "theirs"
    assert conflict.mine["summary"] == "mine"
    assert conflict.merged == {"obstacles": ["loi"]}  # waits for the resolution
    assert conflict.authors == {"summary": people["ana"].display_name}
    proposal.refresh_from_db()
    assert proposal.obstacles == []  # all or nothing


def test_an_imported_proposal_gets_its_baseline_before_its_first_edit(theme):
    imported = Proposal.objects.get(key="p-1")
    assert not imported.versions.exists()
    do_update_proposal(imported, {"summary": "nouveau"}, base_version=1, actor=None)
    # A save started from the imported version 1 can still be merged afterwards.
    merged = do_update_proposal(imported, {"title": "Autre titre"}, base_version=1, actor=None)
    assert merged.version == 3
    assert [v.kind for v in merged.versions.order_by("number")] == [
        VersionKind.BASELINE,
        VersionKind.EDIT,
        VersionKind.MERGED,
    ]


def test_a_save_from_a_version_that_never_was_is_refused(theme):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    for version in (0, 7):
        with pytest.raises(ProposalInvalid) as caught:
            do_update_proposal(proposal, {"summary": "x"}, base_version=version, actor=None)
        assert caught.value.field == "version"


def test_a_save_that_changes_nothing_makes_no_version(theme):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    same = do_update_proposal(proposal, {"title": "Cantine"}, base_version=1, actor=None)
    assert same.version == 1
    assert events_after(f"proposal:{proposal.pk}", 0) == []


def test_history_says_who_changed_which_fields(theme, people, organiser):
    proposal = do_create_proposal(theme, actor=None, title="Cantine", person=people["ana"])
    do_update_proposal(
        proposal, {"summary": "s", "kind": "place"}, base_version=1, actor=None, person=people["bo"]
    )
    do_update_proposal(proposal, {"title": "Cantine REAL"}, base_version=2, actor=organiser)
    rows = list(proposal.versions.order_by("number"))
    assert [(r.number, r.author_name, r.fields) for r in rows] == [
        (1, people["ana"].display_name, ["title"]),
        (2, people["bo"].display_name, ["kind", "summary"]),
        (3, "orga", ["title"]),
    ]
    assert rows[1].snapshot["summary"] == "s"


def test_restoring_an_old_version_makes_a_new_one(theme, organiser):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    do_update_proposal(proposal, {"summary": "première"}, base_version=1, actor=None)
    do_update_proposal(
        proposal, {"summary": "seconde", "title": "Autre"}, base_version=2, actor=None
    )
    restored = do_restore_version(proposal, 2, actor=organiser)
    assert restored.version == 4
    assert (restored.title, restored.summary) == ("Cantine", "première")
    row = restored.versions.get(number=4)
    assert (row.kind, row.restored_from, row.fields) == (
        VersionKind.RESTORED,
        2,
        ["summary", "title"],
    )
    assert restored.versions.count() == 4  # nothing lost


# --------------------------------------------------------------------- limits and text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": "x" * 10_001}, "summary"),
        ({"objectives": ["x"] * 31}, "objectives"),
        ({"objectives": ["x" * 1001]}, "objectives"),
        ({"roles": [{"actor": "a" * 301, "does": "b"}]}, "roles"),
        ({"roles": [{"actor": "a", "does": "b", "secret": 1}]}, "roles"),
        ({"pathway": [{"year": 2020, "milestone": "avant le jour"}]}, "pathway"),
        ({"pathway": [{"year": "2030", "milestone": "texte"}]}, "pathway"),
        ({"pathway": [{"year": True, "milestone": "texte"}]}, "pathway"),
        ({"pathway": [{"year": 2030, "milestone": "  "}]}, "pathway"),
        ({"kind": None}, "kind"),
    ],
)
def test_fields_over_their_limits_are_refused(theme, changes, field):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    with pytest.raises(ProposalInvalid) as caught:
        do_update_proposal(proposal, changes, base_version=1, actor=None)
    assert caught.value.field == field
    assert Proposal.objects.get(pk=proposal.pk).version == 1


def test_hostile_text_is_kept_as_written_in_every_field(theme):
    proposal = do_create_proposal(theme, actor=None, title=hostile("titre")[:300])
    text = hostile("texte", "\nligne deux\n\nparagraphe")
    changes = {
        "summary": text,
        "description": text,
        "how_it_works": text,
        "objectives": [hostile("objectif")],
        "obstacles": [hostile("obstacle")],
        "roles": [{"actor": hostile("acteur")[:300], "does": hostile("rôle")}],
        "pathway": [{"year": 2040, "milestone": hostile("jalon")}],
    }
    updated = do_update_proposal(proposal, changes, base_version=1, actor=None)
    for name, value in changes.items():
        assert getattr(updated, name) == value


def test_the_pathway_is_stored_from_the_horizon_back(theme):
    proposal = do_create_proposal(theme, actor=None, title="Cantine")
    steps = [{"year": y, "milestone": f"étape {y}"} for y in (2027, 2050, 2031)]
    updated = do_update_proposal(proposal, {"pathway": steps}, base_version=1, actor=None)
    assert [m["year"] for m in updated.pathway] == [2050, 2031, 2027]


def test_a_merged_proposal_is_no_longer_edited(theme):
    kept = do_create_proposal(theme, actor=None, title="Cantine", fields={"objectives": ["a"]})
    other = do_create_proposal(theme, actor=None, title="Cantine bis", fields={"objectives": ["b"]})
    do_merge_into(other, kept, actor=None)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert kept.objectives == ["a", "b"]
    assert other.merged_into == kept
    assert [v.kind for v in other.versions.order_by("number")][-1] == VersionKind.DUPLICATE
    with pytest.raises(ProposalInvalid):
        do_update_proposal(other, {"summary": "x"}, base_version=other.version, actor=None)
