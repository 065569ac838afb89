"""Reading selections for the pages and the exports: proposals, ballots, favourites, results.

Results are counted in the database (one count per college, proposal and grade) and ranked by
the pure `majority` module, which never sees a ballot.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Prefetch, QuerySet

from rebours.proposals.models import Proposal
from rebours.review.models import Triage
from rebours.selection import majority
from rebours.selection.models import (
    Ballot,
    BallotGrade,
    College,
    Favourite,
    Rule,
    Scope,
    Selection,
    Ungraded,
)
from rebours.workshops.models import Person, Workshop

ALL = "all"  # the pseudo-college of every ballot together


def current_selection(workshop: Workshop) -> Selection | None:
    """The workshop's selection: the first one, as the exchange format exports it."""
    return workshop.selections.order_by("id").first()


def proposals_for_scope(workshop: Workshop, scope: str) -> QuerySet[Proposal]:
    proposals = Proposal.objects.filter(workshop=workshop)
    if scope == Scope.TRIAGED:
        proposals = proposals.filter(review__triage__in=[Triage.PROGRAMME, Triage.REWORK])
    return proposals.select_related("theme").order_by("theme__position", "position", "id")


def selection_proposals(selection: Selection) -> QuerySet[Proposal]:
    """The proposals on the ballot, in the workshop's order (theme, then letter)."""
    return proposals_for_scope(selection.workshop, selection.scope)


def ballot_of(selection: Selection, person: Person | None) -> Ballot | None:
    if person is None:
        return None
    return (
        Ballot.objects.filter(selection=selection, voter=person)
        .select_related("voter")
        .prefetch_related(
            Prefetch("grades", queryset=BallotGrade.objects.select_related("proposal"))
        )
        .first()
    )


def ballot_counts(selection: Selection) -> dict[str, int]:
    """Ballots per college, with the total under `ALL`."""
    counts = dict(
        Ballot.objects.filter(selection=selection)
        .values_list("college")
        .annotate(n=Count("id"))
        .values_list("college", "n")
    )
    return {ALL: sum(counts.values()), **counts}


def favourites(selection: Selection) -> list[Favourite]:
    return list(
        Favourite.objects.filter(selection=selection)
        .select_related("by", "proposal", "proposal__theme")
        .order_by("by__position", "by_id", "position", "id")
    )


def favourites_of(selection: Selection, person: Person | None) -> list[Favourite]:
    if person is None:
        return []
    return list(
        Favourite.objects.filter(selection=selection, by=person)
        .select_related("proposal")
        .order_by("position", "id")
    )


def college_label(code: str) -> str:
    if code == ALL:
        from django.utils.translation import gettext

        return gettext("all together")
    if code in College.values:
        return str(College(code).label)
    return code or "—"


@dataclass
class Row:
    """One proposal in one college's results. `rank` is None when it cannot be ranked."""

    proposal: Proposal
    tally: tuple[int, ...]
    graded: int  # grades really given (the tally may add ungraded ballots at the worst grade)
    rank: int | None = None
    majority_grade: int | None = None
    score: Fraction | None = None
    gauge: tuple[tuple[int, int], ...] = ()
    favourites: int = 0


@dataclass
class CollegeResults:
    code: str
    label: str
    ballots: int
    rows: list[Row] = field(default_factory=list)

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def unranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is None]


@dataclass
class Results:
    selection: Selection
    colleges: list[CollegeResults]  # all together first, then each college

    @property
    def everyone(self) -> CollegeResults:
        return self.colleges[0]


def _rank_college(
    selection: Selection,
    code: str,
    proposals: list[Proposal],
    counts: dict[int, list[int]],
    ballots: int,
    hearts: dict[int, int],
) -> CollegeResults:
    n_grades = len(selection.grades)
    result = CollegeResults(code=code, label=college_label(code), ballots=ballots)
    # `rank` lists tied proposals by identifier: identifiers that sort in the workshop's order
    # keep ties in the order people know (theme, then letter).
    ident = {p.pk: f"{index:06d}" for index, p in enumerate(proposals)}
    rows = {
        p.pk: Row(
            proposal=p,
            tally=tuple(counts.get(p.pk, [0] * n_grades)),
            graded=sum(counts.get(p.pk, [])),
            favourites=hearts.get(p.pk, 0),
        )
        for p in proposals
    }
    if selection.ungraded == Ungraded.WORST:
        # Every ballot counts for every proposal: what a voter left blank is the worst grade.
        # Filled here rather than by `rank`, which refuses a tally with no votes at all before
        # filling (a proposal nobody in this college graded is still ranked, all at the worst).
        tallies = {}
        if ballots:
            for pk, row in rows.items():
                tallies[ident[pk]] = (row.tally[0] + ballots - row.graded, *row.tally[1:])
        options = {
            "missing": majority.MissingVotes.FILL,
            "default_grade": 0,
            "participants": ballots,
        }
    else:
        # Blank means "no opinion": compare shares among those who graded; a proposal nobody
        # graded cannot be ranked at all.
        tallies = {ident[pk]: row.tally for pk, row in rows.items() if row.graded}
        options = {"missing": majority.MissingVotes.NORMALISE}
    ranking = majority.rank(
        tallies,
        rule=majority.Rule.USUAL if selection.rule == Rule.USUAL else majority.Rule.MAJORITY,
        **options,  # type: ignore[arg-type]
    )
    ordered: list[Row] = []
    by_ident = {value: pk for pk, value in ident.items()}
    for item in ranking:
        row = rows.pop(by_ident[item.proposal])
        row.rank = item.rank
        row.majority_grade = item.majority_grade
        row.tally = item.tally
        row.score = item.score
        row.gauge = item.gauge
        ordered.append(row)
    # Unranked proposals follow in the workshop's order.
    ordered += [rows[p.pk] for p in proposals if p.pk in rows]
    result.rows = ordered
    return result


def results(selection: Selection) -> Results:
    """The ranking of every college and of all ballots together."""
    proposals = list(selection_proposals(selection))
    in_scope = {p.pk for p in proposals}
    n_grades = len(selection.grades)
    per_college: dict[str, dict[int, list[int]]] = defaultdict(dict)
    rows = (
        BallotGrade.objects.filter(ballot__selection=selection, proposal_id__in=in_scope)
        .values_list("ballot__college", "proposal_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    for college, proposal_id, grade, n in rows:
        if not 0 <= grade < n_grades:
            continue  # cannot happen through the actions; an out-of-scale row is not a vote
        for code in (ALL, college):
            tally = per_college[code].setdefault(proposal_id, [0] * n_grades)
            tally[grade] += n
    counts = ballot_counts(selection)
    hearts: dict[int, int] = defaultdict(int)
    for proposal_id in Favourite.objects.filter(selection=selection).values_list(
        "proposal_id", flat=True
    ):
        hearts[proposal_id] += 1
    codes = [ALL, *selection.colleges]
    codes += sorted(c for c in counts if c not in codes)
    return Results(
        selection=selection,
        colleges=[
            _rank_college(
                selection, code, proposals, per_college.get(code, {}), counts.get(code, 0), hearts
            )
            for code in codes
        ],
    )
