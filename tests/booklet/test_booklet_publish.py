"""Publishing from the interface: queued, rendered in the background, every version kept."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from rebours.booklet import jobs
from rebours.booklet.actions import BookletError, do_publish_booklet
from rebours.booklet.models import BookletVersion, Status
from rebours.workshops.actions import do_set_organiser_account
from tests.booklet.conftest import import_document
from tests.support.booklet_docs import generated_document


@pytest.fixture
def small(tmp_path, db):
    document, media = generated_document("small", themes=1, per_theme=1)
    return import_document(tmp_path, document, media)


@pytest.fixture
def organiser(db):
    return do_set_organiser_account("orga", "a-long-password-1", actor=None)


def rendered(version: BookletVersion) -> BookletVersion:
    jobs.wait(version.pk, timeout=300)
    version.refresh_from_db()
    return version


@pytest.mark.django_db(transaction=True)
def test_publish_end_to_end(small, organiser, client):
    client.force_login(organiser)
    publish_url = reverse("booklet:publish", args=[small.slug])
    response = client.post(publish_url, {"lang": "fr"})
    assert response.status_code == 302
    first = BookletVersion.objects.get()
    assert first.status in (Status.QUEUED, Status.RENDERING, Status.READY)
    assert first.created_by == organiser

    first = rendered(first)
    assert first.status == Status.READY, first.error
    assert first.progress == 100 and first.pages >= 8
    assert first.size == first.file.size
    assert first.file.name.startswith(f"booklets/{small.slug}/{small.slug}-fr-")

    status = client.get(reverse("booklet:status", args=[small.slug, first.pk])).json()
    assert status["status"] == "ready" and status["progress"] == 100
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # A second publication keeps the first.
    client.post(publish_url, {"lang": "en"})
    second = rendered(BookletVersion.objects.exclude(pk=first.pk).get())
    assert second.status == Status.READY and second.lang == "en"
    assert first.file.storage.exists(first.file.name)
    page = client.get(publish_url).content.decode()
    assert page.count("versions__download") == 2

    # The public workshop page offers the latest ready version, to anyone.
    client.logout()
    workshop_page = client.get(reverse("workshops:detail", args=[small.slug])).content.decode()
    assert reverse("booklet:download", args=[small.slug, first.pk]) in workshop_page
    assert client.get(reverse("booklet:download", args=[small.slug, second.pk])).status_code == 200


@pytest.mark.django_db
def test_only_organisers_publish(small, client):
    publish_url = reverse("booklet:publish", args=[small.slug])
    assert client.get(publish_url)["Location"].startswith("/accounts/login/")
    someone = get_user_model().objects.create_user("someone", password="a-long-password-2")
    client.force_login(someone)
    assert client.get(publish_url).status_code == 404
    assert client.post(publish_url, {"lang": "fr"}).status_code == 404
    assert not BookletVersion.objects.exists()
    with pytest.raises(BookletError):
        do_publish_booklet(small, actor=someone, lang="xx")


@pytest.mark.django_db
def test_a_job_whose_process_died_shows_as_failed(small, organiser, client, monkeypatch):
    monkeypatch.setattr(jobs, "submit", lambda version_id: None)  # the process "dies" at once
    version = do_publish_booklet(small, actor=organiser, lang="fr")
    BookletVersion.objects.filter(pk=version.pk).update(
        status=Status.RENDERING, heartbeat_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(organiser)
    status = client.get(reverse("booklet:status", args=[small.slug, version.pk]))
    assert status.json()["status"] == "failed"
    version.refresh_from_db()
    assert version.status == Status.FAILED and version.error
    # Nobody can download what never finished.
    assert client.get(reverse("booklet:download", args=[small.slug, version.pk])).status_code == 404


@pytest.mark.django_db
def test_the_public_booklet_page_in_french_and_english(small, client):
    url = reverse("booklet:page", args=[small.slug])
    french = client.get(url)  # French unless the reader chose otherwise
    assert french.status_code == 200
    body = french.content.decode()
    assert "Sommaire" in body and "qui fait quoi ?" in body and "Proposition 1a" in body
    assert "<style" not in body and " style=" not in body  # the CSP allows neither
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Contents" in english and "who does what?" in english
    assert "Proposition 1a" in english  # the workshop's own text stays as written
