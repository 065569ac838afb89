"""Proposals as a CSV file that Decidim's admin import of proposals reads.

Decidim reads a semicolon-separated file whose header names columns in its own export's style:
`title/<locale>` and `body/<locale>` (required, for the organisation's default locale), and
optionally `category/id` (versions with categories), `taxonomies/ids` (recent versions),
`scope/id`, `address`, `latitude`, `longitude`. It skips `id` and any column it does not know.
docs/api.md has the mapping.

Our template has more sections than Decidim's title and body, so the body carries them all as
plain text under headings, in the language of `locale` when Rebours speaks it. The ids of the
target's categories, taxonomies and scopes are not ours to know: their columns are left empty for
the region to fill, and the theme's title sits beside them to help it do so.
"""

import csv
import io
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from rebours.proposals.models import Proposal

# Cells a spreadsheet would run as a formula start with an apostrophe, as in our other CSVs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header(locale: str) -> list[str]:
    return [
        "id",
        f"title/{locale}",
        f"body/{locale}",
        "category/id",
        "taxonomies/ids",
        "scope/id",
        f"category/name/{locale}",
        "reference",
        "url",
    ]


def _section(title: str, lines: list[str]) -> str:
    return f"{title}\n" + "\n".join(lines) if lines else ""


def body_text(proposal: Proposal) -> str:
    """The template's sections as plain text, in the active language, empty ones left out."""
    review = getattr(proposal, "review", None)
    pathway = sorted(proposal.pathway or [], key=lambda m: m.get("year", 0), reverse=True)
    parts = [
        proposal.summary,
        _section(_("Objectives"), [f"- {item}" for item in proposal.objectives or []]),
        _section(_("Description"), [proposal.description] if proposal.description else []),
        _section(_("How it works"), [proposal.how_it_works] if proposal.how_it_works else []),
        _section(
            _("Who does what"),
            [f"- {row.get('actor', '')}: {row.get('does', '')}" for row in proposal.roles or []],
        ),
        _section(_("Obstacles"), [f"- {item}" for item in proposal.obstacles or []]),
        _section(
            _("The pathway, from the horizon back to today"),
            [f"- {m.get('year', '')}: {m.get('milestone', '')}" for m in pathway],
        ),
        _section(_("Our opinion"), [review.opinion] if review and review.opinion else []),
    ]
    return "\n\n".join(part.strip("\n") for part in parts if part and part.strip())


def proposals_csv(
    proposals: Iterable[Proposal], *, locale: str, url: Callable[[Proposal], str]
) -> str:
    language = locale.replace("-", "_").split("_")[0]
    known = {code for code, _name in settings.LANGUAGES}
    out = io.StringIO()
    # Decidim reads with Ruby's CSV and `col_sep: ";"`; quoting is standard (RFC 4180).
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header(locale))
    with translation.override(language if language in known else "en"):
        for proposal in proposals:
            writer.writerow(
                [
                    proposal.key,
                    _cell(proposal.title),
                    _cell(body_text(proposal)),
                    "",
                    "",
                    "",
                    _cell(proposal.theme.title),
                    f"{proposal.workshop.slug}/{proposal.key}",
                    url(proposal),
                ]
            )
    return out.getvalue()
