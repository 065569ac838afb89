"""Who made each group's work, as the booklet credits them: by name only where they agreed."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rebours.workshops.models import Person, ThemeMembership, ThemeRole


@dataclass(frozen=True)
class Credit:
    """One line of a group's credits: a role and who held it (named, or counted)."""

    role: str
    text: str


# People ---------------------------------------------------------------------------------------


def person_credit(person: Person) -> str:
    """The name as the booklet prints it, only for people who agreed to be named."""
    if person.organisation:
        return f"{person.display_name} ({person.organisation})"
    return person.display_name


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def credits_for(memberships: list[ThemeMembership]) -> list[Credit]:
    """Who facilitated, designed and took part, by name where they agreed, else by role."""
    by_role: dict[str, list[Person]] = defaultdict(list)
    seen: set[int] = set()
    # Facilitators and designers are often listed as members too: credit them once, for the
    # role that says more.
    for role in (ThemeRole.FACILITATOR, ThemeRole.DESIGNER, ThemeRole.MEMBER):
        for membership in memberships:
            if membership.role == role and membership.person_id not in seen:
                seen.add(membership.person_id)
                by_role[role].append(membership.person)
    credits = []
    for role, label in (
        (ThemeRole.FACILITATOR, _("Facilitation")),
        (ThemeRole.DESIGNER, _("Design")),
        (ThemeRole.MEMBER, _("Participants")),
    ):
        people = by_role.get(role, [])
        if not people:
            continue
        named = [person_credit(p) for p in people if p.credit_by_name]
        others = len(people) - len(named)
        credits.append(Credit(role=label, text=_credit_text(role, named, others)))
    return credits


def _credit_text(role: str, named: list[str], others: int) -> str:
    if not others:
        return _join(named)
    if role == ThemeRole.FACILITATOR:
        counted = (
            ngettext("one other facilitator", "%(count)s other facilitators", others)
            if named
            else ngettext("one facilitator", "%(count)s facilitators", others)
        )
    elif role == ThemeRole.DESIGNER:
        counted = (
            ngettext("one other designer", "%(count)s other designers", others)
            if named
            else ngettext("one designer", "%(count)s designers", others)
        )
    else:
        counted = (
            ngettext("one other participant", "%(count)s other participants", others)
            if named
            else ngettext("one participant", "%(count)s participants", others)
        )
    return _join([*named, counted % {"count": others}])
