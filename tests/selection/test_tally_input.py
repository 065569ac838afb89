"""Reading tally documents and CSV ballots for the tally command, and its JSON output."""

import json

import pytest

from rebours.selection.majority import Rule, TallyError
from rebours.selection.tally_input import (
    TallyInput,
    load_ballots_csv,
    load_tally_document,
    parse_grades,
    rank_input,
    result_document,
)

SCRIPT = "<script>alert(1)</script>"
SEEDLING = "🌱 Forêt nourricière"
RTL = "\u200fשכונה ירוקה\u200f"
GRADES = ["à rejeter", "passable", "bien", "très bien 🌟"]


def document(**changes: object) -> str:
    base: dict[str, object] = {
        "grades": GRADES,
        "tallies": {SCRIPT: [1, 2, 3, 4], SEEDLING: [4, 3, 2, 1], RTL: [0, 5, 5, 0]},
        "participants": 10,
    }
    base.update(changes)
    return json.dumps({key: value for key, value in base.items() if value is not None})


# -- JSON tally documents ---------------------------------------------------------------


def test_load_tally_document_keeps_identifiers_and_order() -> None:
    data = load_tally_document(document())
    assert data == TallyInput(
        grades=tuple(GRADES),
        tallies={SCRIPT: (1, 2, 3, 4), SEEDLING: (4, 3, 2, 1), RTL: (0, 5, 5, 0)},
        participants=10,
    )
    assert list(data.tallies) == [SCRIPT, SEEDLING, RTL]


def test_load_tally_document_without_participants_and_with_a_bom() -> None:
    text = "\ufeff" + json.dumps({"grades": ["no", "yes"], "tallies": {"a": [1, 10**30]}})
    data = load_tally_document(text)
    assert data.participants is None
    assert data.tallies == {"a": (1, 10**30)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"grades": ["a"],\n "tallies": {"x": [1]},}', r"not valid JSON: .* \(line 2, column"),
        ("", "not valid JSON"),
        ("[1, 2]", "a tally document is a JSON object"),
        (document(participant=3), "unknown key 'participant'"),
        (document(grades=None), "missing key 'grades'"),
        (document(tallies=None), "missing key 'tallies'"),
        (document(grades="bad,good"), "'grades' is a list"),
        (document(grades=[]), "the grade scale is empty"),
        (document(grades=["a", "a", "b", "c"]), "grade 'a' appears twice"),
        (document(grades=["a", " ", "b", "c"]), "grade 2 has no name"),
        (document(grades=["a", 2, "b", "c"]), "grade 2 has no name"),
        (document(tallies=[]), "'tallies' maps each proposal"),
        (document(tallies={}), "'tallies' maps each proposal"),
        (document(tallies={" ": [1, 1, 1, 1]}), "a proposal identifier is empty"),
        (document(tallies={SCRIPT: [1, 2, 3]}), r"'<script>alert\(1\)</script>': has 3 grades"),
        (document(tallies={SEEDLING: [1, -2, 3, 4]}), "'🌱 Forêt nourricière': count for grade 1"),
        (document(tallies={"a": [1, 2.0, 3, 4]}), "'a': count for grade 1 is not an integer"),
        (document(tallies={"a": [1, True, 3, 4]}), "'a': count for grade 1 is not an integer"),
        (document(tallies={"a": "1,2,3,4"}), "'a': a tally is a list of counts"),
        (document(tallies={"a": {"0": 1}}), "'a': a tally is a list of counts"),
        (document(tallies={RTL: [0, 0, 0, 0]}), r"'\\u200f.*\\u200f': has no votes"),
        (document(participants=-1), "'participants' is a whole number"),
        (document(participants=2.5), "'participants' is a whole number"),
        (document(participants=True), "'participants' is a whole number"),
        (document(participants="10"), "'participants' is a whole number"),
        ('{"grades": ["a"], "tallies": {"x": [1], "x": [2]}}', "key 'x' appears twice"),
        ('{"grades": ["a"], "tallies": {"x": [NaN]}}', "NaN is not a count"),
        ('{"grades": ["a"], "tallies": {"x": [Infinity]}}', "Infinity is not a count"),
        ('{"grades": ["a"], "tallies": {"x": [' + "9" * 5000 + "]}}", "not valid JSON"),
        ("[" * 200_000 + "]" * 200_000, "not valid JSON"),
    ],
)
def test_bad_tally_documents_are_refused(text: str, message: str) -> None:
    with pytest.raises(TallyError, match=message):
        load_tally_document(text)


# -- CSV ballots ------------------------------------------------------------------------

BALLOTS = (
    "voter,proposal,grade\r\n"
    f"alice,{SCRIPT},bien\r\n"
    f'alice,"{SEEDLING}, with a comma",très bien 🌟\r\n'
    f"bob,{SCRIPT},à rejeter\r\n"
    "\r\n"
    f"{RTL},{SCRIPT},passable\r\n"
    ",,\r\n"
)


def test_load_ballots_csv_counts_grades_and_voters() -> None:
    data = load_ballots_csv(BALLOTS, GRADES)
    assert data.grades == tuple(GRADES)
    assert data.tallies == {SCRIPT: (1, 1, 1, 0), f"{SEEDLING}, with a comma": (0, 0, 0, 1)}
    assert data.participants == 3


def test_load_ballots_csv_accepts_any_column_order_case_and_extra_columns() -> None:
    text = "\ufeffGrade ; x, Proposal ,VOTER,when\nbien,p,v1,monday\nbien,p,v2,\n"
    # The first column is literally "Grade ; x", so "grade" is missing here...
    with pytest.raises(TallyError, match="line 1: column 'grade' is missing"):
        load_ballots_csv(text, GRADES)
    text = "\ufeffGrade, Proposal ,VOTER,when\nbien,p,v1,monday\nbien,p,v2,\n"
    data = load_ballots_csv(text, GRADES)
    assert data.tallies == {"p": (0, 0, 2, 0)}
    assert data.participants == 2


def test_quoted_newlines_and_whitespace() -> None:
    text = f'voter,proposal,grade\n"v\n1", {SCRIPT} , bien \n'
    assert load_ballots_csv(text, GRADES).tallies == {SCRIPT: (0, 0, 1, 0)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"line 1: the header line \(voter,proposal,grade\) is missing"),
        ("\n\n", "the header line"),
        ("voter,proposal,grade\n", "no ballots after the header line"),
        ("\n\nvoter,proposal\nv,p\n", "line 3: column 'grade' is missing"),
        ("voter,grade,proposal,Voter\n", "line 1: column 'voter' is repeated"),
        ("voter,proposal,grade\nv,p,bien\nv,p\n", "line 3: expected 3 fields, found 2"),
        ("voter,proposal,grade\nv,p,bien,extra\n", "line 2: expected 3 fields, found 4"),
        ("voter,proposal,grade\n ,p,bien\n", "line 2: the voter is empty"),
        ("voter,proposal,grade\nv, ,bien\n", "line 2: the proposal is empty"),
        (
            f"voter,proposal,grade\nv,{SCRIPT},excellent\n",
            r"line 2: grade 'excellent' is not on the scale \(à rejeter, passable, bien",
        ),
        ("voter,proposal,grade\nv,p,Bien\n", "line 2: grade 'Bien' is not on the scale"),
        (
            f"voter,proposal,grade\nv,{RTL},bien\nw,{RTL},bien\n\nv,{RTL},passable\n",
            r"line 5: voter 'v' already graded proposal '\\u200f.*' on line 2",
        ),
        ('voter,proposal,grade\nv,p,"bien"x\n', "line 2: ',' expected after '\"'"),
        ('voter,proposal,grade\nv,p,bien\nw,"p,bien\n', "line 3: unexpected end of data"),
        ("voter,proposal,grade\nv," + "x" * 200_000 + ",bien\n", "line 2: field larger"),
    ],
)
def test_bad_ballots_are_refused_with_the_line_number(text: str, message: str) -> None:
    with pytest.raises(TallyError, match=message):
        load_ballots_csv(text, GRADES)


@pytest.mark.parametrize(
    ("grades", "message"),
    [([], "the grade scale is empty"), (["a", "a"], "grade 'a' appears twice")],
)
def test_ballots_need_a_valid_scale(grades: list[str], message: str) -> None:
    with pytest.raises(TallyError, match=message):
        load_ballots_csv("voter,proposal,grade\nv,p,a\n", grades)


def test_parse_grades() -> None:
    assert parse_grades(" à rejeter, passable ,bien ") == ("à rejeter", "passable", "bien")
    with pytest.raises(TallyError, match="grade 2 has no name"):
        parse_grades("a,,b")
    with pytest.raises(TallyError, match="grade 1 has no name"):
        parse_grades("")
    with pytest.raises(TallyError, match="grade 'a' appears twice"):
        parse_grades("a,b,a")


# -- Ranking what was read, and the output document -------------------------------------


def test_csv_missing_votes_are_filled_up_to_the_number_of_voters() -> None:
    # Three voters; SEEDLING was graded by alice only, so it gets two "à rejeter".
    data = load_ballots_csv(BALLOTS.replace(", with a comma", ""), GRADES)
    results = rank_input(data)
    assert [(r.proposal, r.tally) for r in results] == [
        (SCRIPT, (1, 1, 1, 0)),
        (SEEDLING, (2, 0, 0, 1)),
    ]
    # Counting missing votes as "très bien 🌟" turns it round.
    results = rank_input(data, default_grade="très bien 🌟")
    assert [(r.proposal, r.tally) for r in results] == [
        (SEEDLING, (0, 0, 0, 3)),
        (SCRIPT, (1, 1, 1, 0)),
    ]
    # Normalised, SEEDLING has one vote, "très bien 🌟".
    assert rank_input(data, normalise=True)[0].proposal == SEEDLING


def test_rank_input_option_errors() -> None:
    data = load_tally_document(document())
    with pytest.raises(TallyError, match=r"default grade 'excellent' is not on the scale \(à"):
        rank_input(data, default_grade="excellent")
    with pytest.raises(TallyError, match="either a default grade or normalise"):
        rank_input(data, default_grade="bien", normalise=True)
    with pytest.raises(TallyError, match="more than the 5 participants"):
        rank_input(TallyInput(data.grades, data.tallies, 5))
    with pytest.raises(ValueError, match="'borda' is not a valid Rule"):
        rank_input(data, rule="borda")


def test_normalise_ignores_the_participants_count() -> None:
    crowded = load_tally_document(document(participants=1000))
    uncounted = load_tally_document(document(participants=None))
    assert rank_input(crowded, normalise=True) == rank_input(uncounted, normalise=True)
    # Filling would have buried every proposal under 990 missing votes.
    assert rank_input(crowded)[0].tally == (990, 5, 5, 0)


def test_result_document_for_majority_judgment() -> None:
    data = load_tally_document(document())
    results = rank_input(data)
    out = result_document(Rule.MAJORITY, data.grades, results)
    # Ten voters, threshold 5.
    # SCRIPT [1, 2, 3, 4]: running 1, 3, 6 -> "bien", q = 3, p = 4 -> +4; move up:
    #   [1, 2, 0, 7] -> "très bien", q = 3, p = 0 -> -3; move down to "passable":
    #   [1, 9, 0, 0] -> -1; then all at "à rejeter" -> 0.
    # RTL [0, 5, 5, 0]: running 0, 5 -> "passable", q = 0, p = 5 -> +5; then "bien", 0.
    # SEEDLING [4, 3, 2, 1]: running 4, 7 -> "passable", q = 4, p = 3 -> -4; move down:
    #   [7, 0, 2, 1] -> "à rejeter", p = 3 -> +3; [0, 0, 9, 1] -> "bien", +1; then 0.
    assert out == {
        "rule": "majority",
        "ranking": [
            {
                "proposal": SCRIPT,
                "rank": 1,
                "majority_grade": "bien",
                "tally": [1, 2, 3, 4],
                "gauge": [["bien", 4], ["très bien 🌟", -3], ["passable", -1], ["à rejeter", 0]],
            },
            {
                "proposal": RTL,
                "rank": 2,
                "majority_grade": "passable",
                "tally": [0, 5, 5, 0],
                "gauge": [["passable", 5], ["bien", 0]],
            },
            {
                "proposal": SEEDLING,
                "rank": 3,
                "majority_grade": "passable",
                "tally": [4, 3, 2, 1],
                "gauge": [["passable", -4], ["à rejeter", 3], ["bien", 1], ["très bien 🌟", 0]],
            },
        ],
    }
    assert [list(entry)[:4] for entry in out["ranking"]] == [
        ["proposal", "rank", "majority_grade", "tally"]
    ] * 3
    # Identifiers survive the JSON the command prints, unescaped for humans.
    printed = json.dumps(out, ensure_ascii=False, indent=2)
    assert SCRIPT in printed
    assert SEEDLING in printed
    assert json.loads(printed) == out


def test_result_document_for_usual_judgment() -> None:
    data = load_tally_document(document())
    out = result_document("usual", data.grades, rank_input(data, rule="usual"))
    assert out["rule"] == "usual"
    # SCRIPT: 2 + (4 - 3) / (2 * 3) = 13/6. RTL: 1 + 5 / 10 = 3/2. SEEDLING 1 - 1/6.
    assert [(e["proposal"], e["rank"], e["score"]) for e in out["ranking"]] == [
        (SCRIPT, 1, "13/6"),
        (RTL, 2, "3/2"),
        (SEEDLING, 3, "5/6"),
    ]
    assert list(out["ranking"][0]) == ["proposal", "rank", "majority_grade", "tally", "score"]
