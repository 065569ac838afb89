"""The demo's fictional pool: plausible, reproducible, and drawable under the seed's lesson."""

from collections import Counter

import pytest
from django.core.management import call_command

from rebours.recruitment.computing import prepare_draw
from rebours.recruitment.demo import PANEL_SIZE, TERRITORIES, load_demo_pool, pool_rows
from rebours.recruitment.models import Quota, Volunteer
from tests.support.recruitment import make_workshop

pytestmark = pytest.mark.django_db


def test_the_demo_pool_is_fictional_and_the_same_everywhere():
    rows = pool_rows()
    assert rows == pool_rows()
    assert len(rows) == 200
    assert len({r["contact"] for r in rows}) == 200
    assert all(r["contact"].endswith("@example.org") for r in rows)
    assert all(r["name"].endswith(".") for r in rows)  # a first name and an initial
    territories = Counter(r["territory"] for r in rows)
    assert set(territories) == {t for t, _w in TERRITORIES}
    assert Counter(r["category"] for r in rows)["élu"] >= 8


def test_the_demo_quotas_hold_the_seeds_lesson_and_can_be_met():
    workshop = make_workshop("demo-like")
    assert load_demo_pool(workshop) == 200
    quotas = {(q.feature, q.value): (q.min, q.max) for q in Quota.objects.filter(workshop=workshop)}
    assert quotas[("category", "élu")][0] >= 8
    low, high = quotas[("gender", "femme")]
    assert low >= 0.45 * PANEL_SIZE and high <= 0.55 * PANEL_SIZE
    assert all(quotas[("territory", t)][0] >= 1 for t, _w in TERRITORIES)
    assert prepare_draw(workshop, size=PANEL_SIZE, household=False).issues == []
    # Loading again keeps the pool; --replace starts again.
    assert load_demo_pool(workshop) == 0
    call_command("demo_pool", "--workshop", workshop.slug, "--replace", "--size", "50")
    assert Volunteer.objects.filter(workshop=workshop).count() == 50
