"""Geometry of a pathway drawn from today (the day of the workshop) to the horizon.

The drawing is SVG with computed coordinates rather than inline styles, so that it needs no
style attribute and passes the strict Content-Security-Policy.
"""

import datetime
from dataclasses import dataclass

from rebours.proposals.models import Proposal

WIDTH = 1000
MARGIN = 60


@dataclass(frozen=True)
class Mark:
    number: int
    year: int
    milestone: str
    x: float
    above: bool


@dataclass(frozen=True)
class Timeline:
    start: int
    horizon: int
    marks: list[Mark]
    backwards: list[Mark]
    width: int = WIDTH
    margin: int = MARGIN

    @property
    def axis_end(self) -> int:
        return self.width - self.margin


def timeline_for(proposal: Proposal) -> Timeline | None:
    milestones = sorted(
        (m for m in proposal.pathway or [] if isinstance(m.get("year"), int)),
        key=lambda m: m["year"],
    )
    if not milestones:
        return None
    workshop = proposal.workshop
    today = workshop.held_on.year if workshop.held_on else datetime.date.today().year
    start = min(today, milestones[0]["year"])
    horizon = max(workshop.horizon_year, milestones[-1]["year"])
    span = max(horizon - start, 1)
    usable = WIDTH - 2 * MARGIN
    marks = [
        Mark(
            number=i + 1,
            year=m["year"],
            milestone=m.get("milestone", ""),
            x=round(MARGIN + usable * (m["year"] - start) / span, 1),
            above=i % 2 == 0,
        )
        for i, m in enumerate(milestones)
    ]
    return Timeline(start=start, horizon=horizon, marks=marks, backwards=marks[::-1])
