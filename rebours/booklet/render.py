"""From a `Booklet` to the files people read: the PDF (WeasyPrint) and the single-file HTML.

The work is cut into four steps that the command line, the background publisher and the
benchmark all report on:

    gather   read the database and the images          content.gather
    html     render the templates to one HTML string   render_print_html / render_file_html
    layout   WeasyPrint lays out and paginates         layout_pdf
    write    the PDF bytes (or the HTML file)          Document.write_pdf

The PDF's HTML is never served, so it carries its @page rules in a <style> block; the pages
that browsers load keep to the strict Content-Security-Policy and link the same stylesheet.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rebours.booklet.content import MEDIA_SCHEME, Booklet, ImageMode, gather
from rebours.booklet.palettes import palette_css, palettes
from rebours.workshops.models import Workshop

logger = logging.getLogger(__name__)


class Step(StrEnum):
    GATHER = "gather"
    HTML = "html"
    LAYOUT = "layout"
    WRITE = "write"


# Where each step starts and ends on a 0–100 progress scale, from how long each takes on the
# demo: WeasyPrint's layout is most of the time.
STEP_RANGE = {
    Step.GATHER: (0, 8),
    Step.HTML: (8, 15),
    Step.LAYOUT: (15, 90),
    Step.WRITE: (90, 100),
}

Progress = Callable[[Step, float], None]
"""Called with the current step and how far into it we are (0.0 to 1.0)."""


def overall_percent(step: Step, fraction: float) -> int:
    start, end = STEP_RANGE[step]
    return round(start + (end - start) * min(max(fraction, 0.0), 1.0))


def _no_progress(step: Step, fraction: float) -> None:
    pass


# Stylesheets -----------------------------------------------------------------------------------

STYLESHEETS = ("rebours/css/site.css", "booklet/booklet.css")


def stylesheet_paths() -> list[Path]:
    paths = []
    for name in STYLESHEETS:
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(f"static file {name} not found")
        paths.append(Path(found))
    return paths


@cache
def _read_stylesheets() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in stylesheet_paths())


def inline_css() -> SafeString:
    """Both stylesheets, for a <style> block (a closing tag in them could not end it early)."""
    css = _read_stylesheets().replace("</", "<\\/")
    return mark_safe(css)  # noqa: S308 - our own static files, with "</" neutralised


def page_rules() -> SafeString:
    """Palette variables and the running header's colour, which follows each chapter's palette.

    One named page per palette: margin boxes sit outside the document tree, so they cannot
    inherit the palette's custom property, and the colour is written here.
    """
    rules = [palette_css()]
    for p in palettes().values():
        rules.append(
            f".bk-chapter.palette-{p.number} {{ page: theme-{p.number}; }}\n"
            f"@page theme-{p.number} {{ @top-right {{ color: {p.colour}; }} }}"
        )
    return mark_safe("\n".join(rules))  # noqa: S308 - colours matched by a strict pattern


def _content_lang(booklet: Booklet) -> SafeString:
    if booklet.content_lang and booklet.content_lang != booklet.lang:
        return mark_safe(f' lang="{escape(booklet.content_lang)}"')  # noqa: S308 - escaped
    return mark_safe("")


def template_context(booklet: Booklet) -> dict:
    return {"booklet": booklet, "content_lang": _content_lang(booklet)}


# HTML ------------------------------------------------------------------------------------------


def render_print_html(booklet: Booklet) -> str:
    """The HTML that WeasyPrint lays out."""
    with translation.override(booklet.lang):
        return render_to_string(
            "booklet/print.html", {**template_context(booklet), "page_rules": page_rules()}
        )


def render_file_html(booklet: Booklet) -> str:
    """A single self-contained HTML file: stylesheets inlined, images as data: URIs."""
    with translation.override(booklet.lang):
        return render_to_string(
            "booklet/file.html", {**template_context(booklet), "inline_css": inline_css()}
        )


# PDF -------------------------------------------------------------------------------------------


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BookletFetcher(URLFetcher):
        """Images come from our storage and nowhere else: no network, no local files.

        Whatever a text field holds, the renderer cannot be made to fetch a URL.
        """

        def fetch(self, url, headers=None):
            if url.startswith(f"{MEDIA_SCHEME}:"):
                name = unquote(url.removeprefix(f"{MEDIA_SCHEME}:"))
                with default_storage.open(name, "rb") as handle:
                    return URLFetcherResponse(url, handle.read())
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"the booklet only loads its own images, not {url[:80]!r}")

    return BookletFetcher


class _PageCounter(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" log lines into progress, for one thread."""

    def __init__(self, on_page: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.thread = threading.get_ident()
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or not record.args:
            return
        if str(record.msg).startswith("Step 5 - Creating layout - Page"):
            with suppress(TypeError, ValueError, IndexError):
                args = record.args if isinstance(record.args, tuple) else ()
                self.on_page(int(str(args[0])))


class _Problems(logging.Handler):
    """Collects the errors WeasyPrint reports while it renders one booklet (a resource that
    failed to load, say); its warnings about CSS it does not support are for developers."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage().splitlines()[0][:300])


@contextmanager
def _listening(handler: logging.Handler, name: str, *, quiet: bool = False) -> Iterator[None]:
    """Attach `handler` to the logger `name`; with `quiet`, keep its records from the console."""
    log = logging.getLogger(name)
    previous = log.level, log.propagate
    if handler.level < log.getEffectiveLevel():
        log.setLevel(handler.level)
    if quiet:
        log.propagate = False
    log.addHandler(handler)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.level, log.propagate = previous


def layout_pdf(html: str, *, expected_pages: int = 0, progress: Progress = _no_progress):
    """Lay out `html` with WeasyPrint; return (document, problems WeasyPrint reported)."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher_class()()
    problems = _Problems()
    expected = max(expected_pages, 1)
    highest = [0.0]

    def on_page(page: int) -> None:
        # WeasyPrint lays the pages out again when page numbers change (the contents'
        # target-counter): the bar never goes back.
        fraction = min(page / expected, 0.98)
        if fraction > highest[0]:
            highest[0] = fraction
            progress(Step.LAYOUT, fraction)

    counter = _PageCounter(on_page)
    with _listening(problems, "weasyprint"), _listening(counter, "weasyprint.progress", quiet=True):
        # Only the booklet's stylesheet: site.css is written for browsers (the palette
        # variables it holds come through page_rules).
        stylesheets = [CSS(filename=str(stylesheet_paths()[-1]), url_fetcher=fetcher)]
        document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render(
            stylesheets=stylesheets, dpi=300, jpeg_quality=90
        )
    return document, problems.messages


def expected_pages(booklet: Booklet) -> int:
    """A rough page count, to show layout progress before WeasyPrint knows the real one."""
    return 6 + len(booklet.chapters) + 2 * booklet.proposal_count + 2 * bool(booklet.selection)


@dataclass
class Result:
    data: bytes
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def build_pdf(workshop: Workshop, lang: str, *, progress: Progress = _no_progress) -> Result:
    """The booklet of `workshop` in `lang` as PDF bytes, with its page count and warnings."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: Step) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step.value] = now - clock
        clock = now

    progress(Step.GATHER, 0)
    booklet = gather(workshop, lang, images=ImageMode.PRINT)
    lap(Step.GATHER)
    progress(Step.HTML, 0)
    html = render_print_html(booklet)
    lap(Step.HTML)
    progress(Step.LAYOUT, 0)
    document, problems = layout_pdf(html, expected_pages=expected_pages(booklet), progress=progress)
    lap(Step.LAYOUT)
    progress(Step.WRITE, 0)
    with _listening(logging.NullHandler(), "weasyprint.progress", quiet=True):
        data = document.write_pdf()
    lap(Step.WRITE)
    progress(Step.WRITE, 1)
    warnings = [*booklet.warnings, *(f"WeasyPrint: {p}" for p in problems)]
    return Result(data=data, pages=len(document.pages), warnings=warnings, seconds=seconds)


def build_html_file(workshop: Workshop, lang: str, *, progress: Progress = _no_progress) -> Result:
    """The booklet of `workshop` in `lang` as one self-contained HTML file (UTF-8 bytes)."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    progress(Step.GATHER, 0)
    booklet = gather(workshop, lang, images=ImageMode.INLINE)
    seconds[Step.GATHER.value] = time.perf_counter() - start
    progress(Step.HTML, 0)
    start = time.perf_counter()
    text = render_file_html(booklet)
    seconds[Step.HTML.value] = time.perf_counter() - start
    progress(Step.WRITE, 1)
    return Result(data=text.encode("utf-8"), warnings=list(booklet.warnings), seconds=seconds)
