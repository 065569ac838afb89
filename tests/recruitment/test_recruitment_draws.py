"""Draws through Django: infeasible quotas explained with nothing stored, a recorded and
re-runnable draw, the public bundle, replacements that keep the quotas."""

import html
import io
import json
import re
import zipfile
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from rebours.recruitment import actions, jobs
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.models import Draw, DrawStatus, Replacement, RerunStatus, Volunteer
from tests.support.hostile import SCRIPT
from tests.support.recruitment import (
    GENDER_QUOTAS,
    draw_now,
    make_workshop,
    open_registration,
    register,
    set_quotas,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    workshop = make_workshop()
    open_registration(workshop)
    register(workshop, 12)
    set_quotas(workshop, GENDER_QUOTAS)
    return workshop


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("orga", password="x" * 12, is_staff=True)
    client.force_login(user)
    return user


def gender_of(workshop, pseudonyms):
    pool = {v.pseudonym: v for v in Volunteer.objects.filter(workshop=workshop)}
    return Counter(pool[p].attributes["gender"] for p in pseudonyms)


def page_text(response):
    return html.unescape(response.content.decode())


def post_draw(client, workshop, **data):
    form = {"size": "6", "method": "leximin", "seed": "7"}
    form.update(data)
    return client.post(reverse("recruitment:draws", args=[workshop.slug]), form)


@pytest.mark.parametrize(
    "quotas, data, expected",
    [
        # More women asked for than the pool holds.
        ([("gender", "femme", 10, 12), ("gender", "homme", 0, 12)], {"size": "11"}, "short by"),
        # Minimums above the panel size.
        ([("gender", "femme", 4, 6), ("gender", "homme", 4, 6)], {"size": "6"}, "over by 2"),
        # A panel larger than the pool.
        (GENDER_QUOTAS, {"size": "40"}, "fewer volunteers than the panel size 40"),
        # A category partly quoted: one of its values has no row.
        ([("gender", "femme", 3, 3)], {"size": "6"}, "“gender = homme” has no quota row"),
    ],
)
def test_infeasible_quotas_are_explained_and_nothing_is_drawn(
    client, workshop, organiser, quotas, data, expected
):
    set_quotas(workshop, quotas)
    client.cookies["django_language"] = "en"
    response = post_draw(client, workshop, **data)
    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was drawn" in text
    assert expected in text
    assert not Draw.objects.exists()


def test_a_quota_on_an_answer_nobody_gave_is_explained(client, workshop, organiser):
    for volunteer in Volunteer.objects.filter(workshop=workshop, attributes__territory="est"):
        actions.do_remove_volunteer(volunteer, actor=None)
    territories = [("territory", t, 0, 6) for t in ("nord", "sud")]
    set_quotas(workshop, [*GENDER_QUOTAS, *territories, ("territory", "est", 1, 2)])
    client.cookies["django_language"] = "en"
    response = post_draw(client, workshop)
    assert response.status_code == 400
    assert "Nobody in the pool has “territory = est”" in page_text(response)
    assert not Draw.objects.exists()
    # With a minimum of 0 it constrains nothing, and is left out of the draw.
    set_quotas(workshop, [*GENDER_QUOTAS, *territories, ("territory", "est", 0, 2)])
    assert post_draw(client, workshop).status_code == 302
    assert {q["value"] for q in Draw.objects.get().quotas} == {"femme", "homme", "nord", "sud"}


def test_the_draws_page_explains_before_anyone_draws(client, workshop, organiser):
    set_quotas(workshop, [("gender", "femme", 9, 12), ("gender", "homme", 0, 12)])
    client.cookies["django_language"] = "fr"
    response = client.get(reverse("recruitment:draws", args=[workshop.slug]))
    text = page_text(response)
    assert "rec-issues" in text
    assert "« gender = femme »" in text or "“gender = femme”" in text


def test_a_volunteer_without_an_answer_is_named(client, workshop, organiser):
    # A category added after people registered: they have no answer for it.
    categories = [
        *workshop.recruitment_settings.categories,
        {"key": "métier", "label": "Métier", "values": ["élu", "autre"]},
    ]
    open_registration(workshop, categories=categories)
    set_quotas(workshop, [*GENDER_QUOTAS, ("métier", "élu", 1, 6), ("métier", "autre", 0, 6)])
    client.cookies["django_language"] = "en"
    response = post_draw(client, workshop)
    assert response.status_code == 400
    assert "12 volunteers have no answer for “métier”" in page_text(response)
    assert not Draw.objects.exists()


@pytest.mark.parametrize("seed", ["7.5", "-3", "sept", "1e3", SCRIPT])
def test_a_seed_that_is_not_a_whole_number_is_refused(client, workshop, organiser, seed):
    response = post_draw(client, workshop, seed=seed)
    assert response.status_code == 400
    assert "seed" in page_text(response).lower() or "graine" in page_text(response).lower()
    assert SCRIPT not in response.content.decode()
    assert not Draw.objects.exists()


def test_a_draw_is_recorded_with_its_snapshot_and_result(client, workshop, organiser):
    response = post_draw(client, workshop)
    draw = Draw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:draw", args=[workshop.slug, draw.pk])
    assert draw.status == DrawStatus.QUEUED
    # The snapshot: pseudonyms and quoted categories, nothing personal.
    assert len(draw.pool) == 12
    assert set(draw.pool[0]) == {"id", "features", "household"}
    assert set(draw.pool[0]["features"]) == {"gender"}
    assert "@example.org" not in json.dumps(draw.pool) + json.dumps(draw.quotas)
    assert draw.quotas == [
        {"feature": "gender", "value": "femme", "min": 3, "max": 3},
        {"feature": "gender", "value": "homme", "min": 3, "max": 3},
    ]
    assert draw.created_by.username == "orga"
    draw = actions.do_compute_draw(draw.pk)
    assert draw.status == DrawStatus.DONE, draw.error
    result = draw.result
    assert len(result["panel"]) == 6
    assert gender_of(workshop, result["panel"]) == {"femme": 3, "homme": 3}
    assert set(result["probabilities"]) == {row["id"] for row in draw.pool}
    assert result["min_probability"] == min(result["probabilities"].values()) > 0
    assert result["panels_in_distribution"] >= 1
    assert result["lottery"]["slot"] == 1 + 7 % result["lottery"]["m"]
    assert set(draw.greedy_probabilities) == set(result["probabilities"])

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        "rebours draw --pool pool.csv --quotas quotas.csv --size 6 --method leximin --seed 7"
        in text
    )
    # The chart: two sorted series as polylines with computed points, and a text table.
    assert text.count("<polyline") == 2
    assert re.search(r'points="[0-9., ]+"', text)
    assert 'role="img"' in text and "rec-chart-table" in text
    assert ' style="' not in text
    # The quota table has the pool's and the panel's counts side by side.
    assert "rec-panel-count" in text
    status = client.get(reverse("recruitment:draw_status", args=[workshop.slug, draw.pk])).json()
    assert status["status"] == "done" and status["finished"]


def test_a_draw_re_runs_to_the_same_panel(client, workshop, organiser):
    draw = draw_now(workshop, seed=123456789)
    client.post(reverse("recruitment:rerun", args=[workshop.slug, draw.pk]))
    draw.refresh_from_db()
    assert draw.rerun_status == RerunStatus.QUEUED
    draw = actions.do_compute_rerun(draw.pk)
    assert draw.rerun_status == RerunStatus.MATCHED
    assert draw.rerun_result["steps"][0]["panel"] == draw.panel
    page = client.get(reverse("recruitment:draw", args=[workshop.slug, draw.pk]))
    assert "rec-rerun--matched" in page.content.decode()


def test_a_tampered_result_does_not_re_run_to_the_same_panel(workshop):
    draw = draw_now(workshop)
    result = dict(draw.result)
    others = [row["id"] for row in draw.pool if row["id"] not in result["panel"]]
    result["panel"] = sorted(result["panel"][:-1] + others[:1])
    Draw.objects.filter(pk=draw.pk).update(result=result)
    actions.do_rerun_draw(draw, actor=None)
    assert actions.do_compute_rerun(draw.pk).rerun_status == RerunStatus.DIFFERED


def test_the_bundle_holds_no_personal_data_and_re_runs_with_the_command(
    client, workshop, organiser, tmp_path, capsys
):
    draw = draw_now(workshop, seed=2028)
    response = client.get(reverse("recruitment:bundle", args=[workshop.slug, draw.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "pool.csv",
        "quotas.csv",
        "seed.txt",
        "command.txt",
        "result.json",
        "README.txt",
    } <= names
    everything = b"".join(archive.read(n) for n in names).decode()
    for volunteer in Volunteer.objects.filter(workshop=workshop):
        assert volunteer.contact not in everything
        assert volunteer.name not in everything
    assert archive.read("seed.txt").decode().strip() == "2028"
    archive.extractall(tmp_path)
    command = archive.read("command.txt").decode().split()
    assert command[:2] == ["rebours", "draw"]
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in command[2:]]
    call_command("draw", *args)
    printed = json.loads(capsys.readouterr().out)
    assert printed["panel"] == draw.panel
    assert printed["probabilities"] == draw.result["probabilities"]


def test_a_replacement_keeps_the_quotas(client, workshop, organiser):
    draw = draw_now(workshop)
    woman = next(p for p in draw.panel if gender_of(workshop, [p])["femme"])
    response = client.post(
        reverse("recruitment:replace", args=[workshop.slug, draw.pk]),
        {"declined": [woman], "seed": "99"},
    )
    assert response.status_code == 302
    replacement = Replacement.objects.get()
    assert replacement.declined == [woman]
    assert len(replacement.added) == 1 and replacement.added[0] not in draw.panel
    assert gender_of(workshop, replacement.added) == {"femme": 1}
    assert gender_of(workshop, replacement.panel) == {"femme": 3, "homme": 3}
    assert (
        replacement.seed == "99"
        and replacement.lottery["slot"] == 1 + 99 % replacement.lottery["m"]
    )
    # A second round: earlier decliners stay out of the pool.
    second = actions.do_replace(draw, actor=None, declined=[replacement.added[0]], seed=5)
    assert woman not in second.panel
    assert second.excluded == [woman]
    assert gender_of(workshop, second.panel) == {"femme": 3, "homme": 3}
    # And the re-run replays the draw and both replacements.
    actions.do_rerun_draw(draw, actor=None)
    draw = actions.do_compute_rerun(draw.pk)
    assert draw.rerun_status == RerunStatus.MATCHED
    assert [s["what"] for s in draw.rerun_result["steps"]] == ["draw", "replacement", "replacement"]


def test_a_replacement_that_cannot_keep_the_quotas_is_explained(client, workshop, organiser):
    # Exactly three women in the pool, all drawn: none left to replace one.
    for volunteer in Volunteer.objects.filter(workshop=workshop, attributes__gender="femme")[3:]:
        actions.do_remove_volunteer(volunteer, actor=None)
    draw = draw_now(workshop)
    woman = next(p for p in draw.panel if gender_of(workshop, [p])["femme"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("recruitment:replace", args=[workshop.slug, draw.pk]), {"declined": [woman]}
    )
    assert response.status_code == 400
    assert "No replacement was drawn" in page_text(response)
    assert not Replacement.objects.exists()


def test_someone_not_on_the_panel_cannot_decline(workshop):
    draw = draw_now(workshop)
    outsider = next(row["id"] for row in draw.pool if row["id"] not in draw.panel)
    with pytest.raises(RecruitmentError):
        actions.do_replace(draw, actor=None, declined=[outsider])
    assert not Replacement.objects.exists()


@pytest.mark.parametrize("method", ["maximin", "greedy"])
def test_other_methods_draw_within_the_quotas(workshop, method):
    draw = draw_now(workshop, method=method, seed=3)
    assert draw.status == DrawStatus.DONE, draw.error
    assert gender_of(workshop, draw.panel) == {"femme": 3, "homme": 3}
    assert draw.greedy_probabilities


@pytest.mark.django_db(transaction=True)
def test_a_draw_is_computed_in_the_background():
    workshop = make_workshop("fond")
    open_registration(workshop)
    register(workshop, 8)
    set_quotas(workshop, [("gender", "femme", 2, 2), ("gender", "homme", 2, 2)])
    draw = actions.do_start_draw(workshop, actor=None, size=4, method="leximin", seed=1)
    jobs.wait(draw.pk, timeout=120)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DONE, draw.error
    assert draw.heartbeat_at is not None and draw.finished_at is not None


def test_one_per_household_numbers_households_and_re_runs(client, organiser, tmp_path, capsys):
    workshop = make_workshop("foyers")
    open_registration(workshop, one_per_household=True)
    register(workshop, 6)
    # Two pairs of housemates, who write their address differently.
    addresses = ["1 rue de la Paix", "1, Rue de la paix", "2 quai du Port", "2 QUAI DU PORT"]
    for i, address in enumerate(addresses):
        actions.do_register(
            workshop,
            actor=None,
            name=f"Foyer {i}",
            contact=f"foyer{i}@example.org",
            answers={"gender": "femme", "territory": "sud", "age": "55+"},
            consent_lottery=True,
            consent_processing=True,
            household=address,
        )
    set_quotas(workshop, [("gender", "femme", 0, 8), ("gender", "homme", 0, 8)])
    response = post_draw(client, workshop, size="8", household="on", seed="41")
    assert response.status_code == 302
    draw = actions.do_compute_draw(Draw.objects.get().pk)
    assert draw.status == DrawStatus.DONE, draw.error
    households = Counter(row["household"] for row in draw.pool if row["household"])
    assert sorted(households.values()) == [2, 2]
    assert set(households) == {"h-1", "h-2"}  # numbers, never the addresses
    assert "rue" not in json.dumps(draw.pool).lower()
    by_id = {row["id"]: row["household"] for row in draw.pool}
    chosen = Counter(by_id[p] for p in draw.panel if by_id[p])
    assert all(count == 1 for count in chosen.values())
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("recruitment:bundle", args=[workshop.slug, draw.pk])).content)
    )
    command = archive.read("command.txt").decode().split()
    assert command[-2:] == ["--household", "household"]
    archive.extractall(tmp_path)
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in command[2:]]
    call_command("draw", *args)
    assert json.loads(capsys.readouterr().out)["panel"] == draw.panel
