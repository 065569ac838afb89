"""Recruitment's organiser actions each leave one audit entry; a refused one leaves none."""

import pytest

from rebours.audit.models import AuditAction, AuditEntry
from rebours.recruitment import actions
from rebours.recruitment.checks import RecruitmentError
from tests.support.recruitment import (
    GENDER_QUOTAS,
    draw_now,
    make_workshop,
    open_registration,
    register,
    set_quotas,
)

pytestmark = pytest.mark.django_db


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_quotas_draws_replacements_and_the_panel_are_audited():
    workshop = make_workshop("audite")
    open_registration(workshop)
    register(workshop, 14)
    set_quotas(workshop, GENDER_QUOTAS)
    assert len(entries(AuditAction.QUOTAS_SET)) == 1

    draw = draw_now(workshop, size=6, seed=7)
    (ran,) = entries(AuditAction.DRAW_RUN)
    assert ran.details["seed"] == "7" and ran.workshop == workshop

    leaving = draw.result["panel"][0]
    actions.do_replace(draw, actor=None, declined=[leaving], seed=11)
    (replaced,) = entries(AuditAction.DRAW_REPLACEMENT)
    assert replaced.details["declined"] == [leaving]

    actions.do_make_participants(draw, actor=None)
    (seated,) = entries(AuditAction.PANEL_SEATED)
    assert seated.details["participants"] == 6


def test_a_refused_draw_leaves_no_entry():
    workshop = make_workshop("refuse")
    open_registration(workshop)
    register(workshop, 4)
    set_quotas(workshop, [("gender", "femme", 5, 5)])
    with pytest.raises(RecruitmentError):
        draw_now(workshop, size=6)
    assert entries(AuditAction.DRAW_RUN) == []


def test_importing_a_pool_is_audited_once_and_a_broken_file_not_at_all():
    workshop = make_workshop("importe")
    open_registration(workshop)
    config = workshop.recruitment_settings
    header = ",".join(["id", "name", "contact", *[c["key"] for c in config.categories]])
    values = [c["values"][0] for c in config.categories]
    good = "\n".join([header, ",".join(["a1", "Ana", "ana@example.org", *values])]) + "\n"
    actions.do_import_pool(workshop, actor=None, text=good, consent_confirmed=True)
    assert len(entries(AuditAction.POOL_IMPORTED)) == 1
    with pytest.raises(RecruitmentError):
        actions.do_import_pool(workshop, actor=None, text="nonsense\n\x00", consent_confirmed=True)
    assert len(entries(AuditAction.POOL_IMPORTED)) == 1
