"""export(import(doc)) == doc after normalisation: for the demo and for hostile documents."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import read_package
from rebours.exchange.demo import DEMO_DIR
from rebours.exchange.export import export_document, write_zip
from rebours.exchange.normalise import normalise
from rebours.exchange.validation import validate
from rebours.proposals.models import Proposal
from rebours.workshops.models import Workshop
from tests.support.hostile import hostile_document, minimal_document
from tests.support.media import png_bytes

pytestmark = pytest.mark.django_db


def load(document, tmp_path, media=None):
    path = tmp_path / "in.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("workshop.json", json.dumps(document, ensure_ascii=False))
        for name, data in (media or {}).items():
            archive.writestr(name, data)
    return do_import_workshop(read_package(path), actor=None).workshop


def test_normalise_drops_nothing_values_and_keeps_order():
    assert normalise({"b": [], "a": {"x": None, "y": ""}, "c": [2, 1], "d": 0}) == {
        "c": [2, 1],
        "d": 0,
    }


@pytest.mark.parametrize(
    "document", [hostile_document(), minimal_document()], ids=["hostile", "minimal"]
)
def test_round_trip(document, tmp_path):
    workshop = load(document, tmp_path, {"media/p1.png": png_bytes()})
    exported = export_document(workshop)
    validate(exported)
    assert normalise(exported) == normalise(document)


def test_round_trip_of_the_demo():
    document = json.loads((DEMO_DIR / "workshop.json").read_text(encoding="utf-8"))
    workshop = do_import_workshop(read_package(DEMO_DIR), actor=None).workshop
    exported = export_document(workshop)
    validate(exported)
    assert normalise(exported) == normalise(document)
    assert len(exported["proposals"]) == 27
    assert len(exported["themes"]) == 9


def test_zip_round_trip_carries_the_images(tmp_path):
    workshop = load(hostile_document(), tmp_path, {"media/p1.png": png_bytes()})
    buffer = io.BytesIO()
    assert write_zip(workshop, buffer) == []
    Workshop.objects.all().delete()
    again = tmp_path / "again.zip"
    again.write_bytes(buffer.getvalue())
    workshop = do_import_workshop(read_package(again), actor=None).workshop
    assert Proposal.objects.get(workshop=workshop, key="p-1").image.read() == png_bytes()
    assert normalise(export_document(workshop)) == normalise(hostile_document())


def test_zip_export_leaves_out_missing_files_with_a_warning(tmp_path):
    workshop = load(hostile_document(), tmp_path, {"media/p1.png": png_bytes()})
    proposal = Proposal.objects.get(workshop=workshop, key="p-1")
    proposal.image.storage.delete(proposal.image.name)
    buffer = io.BytesIO()
    warnings = write_zip(workshop, buffer)
    assert len(warnings) == 1 and "p-1" in warnings[0]
    with zipfile.ZipFile(buffer) as archive:
        document = json.loads(archive.read("workshop.json"))
        assert archive.namelist() == ["workshop.json"]
    assert "image" not in document["proposals"][0]


def test_export_command_prints_json(tmp_path, capsys):
    load(hostile_document(), tmp_path, {"media/p1.png": png_bytes()})
    call_command("export_workshop", "hostile")
    printed = json.loads(capsys.readouterr().out)
    assert normalise(printed) == normalise(hostile_document())


def test_export_command_writes_json_and_zip(tmp_path):
    load(hostile_document(), tmp_path, {"media/p1.png": png_bytes()})
    call_command("export_workshop", "hostile", "-o", str(tmp_path / "out.json"))
    call_command("export_workshop", "hostile", "-o", str(tmp_path / "out.zip"))
    assert json.loads((tmp_path / "out.json").read_text())["workshop"]["slug"] == "hostile"
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert sorted(archive.namelist()) == ["media/p1.png", "workshop.json"]


def test_api_export_is_the_same_document_for_organisers(client, tmp_path):
    load(hostile_document(), tmp_path, {"media/p1.png": png_bytes()})
    url = "/api/v1/workshops/hostile/export"
    assert client.get(url).status_code == 401
    User.objects.create_user("plain", password="x-long-password-1")
    client.login(username="plain", password="x-long-password-1")
    assert client.get(url).status_code == 403
    User.objects.create_user("boss", password="x-long-password-1", is_staff=True)
    client.login(username="boss", password="x-long-password-1")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert normalise(response.json()) == normalise(hostile_document())
    assert client.get("/api/v1/workshops/nope/export").status_code == 404
