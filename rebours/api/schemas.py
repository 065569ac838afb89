"""The shapes the API reads and writes. They generate the OpenAPI description, so each field
says what it holds; limits mirror the checks of the actions that do the writing."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from rebours.proposals.checks import (
    ACTOR_MAX_LENGTH,
    ITEM_MAX_LENGTH,
    LIST_MAX_ITEMS,
    ROLE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from rebours.proposals.models import TITLE_MAX_LENGTH

# --- errors ------------------------------------------------------------------------------------


class ErrorOut(Schema):
    error: str = Field(description="What went wrong, in a sentence meant for a developer.")
    field: str | None = Field(None, description="The request field at fault, when there is one.")


# --- pagination --------------------------------------------------------------------------------


class PageOut(Schema):
    count: int = Field(description="How many items the whole list has.")
    limit: int
    offset: int
    next: str | None = Field(description="The next page's address, or null on the last page.")
    previous: str | None


# --- workshops ---------------------------------------------------------------------------------


class WorkshopSummary(Schema):
    slug: str
    title: str
    subtitle: str
    horizon_year: int
    held_on: date | None
    venue: str
    language: str
    published: bool
    url: str = Field(description="The workshop's public page.")


class WorkshopPage(PageOut):
    items: list[WorkshopSummary]


class FiguresOut(Schema):
    hours: float | None
    participants: int
    proposals: int
    themes: int


class AgendaItemOut(Schema):
    key: str
    kind: str
    title: str
    starts_at: Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}$")] | None = Field(
        description="HH:MM, local time of the day the workshop was held."
    )
    minutes: int


class RetrospectiveOut(Schema):
    worked: list[str]
    did_not_work: list[str]


class ContactOut(Schema):
    name: str
    role: str
    email: str
    url: str


class WorkshopOut(WorkshopSummary):
    organiser: str
    introduction: str
    hours: float | None
    figures: FiguresOut
    agenda: list[AgendaItemOut]
    retrospective: RetrospectiveOut
    contacts: list[ContactOut]


# --- themes and the press review ---------------------------------------------------------------


class ThemeOut(Schema):
    key: str
    title: str
    challenge: str
    question: str
    introduction: str
    article: str | None = Field(description="The key of the press article the group started from.")
    opinion: str = Field(
        description="The organisers' opinion on the group's work (\"Notre avis\")."
    )
    proposals: int = Field(description="How many proposals the group wrote.")


class ThemePage(PageOut):
    items: list[ThemeOut]


class TeamOut(Schema):
    facilitators: list[str]
    designers: list[str]
    members: list[str]


class ThemeDetailOut(ThemeOut):
    team: TeamOut = Field(description="Display names, as the theme's page shows them.")


class ArticleOut(Schema):
    key: str
    headline: str
    lede: str
    dated: date | None
    theme: str | None


class ArticlePage(PageOut):
    items: list[ArticleOut]


# --- proposals ---------------------------------------------------------------------------------


class RoleOut(Schema):
    actor: str
    does: str


class MilestoneOut(Schema):
    year: int
    milestone: str


class ImageOut(Schema):
    url: str | None = Field(description="Null while the file is missing (a JSON import names it).")
    alt: str


class ReviewOut(Schema):
    opinion: str
    triage: str = Field(description="programme, rework, not_original, or empty.")


class ProposalFields(Schema):
    """The editable fields of a proposal, as `version` holds them."""

    title: str
    kind: str
    summary: str
    objectives: list[str]
    description: str
    how_it_works: str
    roles: list[RoleOut]
    obstacles: list[str]
    pathway: list[MilestoneOut]
    image_alt: str
    version: int


class ConflictOut(Schema):
    error: str
    fields: list[str] = Field(description="The fields that you and someone else both changed.")
    current: ProposalFields = Field(
        description="The proposal as it is now: merge your change into it, then send it again "
        "with `base_version` set to `current.version`."
    )


class ProposalOut(Schema):
    key: str
    theme: str
    letter: str
    origin: str
    title: str
    kind: str
    summary: str
    objectives: list[str]
    description: str
    how_it_works: str
    roles: list[RoleOut]
    obstacles: list[str]
    pathway: list[MilestoneOut]
    image: ImageOut | None
    review: ReviewOut | None
    merged_into: str | None = Field(
        description="The key of the proposal this one was merged into as its duplicate; "
        "lists leave merged proposals out."
    )
    version: int = Field(description="Send it back as `base_version` to change the proposal.")
    updated_at: datetime
    url: str


class ProposalPage(PageOut):
    items: list[ProposalOut]


# Text the actions accept: no NUL character (PostgreSQL cannot store it).
NoNul = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX_LENGTH, pattern=NoNul)]
Item = Annotated[str, StringConstraints(max_length=ITEM_MAX_LENGTH, pattern=NoNul)]
# A title has at least one character that is not blank.
Title = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=TITLE_MAX_LENGTH, pattern=r"^[^\x00]*[^\s\x00][^\x00]*$"
    ),
]
Kind = Literal["", "place", "service", "device", "policy"]


class RoleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    actor: Annotated[
        str, StringConstraints(min_length=1, max_length=ACTOR_MAX_LENGTH, pattern=r"\S")
    ]
    does: Annotated[str, StringConstraints(min_length=1, max_length=ROLE_MAX_LENGTH, pattern=r"\S")]


class MilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(
        ge=1900, description="From the year the workshop was held to its horizon year."
    )
    milestone: Annotated[
        str, StringConstraints(min_length=1, max_length=ITEM_MAX_LENGTH, pattern=r"\S")
    ]


# The fields are optional but not nullable: leave a field out to keep it as it is. A default
# is never validated, so `None` here only marks "not sent" (`changes` drops unsent fields); an
# explicit null is validated against the type, and refused naming the field.
def unsent(**kwargs: Any) -> Any:
    """An optional field or parameter that is not nullable (see above)."""
    return Field(default=None, **kwargs)


UNSENT: Any = unsent()


class TemplateFieldsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: Kind = UNSENT
    summary: Text = UNSENT
    objectives: Annotated[list[Item], Field(max_length=LIST_MAX_ITEMS)] = UNSENT
    description: Text = UNSENT
    how_it_works: Text = UNSENT
    roles: Annotated[list[RoleIn], Field(max_length=LIST_MAX_ITEMS)] = UNSENT
    obstacles: Annotated[list[Item], Field(max_length=LIST_MAX_ITEMS)] = UNSENT
    pathway: Annotated[list[MilestoneIn], Field(max_length=LIST_MAX_ITEMS)] = UNSENT
    image_alt: Text = UNSENT

    def changes(self) -> dict[str, Any]:
        """The fields the request named, as the actions take them."""
        return self.model_dump(exclude_unset=True, exclude={"base_version", "origin"})


class ProposalCreateIn(TemplateFieldsIn):
    title: Title
    origin: Literal["group", "organisers"] = Field(
        "group", description="`organisers` is for proposals the organisers add themselves."
    )


class ProposalUpdateIn(TemplateFieldsIn):
    base_version: int = Field(
        ge=1, description="The `version` the change started from; a stale one answers 409."
    )
    title: Title = UNSENT


# --- notes -------------------------------------------------------------------------------------


class NoteOut(Schema):
    key: str
    theme: str
    session: str | None = Field(description="The key of the agenda item it was written in.")
    text: str
    dots: int
    cluster: str | None
    version: int = Field(description="Changes with each edit of the text.")


class NotePage(PageOut):
    items: list[NoteOut]


# --- the selection -----------------------------------------------------------------------------


class SelectionOut(Schema):
    status: Literal["open", "closed"]
    grades: list[str] = Field(description="The scale, worst grade first.")
    scope: str
    colleges: list[str]
    closes_at: datetime | None
    opened_at: datetime | None
    ungraded: str
    rule: str
    results_visibility: str
    results_visible: bool = Field(description="Whether the caller may read the results now.")
    favourites_max: int
    ballots: dict[str, int] = Field(description='Ballots per college, and "all" together.')
    proposals: list[str] = Field(description="The keys of the proposals on the ballot.")


class RankingRowOut(Schema):
    proposal: str
    title: str
    rank: int | None
    majority_grade: str | None
    tally: list[int]
    graded: int
    favourites: int
    score: str | None = None
    gauge: list[list[int]] | None = None


class CollegeResultsOut(Schema):
    college: str
    ballots: int
    ranking: list[RankingRowOut]


class FavouriteOut(Schema):
    by: str
    proposal: str
    justification: str


class ResultsOut(Schema):
    workshop: str
    grades: list[str]
    rule: str
    ungraded: str
    status: Literal["open", "closed"]
    closes_at: str | None
    colleges: list[CollegeResultsOut]
    favourites: list[FavouriteOut]


# --- the caller --------------------------------------------------------------------------------


class MeOut(Schema):
    username: str
    authenticated_by: Literal["token", "session"]
    token: str | None = Field(description="The name of the token used, for token callers.")
