"""Writing selections: opening and closing a vote, ballots, favourites, public voters.

Every refusal raises `SelectionRefused` before anything is written, inside the transaction, so a
refused ballot leaves the count exactly as it was. Live events carry counts only (ballots per
college, favourites named), never who voted what.
"""

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.live.events import publish
from rebours.selection import queries
from rebours.selection.models import (
    Ballot,
    BallotGrade,
    College,
    Favourite,
    Rule,
    Scope,
    Selection,
    Status,
    Ungraded,
    Visibility,
)
from rebours.selection.permissions import (
    PUBLIC_ATTRIBUTE,
    can_become_public_voter,
    can_name_favourites,
    can_vote,
    voting_colleges,
)
from rebours.selection.scale import GRADE_MAX_LENGTH, MAX_GRADES, MIN_GRADES
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import may_ever
from rebours.workshops.policy import Action

DISPLAY_NAME_MAX_LENGTH = 60
JUSTIFICATION_MAX_LENGTH = 500
FAVOURITES_MAX_LIMIT = 10


class SelectionRefused(Exception):
    """An action refused, with a message meant for the person who tried, and a stable code."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def stream_for(selection: Selection) -> str:
    return f"selection:{selection.pk}"


# --- checks ------------------------------------------------------------------------------------


def _clean_text(value: Any, *, limit: int, what: str, code: str) -> str:
    if not isinstance(value, str):
        raise SelectionRefused(_("%(what)s must be text.") % {"what": what}, code=code)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value):
        raise SelectionRefused(
            _("%(what)s contains control characters.") % {"what": what}, code=code
        )
    text = " ".join(value.split())
    if len(text) > limit:
        raise SelectionRefused(
            _("%(what)s is longer than %(limit)d characters.") % {"what": what, "limit": limit},
            code=code,
        )
    return text


def check_grades_scale(grades: Any, *, stored: Sequence[str] = ()) -> list[str]:
    """A scale of 2 to 8 distinct, non-empty labels, worst first.

    Labels of the `stored` scale pass as they are: an imported workshop may carry labels longer
    than an organiser may type (the exchange format sets no limit), and reopening its vote on the
    same scale must not refuse them, nor respace them (ballots point into the scale)."""
    if not isinstance(grades, list | tuple):
        raise SelectionRefused(_("The grades must be a list, worst first."), code="bad_scale")
    cleaned = [
        g
        if isinstance(g, str) and g in stored
        else _clean_text(g, limit=GRADE_MAX_LENGTH, what=_("A grade"), code="bad_scale")
        for g in grades
    ]
    cleaned = [g for g in cleaned if g]
    if not MIN_GRADES <= len(cleaned) <= MAX_GRADES:
        raise SelectionRefused(
            _("A scale has between %(low)d and %(high)d grades.")
            % {"low": MIN_GRADES, "high": MAX_GRADES},
            code="bad_scale",
        )
    if len(set(cleaned)) != len(cleaned):
        raise SelectionRefused(_("Each grade must appear once."), code="bad_scale")
    return cleaned


def check_open(selection: Selection, now: datetime) -> None:
    if selection.is_open(now):
        return
    if selection.status == Status.OPEN:
        raise SelectionRefused(
            _("The vote closed at %(time)s; nothing was recorded.")
            % {"time": timezone.localtime(selection.closes_at).strftime("%H:%M")},
            code="closed",
        )
    raise SelectionRefused(_("The vote is not open; nothing was recorded."), code="closed")


def check_college(selection: Selection, voter: Person, college: str | None) -> str:
    """The college the ballot counts in: the one asked for, or the voter's only one."""
    allowed = voting_colleges(voter, selection)
    if not allowed:
        raise SelectionRefused(
            _("You are not in a college that votes in this selection."), code="no_college"
        )
    if not college:
        if len(allowed) > 1:
            raise SelectionRefused(
                _("You belong to several colleges: choose the one your ballot counts in."),
                code="choose_college",
            )
        return allowed[0]
    if college not in allowed:
        raise SelectionRefused(
            _("You cannot vote in the college “%(college)s”.") % {"college": college},
            code="wrong_college",
        )
    return college


def check_ballot_grades(
    selection: Selection, proposal_ids: Mapping[str, int], grades: Mapping[str, Any]
) -> dict[int, int]:
    """Proposal key -> grade index, checked against the scale and the selection's proposals.

    A value of None or "" leaves the proposal ungraded. Returns proposal id -> grade index.
    """
    cleaned: dict[int, int] = {}
    scale = len(selection.grades)
    for key, value in grades.items():
        if key not in proposal_ids:
            raise SelectionRefused(
                _("“%(key)s” is not a proposal of this selection; nothing was recorded.")
                % {"key": str(key)[:80]},
                code="unknown_proposal",
            )
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            index = -1
        elif isinstance(value, int):
            index = value
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 4:
            index = int(value)
        else:
            index = -1
        if not 0 <= index < scale:
            raise SelectionRefused(
                _("“%(grade)s” is not a grade of this scale; nothing was recorded.")
                % {"grade": str(value)[:80]},
                code="bad_grade",
            )
        cleaned[proposal_ids[key]] = index
    return cleaned


# --- the receipt -------------------------------------------------------------------------------


def receipt_text(ballot: Ballot, rows: Iterable[tuple[str, str]]) -> str:
    """The exact text a receipt digests: who, which college, when, and each grade by name.

    Shown to the voter with the digest, so that anyone holding it can recompute the digest and
    see that the server recorded this ballot, at this time, unchanged.
    """
    assert ballot.cast_at is not None
    lines = [
        "rebours ballot",
        f"selection: {ballot.selection_id}",
        f"voter: {ballot.voter.key}",
        f"college: {ballot.college}",
        f"cast at: {ballot.cast_at.astimezone(UTC).isoformat(timespec='microseconds')}",
    ]
    lines += [f"{key}: {grade}" for key, grade in sorted(rows)]
    return "\n".join(lines) + "\n"


def receipt_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- actions -----------------------------------------------------------------------------------


def _counts(selection: Selection) -> dict[str, Any]:
    per_college = dict(
        Ballot.objects.filter(selection=selection)
        .values_list("college")
        .annotate(n=Count("id"))
        .values_list("college", "n")
    )
    return {"ballots": sum(per_college.values()), "colleges": per_college}


def do_open_selection(
    workshop: Workshop,
    *,
    actor: Any,
    grades: Sequence[str],
    scope: str = Scope.ALL,
    colleges: Sequence[str] = (College.ELECTED, College.PARTICIPANT),
    closes_at: datetime | None = None,
    ungraded: str = Ungraded.WORST,
    rule: str = Rule.MAJORITY,
    results_visibility: str = Visibility.AFTER_CLOSING,
    favourites_max: int = 3,
) -> Selection:
    """Open (or reopen, or change the settings of) the workshop's selection.

    The workshop has one selection, the one the exchange format carries; it is created when
    absent. Once ballots exist, the scale and the scope are fixed (the stored grades are indices
    into the scale) and a college that already voted stays.
    """
    now = timezone.now()
    if scope not in Scope.values:
        raise SelectionRefused(_("Unknown set of proposals."), code="bad_scope")
    chosen = list(dict.fromkeys(colleges))
    if not chosen or any(c not in College.values for c in chosen):
        raise SelectionRefused(_("Choose at least one college that votes."), code="bad_colleges")
    if ungraded not in Ungraded.values:
        raise SelectionRefused(_("Unknown rule for ungraded proposals."), code="bad_ungraded")
    if rule not in Rule.values:
        raise SelectionRefused(_("Unknown ranking rule."), code="bad_rule")
    if results_visibility not in Visibility.values:
        raise SelectionRefused(_("Unknown results visibility."), code="bad_visibility")
    if (
        isinstance(favourites_max, bool)
        or not isinstance(favourites_max, int)
        or not 0 <= favourites_max <= FAVOURITES_MAX_LIMIT
    ):
        raise SelectionRefused(
            _("Each elected official names between 0 and %(n)d favourites.")
            % {"n": FAVOURITES_MAX_LIMIT},
            code="bad_favourites_max",
        )
    if closes_at is not None and closes_at <= now:
        raise SelectionRefused(_("The closing time must be in the future."), code="bad_closing")
    with transaction.atomic():
        selection = (
            Selection.objects.select_for_update().filter(workshop=workshop).order_by("id").first()
        )
        # Checked against the locked row: its stored labels pass as they are.
        scale = check_grades_scale(list(grades), stored=selection.grades if selection else ())
        if selection is None:
            selection = Selection(workshop=workshop, grades=scale)
        elif selection.ballots.exists():
            if list(selection.grades) != scale:
                raise SelectionRefused(
                    _("Ballots were cast on this scale: it can no longer change."),
                    code="scale_fixed",
                )
            if selection.scope != scope:
                raise SelectionRefused(
                    _("Ballots were cast on these proposals: the set can no longer change."),
                    code="scope_fixed",
                )
            voted = set(selection.ballots.values_list("college", flat=True))
            dropped = sorted((voted & set(College.values)) - set(chosen))
            if dropped:
                raise SelectionRefused(
                    _("A college that has voted cannot be removed: %(colleges)s.")
                    % {"colleges": ", ".join(str(College(c).label) for c in dropped)},
                    code="college_voted",
                )
        selection.grades = scale
        selection.scope = scope
        if not queries.proposals_for_scope(workshop, scope).exists():
            raise SelectionRefused(_("No proposal is in this set."), code="empty_scope")
        selection.colleges = chosen
        selection.closes_at = closes_at
        selection.ungraded = ungraded
        selection.rule = rule
        selection.results_visibility = results_visibility
        selection.favourites_max = favourites_max
        if selection.status != Status.OPEN or selection.opened_at is None:
            selection.opened_at = now
        selection.status = Status.OPEN
        selection.save()
        record(
            workshop,
            actor=actor,
            action=AuditAction.SELECTION_OPENED,
            details={
                "colleges": chosen,
                "scope": scope,
                "closes_at": closes_at.isoformat() if closes_at else None,
                "results": results_visibility,
            },
        )
        publish(stream_for(selection), "selection.opened", _counts(selection))
    return selection


def do_close_selection(selection: Selection, *, actor: Any) -> Selection:
    """Stop accepting ballots now; the closing time becomes the time it really closed."""
    now = timezone.now()
    with transaction.atomic():
        # Locking the selection row makes a ballot being cast either finish before the close
        # or see the vote closed: never counted after the announced closing time.
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        if selection.status == Status.CLOSED:
            raise SelectionRefused(_("The vote is already closed."), code="closed")
        selection.status = Status.CLOSED
        if selection.closes_at is None or selection.closes_at > now:
            selection.closes_at = now
        selection.save(update_fields=["status", "closes_at"])
        record(
            selection.workshop,
            actor=actor,
            action=AuditAction.SELECTION_CLOSED,
            details=_counts(selection),
        )
        publish(stream_for(selection), "selection.closed", _counts(selection))
    return selection


def do_cast_ballot(
    selection: Selection,
    voter: Person,
    *,
    actor: Person | None,
    grades: Mapping[str, Any],
    college: str | None = None,
) -> Ballot:
    """Record `voter`'s ballot, replacing the one they cast before; return it with its receipt.

    `grades` maps proposal keys to grade indices (0 = worst); a proposal left out, or given
    None or "", stays ungraded. Only the voter casts their own ballot. The unique constraint on
    (selection, voter) keeps one ballot per voter even under concurrent submissions: a second
    insert fails and becomes an update of the first.
    """
    now = timezone.now()
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        if actor is None or voter.pk != actor.pk:
            raise SelectionRefused(
                _("You can only cast your own ballot; nothing was recorded."), code="not_yours"
            )
        if voter.workshop_id != selection.workshop_id:
            raise SelectionRefused(
                _("This voter does not take part in this workshop."), code="not_yours"
            )
        check_open(selection, now)
        chosen_college = check_college(selection, voter, college)
        if not can_vote(voter, selection, now):
            raise SelectionRefused(
                _("You are not in a college that votes in this selection."), code="no_college"
            )
        proposals = list(queries.selection_proposals(selection).values_list("key", "id"))
        cleaned = check_ballot_grades(selection, dict(proposals), grades)
        if not cleaned:
            raise SelectionRefused(
                _("Grade at least one proposal; nothing was recorded."), code="empty"
            )

        ballot = Ballot.objects.filter(selection=selection, voter=voter).first()
        if ballot is None:
            try:
                with transaction.atomic():
                    ballot = Ballot.objects.create(
                        selection=selection,
                        voter=voter,
                        college=chosen_college,
                        position=_next_position(selection),
                    )
            except IntegrityError:
                # Someone (the same voter, in another tab) inserted first: update theirs.
                ballot = Ballot.objects.get(selection=selection, voter=voter)
        ballot.grades.all().delete()
        BallotGrade.objects.bulk_create(
            [
                BallotGrade(ballot=ballot, proposal_id=proposal_id, grade=grade)
                for proposal_id, grade in cleaned.items()
            ]
        )
        keys = {pk: key for key, pk in proposals}
        ballot.voter = voter
        ballot.college = chosen_college
        ballot.cast_at = now
        ballot.receipt = receipt_digest(
            receipt_text(
                ballot, [(keys[pid], selection.grades[grade]) for pid, grade in cleaned.items()]
            )
        )
        ballot.save(update_fields=["college", "cast_at", "receipt", "updated_at"])
        publish(stream_for(selection), "selection.ballot_cast", _counts(selection))
    return ballot


def _next_position(selection: Selection) -> int:
    last = Ballot.objects.filter(selection=selection).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def do_join_as_public(selection: Selection, *, actor: Person | None, display_name: Any) -> Person:
    """Create the Person a member of the public votes as, in the public college.

    One per session: the view remembers the new person in the session, and `actor` (whoever the
    session already knows) must be nobody. The view also limits how many are created per
    address; the public college is open by design, which is why it is counted on its own.
    """
    now = timezone.now()
    name = _clean_text(
        display_name, limit=DISPLAY_NAME_MAX_LENGTH, what=_("Your name"), code="bad_name"
    )
    if not name:
        raise SelectionRefused(_("Give a name to vote under."), code="bad_name")
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        check_open(selection, now)
        if College.PUBLIC not in (selection.colleges or []):
            raise SelectionRefused(
                _("The public does not vote in this selection."), code="no_public"
            )
        if actor is not None:
            raise SelectionRefused(
                _("You already take part in this workshop as %(name)s.")
                % {"name": actor.display_name},
                code="already_known",
            )
        if not can_become_public_voter(actor, selection, now):
            raise SelectionRefused(_("The vote is not open; nothing was recorded."), code="closed")
        workshop = selection.workshop
        last = workshop.people.aggregate(m=Max("position"))["m"]
        key, value = PUBLIC_ATTRIBUTE
        person = Person.objects.create(
            workshop=workshop,
            key=f"public-{secrets.token_hex(6)}",
            position=0 if last is None else last + 1,
            display_name=name,
            roles=[],
            attributes={key: value},
        )
    return person


def do_set_favourites(
    selection: Selection, *, actor: Person | None, choices: Sequence[tuple[str, Any]]
) -> list[Favourite]:
    """Replace an elected official's favourites: (proposal key, justification) pairs, in order.

    Pairs with an empty proposal are skipped; each named proposal needs a sentence of why.
    """
    now = timezone.now()
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        if actor is None or actor.workshop_id != selection.workshop_id:
            raise SelectionRefused(
                _("Only elected officials of this workshop name favourites."), code="not_elected"
            )
        if not may_ever(None, None, selection.workshop, Action.NAME_FAVOURITES, person=actor):
            raise SelectionRefused(
                _("Only elected officials of this workshop name favourites."), code="not_elected"
            )
        check_open(selection, now)
        if not can_name_favourites(actor, now):
            raise SelectionRefused(
                _("Only elected officials of this workshop name favourites."), code="not_elected"
            )
        proposal_ids = dict(queries.selection_proposals(selection).values_list("key", "id"))
        picked: list[tuple[int, str]] = []
        for key, justification in choices:
            if not key:
                continue
            if key not in proposal_ids:
                raise SelectionRefused(
                    _("“%(key)s” is not a proposal of this selection; nothing was recorded.")
                    % {"key": str(key)[:80]},
                    code="unknown_proposal",
                )
            if any(proposal_ids[key] == pid for pid, _why in picked):
                raise SelectionRefused(
                    _("The same proposal is named twice."), code="duplicate_favourite"
                )
            why = _clean_text(
                justification,
                limit=JUSTIFICATION_MAX_LENGTH,
                what=_("The justification"),
                code="bad_justification",
            )
            if not why:
                raise SelectionRefused(
                    _("Say in a sentence why each favourite struck you."),
                    code="bad_justification",
                )
            picked.append((proposal_ids[key], why))
        if len(picked) > selection.favourites_max:
            raise SelectionRefused(
                _("Name at most %(n)d favourites.") % {"n": selection.favourites_max},
                code="too_many_favourites",
            )
        Favourite.objects.filter(selection=selection, by=actor).delete()
        first = _favourite_position(selection)
        favourites = Favourite.objects.bulk_create(
            [
                Favourite(
                    selection=selection,
                    by=actor,
                    proposal_id=pid,
                    justification=why,
                    position=first + i,
                )
                for i, (pid, why) in enumerate(picked)
            ]
        )
        publish(
            stream_for(selection),
            "selection.favourites",
            {"favourites": Favourite.objects.filter(selection=selection).count()},
        )
    return favourites


def _favourite_position(selection: Selection) -> int:
    last = Favourite.objects.filter(selection=selection).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


__all__ = [
    "SelectionRefused",
    "check_ballot_grades",
    "check_college",
    "check_grades_scale",
    "check_open",
    "do_cast_ballot",
    "do_close_selection",
    "do_join_as_public",
    "do_open_selection",
    "do_set_favourites",
    "do_withdraw_votes",
    "receipt_digest",
    "receipt_text",
    "stream_for",
]


def do_withdraw_votes(person: Person, *, actor: Any) -> int:
    """Withdraw `person`'s ballots and favourites from the votes still open (they are erasing
    their data); closed votes keep theirs, de-identified with the person. How many went."""
    withdrawn = 0
    now = timezone.now()
    with transaction.atomic():
        for selection in Selection.objects.select_for_update().filter(workshop=person.workshop_id):
            if not selection.is_open(now):
                continue
            ballots, _detail = Ballot.objects.filter(selection=selection, voter=person).delete()
            favourites, _detail = Favourite.objects.filter(selection=selection, by=person).delete()
            if ballots or favourites:
                withdrawn += 1
                publish(stream_for(selection), "selection.ballot_cast", _counts(selection))
    return withdrawn
