"""What the proposal editor plugs into the live layer: the `proposal:<id>` stream and the
`proposal.presence` command (who is editing which field, sent as heartbeats)."""

from typing import Any

from rebours.live.registry import CommandRefused, Viewer, register_command, register_stream
from rebours.proposals.actions import ProposalInvalid, do_announce_presence
from rebours.proposals.models import Proposal
from rebours.proposals.permissions import can_edit, can_read_stream, editor_person


def _proposal(stream_or_id: Any) -> Proposal | None:
    try:
        pk = int(str(stream_or_id).removeprefix("proposal:"))
    except ValueError:
        return None
    return Proposal.objects.select_related("theme__workshop", "workshop").filter(pk=pk).first()


def can_read_proposal(viewer: Viewer, stream: str) -> bool:
    proposal = _proposal(stream)
    return proposal is not None and can_read_stream(viewer.user, viewer.session, proposal)


def handle_presence(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    proposal = _proposal(data.get("proposal"))
    if proposal is None or not can_edit(viewer.user, viewer.session, proposal):
        raise CommandRefused("you may not edit this proposal", code="forbidden")
    field = data.get("field")
    if field is not None and not isinstance(field, str):
        raise CommandRefused('"field" must be a field name or null')
    try:
        payload = do_announce_presence(
            proposal,
            actor=viewer.user,
            person=editor_person(viewer.user, viewer.session, proposal.theme),
            tab=data.get("tab", ""),
            field=field,
            leaving=bool(data.get("leaving")),
        )
    except ProposalInvalid as invalid:
        raise CommandRefused(f"{invalid.field}: {invalid.message}") from None
    return {"who": payload["who"]}


def register() -> None:
    register_stream("proposal", can_read_proposal)
    register_command("proposal.presence", handle_presence)
