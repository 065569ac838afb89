"""Everything the booklet says, gathered once into plain dataclasses.

`gather(workshop, lang)` reads the database (in a handful of queries) and returns a `Booklet`
that the templates only lay out: the HTML page, the single-file HTML and the PDF all come from
the same `Booklet` and the same templates. Interface words (section labels, role names, figures)
are translated into `lang`; the workshop's own text stays in the language it was written in.

Nothing here writes. Problems that should not stop a publication (an image missing from
storage, one too small to print well) become `Booklet.warnings`, written for the organiser.
"""

import base64
import datetime
import logging
import mimetypes
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from io import BytesIO
from urllib.parse import quote

from django.db.models import Prefetch
from django.utils import formats, translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from rebours.booklet.credits import Credit, credits_for
from rebours.booklet.palettes import palette
from rebours.booklet.selection_chapter import SelectionChapter, selection_chapter
from rebours.proposals.models import Proposal
from rebours.proposals.timeline import timeline_for
from rebours.workshops.models import (
    LessonKind,
    ThemeMembership,
    Workshop,
)
from rebours.workshops.queries import Figures, figures

logger = logging.getLogger(__name__)

MEDIA_SCHEME = "rebours-media"
# The widest an image is printed: the text block of an A4 page (210 mm less 2 × 18 mm margins).
PRINT_WIDTH_INCHES = 174 / 25.4
# Below this an image printed across the page looks soft; 300 dpi is what printers ask for.
MIN_PRINT_DPI = 150


class ImageMode(StrEnum):
    """How images are referred to, depending on where the booklet goes."""

    WEB = "web"  # the media URL: the page served by the site
    INLINE = "inline"  # data: URIs: a single self-contained HTML file
    PRINT = "print"  # rebours-media: URLs that the PDF renderer's fetcher reads from storage


@dataclass(frozen=True)
class Picture:
    src: str
    alt: str
    width: int | None = None
    height: int | None = None
    missing: str = ""  # why there is a placeholder instead, for the reader

    @property
    def available(self) -> bool:
        return bool(self.src) and not self.missing

    @property
    def landscape(self) -> bool:
        return bool(self.width and self.height and self.width >= self.height)


@dataclass(frozen=True)
class Milestone:
    number: int
    year: int
    text: str
    x: float
    above: bool


@dataclass(frozen=True)
class Pathway:
    """A proposal's milestones drawn from the horizon (left) back to today (right)."""

    horizon: int
    today: int
    horizon_x: float
    today_x: float
    marks: list[Milestone]
    width: int

    @property
    def axis_start(self) -> float:
        return self.horizon_x

    @property
    def arrow_tip(self) -> float:
        return self.today_x + 18

    @property
    def label_horizon(self) -> bool:
        """The horizon's year is written under the axis unless a milestone already says it."""
        return all(m.year != self.horizon for m in self.marks)


@dataclass(frozen=True)
class ActorRole:
    actor: str
    does: str


@dataclass(frozen=True)
class ProposalPage:
    key: str
    anchor: str
    letter: str
    title: str
    kind: str
    summary: str
    by_organisers: bool
    first_by_organisers: bool  # the note "written after the day" goes before this one
    picture: Picture
    objectives: list[str]
    description: str
    how_it_works: str
    roles: list[ActorRole]
    obstacles: list[str]
    pathway: Pathway | None
    triage: str
    triage_label: str
    opinion: str

    @property
    def label(self) -> str:
        return f"{self.letter} / {self.title}" if self.letter else self.title


@dataclass(frozen=True)
class Article:
    headline: str
    lede: str
    dated: datetime.date | None
    theme: str = ""


@dataclass(frozen=True)
class Chapter:
    key: str
    anchor: str
    number: int
    palette: int
    colour: str  # the palette's colour, for SVG drawn with presentation attributes
    title: str
    challenge: str
    question: str
    introduction: str
    article: Article | None
    credits: list[Credit]
    opinion: str
    proposals: list[ProposalPage]


@dataclass(frozen=True)
class AgendaLine:
    starts_at: datetime.time | None
    title: str
    kind: str
    minutes: int


@dataclass(frozen=True)
class GroupLine:
    anchor: str
    palette: int
    title: str
    challenge: str
    people: int
    proposals: int


@dataclass(frozen=True)
class TemplateField:
    name: str
    help: str


@dataclass(frozen=True)
class Method:
    articles: list[Article]
    agenda: list[AgendaLine]
    groups: list[GroupLine]
    template: list[TemplateField]


@dataclass(frozen=True)
class ContactCard:
    name: str
    role: str
    email: str
    url: str


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int
    palette: int | None = None


@dataclass
class Booklet:
    lang: str
    content_lang: str
    slug: str
    title: str
    subtitle: str
    venue: str
    held_on: datetime.date | None
    held_on_text: str
    horizon: int
    organiser: str
    introduction: str
    figures: Figures
    hours_text: str
    mosaic: list[tuple[int, Picture, str]]  # palette, picture, title: the cover's wall
    chapters: list[Chapter]
    selection: SelectionChapter | None
    method: Method
    worked: list[str]
    did_not_work: list[str]
    contacts: list[ContactCard]
    toc: list[TocEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    generated_on: datetime.date = field(default_factory=datetime.date.today)

    @property
    def proposal_count(self) -> int:
        return sum(len(chapter.proposals) for chapter in self.chapters)

    @property
    def title_parts(self) -> tuple[str, str]:
        """("Régionales", "2028"): the cover sets a title that ends with its horizon in two."""
        year = str(self.horizon)
        head = self.title.removesuffix(year).rstrip()
        if head != self.title and head:
            return head, year
        return self.title, ""


# ---------------------------------------------------------------------------------------------


def gather(workshop: Workshop, lang: str, *, images: ImageMode = ImageMode.WEB) -> Booklet:
    """Read everything the booklet of `workshop` shows, with interface words in `lang`."""
    with translation.override(lang):
        return _gather(workshop, lang, images)


def _gather(workshop: Workshop, lang: str, images: ImageMode) -> Booklet:
    warnings: list[str] = []
    themes = list(
        workshop.themes.select_related("article").prefetch_related(
            Prefetch(
                "memberships",
                queryset=ThemeMembership.objects.select_related("person").order_by(
                    "position", "id"
                ),
            ),
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related("review", "workshop").order_by(
                    "position", "id"
                ),
            ),
        )
    )
    chapters: list[Chapter] = []
    mosaic: list[tuple[int, Picture, str]] = []
    for number, theme in enumerate(themes, start=1):
        pages: list[ProposalPage] = []
        seen_organisers = False
        for proposal in theme.proposals.all():
            page = _proposal_page(proposal, images, warnings, first_organisers=not seen_organisers)
            seen_organisers = seen_organisers or page.by_organisers
            pages.append(page)
            mosaic.append((theme.palette, page.picture, page.title))
        article = None
        if theme.article is not None:
            article = Article(
                headline=theme.article.headline,
                lede=theme.article.lede,
                dated=theme.article.dated,
            )
        chapters.append(
            Chapter(
                key=theme.key,
                anchor=f"theme-{theme.key}",
                number=number,
                palette=theme.palette,
                colour=palette(theme.palette).colour,
                title=theme.title,
                challenge=theme.challenge,
                question=theme.question,
                introduction=theme.introduction,
                article=article,
                credits=credits_for(list(theme.memberships.all())),
                opinion=theme.opinion,
                proposals=pages,
            )
        )

    anchors = {p.key: p.anchor for chapter in chapters for p in chapter.proposals}
    titles = {p.key: p.title for chapter in chapters for p in chapter.proposals}
    selection = selection_chapter(workshop, anchors, titles)
    lessons = list(workshop.lessons.all())
    counts = figures(workshop)
    booklet = Booklet(
        lang=lang,
        content_lang=workshop.language or "",
        slug=workshop.slug,
        title=workshop.title,
        subtitle=workshop.subtitle,
        venue=workshop.venue,
        held_on=workshop.held_on,
        held_on_text=formats.date_format(workshop.held_on, "j F Y") if workshop.held_on else "",
        horizon=workshop.horizon_year,
        organiser=workshop.organiser,
        introduction=workshop.introduction,
        figures=counts,
        hours_text=_hours(counts.hours),
        mosaic=mosaic,
        chapters=chapters,
        selection=selection,
        method=_method(workshop, chapters),
        worked=[lesson.text for lesson in lessons if lesson.kind == LessonKind.WORKED],
        did_not_work=[lesson.text for lesson in lessons if lesson.kind == LessonKind.DID_NOT_WORK],
        contacts=[
            ContactCard(name=c.name, role=c.role, email=c.email, url=c.url)
            for c in workshop.contacts.all()
        ],
        warnings=warnings,
    )
    booklet.toc = _toc(booklet)
    for warning in warnings:
        logger.warning("booklet %s: %s", workshop.slug, warning)
    return booklet


def _hours(hours: float | None) -> str:
    if not hours:
        return ""
    return formats.number_format(hours, decimal_pos=0 if float(hours).is_integer() else 1)


def _toc(booklet: Booklet) -> list[TocEntry]:
    entries = []
    if booklet.introduction:
        entries.append(TocEntry("introduction", _("Introduction"), 1))
    for chapter in booklet.chapters:
        entries.append(TocEntry(chapter.anchor, chapter.title, 1, chapter.palette))
        entries += [TocEntry(p.anchor, p.label, 2, chapter.palette) for p in chapter.proposals]
    if booklet.selection is not None:
        entries.append(TocEntry("selection", _("The selection"), 1))
    entries.append(TocEntry("method", _("The method"), 1))
    if booklet.worked or booklet.did_not_work:
        entries.append(TocEntry("lessons", _("Looking back"), 1))
    if booklet.contacts:
        entries.append(TocEntry("contacts", _("Contacts"), 1))
    return entries


# Proposals ------------------------------------------------------------------------------------


def _proposal_page(
    proposal: Proposal, images: ImageMode, warnings: list[str], *, first_organisers: bool
) -> ProposalPage:
    review = getattr(proposal, "review", None)
    by_organisers = proposal.origin == "organisers"
    return ProposalPage(
        key=proposal.key,
        anchor=f"proposal-{proposal.key}",
        letter=proposal.letter,
        title=proposal.title,
        kind=proposal.get_kind_display() if proposal.kind else "",
        summary=proposal.summary,
        by_organisers=by_organisers,
        first_by_organisers=by_organisers and first_organisers,
        picture=_picture(proposal, images, warnings),
        objectives=[str(item) for item in proposal.objectives or [] if str(item).strip()],
        description=proposal.description,
        how_it_works=proposal.how_it_works,
        roles=[
            ActorRole(actor=str(r.get("actor", "")), does=str(r.get("does", "")))
            for r in proposal.roles or []
            if isinstance(r, dict)
        ],
        obstacles=[str(item) for item in proposal.obstacles or [] if str(item).strip()],
        pathway=_pathway(proposal),
        triage=review.triage if review else "",
        triage_label=review.get_triage_display() if review and review.triage else "",
        opinion=review.opinion if review else "",
    )


def _picture(proposal: Proposal, images: ImageMode, warnings: list[str]) -> Picture:
    alt = proposal.image_alt or proposal.title
    name = proposal.image.name
    if not name:
        if proposal.image_path:
            warnings.append(
                _(
                    "The image of “%(title)s” (%(path)s) was never uploaded: "
                    "a placeholder stands in for it."
                )
                % {"title": proposal.title, "path": proposal.image_path}
            )
            return Picture(src="", alt=alt, missing=_("Image not uploaded yet"))
        return Picture(src="", alt=alt, missing=_("No image"))
    try:
        with proposal.image.storage.open(name, "rb") as handle:
            data = handle.read()
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
            fmt = (image.format or "").lower()
    except FileNotFoundError:
        warnings.append(
            _(
                "The image of “%(title)s” is missing from storage (%(name)s): "
                "a placeholder stands in for it."
            )
            % {"title": proposal.title, "name": name}
        )
        return Picture(src="", alt=alt, missing=_("Image missing"))
    except (OSError, UnidentifiedImageError, ValueError):
        warnings.append(
            _("The image of “%(title)s” cannot be read (%(name)s): a placeholder stands in for it.")
            % {"title": proposal.title, "name": name}
        )
        return Picture(src="", alt=alt, missing=_("Image unreadable"))

    if images is ImageMode.PRINT:
        dpi = width / PRINT_WIDTH_INCHES
        if dpi < MIN_PRINT_DPI:
            warnings.append(
                _(
                    "The image of “%(title)s” is %(width)s pixels wide: printed across the page it "
                    "comes out at about %(dpi)s dpi and may look blurred (aim for 2,000 pixels)."
                )
                % {"title": proposal.title, "width": width, "dpi": round(dpi)}
            )
        src = f"{MEDIA_SCHEME}:{quote(name)}"
    elif images is ImageMode.INLINE:
        mime = Image.MIME.get(fmt.upper()) or mimetypes.guess_type(name)[0] or "image/png"
        src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    else:
        src = proposal.image.url
    return Picture(src=src, alt=alt, width=width, height=height)


PATHWAY_WIDTH = 1000
PATHWAY_MARGIN = 70
# Room on the right, past the arrow, for today's year.
PATHWAY_TODAY_ROOM = 60


def _pathway(proposal: Proposal) -> Pathway | None:
    """The pathway read backwards: horizon on the left, today on the right, numbered from 1 at
    the horizon, as the method has people think it ("what had to happen just before?")."""
    timeline = timeline_for(proposal)
    if timeline is None:
        return None
    span = timeline.axis_end - timeline.margin
    usable = PATHWAY_WIDTH - 2 * PATHWAY_MARGIN - PATHWAY_TODAY_ROOM

    def mirror(x: float) -> float:
        # timeline_for draws today on the left; the booklet reads from the horizon.
        return round(PATHWAY_MARGIN + usable * (timeline.axis_end - x) / span, 1)

    backwards = sorted(timeline.marks, key=lambda m: (-m.year, -m.number))
    marks = [
        Milestone(number=i + 1, year=m.year, text=m.milestone, x=mirror(m.x), above=i % 2 == 0)
        for i, m in enumerate(backwards)
    ]
    return Pathway(
        horizon=timeline.horizon,
        today=timeline.start,
        horizon_x=PATHWAY_MARGIN,
        today_x=PATHWAY_WIDTH - PATHWAY_MARGIN - PATHWAY_TODAY_ROOM,
        marks=marks,
        width=PATHWAY_WIDTH,
    )


# Method ---------------------------------------------------------------------------------------


def _method(workshop: Workshop, chapters: list[Chapter]) -> Method:
    articles = [
        Article(
            headline=a.headline,
            lede=a.lede,
            dated=a.dated,
            theme=a.theme.title if a.theme else "",
        )
        for a in workshop.articles.select_related("theme")
    ]
    agenda = [
        AgendaLine(
            starts_at=item.starts_at,
            title=item.title or item.get_kind_display(),
            kind=item.kind,
            minutes=item.minutes,
        )
        for item in workshop.agenda.all()
    ]
    people_per_theme: dict[int, set[int]] = defaultdict(set)
    for theme_id, person_id in ThemeMembership.objects.filter(theme__workshop=workshop).values_list(
        "theme_id", "person_id"
    ):
        people_per_theme[theme_id].add(person_id)
    theme_ids = dict(workshop.themes.values_list("key", "id"))
    groups = [
        GroupLine(
            anchor=chapter.anchor,
            palette=chapter.palette,
            title=chapter.title,
            challenge=chapter.challenge,
            people=len(people_per_theme.get(theme_ids.get(chapter.key, 0), ())),
            proposals=len(chapter.proposals),
        )
        for chapter in chapters
    ]
    template = [
        TemplateField(_("Title"), _("a name that says what the project is")),
        TemplateField(_("Objectives"), _("what it is for, in a few points")),
        TemplateField(_("Description"), _("a place, a service or a device: what one sees")),
        TemplateField(_("How it works"), _("a day in the life of the project")),
        TemplateField(_("Who does what"), _("each actor and their part")),
        TemplateField(_("Obstacles"), _("what could stop it, said plainly")),
        TemplateField(_("Image"), _("a photomontage made by the group’s designer")),
        TemplateField(
            _("Pathway"),
            _("dated milestones, from the horizon back to today"),
        ),
    ]
    return Method(articles=articles, agenda=agenda, groups=groups, template=template)
