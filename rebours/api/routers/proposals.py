"""Proposals: read by everyone once the workshop is published; written by the theme's group and
the organisers through the same actions, and the same version check, as the pages."""

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import StringConstraints

from rebours.api import decidim
from rebours.api.access import (
    access_proposal,
    access_workshop,
    access_writable_proposal,
    access_writable_theme,
    acting_person,
)
from rebours.api.auth import READ, WRITE, principal
from rebours.api.errors import ApiError
from rebours.api.pagination import PageParams, paginate
from rebours.api.routers.common import absolute, errors
from rebours.api.schemas import (
    ConflictOut,
    ProposalCreateIn,
    ProposalOut,
    ProposalPage,
    ProposalUpdateIn,
    unsent,
)
from rebours.proposals.actions import ProposalConflict, do_create_proposal, do_update_proposal
from rebours.proposals.checks import ProposalInvalid
from rebours.proposals.models import Origin, Proposal
from rebours.proposals.queries import CatalogueFilters, catalogue
from rebours.workshops.permissions import is_organiser

router = Router(tags=["proposals"])


def proposal_data(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    review = getattr(proposal, "review", None)
    image = None
    if proposal.image_path or proposal.image.name:
        image = {
            "url": request.build_absolute_uri(proposal.image.url)
            if proposal.image_available()
            else None,
            "alt": proposal.image_alt,
        }
    return {
        "key": proposal.key,
        "theme": proposal.theme.key,
        "letter": proposal.letter,
        "origin": proposal.origin,
        "title": proposal.title,
        "kind": proposal.kind,
        "summary": proposal.summary,
        "objectives": list(proposal.objectives or []),
        "description": proposal.description,
        "how_it_works": proposal.how_it_works,
        "roles": list(proposal.roles or []),
        "obstacles": list(proposal.obstacles or []),
        "pathway": list(proposal.pathway or []),
        "image": image,
        "review": None if review is None else {"opinion": review.opinion, "triage": review.triage},
        "merged_into": proposal.merged_into.key if proposal.merged_into is not None else None,
        "version": proposal.version,
        "updated_at": proposal.updated_at,
        "url": absolute(request, "proposals:detail", proposal.workshop.slug, proposal.key),
    }


class ProposalFilters(PageParams):
    theme: str = unsent(max_length=64, description="Only this theme's proposals.")
    triage: Literal["programme", "rework", "not_original", "none"] = unsent(
        description="Only the proposals the organisers triaged so (`none`: not yet)."
    )
    kind: Literal["place", "service", "device", "policy"] = unsent(
        description="Only the proposals of this kind."
    )

    def catalogue_filters(self) -> CatalogueFilters:
        return CatalogueFilters(
            triage=self.triage or "", theme=self.theme or "", kind=self.kind or ""
        )


@router.get(
    "/workshops/{slug}/proposals",
    auth=READ,
    response={200: ProposalPage, **errors(401, 404, 422)},
)
def list_proposals(request: HttpRequest, slug: str, filters: Query[ProposalFilters]) -> Any:
    """The workshop's proposals as its catalogue lists them: theme by theme, in the order of
    their letters, without those merged into another."""
    workshop = access_workshop(principal(request), slug)
    proposals = catalogue(workshop, filters.catalogue_filters()).select_related("merged_into")
    return paginate(request, proposals, filters, lambda p: proposal_data(request, p))


Locale = Annotated[str, StringConstraints(pattern=r"^([a-z]{2}([_-][A-Za-z]{2,4})?)?$")]


class CsvParams(Schema):
    locale: Locale = unsent(  # None: the workshop's language
        description="The locale of the `title/…` and `body/…` columns (`fr`, `ca`, `pt-BR`…): "
        "the default locale of the Decidim organisation that imports the file. "
        "Default: the workshop's language.",
    )


@router.get(
    "/workshops/{slug}/proposals.csv",
    auth=READ,
    response=errors(401, 404, 422),
    openapi_extra={
        "responses": {
            200: {
                "description": "Semicolon-separated CSV that Decidim's proposal import reads.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def proposals_for_decidim(
    request: HttpRequest, slug: str, params: Query[CsvParams]
) -> HttpResponse:
    """The proposals as a CSV file for Decidim's admin import (see docs/api.md)."""
    workshop = access_workshop(principal(request), slug)
    proposals = catalogue(workshop)
    locale = params.locale or workshop.language or "fr"
    text = decidim.proposals_csv(
        proposals,
        locale=locale,
        url=lambda p: absolute(request, "proposals:detail", workshop.slug, p.key),
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}-proposals.csv"'
    return response


@router.get(
    "/workshops/{slug}/proposals/{key}",
    auth=READ,
    response={200: ProposalOut, **errors(401, 404)},
)
def get_proposal(request: HttpRequest, slug: str, key: str) -> Any:
    """One proposal: the template's sections, its pathway, image and the organisers' review."""
    return proposal_data(request, access_proposal(principal(request), slug, key))


def _invalid(error: ProposalInvalid) -> ApiError:
    return ApiError(422, f"{error.field}: {error.message}", field=error.field)


@router.post(
    "/workshops/{slug}/themes/{key}/proposals",
    auth=WRITE,
    response={201: ProposalOut, **errors(400, 401, 403, 404, 422, 429)},
)
def create_proposal(request: HttpRequest, slug: str, key: str, payload: ProposalCreateIn) -> Any:
    """Start a new proposal sheet in a theme, at version 1 (the group's members, organisers)."""
    caller = principal(request)
    theme = access_writable_theme(caller, slug, key)
    if payload.origin == Origin.ORGANISERS and not is_organiser(caller.user, theme.workshop):
        raise ApiError(403, "only organisers add proposals of origin `organisers`", field="origin")
    try:
        proposal = do_create_proposal(
            theme,
            actor=caller.user,
            title=payload.title,
            origin=payload.origin,
            fields={k: v for k, v in payload.changes().items() if k != "title"},
            person=acting_person(caller, theme.workshop),
        )
    except ProposalInvalid as error:
        raise _invalid(error) from None
    return Status(201, proposal_data(request, access_proposal(caller, slug, proposal.key)))


@router.patch(
    "/workshops/{slug}/proposals/{key}",
    auth=WRITE,
    response={200: ProposalOut, 409: ConflictOut, **errors(400, 401, 403, 404, 422, 429)},
)
def update_proposal(request: HttpRequest, slug: str, key: str, payload: ProposalUpdateIn) -> Any:
    """Change some fields of a proposal. `base_version` is the version the change started
    from. If someone saved since, the change is merged when it touches other fields than
    theirs, as in the editor; when it touches the same ones, nothing is written and 409 returns
    the current fields."""
    caller = principal(request)
    proposal = access_writable_proposal(caller, slug, key)
    try:
        updated = do_update_proposal(
            proposal,
            payload.changes(),
            base_version=payload.base_version,
            actor=caller.user,
            person=acting_person(caller, proposal.workshop),
        )
    except ProposalInvalid as error:
        raise _invalid(error) from None
    except ProposalConflict as conflict:
        body = {"error": str(conflict), "fields": conflict.fields, "current": conflict.current}
        return Status(409, body)
    return proposal_data(request, access_proposal(caller, slug, updated.key))
