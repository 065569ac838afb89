"""Validation alone (pure): the schema, then references and uniqueness, with the JSON path."""

import copy

import pytest

from rebours.exchange.errors import ExchangeError
from rebours.exchange.validation import parse_json, validate
from tests.support.hostile import hostile_document, minimal_document


def refused(document) -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        validate(document)
    return caught.value


def test_the_hostile_and_minimal_documents_are_valid():
    validate(hostile_document())
    validate(minimal_document())


def test_invalid_json_names_line_and_column():
    with pytest.raises(ExchangeError) as caught:
        parse_json('{"format": "rebours.workshop/1",\n "workshop": }')
    assert caught.value.path == "$"
    assert "line 2" in str(caught.value)


def test_non_utf8_bytes_are_refused():
    with pytest.raises(ExchangeError, match="not UTF-8"):
        parse_json('{"a": "é"}'.encode("latin-1"))


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("rebours.workshop/2", 'unknown version "rebours.workshop/2"'),
        ("something/1", "not a Rebours workshop document"),
        (None, "missing"),
    ],
)
def test_unknown_version(fmt, message):
    document = minimal_document()
    if fmt is None:
        del document["format"]
    else:
        document["format"] = fmt
    error = refused(document)
    assert error.path == "$.format"
    assert message in error.message


def test_unknown_key_is_refused_with_its_path():
    document = hostile_document()
    document["proposals"][1]["titel"] = "typo"
    error = refused(document)
    assert str(error) == '$.proposals[1]: unknown key "titel"'


def test_unknown_top_level_key():
    document = minimal_document()
    document["extra"] = 1
    assert str(refused(document)) == '$: unknown key "extra"'


def test_first_fault_in_document_order():
    document = hostile_document()
    document["themes"][1]["title"] = ""
    document["proposals"][0]["kind"] = "castle"
    error = refused(document)
    assert error.path == "$.proposals[0].kind"
    assert '"castle" is not one of' in error.message


def test_required_and_types():
    document = minimal_document()
    del document["workshop"]["title"]
    assert str(refused(document)) == "$.workshop: 'title' is required"
    document = minimal_document()
    document["workshop"]["horizon_year"] = "2040"
    assert refused(document).path == "$.workshop.horizon_year"


def test_dates_are_checked():
    document = minimal_document()
    document["workshop"]["held_on"] = "2009-02-30"
    assert refused(document).path == "$.workshop.held_on"


def test_note_longer_than_2000_characters():
    document = hostile_document()
    document["notes"][0]["text"] = "x" * 2001
    error = refused(document)
    assert error.path == "$.notes[0].text"
    assert "2000" in error.message


@pytest.mark.parametrize(
    "listing", ["people", "press_review", "agenda", "themes", "notes", "proposals"]
)
def test_duplicate_ids(listing):
    document = hostile_document()
    items = document[listing]
    items.append(copy.deepcopy(items[0]))
    error = refused(document)
    assert error.path == f"$.{listing}[{len(items) - 1}].id"
    assert f'duplicate id "{items[0]["id"]}"' in error.message
    assert f"$.{listing}[0]" in error.message


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: d["proposals"][1].update(theme="x"), "$.proposals[1].theme", 'no theme "x"'),
        (
            lambda d: d["themes"][0]["members"].append("ghost"),
            "$.themes[0].members[2]",
            'no person "ghost"',
        ),
        (
            lambda d: d["themes"][0].update(article="art-9"),
            "$.themes[0].article",
            'no article "art-9"',
        ),
        (
            lambda d: d["press_review"][1].update(theme="t-9"),
            "$.press_review[1].theme",
            'no theme "t-9"',
        ),
        (lambda d: d["notes"][1].update(session="s9"), "$.notes[1].session", 'no agenda item "s9"'),
        (lambda d: d["notes"][2].update(author="zed"), "$.notes[2].author", 'no person "zed"'),
        (
            lambda d: d["selection"]["ballots"][0].update(voter="zed"),
            "$.selection.ballots[0].voter",
            'no person "zed"',
        ),
        (
            lambda d: d["selection"]["ballots"][1]["grades"].update({"p-9": "Très bien"}),
            '$.selection.ballots[1].grades["p-9"]',
            'no proposal "p-9"',
        ),
        (
            lambda d: d["selection"]["favourites"][0].update(proposal="p-9"),
            "$.selection.favourites[0].proposal",
            'no proposal "p-9"',
        ),
    ],
)
def test_dangling_references(mutate, path, message):
    document = hostile_document()
    mutate(document)
    error = refused(document)
    assert error.path == path
    assert error.message == message


def test_ballot_grade_not_in_the_scale():
    document = hostile_document()
    document["selection"]["ballots"][1]["grades"]["p-2"] = "Parfait"
    error = refused(document)
    assert error.path == '$.selection.ballots[1].grades["p-2"]'
    assert '"Parfait" is not in the scale' in error.message


def test_second_ballot_of_one_voter():
    document = hostile_document()
    document["selection"]["ballots"].append({"voter": "bo-2", "grades": {}})
    error = refused(document)
    assert error.path == "$.selection.ballots[2].voter"
    assert "one ballot per voter" in error.message


def test_repeated_favourite():
    document = hostile_document()
    document["selection"]["favourites"].append({"by": "bo-2", "proposal": "p-1"})
    assert refused(document).path == "$.selection.favourites[1]"


@pytest.mark.parametrize(("text", "message"), [("a\x00b", "NUL"), ("a\ud800b", "lone surrogate")])
def test_text_the_databases_cannot_store(text, message):
    document = hostile_document()
    document["notes"][2]["text"] = text
    error = refused(document)
    assert error.path == "$.notes[2].text"
    assert message in error.message


def test_image_path_must_stay_in_media():
    document = hostile_document()
    document["proposals"][0]["image"]["path"] = "media/../../etc/passwd"
    assert refused(document).path == "$.proposals[0].image.path"
