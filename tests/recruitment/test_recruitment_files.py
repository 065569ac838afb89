"""Importing a pool and quotas from CSV (all or nothing, errors naming the line); the quotas."""

import html

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rebours.recruitment import actions
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.models import Quota, Source, Volunteer
from tests.support.hostile import SCRIPT
from tests.support.recruitment import make_workshop, open_registration, register

pytestmark = pytest.mark.django_db

GOOD_POOL = (
    "id,name,contact,gender,territory,age,notes\n"
    "a1,Ana,ana@example.org,femme,nord,18-34,x\n"
    "a2,Bo,06 12 34 56 78,homme,sud,55+,y\n"
    "\n"
    "a3,Cy,cy@example.org,femme,est,35-54,z\n"
)


@pytest.fixture
def workshop():
    workshop = make_workshop()
    open_registration(workshop)
    return workshop


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("orga", password="x" * 12, is_staff=True)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def upload(client, workshop, text, *, consent=True, name="pool.csv"):
    data = {"file": SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode())}
    if consent:
        data["consent_confirmed"] = "on"
    return client.post(reverse("recruitment:pool", args=[workshop.slug]), data)


def test_a_pool_file_is_imported_whole(client, workshop, organiser):
    response = upload(client, workshop, GOOD_POOL)
    assert response.status_code == 302
    pool = {v.source_id: v for v in Volunteer.objects.filter(workshop=workshop)}
    assert set(pool) == {"a1", "a2", "a3"}
    assert pool["a2"].attributes == {"gender": "homme", "territory": "sud", "age": "55+"}
    assert pool["a2"].contact_key == "0612345678"
    assert all(v.source == Source.IMPORT and v.consent_lottery for v in pool.values())
    page = client.get(reverse("recruitment:pool", args=[workshop.slug])).content.decode()
    assert "notes" in client.get(response["Location"]).content.decode() or "Ana" in page


def test_semicolons_and_a_byte_order_mark_are_fine(client, workshop, organiser):
    text = "\ufeff" + GOOD_POOL.replace(",", ";")
    assert upload(client, workshop, text.encode("utf-8")).status_code == 302
    assert Volunteer.objects.count() == 3


@pytest.mark.parametrize(
    "text, where",
    [
        (GOOD_POOL.replace("a3,Cy,cy@example.org,femme", "a3,Cy,cy@example.org,autre"), "Line 5"),
        (GOOD_POOL.replace("a2,Bo,06", "a2,,06"), "Line 3"),
        (GOOD_POOL.replace("a3,Cy,cy@example.org", "a3,Cy,pas un contact"), "Line 5"),
        (GOOD_POOL.replace("a3,", "a1,"), "line 5"),  # duplicate id, named by pool_io
        (GOOD_POOL.replace("femme,nord", "femme,nord,extra"), "line 2"),
        (GOOD_POOL.replace(",territory", ",region"), "territory"),
        (GOOD_POOL.replace("id,", "ident,"), "'id'"),
        (GOOD_POOL.replace("a2,Bo", 'a2,"Bo'), "line 3"),  # an unclosed quote
    ],
)
def test_a_bad_line_imports_nothing_and_is_named(client, workshop, organiser, text, where):
    register(workshop, 2)
    before = Volunteer.objects.count()
    response = upload(client, workshop, text)
    assert response.status_code == 400
    assert Volunteer.objects.count() == before
    assert where in html.unescape(response.content.decode())


def test_errors_name_the_line_in_french_too(client, workshop, organiser):
    client.cookies["django_language"] = "fr"
    text = GOOD_POOL.replace("a3,Cy,cy@example.org,femme", "a3,Cy,cy@example.org,autre")
    response = upload(client, workshop, text)
    assert (
        "Ligne 5, colonne « gender » : « autre » ne fait pas partie de « femme », « homme »."
        in (html.unescape(response.content.decode()))
    )
    assert Volunteer.objects.count() == 0


def test_a_file_that_is_not_utf8_or_without_consent_is_refused(client, workshop, organiser):
    response = upload(client, workshop, GOOD_POOL.replace("Bo", "Bé").encode("latin-1"))
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    response = upload(client, workshop, GOOD_POOL, consent=False)
    assert response.status_code == 400
    assert Volunteer.objects.count() == 0


def test_imported_duplicates_are_flagged(client, workshop, organiser):
    register(workshop, 1, prefix="ana")  # ana0@example.org
    text = GOOD_POOL.replace("ana@example.org", "ANA0@example.org")
    response = upload(client, workshop, text)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("1" in m for m in messages)
    page = client.get(reverse("recruitment:pool", args=[workshop.slug])).content.decode()
    assert page.count("rec-pool__row--duplicate") == 2


# --- quotas ---------------------------------------------------------------------------------


def quota_post(rows):
    data = {"rows": str(len(rows))}
    for i, (feature, value, low, high) in enumerate(rows):
        data.update(
            {f"feature-{i}": feature, f"value-{i}": value, f"min-{i}": low, f"max-{i}": high}
        )
    return data


def test_the_quota_table_saves_min_and_max(client, workshop, organiser):
    register(workshop, 6)
    url = reverse("recruitment:quotas", args=[workshop.slug])
    page = client.get(url).content.decode()
    assert 'name="min-0"' in page and "femme" in page
    response = client.post(
        url,
        quota_post(
            [("gender", "femme", "2", "4"), ("gender", "homme", "", "3"), ("age", "55+", "", "")]
        ),
    )
    assert response.status_code == 302
    saved = {(q.feature, q.value): (q.min, q.max) for q in Quota.objects.filter(workshop=workshop)}
    assert saved == {("gender", "femme"): (2, 4), ("gender", "homme"): (0, 3)}


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("gender", "femme", "4", "2")], "above the maximum"),
        ([("gender", "femme", "-1", "2")], "whole number"),
        ([("gender", "femme", "deux", "2")], "whole number"),
        ([("gender", SCRIPT, "1", "2")], "is not one of the values"),
        ([("couleur", "bleu", "1", "2")], "is not a category"),
    ],
)
def test_bad_quotas_in_the_table_change_nothing(client, workshop, organiser, rows, message):
    actions.do_set_quotas(
        workshop, actor=None, rows=[{"feature": "age", "value": "55+", "min": 1, "max": 2}]
    )
    response = client.post(reverse("recruitment:quotas", args=[workshop.slug]), quota_post(rows))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SCRIPT not in response.content.decode()
    assert list(Quota.objects.values_list("feature", "value", "min", "max")) == [
        ("age", "55+", 1, 2)
    ]


@pytest.mark.parametrize(
    "header", ["feature,value,min,max", "Category,Name,Min,Max,min_flex,max_flex"]
)
def test_quotas_from_a_csv_file(client, workshop, organiser, header):
    extra = ",0,9" if "flex" in header else ""
    text = f"{header}\nGender,femme,2,4{extra}\n\ngender,homme,2,4{extra}\n"
    url = reverse("recruitment:quotas", args=[workshop.slug])
    response = client.post(url, {"file": SimpleUploadedFile("q.csv", text.encode())})
    assert response.status_code == 302
    assert sorted(Quota.objects.values_list("feature", "value", "min", "max")) == [
        ("gender", "femme", 2, 4),
        ("gender", "homme", 2, 4),
    ]
    actions.do_set_quotas(
        workshop,
        actor=None,
        rows=[
            {"feature": "gender", "value": "femme", "min": 2, "max": 4},
            {"feature": "gender", "value": "homme", "min": 2, "max": None},
        ],
    )
    download = client.get(reverse("recruitment:quotas_csv", args=[workshop.slug]))
    text = download.content.decode()
    # No maximum is written as the panel size (6 here), so that the file uploads back.
    assert text == "feature,value,min,max\ngender,femme,2,4\ngender,homme,2,6\n"
    response = client.post(url, {"file": SimpleUploadedFile("q.csv", text.encode())})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "body, where",
    [
        ("gender,femme,2,4\ngender,homme,5,1\n", "line 3"),
        ("gender,femme,2,4\n\ngender,autre,1,1\n", "Line 4"),
        ("gender,femme,2,4\nregion,nord,1,1\n", "Line 3"),
        ("gender,femme,2,4\ngender,femme,1,1\n", "line 3"),
        ("gender,femme,2,quatre\n", "line 2"),
    ],
)
def test_a_bad_quota_file_changes_nothing_and_names_the_line(
    client, workshop, organiser, body, where
):
    actions.do_set_quotas(
        workshop, actor=None, rows=[{"feature": "age", "value": "55+", "min": 1, "max": 2}]
    )
    text = "feature,value,min,max\n" + body
    url = reverse("recruitment:quotas", args=[workshop.slug])
    response = client.post(url, {"file": SimpleUploadedFile("q.csv", text.encode())})
    assert response.status_code == 400
    assert where in html.unescape(response.content.decode())
    assert Quota.objects.count() == 1


def test_categories_are_checked(workshop):
    bad = [
        [{"key": "id", "label": "x", "values": ["a"]}],
        [{"key": "g", "values": ["a"]}, {"key": "G", "values": ["b"]}],
        [{"key": "g", "values": ["a", "a"]}],
        [{"key": "g", "values": []}],
        [{"key": "1g", "values": ["a"]}],
        [{"key": "g,h", "values": ["a"]}],
    ]
    for categories in bad:
        with pytest.raises(RecruitmentError):
            open_registration(workshop, categories=categories)


def test_the_organiser_sets_the_questions_and_opens_the_form(client, organiser):
    workshop = make_workshop("neuf")
    url = reverse("recruitment:settings", args=[workshop.slug])
    page = client.get(url).content.decode()
    assert 'name="key-0"' in page and 'name="values-1"' in page
    response = client.post(
        url,
        {
            "key-0": "genre",
            "label-0": f"Genre {SCRIPT}",
            "values-0": "femme\r\nhomme\r\n\r\n  autre  ",
            "key-1": "",
            "values-1": "",
            "registration_open": "on",
            "retention_until": "2099-12-31",
            "panel_size": "70",
        },
    )
    assert response.status_code == 302
    settings = workshop.recruitment_settings
    assert settings.categories == [
        {"key": "genre", "label": f"Genre {SCRIPT}", "values": ["femme", "homme", "autre"]}
    ]
    assert settings.registration_open and settings.panel_size == 70
    form = client.get(reverse("recruitment:register", args=[workshop.slug])).content.decode()
    assert "31" in form and "2099" in form and SCRIPT not in form
    # Opening without a retention date is refused.
    client.cookies["django_language"] = "en"
    response = client.post(url, {"key-0": "genre", "values-0": "a", "registration_open": "on"})
    assert response.status_code == 200
    assert "Give the date until which the answers are kept." in response.content.decode()
    assert workshop.recruitment_settings.categories[0]["values"] == ["femme", "homme", "autre"]
