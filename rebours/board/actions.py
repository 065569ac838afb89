"""Writing on a group's board: notes, dots and clusters. The only place that changes them.

Every action takes the actor's `BoardAccess` (see permissions.py), checks what it may do, writes
in a transaction and publishes the change on the board's stream inside that transaction, so that
screens hear of it only once it is stored. Refusals raise `BoardRefused` with a message meant for
the person who tried, and leave the database untouched.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rebours.board.models import (
    CLUSTER_NAME_MAX_LENGTH,
    DEFAULT_DOT_BUDGET,
    NOTE_MAX_LENGTH,
    BoardSettings,
    Cluster,
    Dot,
    Note,
)
from rebours.board.permissions import BoardAccess
from rebours.live.events import publish
from rebours.proposals.actions import ProposalInvalid, do_create_proposal
from rebours.proposals.models import TITLE_MAX_LENGTH, Proposal
from rebours.workshops.models import AgendaItem, Person, Theme, Workshop

MATERIAL_MAX_LENGTH = 9_000  # below the proposal's 10,000 characters, with room for a heading
MAX_DOT_BUDGET = 50


class BoardRefused(Exception):
    """An action the board will not carry out; `message` is for the person who tried."""

    def __init__(self, message: str, *, code: str = "refused", data: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.data = data


def stream_for(theme: Theme | int) -> str:
    return f"board:{theme if isinstance(theme, int) else theme.pk}"


# --- checks ---------------------------------------------------------------------------------


def check_note_text(text: Any) -> str:
    if not isinstance(text, str):
        raise BoardRefused(_("A note is text."), code="invalid")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise BoardRefused(_("An empty note cannot be posted."), code="invalid")
    if "\x00" in text:
        raise BoardRefused(
            _("This note contains a character that cannot be stored."), code="invalid"
        )
    if len(text) > NOTE_MAX_LENGTH:
        raise BoardRefused(
            _("A note holds at most %(max)d characters; this one has %(n)d.")
            % {"max": NOTE_MAX_LENGTH, "n": len(text)},
            code="invalid",
        )
    return text


def check_cluster_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise BoardRefused(_("A cluster needs a name."), code="invalid")
    name = " ".join(name.split())
    if "\x00" in name or len(name) > CLUSTER_NAME_MAX_LENGTH:
        raise BoardRefused(
            _("A cluster name holds at most %(max)d characters.")
            % {"max": CLUSTER_NAME_MAX_LENGTH},
            code="invalid",
        )
    return name


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise BoardRefused(message, code="forbidden")


def _same_board(actor: BoardAccess, theme_id: int) -> None:
    # An access is granted for one board: it never carries over to another group's notes.
    if actor.theme.pk != theme_id:
        raise BoardRefused(_("This belongs to another group's board."), code="forbidden")


def dot_budget(workshop: Workshop) -> int:
    budget = BoardSettings.objects.filter(workshop=workshop).values_list("dot_budget", flat=True)
    return next(iter(budget), DEFAULT_DOT_BUDGET)


# --- what the screens receive ---------------------------------------------------------------


def note_payload(note: Note, *, dots: int | None = None) -> dict[str, Any]:
    if dots is None:
        dots = note.dots.count()
    return {
        "id": note.pk,
        "key": note.key,
        "text": note.text,
        "author": note.author_id,
        "author_name": note.author.display_name if note.author else "",
        "cluster": note.cluster_id,
        "version": note.version,
        "dots": dots + (note.imported_dots or 0),
        "position": note.position,
    }


def editor_url(proposal: Proposal) -> str:
    """Where the group writes the draft (the proposal editor)."""
    return reverse("proposals:edit", args=[proposal.workshop.slug, proposal.key])


def cluster_payload(cluster: Cluster) -> dict[str, Any]:
    proposal = cluster.proposal
    return {
        "id": cluster.pk,
        "name": cluster.name,
        "position": cluster.position,
        "proposal": None
        if proposal is None
        else {
            "id": proposal.pk,
            "key": proposal.key,
            "title": proposal.title,
            "url": editor_url(proposal),
        },
    }


# --- notes ----------------------------------------------------------------------------------


def do_create_note(
    theme: Theme, *, actor: BoardAccess, text: Any, session: AgendaItem | int | None = None
) -> Note:
    """Post a note on `theme`'s board, signed by the actor, in the agenda's `session` if given."""
    _same_board(actor, theme.pk)
    _require(actor.write and actor.person is not None, _("You may not post on this board."))
    text = check_note_text(text)
    with transaction.atomic():
        top = Note.objects.filter(theme=theme).aggregate(top=Max("position"))["top"]
        note = Note.objects.create(
            theme=theme,
            key=f"n-{secrets.token_hex(6)}",
            position=0 if top is None else top + 1,
            session_id=session.pk if isinstance(session, AgendaItem) else session,
            author=actor.person,
            text=text,
        )
        publish(stream_for(theme), "note.created", {"note": note_payload(note, dots=0)})
    return note


def _locked_note(note: Note | int, actor: BoardAccess) -> Note:
    pk = note if isinstance(note, int) else note.pk
    # of=self: PostgreSQL refuses to lock the nullable side of the outer join to the author.
    found = (
        Note.objects.select_for_update(of=("self",)).select_related("author").filter(pk=pk).first()
    )
    if found is None:
        raise BoardRefused(_("This note no longer exists."), code="not_found")
    _same_board(actor, found.theme_id)
    return found


def _may_change(note: Note, actor: BoardAccess) -> bool:
    return actor.moderate or (
        actor.write and note.author_id is not None and note.author_id == actor.person_id
    )


def do_update_note(note: Note | int, *, actor: BoardAccess, text: Any, base_version: Any) -> Note:
    """Replace a note's text if nobody changed it since `base_version` (else a conflict)."""
    text = check_note_text(text)
    with transaction.atomic():
        current = _locked_note(note, actor)
        _require(
            _may_change(current, actor), _("Only its author or a facilitator may edit this note.")
        )
        if base_version != current.version:
            raise BoardRefused(
                _("Someone changed this note while you were editing it: your text was not saved."),
                code="conflict",
                data={"note": note_payload(current)},
            )
        current.text = text
        current.version += 1
        current.save(update_fields=["text", "version", "updated_at"])
        publish(stream_for(current.theme_id), "note.updated", {"note": note_payload(current)})
    return current


def do_delete_note(note: Note | int, *, actor: BoardAccess) -> None:
    """Take a note off the board, with its dots."""
    with transaction.atomic():
        current = _locked_note(note, actor)
        _require(
            _may_change(current, actor), _("Only its author or a facilitator may delete this note.")
        )
        pk, theme_id = current.pk, current.theme_id
        current.delete()
        publish(stream_for(theme_id), "note.deleted", {"id": pk})


def do_move_note(note: Note | int, *, actor: BoardAccess, cluster: Cluster | int | None) -> Note:
    """Put a note into a cluster of its board, or back among the loose notes (None).

    Moving is not an edit of the text: it does not change the note's version, so that a person
    writing on a note is not put in conflict by someone sorting the board.
    """
    _require(actor.write or actor.moderate, _("You may not sort this board."))
    with transaction.atomic():
        current = _locked_note(note, actor)
        target = None
        if cluster is not None:
            pk = cluster if isinstance(cluster, int) else cluster.pk
            target = Cluster.objects.filter(pk=pk).first()
            if target is None:
                raise BoardRefused(_("This cluster no longer exists."), code="not_found")
            _same_board(actor, target.theme_id)
        if current.cluster_id == (target.pk if target else None):
            return current
        current.cluster = target
        current.save(update_fields=["cluster", "updated_at"])
        publish(stream_for(current.theme_id), "note.updated", {"note": note_payload(current)})
    return current


# --- dots -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DotTally:
    note: int
    dots: int  # on the note, everyone's
    mine: int  # the actor's on this note
    used: int  # the actor's on this board
    budget: int

    def as_dict(self) -> dict[str, int]:
        return {
            "note": self.note,
            "dots": self.dots,
            "mine": self.mine,
            "used": self.used,
            "budget": self.budget,
        }


def _tally(note: Note, voter: Person, budget: int, used: int | None = None) -> DotTally:
    on_note = Dot.objects.filter(note=note).aggregate(
        all=Count("id"), mine=Count("id", filter=Q(voter=voter))
    )
    if used is None:
        used = Dot.objects.filter(voter=voter, note__theme_id=note.theme_id).count()
    return DotTally(
        note=note.pk,
        dots=on_note["all"] + (note.imported_dots or 0),
        mine=on_note["mine"],
        used=used,
        budget=budget,
    )


def do_add_dot(note: Note | int, *, actor: BoardAccess) -> DotTally:
    """Place one of the actor's dots on a note, within the dot budget.

    The voter's row is locked for the count and the insert, so that dots sent at the same moment
    from several screens of one person cannot together go over the budget.
    """
    _require(actor.write and actor.person is not None, _("You may not vote on this board."))
    with transaction.atomic():
        voter = Person.objects.select_for_update().filter(pk=actor.person_id or 0).first()
        if voter is None:
            raise BoardRefused(_("You are no longer part of this workshop."), code="forbidden")
        current = _locked_note(note, actor)
        budget = dot_budget(actor.theme.workshop)
        used = Dot.objects.filter(voter=voter, note__theme_id=current.theme_id).count()
        if used >= budget:
            raise BoardRefused(
                ngettext(
                    "You have placed your %(n)d dot: take one back to vote elsewhere.",
                    "You have placed all your %(n)d dots: take one back to vote elsewhere.",
                    budget,
                )
                % {"n": budget},
                code="budget",
            )
        Dot.objects.create(note=current, voter=voter)
        tally = _tally(current, voter, budget, used=used + 1)
        publish(
            stream_for(current.theme_id), "dot.changed", {"note": current.pk, "dots": tally.dots}
        )
    return tally


def do_remove_dot(note: Note | int, *, actor: BoardAccess) -> DotTally:
    """Take back one of the actor's dots from a note."""
    _require(actor.write and actor.person is not None, _("You may not vote on this board."))
    with transaction.atomic():
        voter = Person.objects.select_for_update().filter(pk=actor.person_id or 0).first()
        if voter is None:
            raise BoardRefused(_("You are no longer part of this workshop."), code="forbidden")
        current = _locked_note(note, actor)
        mine = Dot.objects.filter(note=current, voter=voter).order_by("-id").first()
        if mine is None:
            raise BoardRefused(_("You have no dot on this note."), code="invalid")
        mine.delete()
        tally = _tally(current, voter, dot_budget(actor.theme.workshop))
        publish(
            stream_for(current.theme_id), "dot.changed", {"note": current.pk, "dots": tally.dots}
        )
    return tally


def do_forget_voter(person: Person, *, actor: Any) -> int:
    """Remove every dot `person` placed (they are leaving the workshop); return how many."""
    with transaction.atomic():
        # A subquery rather than a join: PostgreSQL locks no rows of a DISTINCT.
        placed = Dot.objects.filter(voter=person).values("note_id")
        notes = list(Note.objects.select_for_update().filter(pk__in=placed).order_by("pk"))
        removed, _detail = Dot.objects.filter(voter=person).delete()
        for note in notes:
            dots = note.dots.count() + (note.imported_dots or 0)
            publish(stream_for(note.theme_id), "dot.changed", {"note": note.pk, "dots": dots})
    return removed


def do_set_dot_budget(workshop: Workshop, *, actor: Any, budget: Any) -> int:
    """Set how many dots each person may place on their group's board (dots already placed stay)."""
    if not isinstance(budget, int) or isinstance(budget, bool) or not 0 <= budget <= MAX_DOT_BUDGET:
        raise BoardRefused(
            _("The dot budget is a whole number from 0 to %(max)d.") % {"max": MAX_DOT_BUDGET},
            code="invalid",
        )
    with transaction.atomic():
        settings, _created = BoardSettings.objects.select_for_update().get_or_create(
            workshop=workshop
        )
        settings.dot_budget = budget
        settings.save(update_fields=["dot_budget"])
        for theme_id in workshop.themes.values_list("pk", flat=True):
            publish(stream_for(theme_id), "board.rules", {"dot_budget": budget})
    return budget


# --- clusters -------------------------------------------------------------------------------


def do_create_cluster(theme: Theme, *, actor: BoardAccess, name: Any) -> Cluster:
    """A new named cluster on the board, empty until notes are moved into it."""
    _same_board(actor, theme.pk)
    _require(actor.write or actor.moderate, _("You may not sort this board."))
    name = check_cluster_name(name)
    with transaction.atomic():
        if Cluster.objects.filter(theme=theme, name=name).exists():
            raise BoardRefused(
                _("This board already has a cluster with that name."), code="invalid"
            )
        top = Cluster.objects.filter(theme=theme).aggregate(top=Max("position"))["top"]
        cluster = Cluster.objects.create(
            theme=theme, name=name, position=0 if top is None else top + 1
        )
        publish(stream_for(theme), "cluster.created", {"cluster": cluster_payload(cluster)})
    return cluster


def _locked_cluster(cluster: Cluster | int, actor: BoardAccess) -> Cluster:
    pk = cluster if isinstance(cluster, int) else cluster.pk
    found = (
        Cluster.objects.select_for_update(of=("self",))
        .select_related("proposal")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise BoardRefused(_("This cluster no longer exists."), code="not_found")
    _same_board(actor, found.theme_id)
    return found


def do_rename_cluster(cluster: Cluster | int, *, actor: BoardAccess, name: Any) -> Cluster:
    """Give a cluster a new name, unique on its board."""
    _require(actor.write or actor.moderate, _("You may not sort this board."))
    name = check_cluster_name(name)
    with transaction.atomic():
        current = _locked_cluster(cluster, actor)
        if (
            Cluster.objects.filter(theme_id=current.theme_id, name=name)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise BoardRefused(
                _("This board already has a cluster with that name."), code="invalid"
            )
        current.name = name
        current.save(update_fields=["name"])
        publish(
            stream_for(current.theme_id), "cluster.updated", {"cluster": cluster_payload(current)}
        )
    return current


def do_delete_cluster(cluster: Cluster | int, *, actor: BoardAccess) -> None:
    """Remove a cluster; its notes go back among the loose notes."""
    _require(actor.moderate, _("Only a facilitator may remove a cluster."))
    with transaction.atomic():
        current = _locked_cluster(cluster, actor)
        pk, theme_id = current.pk, current.theme_id
        Note.objects.filter(cluster=current).update(cluster=None)
        current.delete()
        publish(stream_for(theme_id), "cluster.deleted", {"id": pk})


def cluster_material(cluster: Cluster) -> str:
    """The cluster's notes as a list, most dotted first: the raw material of a proposal draft."""
    notes = (
        Note.objects.filter(cluster=cluster)
        .annotate(live_dots=Count("dots"))
        .order_by("position", "pk")
    )
    ranked = sorted(notes, key=lambda n: -(n.live_dots + (n.imported_dots or 0)))
    lines: list[str] = []
    size = 0
    for index, note in enumerate(ranked):
        line = "- " + note.text.replace("\n", " ")
        if size + len(line) + 1 > MATERIAL_MAX_LENGTH:
            left = len(ranked) - index
            lines.append(
                ngettext("(%(n)d more note on the board)", "(%(n)d more notes on the board)", left)
                % {"n": left}
            )
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def do_propose_cluster(
    cluster: Cluster | int, *, actor: BoardAccess, title: Any = None
) -> Proposal:
    """Turn a cluster into a proposal draft of its group: its name as the title, its notes as the
    draft's description, to be rewritten in the proposal editor."""
    _require(actor.moderate, _("Only a facilitator may turn a cluster into a proposal."))
    with transaction.atomic():
        current = _locked_cluster(cluster, actor)
        if current.proposal_id is not None:
            raise BoardRefused(_("This cluster is already a proposal draft."), code="invalid")
        draft_title = title if isinstance(title, str) and title.strip() else current.name
        try:
            proposal = do_create_proposal(
                current.theme,
                actor=actor.user,
                title=draft_title[:TITLE_MAX_LENGTH],
                fields={"description": cluster_material(current)},
            )
        except ProposalInvalid as invalid:
            raise BoardRefused(invalid.message, code="invalid") from invalid
        current.proposal = proposal
        current.save(update_fields=["proposal"])
        publish(
            stream_for(current.theme_id), "cluster.updated", {"cluster": cluster_payload(current)}
        )
    return proposal
