"""Reading tally and ballot files for the ``tally`` command, and writing its result.

No Django import: the management command only reads the file, calls these functions and
prints. Two inputs are understood:

* a JSON tally document::

      {"grades": ["to reject", "poor", "fair", "good"],
       "tallies": {"<proposal>": [count of worst, ..., count of best], ...},
       "participants": 120}

  ``participants`` is optional; when missing votes are filled it is the common total.

* a CSV file of ballots with a header naming the columns ``voter``, ``proposal`` and
  ``grade`` (in any order, any case; other columns are ignored), one line per grade
  given, the grade written by name. The number of distinct voters is the participants
  count, so a proposal a voter did not grade counts as a missing vote.

Every problem raises ``TallyError`` with one line that says where (the proposal, or the
CSV line number) and what. Identifiers are kept verbatim: they are data, and escaping
them is the job of whatever displays them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rebours.selection.majority import (
    MajorityResult,
    MissingVotes,
    Rule,
    TallyError,
    rank,
    validate_tallies,
)

__all__ = [
    "TallyInput",
    "load_ballots_csv",
    "load_tally_document",
    "parse_grades",
    "rank_input",
    "result_document",
]

COLUMNS = ("voter", "proposal", "grade")
DOCUMENT_KEYS = ("grades", "tallies", "participants")


@dataclass(frozen=True)
class TallyInput:
    """Grades (worst first), tallies in file order, and the participants count if known."""

    grades: tuple[str, ...]
    tallies: dict[str, tuple[int, ...]]
    participants: int | None = None


def _checked_grades(grades: Sequence[object]) -> tuple[str, ...]:
    if not grades:
        raise TallyError("the grade scale is empty")
    names: list[str] = []
    for position, name in enumerate(grades, start=1):
        if not isinstance(name, str) or not name.strip():
            raise TallyError(f"grade {position} has no name")
        if name in names:
            raise TallyError(f"grade {name!r} appears twice in the scale")
        names.append(name)
    return tuple(names)


def parse_grades(option: str) -> tuple[str, ...]:
    """Read a ``"worst,...,best"`` list of grade names, as given on the command line."""
    return _checked_grades([name.strip() for name in option.split(",")])


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys: a proposal listed twice
    # would lose one of its tallies without anyone noticing.
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise TallyError(f"key {key!r} appears twice in the same object")
        document[key] = value
    return document


def _refuse_constant(name: str) -> Any:
    raise TallyError(f"{name} is not a count")


def load_tally_document(text: str) -> TallyInput:
    """Parse a JSON tally document (see the module docstring)."""
    try:
        document = json.loads(
            text.removeprefix("\ufeff"),
            object_pairs_hook=_refuse_duplicate_keys,
            parse_constant=_refuse_constant,
        )
    except TallyError:
        raise
    except json.JSONDecodeError as error:
        raise TallyError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except (ValueError, RecursionError) as error:  # digit limit, absurd nesting
        raise TallyError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise TallyError("a tally document is a JSON object with grades and tallies")
    for key in document:
        if key not in DOCUMENT_KEYS:
            raise TallyError(f"unknown key {key!r}: expected {', '.join(DOCUMENT_KEYS)}")
    for key in DOCUMENT_KEYS[:2]:
        if key not in document:
            raise TallyError(f"missing key {key!r}")
    if not isinstance(document["grades"], list):
        raise TallyError("'grades' is a list of grade names, worst first")
    grades = _checked_grades(document["grades"])
    tallies = document["tallies"]
    if not isinstance(tallies, dict) or not tallies:
        raise TallyError("'tallies' maps each proposal to its counts per grade")
    for proposal in tallies:
        if not proposal.strip():
            raise TallyError("a proposal identifier is empty")
    participants = document.get("participants")
    if participants is not None and (
        isinstance(participants, bool) or not isinstance(participants, int) or participants < 0
    ):
        raise TallyError("'participants' is a whole number of people")
    return TallyInput(grades, validate_tallies(tallies, len(grades)), participants)


def load_ballots_csv(text: str, grades: Sequence[str]) -> TallyInput:
    """Parse CSV ballots (columns voter, proposal, grade) on the scale ``grades``."""
    scale = _checked_grades(grades)
    grade_index = {name: position for position, name in enumerate(scale)}
    # strict: a stray quote is an error, not a field that swallows the following lines.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    counts: dict[str, list[int]] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise TallyError(f"line {reader.line_num}: {error}") from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines, and the ",,," rows spreadsheets leave at the end
        if header is None:
            header = [cell.strip().casefold() for cell in row]
            for name in COLUMNS:
                if header.count(name) != 1:
                    problem = "missing" if name not in header else "repeated"
                    raise TallyError(
                        f"line {line}: column {name!r} is {problem}; the header must name"
                        f" {', '.join(COLUMNS)}"
                    )
                columns[name] = header.index(name)
            continue
        if len(row) != len(header):
            raise TallyError(f"line {line}: expected {len(header)} fields, found {len(row)}")
        voter, proposal, grade = (row[columns[name]].strip() for name in COLUMNS)
        if not voter:
            raise TallyError(f"line {line}: the voter is empty")
        if not proposal:
            raise TallyError(f"line {line}: the proposal is empty")
        if grade not in grade_index:
            raise TallyError(
                f"line {line}: grade {grade!r} is not on the scale ({', '.join(scale)})"
            )
        first = seen.setdefault((voter, proposal), line)
        if first != line:
            raise TallyError(
                f"line {line}: voter {voter!r} already graded proposal {proposal!r} on line {first}"
            )
        counts.setdefault(proposal, [0] * len(scale))[grade_index[grade]] += 1
    if header is None:
        raise TallyError(f"line 1: the header line ({','.join(COLUMNS)}) is missing")
    if not counts:
        raise TallyError("no ballots after the header line")
    voters = {voter for voter, _ in seen}
    tallies = {proposal: tuple(tally) for proposal, tally in counts.items()}
    return TallyInput(scale, tallies, len(voters))


def rank_input(
    data: TallyInput,
    *,
    rule: Rule | str = Rule.MAJORITY,
    default_grade: str | None = None,
    normalise: bool = False,
) -> list[MajorityResult]:
    """Rank what a file held: missing votes filled at ``default_grade`` (a grade name,
    the worst by default) up to the participants count, or normalised when asked."""
    if normalise:
        if default_grade is not None:
            raise TallyError("choose either a default grade or normalise, not both")
        # The participants count only says how many votes to fill, so it plays no part.
        return rank(data.tallies, rule=Rule(rule), missing=MissingVotes.NORMALISE)
    index = 0
    if default_grade is not None:
        if default_grade not in data.grades:
            raise TallyError(
                f"default grade {default_grade!r} is not on the scale ({', '.join(data.grades)})"
            )
        index = data.grades.index(default_grade)
    return rank(
        data.tallies,
        rule=Rule(rule),
        missing=MissingVotes.FILL,
        default_grade=index,
        participants=data.participants,
    )


def result_document(
    rule: Rule | str, grades: Sequence[str], results: Iterable[MajorityResult]
) -> dict[str, Any]:
    """The command's JSON output, proposals in rank order.

    Each entry holds ``proposal``, ``rank``, ``majority_grade`` (by name) and ``tally``,
    then ``gauge`` as ``[grade name, signed group size]`` pairs under majority judgment,
    or ``score`` as an exact fraction written ``"13/6"`` under usual judgment.
    """
    rule = Rule(rule)
    ranking: list[dict[str, Any]] = []
    for result in results:
        entry: dict[str, Any] = {
            "proposal": result.proposal,
            "rank": result.rank,
            "majority_grade": grades[result.majority_grade],
            "tally": list(result.tally),
        }
        if rule is Rule.USUAL:
            entry["score"] = str(result.score)
        else:
            entry["gauge"] = [[grades[grade], size] for grade, size in result.gauge]
        ranking.append(entry)
    return {"rule": rule.value, "ranking": ranking}
