"""The results as CSV (one row per college and proposal) and as a JSON document.

Grades are written as stored (the organiser's words), not translated: these are data. Text cells
that a spreadsheet would read as a formula are prefixed with an apostrophe.
"""

import csv
import io
from typing import Any

from rebours.selection.models import Favourite
from rebours.selection.queries import Results, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row_data(row: Row, grades: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "proposal": row.proposal.key,
        "title": row.proposal.title,
        "rank": row.rank,
        "majority_grade": None if row.majority_grade is None else grades[row.majority_grade],
        "tally": list(row.tally),
        "graded": row.graded,
        "favourites": row.favourites,
    }
    if row.score is not None:
        item["score"] = f"{row.score.numerator}/{row.score.denominator}"
    if row.gauge:
        item["gauge"] = [list(pair) for pair in row.gauge]
    return item


def results_document(results: Results, favourites: list[Favourite]) -> dict[str, Any]:
    selection = results.selection
    grades = list(selection.grades)
    return {
        "workshop": selection.workshop.slug,
        "grades": grades,
        "rule": selection.rule,
        "ungraded": selection.ungraded,
        "status": "open" if selection.is_open() else "closed",
        "closes_at": selection.closes_at.isoformat() if selection.closes_at else None,
        "colleges": [
            {
                "college": college.code,
                "ballots": college.ballots,
                "ranking": [_row_data(row, grades) for row in college.rows],
            }
            for college in results.colleges
        ],
        "favourites": [
            {
                "by": favourite.by.display_name,
                "proposal": favourite.proposal.key,
                "justification": favourite.justification,
            }
            for favourite in favourites
        ],
    }


def results_csv_text(results: Results) -> str:
    grades = list(results.selection.grades)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "college",
            "ballots",
            "rank",
            "proposal",
            "title",
            "majority_grade",
            "graded",
            "favourites",
            *[_cell(g) for g in grades],
        ]
    )
    for college in results.colleges:
        for row in college.rows:
            writer.writerow(
                [
                    _cell(college.code),
                    college.ballots,
                    "" if row.rank is None else row.rank,
                    row.proposal.key,
                    _cell(row.proposal.title),
                    "" if row.majority_grade is None else _cell(grades[row.majority_grade]),
                    row.graded,
                    row.favourites,
                    *row.tally,
                ]
            )
    return out.getvalue()
