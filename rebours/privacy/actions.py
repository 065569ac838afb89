"""Erasing what Rebours holds about someone, at their request.

The rule (docs/security.md, "Personal data"): what a person contributed stays and keeps
counting, without them. Their notes stay on the boards, unsigned. Each of their people in a
workshop stays as a row under a pseudonym ("Person 12"), without organisation, attributes,
consent to be named or account, so that their dots and the group sizes stay right and the
history names the pseudonym. A ballot in a vote still open is withdrawn (the results are not
final, and nobody could change it any more); a ballot in a closed vote stays, de-identified, so
that published results do not change after the fact. An account goes altogether, with its API
tokens.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from rebours.api.actions import do_delete_tokens
from rebours.board.actions import do_unsign_notes
from rebours.proposals.actions import do_rename_in_history
from rebours.selection.actions import do_withdraw_votes
from rebours.workshops.actions import do_anonymise_person
from rebours.workshops.models import Person
from rebours.workshops.permissions import User


@dataclass(frozen=True)
class Erased:
    people: int
    notes: int
    votes_withdrawn: int
    tokens: int
    account: bool


def do_erase_my_data(user: User, people: list[Person], *, actor: Any) -> Erased:
    """Erase the data of the caller: `people` (theirs, see queries.my_people) and their account."""
    notes = votes = tokens = 0
    with transaction.atomic():
        for person in people:
            notes += do_unsign_notes(person, actor=actor)
            votes += do_withdraw_votes(person, actor=actor)
            anonymised = do_anonymise_person(person, actor=actor)
            do_rename_in_history(anonymised, actor=actor)
        account = bool(user.is_authenticated)
        if account:
            tokens = do_delete_tokens(user, actor=actor)  # type: ignore[arg-type]
            user.delete()
    return Erased(len(people), notes, votes, tokens, account)
