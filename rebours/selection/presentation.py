"""Shaping selections for templates: grade chips, ballot rows, receipts, merit-profile charts."""

from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rebours.proposals.models import Proposal
from rebours.selection.merit_profile import RAMP, grade_colours, merit_profile_svg
from rebours.selection.models import Ballot, Rule, Selection, Ungraded
from rebours.selection.queries import CollegeResults, Results
from rebours.selection.scale import MAX_GRADES, grade_label, grade_labels

NARROW_WIDTH = 360


def grade_choices(selection: Selection) -> list[dict[str, Any]]:
    """Each grade with its shown label and its colour step (CSS class `ramp-N`), worst first."""
    if len(selection.grades) > MAX_GRADES:  # an imported scale longer than the palette
        return [
            {"index": i, "label": grade_label(g), "ramp": None}
            for i, g in enumerate(selection.grades)
        ]
    colours = grade_colours(len(selection.grades))
    return [
        {"index": i, "label": grade_label(label), "ramp": RAMP.index(colour)}
        for i, (label, colour) in enumerate(zip(selection.grades, colours, strict=True))
    ]


def ballot_rows(
    selection: Selection,
    proposals: list[Proposal],
    ballot: Ballot | None,
    submitted: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """One row per proposal with the grade to show checked: as submitted, else as recorded."""
    recorded = {g.proposal_id: str(g.grade) for g in ballot.grades.all()} if ballot else {}
    sent = (submitted or {}).get("grades")
    rows = []
    for proposal in proposals:
        if sent is not None:
            value = sent.get(proposal.key, "")
            current = value if isinstance(value, str) else ""
        else:
            current = recorded.get(proposal.pk, "")
        rows.append({"proposal": proposal, "key": proposal.key, "current": current})
    return rows


def receipt_rows(
    selection: Selection, proposals: list[Proposal], ballot: Ballot
) -> list[dict[str, Any]]:
    given = {g.proposal_id: g.grade for g in ballot.grades.all()}
    rows = []
    for proposal in proposals:
        index = given.get(proposal.pk)
        rows.append(
            {
                "proposal": proposal,
                "key": proposal.key,
                "grade": None if index is None else grade_label(selection.grades[index]),
                "stored": None if index is None else selection.grades[index],
            }
        )
    return rows


def short_receipt(digest: str) -> str:
    """The first 12 hex digits of the digest, in groups of four, easy to read out or note."""
    head = digest[:12]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def _label(row_rank: int | None, proposal: Proposal) -> str:
    # Letters number proposals within a theme only: a ranking across themes shows titles.
    return f"{row_rank}. {proposal.title}" if row_rank is not None else proposal.title


def chart_description(results: Results, college: CollegeResults) -> str:
    selection = results.selection
    grades = grade_labels(list(selection.grades))
    parts = [
        ngettext(
            "Merit profiles from %(n)d ballot (%(college)s).",
            "Merit profiles from %(n)d ballots (%(college)s).",
            college.ballots,
        )
        % {"n": college.ballots, "college": college.label},
        _(
            "For each proposal, in ranking order, the share of voters who gave each grade, "
            "from the worst (%(worst)s) to the best (%(best)s)."
        )
        % {"worst": grades[0], "best": grades[-1]},
        _("The dashed line marks half the voters: the grade it crosses is the majority grade."),
    ]
    if selection.ungraded == Ungraded.WORST:
        parts.append(
            _("A proposal a voter left ungraded counts as %(worst)s.") % {"worst": grades[0]}
        )
    ranked = college.ranked
    if ranked:
        top = ranked[0]
        assert top.majority_grade is not None
        parts.append(
            _("First: %(title)s, majority grade %(grade)s.")
            % {"title": top.proposal.label, "grade": grades[top.majority_grade]}
        )
    return " ".join(parts)


def charts_for(results: Results) -> list[dict[str, Any]]:
    """One merit-profile chart per college (all together first), ranked proposals first.

    Each chart is drawn twice, wide (labels beside the bars) and narrow (labels above them, for
    phones); the page shows one or the other, so fonts keep a readable size on both.
    """
    selection = results.selection
    grades = grade_labels(list(selection.grades))
    drawable = len(grades) <= MAX_GRADES
    rule = Rule(selection.rule).label
    charts = []
    for number, college in enumerate(results.colleges):
        rows = [(_label(row.rank, row.proposal), list(row.tally)) for row in college.rows]
        notes = [
            "" if row.majority_grade is None else grades[row.majority_grade] for row in college.rows
        ]
        title = _("Merit profiles, %(college)s — %(rule)s") % {
            "college": college.label,
            "rule": rule,
        }
        wide = narrow = ""
        if college.ballots and drawable:
            options: dict[str, Any] = {
                "title": title,
                "description": chart_description(results, college),
                "median_label": _("50 %"),
                "empty_label": _("no grade"),
                "notes": notes,
            }
            wide = merit_profile_svg(rows, grades, id_prefix=f"merit-{number}", **options)
            narrow = merit_profile_svg(
                rows,
                grades,
                id_prefix=f"merit-{number}-narrow",
                width=NARROW_WIDTH,
                labels="above",
                **options,
            )
        charts.append(
            {
                "college": college,
                "anchor": f"college-{number}",
                # The builder escapes every text it is given.
                "svg": mark_safe(wide),  # noqa: S308
                "narrow_svg": mark_safe(narrow),  # noqa: S308
                "grades": grades,
                "rows": [
                    {"row": row, "grade": note or None}
                    for row, note in zip(college.rows, notes, strict=True)
                ],
            }
        )
    return charts
