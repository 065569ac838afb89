"""The selection chapter: the rankings as the selection app computes them, and the favourites.

The booklet is public: it shows the results only where the selection shows them to the public
(once the vote is closed, unless the organiser chose live results), and it ranks with the
selection's own rule and policy for blank grades, through `rebours.selection.queries.results`.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from rebours.booklet.credits import person_credit
from rebours.selection.merit_profile import merit_profile_svg
from rebours.selection.models import Favourite, Selection
from rebours.selection.permissions import can_see_results
from rebours.selection.queries import ALL, current_selection, results
from rebours.workshops.models import Person, Role, Workshop


@dataclass(frozen=True)
class RankedProposal:
    rank: int
    title: str
    anchor: str
    majority_grade: str
    tally: list[int]
    shares: list[int]  # percentages, for the text table


@dataclass(frozen=True)
class Ranking:
    college: str
    voters: int
    rows: list[RankedProposal]
    ungraded: list[str]
    chart: str  # the merit profiles as SVG (already escaped)
    chart_id: str


@dataclass(frozen=True)
class FavouritePick:
    title: str
    anchor: str
    sentence: str


@dataclass(frozen=True)
class FavouriteGroup:
    by: str
    picks: list[FavouritePick]


@dataclass(frozen=True)
class SelectionChapter:
    grades: list[str]
    rankings: list[Ranking]
    favourites: list[FavouriteGroup]
    filled_grade: str  # the grade a missing vote counts as


def selection_chapter(
    workshop: Workshop, anchors: dict[str, str], titles: dict[str, str]
) -> SelectionChapter | None:
    selection = current_selection(workshop)
    if selection is None:
        return None
    grades = [str(g) for g in selection.grades or []]
    rankings = []
    if can_see_results(AnonymousUser(), selection):
        colleges = results(selection).colleges
        voting = [c for c in colleges if c.code != ALL and c.ballots]
        if len(voting) == 1:
            # One college voted: "all together" would repeat its ranking word for word.
            colleges = voting
        for index, college in enumerate(colleges):
            ranked = [row for row in college.ranked if row.proposal.key in titles]
            if not college.ballots or not ranked:
                continue
            rows = [
                RankedProposal(
                    rank=row.rank or 0,
                    title=titles[row.proposal.key],
                    anchor=anchors[row.proposal.key],
                    majority_grade=grades[row.majority_grade or 0],
                    tally=list(row.tally),
                    shares=[round(100 * c / max(sum(row.tally), 1)) for c in row.tally],
                )
                for row in ranked
            ]
            chart_id = f"merit-{index + 1}"
            label = "" if college.code == ALL else college.label
            rankings.append(
                Ranking(
                    college=label,
                    voters=college.ballots,
                    rows=rows,
                    ungraded=[
                        titles[row.proposal.key]
                        for row in college.unranked
                        if row.proposal.key in titles
                    ],
                    chart=_chart(rows, grades, label, chart_id),
                    chart_id=chart_id,
                )
            )
    favourites = _favourites(selection, anchors)
    if not rankings and not favourites:
        return None
    return SelectionChapter(
        grades=grades,
        rankings=rankings,
        favourites=favourites,
        filled_grade=grades[0] if grades else "",
    )


def _chart(rows: list[RankedProposal], grades: list[str], college: str, chart_id: str) -> str:
    return merit_profile_svg(
        [(f"{row.rank}. {row.title}", row.tally) for row in rows],
        grades,
        title=(
            _("Merit profiles: %(college)s") % {"college": college}
            if college
            else _("Merit profiles of the proposals")
        ),
        description=_(
            "For each proposal, in ranking order, the share of voters who gave each grade, "
            "from “%(worst)s” on the left to “%(best)s” on the right. The dashed line marks "
            "half the voters: the grade it crosses is the proposal’s majority grade. The "
            "table below gives the same figures."
        )
        % {"worst": grades[0], "best": grades[-1]},
        median_label=_("half the voters"),
        empty_label=_("no grade"),
        id_prefix=chart_id,
    )


def _favourites(selection: Selection, anchors: dict[str, str]) -> list[FavouriteGroup]:
    favourites: list[FavouriteGroup] = []
    groups: dict[int, FavouriteGroup] = {}
    anonymous = 0
    for favourite in (
        Favourite.objects.filter(selection=selection)
        .select_related("by", "proposal")
        .order_by("position", "id")
    ):
        group = groups.get(favourite.by_id)
        if group is None:
            person = favourite.by
            if person.credit_by_name:
                by = person_credit(person)
            else:
                anonymous += 1
                by = _role_name(person) + f" {anonymous}"
            group = groups[favourite.by_id] = FavouriteGroup(by=by, picks=[])
            favourites.append(group)
        group.picks.append(
            FavouritePick(
                title=favourite.proposal.title,
                anchor=anchors.get(favourite.proposal.key, ""),
                sentence=favourite.justification,
            )
        )
    return favourites


def _role_name(person: Person) -> str:
    roles = person.roles or []
    if Role.ELECTED in roles:
        return _("Elected official")
    if Role.PARTICIPANT in roles:
        return _("Participant")
    return _("Voter")
