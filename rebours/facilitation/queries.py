"""Reading the live day for its pages: the day's state, the groups' progress, the participants."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from rebours.board.models import Cluster, Note
from rebours.facilitation.actions import day_payload, day_stream, do_prepare_day, staff_stream
from rebours.facilitation.models import DayState, JoinSettings
from rebours.facilitation.timer import Timer
from rebours.live.events import last_seq
from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Role, Theme, ThemeRole, Workshop

EXPECTED_PROPOSALS = 3  # the method asks each group for three tangible projects


def workshop_for_day(slug: str) -> Workshop:
    # Unlike the public pages, the day may run before the workshop is published.
    return get_object_or_404(Workshop, slug=slug)


def day_snapshot(workshop: Workshop) -> dict[str, Any]:
    """The state every screen starts from, and the number of the day's stream it matches."""
    seq = last_seq(day_stream(workshop))
    day, _join = do_prepare_day(workshop, actor=None)
    day = DayState.objects.select_related("workshop", "item", "article__theme").get(pk=day.pk)
    return {"stream": day_stream(workshop), "seq": seq, "state": day_payload(day)}


def join_settings(workshop: Workshop) -> JoinSettings:
    return do_prepare_day(workshop, actor=None)[1]


def timer_of(state: dict[str, Any]) -> Timer | None:
    timer = state.get("timer")
    if not timer:
        return None
    return Timer(timer["started_at"], timer["duration"], timer["paused_at"])


@dataclass(frozen=True)
class GroupProgress:
    theme: Theme
    members: int
    notes: int
    clusters: int
    proposals: int
    expected: int = EXPECTED_PROPOSALS

    def as_dict(self) -> dict[str, Any]:
        return {
            "board": self.theme.pk,
            "members": self.members,
            "notes": self.notes,
            "clusters": self.clusters,
            "proposals": self.proposals,
            "expected": self.expected,
        }


def progress(workshop: Workshop) -> list[GroupProgress]:
    """Each group against the method: notes, clusters, proposals drafted (of three)."""
    themes = workshop.themes.annotate(
        member_count=Count(
            "memberships", filter=~Q(memberships__role=ThemeRole.FACILITATOR), distinct=True
        )
    ).order_by("position", "pk")
    notes = dict(
        Note.objects.filter(theme__workshop=workshop).values_list("theme").annotate(n=Count("pk"))
    )
    clusters = dict(
        Cluster.objects.filter(theme__workshop=workshop)
        .values_list("theme")
        .annotate(n=Count("pk"))
    )
    proposals = dict(
        Proposal.objects.filter(workshop=workshop).values_list("theme").annotate(n=Count("pk"))
    )
    return [
        GroupProgress(
            theme=t,
            members=t.member_count,
            notes=notes.get(t.pk, 0),
            clusters=clusters.get(t.pk, 0),
            proposals=proposals.get(t.pk, 0),
        )
        for t in themes
    ]


def participants(workshop: Workshop) -> list[dict[str, Any]]:
    """People who joined with the link (participants without an account), with their group."""
    people = (
        Person.objects.filter(workshop=workshop, user__isnull=True, key__startswith="j-")
        .prefetch_related("memberships__theme")
        .order_by("position", "pk")
    )
    rows = []
    for person in people:
        if not person.has_role(Role.PARTICIPANT):
            continue
        theme = next(
            (m.theme for m in person.memberships.all() if m.role == ThemeRole.MEMBER), None
        )
        rows.append(
            {
                "person": person.pk,
                "name": person.display_name,
                "board": theme.pk if theme else None,
                "group": theme.title if theme else "",
            }
        )
    return rows


def staff_snapshot(workshop: Workshop) -> dict[str, Any]:
    seq = last_seq(staff_stream(workshop))
    return {"stream": staff_stream(workshop), "seq": seq, "participants": participants(workshop)}


WALL_MAX_GROUPS = 40  # the wall follows one stream per group, within a connection's 64


def current_participant(request: Any, workshop: Workshop) -> Person | None:
    """The person this browser joined `workshop` as, if it did (not an account's person)."""
    from rebours.workshops.permissions import participant_session_key

    person_id = request.session.get(participant_session_key(workshop))
    if person_id is None:
        return None
    return workshop.people.filter(pk=person_id).first()


def is_in_workshop(request: Any, workshop: Workshop) -> bool:
    """Whether this browser already is someone in `workshop` (joined, or a linked account)."""
    from rebours.workshops.permissions import current_person

    return current_person(request.user, request.session, workshop) is not None


def group_of(person: Person) -> Theme | None:
    """The group a participant works in (the first, for a person listed in several)."""
    membership = (
        person.memberships.select_related("theme").order_by("role", "position", "pk").first()
    )
    return membership.theme if membership else None


def dot_budget_of(workshop: Workshop) -> int:
    from rebours.board.actions import dot_budget

    return dot_budget(workshop)


WALL_NEWEST = 3


def wall_notes(snapshot: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """The notes a group shows on the wall: the newest few (so that a note just posted shows at
    once), then the most dotted. The wall's script orders them the same way."""
    newest = sorted(snapshot["notes"], key=lambda n: -n["position"])[:WALL_NEWEST]
    rest = [n for n in snapshot["notes"] if n not in newest]
    ranked = newest + sorted(rest, key=lambda n: (-n["dots"], -n["position"]))
    return ranked[:limit]


def wall_grid(count: int) -> tuple[int, int]:
    """Columns and rows that fit `count` groups on a 16:9 wall without scrolling."""
    rows = 1 if count <= 4 else 2 if count <= 10 else 3 if count <= 21 else 4
    return -(-max(count, 1) // rows), rows


def mosaic_columns(count: int) -> int:
    """Columns for `count` 16:10 tiles to fill a 16:9 wall: about sqrt(1.6 × count)."""
    columns = 1
    while columns * columns < 1.6 * count:
        columns += 1
    return min(columns, 12)


def mosaic(workshop: Workshop) -> list[Proposal]:
    return list(
        Proposal.objects.filter(workshop=workshop)
        .select_related("theme", "workshop")
        .order_by("theme__position", "position", "pk")
    )


def participant_count(workshop: Workshop) -> int:
    return sum(1 for p in workshop.people.all() if p.has_role(Role.PARTICIPANT))
