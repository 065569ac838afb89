"""The searchable copy of a proposal: every text a person might look for, folded."""

from typing import TYPE_CHECKING

from rebours.core.text import fold

if TYPE_CHECKING:
    from rebours.proposals.models import Proposal


def search_text_for(proposal: "Proposal") -> str:
    parts = [
        proposal.title,
        proposal.summary,
        proposal.description,
        proposal.how_it_works,
        *(proposal.objectives or []),
        *(proposal.obstacles or []),
        *(f"{r.get('actor', '')} {r.get('does', '')}" for r in proposal.roles or []),
        *(m.get("milestone", "") for m in proposal.pathway or []),
        proposal.theme.title,
        proposal.theme.challenge,
    ]
    return fold(" \n ".join(p for p in parts if p))
