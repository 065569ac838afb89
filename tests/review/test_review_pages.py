"""The review pages: organisers only; the queue; the catalogue filtered by triage."""

import pytest
from django.urls import reverse

from rebours.proposals.actions import do_create_proposal
from rebours.proposals.models import Proposal
from rebours.review.actions import do_mark_duplicate
from rebours.review.models import Duplicate
from rebours.workshops.models import Theme
from tests.support.hostile import SCRIPT, hostile

pytestmark = pytest.mark.django_db

ORGANISER_PAGES = [
    ("review:queue", ["hostile"]),
    ("review:proposal", ["hostile", "p-1"]),
    ("review:theme", ["hostile", "t-1"]),
    ("review:initiatives", ["hostile"]),
    ("review:duplicates", ["hostile"]),
]


@pytest.mark.parametrize(("name", "args"), ORGANISER_PAGES)
def test_review_pages_are_for_organisers(
    client, member_client, organiser_client, django_user_model, workshop, name, args
):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    assert member_client.get(url).status_code == 302  # a participant without an account too
    outsider = django_user_model.objects.create_user("dee", password="x")
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    response = organiser_client.get(url)
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_the_queue_puts_what_is_left_first(organiser_client, workshop):
    theme = Theme.objects.get(workshop=workshop, key="t-1")
    fresh = do_create_proposal(theme, actor=None, title=hostile("à trier")[:300])
    html = organiser_client.get(reverse("review:queue", args=["hostile"])).content.decode()
    todo, done = html.split('id="done-title"')
    assert f"/review/proposals/{fresh.key}/" in todo
    assert "/review/proposals/p-1/" in done


def test_save_and_go_to_the_next_one(organiser_client, workshop):
    theme = Theme.objects.get(workshop=workshop, key="t-1")
    fresh = do_create_proposal(theme, actor=None, title="Suivante")
    response = organiser_client.post(
        reverse("review:proposal", args=["hostile", "p-1"]),
        {"opinion": "bien", "triage": "programme", "comment": "", "next": "queue"},
    )
    assert response["Location"] == reverse("review:proposal", args=["hostile", fresh.key])


def test_the_public_catalogue_filters_by_triage(client, workshop):
    url = reverse("proposals:catalogue", args=["hostile"])
    everything = client.get(url).content.decode()
    assert "/w/hostile/proposals/p-1/" in everything and "/w/hostile/proposals/p-2/" in everything
    programme = client.get(url + "?triage=programme").content.decode()
    assert "/w/hostile/proposals/p-2/" in programme and "/w/hostile/proposals/p-1/" not in programme
    rework = client.get(url + "?triage=rework").content.decode()
    assert "/w/hostile/proposals/p-1/" in rework and "/w/hostile/proposals/p-2/" not in rework
    nonsense = client.get(url + f"?triage={SCRIPT}&theme={SCRIPT}")
    assert nonsense.status_code == 200 and SCRIPT not in nonsense.content.decode()


def test_duplicates_are_marked_then_merged_from_the_pages(organiser_client, workshop):
    theme = Theme.objects.get(workshop=workshop, key="t-1")
    other = do_create_proposal(theme, actor=None, title="Doublon", fields={"obstacles": ["la loi"]})
    response = organiser_client.post(
        reverse("review:mark_duplicate", args=["hostile", "p-1"]), {"other": other.pk}
    )
    assert response.status_code == 302
    duplicate = Duplicate.objects.get()
    assert (duplicate.kept.key, duplicate.other_id) == ("p-1", other.pk)
    organiser_client.post(reverse("review:merge", args=["hostile", duplicate.pk]))
    other.refresh_from_db()
    assert other.merged_into.key == "p-1"
    assert "la loi" in Proposal.objects.get(key="p-1").obstacles
    # Out of the catalogue, but its page stays and says where it went.
    catalogue = organiser_client.get(
        reverse("proposals:catalogue", args=["hostile"])
    ).content.decode()
    assert f"/w/hostile/proposals/{other.key}/" not in catalogue
    page = organiser_client.get(reverse("proposals:detail", args=["hostile", other.key]))
    assert page.status_code == 200 and "/w/hostile/proposals/p-1/" in page.content.decode()


def test_marking_across_workshops_is_refused(organiser, workshop):
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from tests.support.hostile import minimal_document

    doc = minimal_document("autre")
    doc["proposals"] = [{"id": "x", "theme": "t1", "title": "Ailleurs"}]
    do_import_workshop(Package(document=doc), actor=None)
    from rebours.review.actions import ReviewInvalid

    with pytest.raises(ReviewInvalid):
        do_mark_duplicate(
            Proposal.objects.get(key="p-1"), Proposal.objects.get(key="x"), actor=organiser
        )
