"""The public registration form: hostile text, consent, duplicates, the rate limit, privacy."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse

from rebours.recruitment.models import Volunteer
from tests.support.hostile import RTL, SCRIPT
from tests.support.recruitment import make_workshop, open_registration, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workshop():
    workshop = make_workshop()
    open_registration(workshop)
    return workshop


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("orga", password="x" * 12, is_staff=True)
    client.force_login(user)
    return user


def form_url(workshop):
    return reverse("recruitment:register", args=[workshop.slug])


def answers(**overrides):
    data = {
        "name": f"{SCRIPT} Zoé 🌍 {RTL}",
        "contact": "zoe@example.org",
        "category-0": "femme",
        "category-1": "sud",
        "category-2": "55+",
        "consent_lottery": "on",
        "consent_processing": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_form_asks_the_organisers_questions_and_shows_the_retention_date(
    client, workshop, language
):
    client.cookies["django_language"] = language
    response = client.get(form_url(workshop))
    assert response.status_code == 200
    html = response.content.decode()
    # The categories' labels are hostile: escaped, never markup.
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html
    assert 'name="category-1"' in html and 'value="sud"' in html
    settings = workshop.recruitment_settings
    assert str(settings.retention_until.year) in html
    assert 'name="consent_lottery"' in html and 'name="consent_processing"' in html
    assert "csrfmiddlewaretoken" in html
    # Strict CSP: no inline script or style on the public form.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert ' style="' not in html
    assert "Content-Security-Policy" in response.headers


def test_a_hostile_registration_is_stored_cleaned_and_shown_escaped(client, workshop, organiser):
    name = f"{SCRIPT} {RTL} Zoé"
    response = client.post(form_url(workshop), answers(name=name))
    assert response.status_code == 200
    volunteer = Volunteer.objects.get(workshop=workshop)
    # Control and formatting characters (the right-to-left override) are dropped.
    assert "\u202e" not in volunteer.name
    assert SCRIPT in volunteer.name
    assert volunteer.attributes == {"gender": "femme", "territory": "sud", "age": "55+"}
    assert volunteer.consent_lottery and volunteer.consent_processing
    assert volunteer.retention_until == workshop.recruitment_settings.retention_until
    assert volunteer.pseudonym.startswith("v-")
    page = client.get(reverse("recruitment:pool", args=[workshop.slug])).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize("missing", ["consent_lottery", "consent_processing"])
def test_both_consents_are_required(client, workshop, missing):
    response = client.post(form_url(workshop), answers(**{missing: None}))
    assert response.status_code == 400
    assert not Volunteer.objects.exists()
    assert "rec-error" in response.content.decode()


@pytest.mark.parametrize(
    "field, value",
    [
        ("category-0", "autre"),  # not one of the offered answers
        ("contact", "not a contact"),
        ("contact", ""),
        ("name", "\u202e\u200f"),  # only invisible characters
        ("name", "x" * 500),
    ],
)
def test_bad_answers_store_nothing(client, workshop, field, value):
    response = client.post(form_url(workshop), answers(**{field: value}))
    assert response.status_code == 400
    assert not Volunteer.objects.exists()


def test_a_second_registration_with_the_same_contact_is_kept_and_flagged(
    client, workshop, organiser
):
    client.post(form_url(workshop), answers(name="Zoé", contact="Zoe@Example.org"))
    response = client.post(form_url(workshop), answers(name="Zoé B.", contact=" zoe@example.org"))
    # The registrant is not told: that would reveal who else registered.
    assert response.status_code == 200
    assert Volunteer.objects.filter(workshop=workshop).count() == 2
    assert len({v.contact_key for v in Volunteer.objects.all()}) == 1
    page = client.get(reverse("recruitment:pool", args=[workshop.slug])).content.decode()
    assert page.count("rec-pool__row--duplicate") == 2
    overview = client.get(reverse("recruitment:overview", args=[workshop.slug])).content.decode()
    assert "message--error" in overview


def test_phone_numbers_written_differently_are_one_contact(workshop):
    from rebours.recruitment.checks import contact_key

    assert contact_key("06 12 34 56 78") == contact_key("06.12.34.56.78") == "0612345678"
    assert contact_key("+33 6 12 34 56 78") == "+33612345678"


def test_registrations_are_rate_limited_per_address(client, workshop, settings):
    settings.RECRUITMENT_REGISTRATIONS_PER_HOUR = 3
    for i in range(3):
        response = client.post(form_url(workshop), answers(contact=f"p{i}@example.org"))
        assert response.status_code == 200
    response = client.post(form_url(workshop), answers(contact="p9@example.org"))
    assert response.status_code == 429
    assert Volunteer.objects.count() == 3
    # Another address is not affected.
    response = client.post(
        form_url(workshop), answers(contact="q@example.org"), REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 200


def test_a_closed_form_takes_nobody(client, workshop):
    open_registration(workshop, registration_open=False)
    assert client.get(form_url(workshop)).status_code == 404
    assert client.post(form_url(workshop), answers()).status_code == 404
    assert not Volunteer.objects.exists()


def test_the_public_never_sees_other_volunteers(client, workshop):
    register(workshop, 3)
    html = client.get(form_url(workshop)).content.decode()
    assert "vol0@example.org" not in html
    assert "vol1" not in html
    done = client.post(form_url(workshop), answers()).content.decode()
    assert "vol0@example.org" not in done


def test_pool_pages_are_for_organisers(client, workshop):
    register(workshop, 3)
    pages = ["overview", "pool", "quotas", "draws", "settings"]
    for name in pages:
        response = client.get(reverse(f"recruitment:{name}", args=[workshop.slug]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    User.objects.create_user("someone", password="x" * 12)
    client.login(username="someone", password="x" * 12)
    for name in pages:
        assert client.get(reverse(f"recruitment:{name}", args=[workshop.slug])).status_code == 404


def test_volunteers_past_their_retention_date_are_erased_and_never_drawn(workshop):
    import datetime

    from django.core.management import call_command

    from rebours.recruitment.snapshot import eligible

    people = register(workshop, 3)
    past = datetime.date.today() - datetime.timedelta(days=1)
    Volunteer.objects.filter(pk=people[0].pk).update(retention_until=past)
    pool = eligible(Volunteer.objects.filter(workshop=workshop), today=datetime.date.today())
    assert people[0].pk not in {v.pk for v in pool}
    call_command("erase_expired_volunteers")
    assert set(Volunteer.objects.values_list("pk", flat=True)) == {people[1].pk, people[2].pk}
