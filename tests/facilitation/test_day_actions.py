"""Running the day: the agenda's timer from stored timestamps, the wall, messages, groups."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from rebours.board import actions as board_actions
from rebours.board.models import Dot, Note
from rebours.board.permissions import board_access
from rebours.facilitation import actions
from rebours.facilitation.actions import DayRefused
from rebours.facilitation.models import DayState, GroupChoice, Phase
from rebours.facilitation.permissions import day_access
from rebours.facilitation.timer import Timer, clock_text
from rebours.live.events import events_after
from rebours.live.models import Event
from rebours.workshops.models import Person, ThemeMembership
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import hostile
from tests.support.liveday import setup_live_day
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.moment = timezone.now().replace(microsecond=0)

    def __call__(self):
        return self.moment

    def advance(self, seconds):
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(actions, "now", clock)
    return clock


@pytest.fixture
def day():
    return setup_live_day()


def runner(day, user=None):
    return day_access(user or day.facilitator, {}, day.workshop)


def remaining(payload, at):
    timer = payload["timer"]
    return Timer(timer["started_at"], timer["duration"], timer["paused_at"]).remaining(
        at.timestamp()
    )


def refused(call, code):
    before, announced = snapshot(), Event.objects.count()
    states = list(DayState.objects.values())
    with pytest.raises(DayRefused) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert snapshot() == before and Event.objects.count() == announced
    assert list(DayState.objects.values()) == states
    return caught.value


def test_the_timer_is_stored_not_ticked(day, clock):
    run = runner(day)
    state = actions.do_start_day(day.workshop, actor=run)
    assert state["phase"] == Phase.RUNNING and state["item"]["key"] == "open"
    assert state["wall"]["view"] == "press" and state["wall"]["article"]["index"] == 1
    assert remaining(state, clock.moment) == 30 * 60

    clock.advance(600)
    state = actions.do_pause_timer(day.workshop, actor=run)
    clock.advance(300)  # a five-minute pause: the timer does not move
    assert remaining(state, clock.moment) == 20 * 60
    state = actions.do_resume_timer(day.workshop, actor=run)
    clock.advance(60)
    assert remaining(state, clock.moment) == 19 * 60
    state = actions.do_extend_timer(day.workshop, actor=run, seconds=300)
    assert remaining(state, clock.moment) == 24 * 60
    clock.advance(25 * 60)
    assert clock_text(remaining(state, clock.moment)) == "-1:00"  # screens show the overrun

    # Starting the diverge session switches the groups to diverging; converge, to converging.
    state = actions.do_skip_item(day.workshop, actor=run, item=state["item"]["id"])
    assert state["item"]["key"] == "s1" and state["mode"] == "diverge"
    assert remaining(state, clock.moment) == 120 * 60
    state = actions.do_skip_item(day.workshop, actor=run, item=state["item"]["id"])
    assert state["item"]["key"] == "s2" and state["mode"] == "converge"
    state = actions.do_skip_item(day.workshop, actor=run, item=state["item"]["id"])
    assert (
        state["phase"] == Phase.ENDED
        and state["item"] is None
        and state["wall"]["view"] == "mosaic"
    )

    kinds = {e["kind"] for e in events_after(f"day:{day.workshop.pk}", 0)}
    assert kinds == {"day.state"}


def test_a_double_skip_moves_on_once(day, clock):
    run = runner(day)
    state = actions.do_start_day(day.workshop, actor=run)
    first = state["item"]["id"]
    actions.do_skip_item(day.workshop, actor=run, item=first)
    refused(lambda: actions.do_skip_item(day.workshop, actor=run, item=first), "conflict")
    assert DayState.objects.get().item.key == "s1"


@pytest.mark.parametrize("seconds", [3601, -3601, "60", None, 1.5, True])
def test_bad_extensions_are_refused(day, clock, seconds):
    actions.do_start_day(day.workshop, actor=runner(day))
    refused(
        lambda: actions.do_extend_timer(day.workshop, actor=runner(day), seconds=seconds), "invalid"
    )


def test_an_item_cannot_be_shortened_below_zero(day, clock):
    actions.do_start_day(day.workshop, actor=runner(day))
    refused(
        lambda: actions.do_extend_timer(day.workshop, actor=runner(day), seconds=-31 * 60),
        "invalid",
    )


def test_only_facilitators_and_organisers_run_the_day(day, clock):
    actions.do_prepare_day(day.workshop, actor=None)
    participant = actions.do_join_workshop(
        day.workshop.join_settings, actor=None, display_name="Ana", theme=day.g1.pk
    )
    as_participant = day_access(
        AnonymousUser(), {participant_session_key(day.workshop): participant.pk}, day.workshop
    )
    assert as_participant.follow and not as_participant.run
    refused(lambda: actions.do_start_day(day.workshop, actor=as_participant), "forbidden")
    refused(
        lambda: actions.do_send_message(day.workshop, actor=as_participant, text="hi"), "forbidden"
    )
    # A facilitator runs the day but does not organise it; the organiser does both.
    refused(
        lambda: actions.do_update_join_settings(day.workshop, actor=runner(day), is_open=False),
        "forbidden",
    )
    organiser = runner(day, day.organiser)
    assert organiser.organise
    assert not actions.do_update_join_settings(day.workshop, actor=organiser, is_open=False).is_open


def test_the_wall_shows_what_it_is_told(day, clock):
    run = runner(day)
    second = day.workshop.articles.get(key="a2")
    state = actions.do_show_on_wall(day.workshop, actor=run, view="press", article=second.pk)
    assert state["wall"]["article"]["headline"] == hostile("headline two")
    assert state["wall"]["article"]["index"] == 2
    assert (
        actions.do_show_on_wall(day.workshop, actor=run, view="boards")["wall"]["article"] is None
    )
    refused(lambda: actions.do_show_on_wall(day.workshop, actor=run, view="secrets"), "invalid")
    refused(
        lambda: actions.do_show_on_wall(day.workshop, actor=run, view="press", article=10**6),
        "not_found",
    )


def test_messages_reach_every_screen_and_can_be_cleared(day, clock):
    run = runner(day)
    state = actions.do_send_message(day.workshop, actor=run, text=hostile("10 minutes"))
    assert state["message"]["text"] == " ".join(hostile("10 minutes").split())
    assert actions.do_send_message(day.workshop, actor=run, text="")["message"] is None
    refused(lambda: actions.do_send_message(day.workshop, actor=run, text="x" * 281), "invalid")


def test_joining_creates_a_member_and_tells_the_console(day):
    _state, join = actions.do_prepare_day(day.workshop, actor=None)
    person = actions.do_join_workshop(
        join, actor=None, display_name="  Ana\u202e  B. ", theme=day.g1.pk
    )
    assert person.display_name == "Ana B."  # formatting characters cannot disguise a name
    assert person.roles == ["participant"] and person.key.startswith("j-")
    assert list(ThemeMembership.objects.filter(person=person).values_list("theme", "role")) == [
        (day.g1.pk, "member")
    ]
    [event] = events_after(f"staff:{day.workshop.pk}", 0)
    assert event["kind"] == "participant.joined" and event["payload"]["name"] == "Ana B."


@pytest.mark.parametrize(
    ("name", "theme"), [("", "g1"), ("x" * 61, "g1"), ("Ana", None), ("Ana", "nope")]
)
def test_bad_joins_store_nothing(day, name, theme):
    _state, join = actions.do_prepare_day(day.workshop, actor=None)
    pk = {"g1": day.g1.pk, None: None, "nope": 10**6}[theme]
    refused(
        lambda: actions.do_join_workshop(join, actor=None, display_name=name, theme=pk), "invalid"
    )


def test_a_closed_workshop_refuses_joins(day):
    actions.do_update_join_settings(day.workshop, actor=runner(day, day.organiser), is_open=False)
    join = day.workshop.join_settings
    refused(
        lambda: actions.do_join_workshop(join, actor=None, display_name="Ana", theme=day.g1.pk),
        "closed",
    )


def test_assigned_groups_and_balancing(day):
    organiser = runner(day, day.organiser)
    actions.do_update_join_settings(day.workshop, actor=organiser, group_choice=GroupChoice.ASSIGN)
    join = day.workshop.join_settings
    people = [
        actions.do_join_workshop(join, actor=None, display_name=f"P{i}", theme=None)
        for i in range(5)
    ]
    assert not ThemeMembership.objects.filter(person__in=people).exists()
    actions.do_assign_participant(day.workshop, actor=organiser, person=people[0], theme=day.g2.pk)
    assert actions.do_balance_groups(day.workshop, actor=organiser) == 4
    sizes = sorted(
        ThemeMembership.objects.filter(role="member").values_list("theme__key", flat=True)
    )
    assert sizes.count("g1") == 3 and sizes.count("g2") == 2  # g2 had one more to start with
    [assigned, *_] = events_after(f"person:{people[1].pk}", 0)
    assert assigned["kind"] == "participant.assigned" and assigned["payload"]["url"].endswith(
        "/live/boards/g1/"
    )


def test_removing_a_participant_takes_back_their_dots_and_ends_their_session(day):
    _state, join = actions.do_prepare_day(day.workshop, actor=None)
    troll = actions.do_join_workshop(join, actor=None, display_name="Troll", theme=day.g1.pk)
    session = {participant_session_key(day.workshop): troll.pk}
    access = board_access(AnonymousUser(), session, day.g1)
    note = board_actions.do_create_note(day.g1, actor=access, text="spam")
    board_actions.do_add_dot(note.pk, actor=access)
    refused(
        lambda: actions.do_remove_participant(day.workshop, actor=runner(day), person=troll.pk),
        "forbidden",
    )
    refused(
        lambda: actions.do_remove_participant(
            day.workshop,
            actor=runner(day, day.organiser),
            person=day.facilitator.workshop_people.get().pk,
        ),
        "invalid",
    )
    actions.do_remove_participant(day.workshop, actor=runner(day, day.organiser), person=troll.pk)
    assert not Person.objects.filter(pk=troll.pk).exists()
    assert not Dot.objects.exists()
    assert Note.objects.get(pk=note.pk).author is None  # the note stays, unsigned
    assert not board_access(AnonymousUser(), session, day.g1).read  # the session no longer works
    assert not day_access(AnonymousUser(), session, day.workshop).follow
    kinds = [e["kind"] for e in events_after(f"board:{day.g1.pk}", 0)]
    assert kinds[-2:] == ["dot.changed", "note.updated"]
    assert events_after(f"person:{troll.pk}", 0)[-1]["kind"] == "participant.removed"


def test_a_new_join_link_retires_the_old_one(day, client):
    _state, join = actions.do_prepare_day(day.workshop, actor=None)
    old = join.token
    refused(lambda: actions.do_renew_join_link(day.workshop, actor=runner(day)), "forbidden")
    renewed = actions.do_renew_join_link(day.workshop, actor=runner(day, day.organiser))
    assert renewed.token != old and len(renewed.token) >= 20
    assert client.get(f"/j/{old}/").status_code == 404
    assert client.get(f"/j/{renewed.token}/").status_code == 200
    last = events_after(f"day:{day.workshop.pk}", 0)[-1]
    assert last["kind"] == "join.renewed" and last["payload"] == {}
