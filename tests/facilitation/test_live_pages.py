"""The live day's pages through Django's test client: joining, who sees what, escaping."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from rebours.board.models import Note
from rebours.facilitation.actions import do_prepare_day, do_update_join_settings
from rebours.facilitation.models import GroupChoice, JoinSettings
from rebours.facilitation.permissions import day_access
from rebours.workshops.models import Person
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import SCRIPT, hostile
from tests.support.liveday import setup_live_day
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def day():
    day = setup_live_day()
    do_prepare_day(day.workshop, actor=None)
    return day


def join_url(day):
    return reverse(
        "facilitation:join", args=[JoinSettings.objects.get(workshop=day.workshop).token]
    )


def test_joining_binds_the_session_to_that_workshop_only(client, day):
    other = setup_live_day("other")
    page = client.get(join_url(day))
    assert page.status_code == 200
    assert SCRIPT not in page.content.decode()  # the group titles are hostile
    response = client.post(join_url(day), {"display_name": hostile("me")[:60], "group": day.g1.pk})
    assert response.status_code == 302 and response["Location"] == f"/w/{day.workshop.slug}/live/"
    person = Person.objects.get(workshop=day.workshop, key__startswith="j-")
    assert client.session[participant_session_key(day.workshop)] == person.pk
    assert participant_session_key(other.workshop) not in client.session
    # Their place is their group's board; another workshop's board is not theirs.
    assert (
        client.get(f"/w/{day.workshop.slug}/live/")["Location"]
        == f"/w/{day.workshop.slug}/live/boards/g1/"
    )
    board = client.get(f"/w/{day.workshop.slug}/live/boards/g1/")
    assert board.status_code == 200
    assert client.get(f"/w/{day.workshop.slug}/live/boards/g2/").status_code == 403
    assert client.get(f"/w/{other.workshop.slug}/live/boards/g1/").status_code == 403
    assert client.get(f"/w/{day.workshop.slug}/live/console/").status_code == 302  # to sign in
    # Opening the link again does not make a second person.
    assert client.get(join_url(day)).status_code == 302
    assert Person.objects.filter(workshop=day.workshop, key__startswith="j-").count() == 1


def test_a_wrong_token_is_not_found(client, day):
    assert client.get("/j/not-a-token/").status_code == 404
    assert client.post("/j/not-a-token/", {"display_name": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "group"), [("", "g1"), ("x" * 61, "g1"), ("Ana", ""), ("Ana", "999999")]
)
def test_bad_joins_are_refused_with_a_message_and_store_nothing(client, day, name, group):
    before = snapshot()
    group_value = str(day.g1.pk) if group == "g1" else group
    response = client.post(join_url(day), {"display_name": name, "group": group_value})
    assert response.status_code == 400
    assert re.search(r'role="alert"', response.content.decode())
    assert snapshot() == before
    assert participant_session_key(day.workshop) not in client.session


def test_joining_is_rate_limited_per_address(client, day, settings):
    settings.JOIN_ATTEMPTS_PER_MINUTE = 3
    codes = [
        client.post(join_url(day), {"display_name": "", "group": day.g1.pk}).status_code
        for _ in range(3)
    ]
    before = snapshot()
    limited = client.post(join_url(day), {"display_name": "Ana", "group": day.g1.pk})
    assert codes == [400, 400, 400] and limited.status_code == 429
    assert snapshot() == before
    # Another address is not affected.
    assert (
        client.post(
            join_url(day), {"display_name": "Ana", "group": day.g1.pk}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 302
    )


def test_closed_joining_and_assigned_groups(client, day):
    organiser = day_access(day.organiser, {}, day.workshop)
    do_update_join_settings(day.workshop, actor=organiser, is_open=False)
    before = snapshot()
    page = client.post(join_url(day), {"display_name": "Ana", "group": day.g1.pk})
    assert page.status_code == 400 and snapshot() == before
    do_update_join_settings(
        day.workshop, actor=organiser, is_open=True, group_choice=GroupChoice.ASSIGN
    )
    form = client.get(join_url(day)).content.decode()
    assert 'name="group"' not in form
    assert client.post(join_url(day), {"display_name": "Ana"}).status_code == 302
    assert (
        client.get(f"/w/{day.workshop.slug}/live/")["Location"]
        == f"/w/{day.workshop.slug}/live/lobby/"
    )
    assert client.get(f"/w/{day.workshop.slug}/live/lobby/").status_code == 200


def test_strangers_are_told_how_to_join(client, day):
    for path in ("/live/", "/live/boards/g1/", "/live/lobby/"):
        response = client.get(f"/w/{day.workshop.slug}{path}")
        assert response.status_code == 403
        assert "QR" in response.content.decode()
    assert client.get(f"/w/{day.workshop.slug}/live/wall/").status_code == 302
    assert client.get(f"/w/{day.workshop.slug}/live/join.svg").status_code == 404
    assert client.get(f"/w/{day.workshop.slug}/live/progress.json").status_code == 403


def test_the_console_for_facilitators_and_organisers(client, day):
    client.force_login(day.facilitator)
    assert (
        client.get(f"/w/{day.workshop.slug}/live/")["Location"]
        == f"/w/{day.workshop.slug}/live/console/"
    )
    page = client.get(f"/w/{day.workshop.slug}/live/console/")
    html = page.content.decode()
    assert page.status_code == 200 and SCRIPT not in html
    assert "data-join-form" not in html  # a facilitator runs the day; the organiser sets joining
    assert (
        client.get(f"/w/{day.workshop.slug}/live/progress.json").json()["groups"][0]["expected"]
        == 3
    )
    svg = client.get(f"/w/{day.workshop.slug}/live/join.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    client.force_login(day.organiser)
    assert "data-join-form" in client.get(f"/w/{day.workshop.slug}/live/console/").content.decode()


def test_the_wall_link_opens_the_wall_without_an_account(client, day):
    token = JoinSettings.objects.get(workshop=day.workshop).wall_token
    assert (
        client.get(f"/w/{day.workshop.slug}/live/wall/?pass=wrong")["Location"]
        == f"/w/{day.workshop.slug}/live/wall/"
    )
    assert client.get(f"/w/{day.workshop.slug}/live/wall/").status_code == 302  # still to sign in
    response = client.get(f"/w/{day.workshop.slug}/live/wall/?pass={token}")
    assert response["Location"] == f"/w/{day.workshop.slug}/live/wall/"  # the secret leaves the URL
    wall = client.get(f"/w/{day.workshop.slug}/live/wall/")
    assert wall.status_code == 200 and SCRIPT not in wall.content.decode()
    assert client.get(f"/w/{day.workshop.slug}/live/join.svg").status_code == 200
    assert client.get(f"/w/{day.workshop.slug}/live/boards/g1/").status_code == 200  # reads boards
    assert client.get(f"/w/{day.workshop.slug}/live/console/").status_code == 302  # runs nothing


def test_pages_hand_data_to_scripts_without_inline_code(client, day):
    client.force_login(day.organiser)
    for path in ("/live/console/", "/live/wall/", "/live/boards/g1/"):
        response = client.get(f"/w/{day.workshop.slug}{path}")
        html = response.content.decode()
        assert "Content-Security-Policy" in response.headers
        scripts = re.findall(r"<script([^>]*)>", html)
        assert scripts and all(
            'type="module"' in s or 'type="application/json"' in s for s in scripts
        ), scripts
        assert " style=" not in html and " onclick=" not in html
        assert SCRIPT not in html


def test_a_removed_participants_session_stops_working(client, day):
    from rebours.facilitation.actions import do_remove_participant

    client.post(join_url(day), {"display_name": "Ana", "group": day.g1.pk})
    person = Person.objects.get(workshop=day.workshop, key__startswith="j-")
    assert client.get(f"/w/{day.workshop.slug}/live/boards/g1/").status_code == 200
    do_remove_participant(
        day.workshop, actor=day_access(day.organiser, {}, day.workshop), person=person.pk
    )
    assert client.get(f"/w/{day.workshop.slug}/live/boards/g1/").status_code == 403
    assert (
        client.post(
            "/live/command",
            {"name": "note.create", "data": {"board": day.g1.pk, "text": "x"}},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert not Note.objects.exists()
