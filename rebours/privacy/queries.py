"""What Rebours holds about the person reading: their people in each workshop, what those
people did, and their account. One function, `my_data`, read by the page and the JSON export."""

from typing import Any

from django.db.models import Count

from rebours.api.models import ApiToken
from rebours.board.models import Dot, Note
from rebours.selection.models import Ballot, Favourite
from rebours.workshops.models import Person, ThemeMembership
from rebours.workshops.permissions import PARTICIPANT_SESSION_PREFIX, User


def my_people(user: User, session: Any) -> list[Person]:
    """Everyone the caller is: the people linked to their account, and those their browser
    joined as (the session remembers one person per workshop)."""
    found: dict[int, Person] = {}
    if user.is_authenticated:
        for person in Person.objects.filter(user_id=user.pk).select_related("workshop"):
            found[person.pk] = person
    if session is not None:
        ids = [
            value
            for key, value in session.items()
            if key.startswith(PARTICIPANT_SESSION_PREFIX) and isinstance(value, int)
        ]
        for person in Person.objects.filter(pk__in=ids).select_related("workshop"):
            found[person.pk] = person
    return sorted(found.values(), key=lambda p: (p.workshop.title, p.pk))


def _ballots(person: Person) -> list[dict[str, Any]]:
    result = []
    for ballot in Ballot.objects.filter(voter=person).select_related("selection"):
        scale = list(ballot.selection.grades or [])
        grades = [
            {
                "proposal": grade.proposal.key,
                "title": grade.proposal.title,
                "grade": scale[grade.grade] if grade.grade < len(scale) else grade.grade,
            }
            for grade in ballot.grades.select_related("proposal").order_by("proposal__position")
        ]
        result.append(
            {
                "college": ballot.college,
                "cast_at": ballot.cast_at.isoformat() if ballot.cast_at else None,
                "receipt": ballot.receipt,
                "grades": grades,
            }
        )
    return result


def person_data(person: Person) -> dict[str, Any]:
    dots = (
        Dot.objects.filter(voter=person)
        .values("note__theme__key")
        .annotate(n=Count("id"))
        .order_by("note__theme__key")
    )
    return {
        "workshop": {"slug": person.workshop.slug, "title": person.workshop.title},
        "key": person.key,
        "display_name": person.display_name,
        "roles": list(person.roles or []),
        "organisation": person.organisation,
        "attributes": dict(person.attributes or {}),
        "credited_by_name": person.credit_by_name,
        "groups": [
            {"theme": m.theme.key, "title": m.theme.title, "role": m.role}
            for m in ThemeMembership.objects.filter(person=person).select_related("theme")
        ],
        "notes": [
            {
                "theme": note.theme.key,
                "text": note.text,
                "created_at": note.created_at.isoformat(),
            }
            for note in Note.objects.filter(author=person).select_related("theme").order_by("pk")
        ],
        "dots": {row["note__theme__key"]: row["n"] for row in dots},
        "ballots": _ballots(person),
        "favourites": [
            {"proposal": f.proposal.key, "title": f.proposal.title, "why": f.justification}
            for f in Favourite.objects.filter(by=person).select_related("proposal")
        ],
    }


def account_data(user: User) -> dict[str, Any] | None:
    if not user.is_authenticated:
        return None
    joined = getattr(user, "date_joined", None)
    return {
        "username": user.get_username(),
        "email": getattr(user, "email", ""),
        "date_joined": joined.isoformat() if joined else None,
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked": token.revoked_at is not None,
            }
            for token in ApiToken.objects.filter(user_id=user.pk).order_by("created_at")
        ],
    }


def my_data(user: User, session: Any) -> dict[str, Any]:
    """Everything the export and the page show, as plain data."""
    return {
        "format": "rebours.personal-data/1",
        "account": account_data(user),
        "people": [person_data(person) for person in my_people(user, session)],
    }
