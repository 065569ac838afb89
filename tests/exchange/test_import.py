"""Importing: all or nothing, with the first fault named by its JSON path."""

import io
import json
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from rebours.board.models import Note
from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import MAX_MEMBER_BYTES, read_package
from rebours.exchange.errors import ExchangeError
from rebours.proposals.models import Proposal
from rebours.selection.models import BallotGrade, Favourite
from rebours.workshops.models import Contact, Workshop
from tests.support.hostile import hostile_document, minimal_document
from tests.support.media import png_bytes
from tests.support.server import REPO
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db


def write_json(tmp_path, document, name="doc.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def write_zip(tmp_path, document, media=None, name="doc.zip", extra=None):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("workshop.json", json.dumps(document, ensure_ascii=False))
        for member, data in (media or {}).items():
            archive.writestr(member, data)
        for member, data in (extra or {}).items():
            archive.writestr(member, data)
    return path


def import_file(path, replace=False):
    return do_import_workshop(read_package(path), actor=None, replace=replace)


def refused_without_trace(path, replace=False) -> ExchangeError:
    before = snapshot()
    with pytest.raises(ExchangeError) as caught:
        import_file(path, replace=replace)
    assert snapshot() == before
    return caught.value


def test_import_json_keeps_image_references_and_warns(tmp_path):
    result = import_file(write_json(tmp_path, hostile_document()))
    assert result.workshop.slug == "hostile"
    assert any("1 image" in w for w in result.warnings)
    proposal = Proposal.objects.get(key="p-1")
    assert proposal.image_path == "media/p1.png"
    assert not proposal.image_available()


def test_import_zip_stores_verified_images(tmp_path):
    path = write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()})
    result = import_file(path)
    proposal = Proposal.objects.get(workshop=result.workshop, key="p-1")
    assert proposal.image_available()
    assert proposal.image.read() == png_bytes()


def test_invalid_json_changes_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "rebours.workshop/1", "workshop": {', encoding="utf-8")
    error = refused_without_trace(path)
    assert error.path == "$"
    assert "not valid JSON" in error.message


def test_unknown_version_changes_nothing(tmp_path):
    document = minimal_document()
    document["format"] = "rebours.workshop/9"
    assert refused_without_trace(write_json(tmp_path, document)).path == "$.format"


def test_unknown_key_changes_nothing(tmp_path):
    document = hostile_document()
    document["workshop"]["colour"] = "red"
    error = refused_without_trace(write_json(tmp_path, document))
    assert str(error) == '$.workshop: unknown key "colour"'


def test_duplicate_id_changes_nothing(tmp_path):
    document = hostile_document()
    document["people"][2]["id"] = "ana"
    assert refused_without_trace(write_json(tmp_path, document)).path == "$.people[2].id"


def test_dangling_reference_changes_nothing(tmp_path):
    document = hostile_document()
    document["proposals"][1]["theme"] = "x"
    error = refused_without_trace(write_json(tmp_path, document))
    assert str(error) == '$.proposals[1].theme: no theme "x"'


def test_ballot_grade_not_in_scale_changes_nothing(tmp_path):
    document = hostile_document()
    document["selection"]["ballots"][0]["grades"]["p-1"] = "Sublime"
    error = refused_without_trace(write_json(tmp_path, document))
    assert error.path == '$.selection.ballots[0].grades["p-1"]'


@pytest.mark.parametrize(
    "member",
    ["../evil.png", "media/../../evil.png", "/etc/passwd", "media\\..\\evil.png", "C:/evil.png"],
)
def test_zip_path_traversal_changes_nothing(tmp_path, member):
    path = write_zip(
        tmp_path, hostile_document(), {"media/p1.png": png_bytes()}, extra={member: b"x"}
    )
    error = refused_without_trace(path)
    assert "unsafe path" in error.message or "unexpected file" in error.message


def test_zip_member_outside_media_changes_nothing(tmp_path):
    path = write_zip(
        tmp_path, hostile_document(), {"media/p1.png": png_bytes()}, extra={"run.sh": b"rm -rf /"}
    )
    assert "unexpected file" in refused_without_trace(path).message


def test_oversized_member_changes_nothing(tmp_path):
    big = b"\0" * (MAX_MEMBER_BYTES + 1)
    path = write_zip(tmp_path, hostile_document(), {"media/p1.png": big})
    error = refused_without_trace(path)
    assert "over 20 MB" in error.message


def test_oversized_member_with_a_lying_header_changes_nothing(tmp_path):
    # Write a member, then shrink the sizes its headers declare: reading must still stop.
    path = write_zip(
        tmp_path, hostile_document(), {"media/p1.png": b"\0" * (MAX_MEMBER_BYTES + 10)}
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("media/p1.png")
    for declared in (info.file_size.to_bytes(4, "little"),):
        data = data.replace(declared, (1000).to_bytes(4, "little"))
    path.write_bytes(bytes(data))
    refused_without_trace(path)


def test_too_many_members_changes_nothing(tmp_path):
    extra = {f"media/f{i}.png": b"x" for i in range(2001)}
    path = write_zip(tmp_path, hostile_document(), extra=extra)
    assert "limit is 2000" in refused_without_trace(path).message


@pytest.mark.parametrize(
    "fake",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a" + b"\0" * 100,
        png_bytes()[:60],
        b"#!/bin/sh\necho not an image\n",
    ],
    ids=["svg", "gif-header", "truncated-png", "shell"],
)
def test_fake_image_changes_nothing(tmp_path, fake):
    path = write_zip(tmp_path, hostile_document(), {"media/p1.png": fake})
    error = refused_without_trace(path)
    assert error.path == "$.proposals[0].image.path"
    assert "refused" in error.message


def test_image_missing_from_the_zip_changes_nothing(tmp_path):
    path = write_zip(tmp_path, hostile_document(), {})
    error = refused_without_trace(path)
    assert str(error) == '$.proposals[0].image.path: "media/p1.png" is not in the archive'


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"PK not really")
    assert "not a valid zip" in refused_without_trace(path).message


def test_existing_slug_needs_replace(tmp_path):
    import_file(write_json(tmp_path, hostile_document()))
    error = refused_without_trace(write_json(tmp_path, hostile_document(), "again.json"))
    assert error.path == "$.workshop.slug"
    assert "--replace" in error.message


def test_replace_swaps_the_workshop_and_its_files(tmp_path, django_capture_on_commit_callbacks):
    first = import_file(write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()}))
    old_image = Proposal.objects.get(workshop=first.workshop, key="p-1").image
    old_name = old_image.name
    document = hostile_document()
    document["workshop"]["title"] = "Remplacé"
    with django_capture_on_commit_callbacks(execute=True):
        second = import_file(
            write_zip(tmp_path, document, {"media/p1.png": png_bytes(colour="#ff0000")}, "b.zip"),
            replace=True,
        )
    assert Workshop.objects.get().title == "Remplacé"
    assert second.workshop.pk != first.workshop.pk
    assert not old_image.storage.exists(old_name)


def test_a_database_error_midway_leaves_nothing(tmp_path, monkeypatch):
    path = write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()})
    package = read_package(path)
    original = Proposal.objects.bulk_create

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Proposal.objects, "bulk_create", failing)
    before = snapshot()
    with pytest.raises(RuntimeError):
        do_import_workshop(package, actor=None)
    assert snapshot() == before


@pytest.mark.parametrize("model", [Note, BallotGrade, Favourite, Contact], ids=lambda m: m.__name__)
def test_a_database_error_in_the_last_writes_leaves_nothing(tmp_path, monkeypatch, model):
    """Late in the import (notes, a ballot's grades, favourites, the last rows): the images are
    already stored and the proposals written; all of it goes."""
    package = read_package(write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()}))
    original = model.objects.bulk_create

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise OperationalError("the database went away")

    monkeypatch.setattr(model.objects, "bulk_create", failing)
    before = snapshot()
    with pytest.raises(OperationalError):
        do_import_workshop(package, actor=None)
    assert snapshot() == before


def test_a_failed_replace_keeps_the_old_workshop(tmp_path, monkeypatch):
    import_file(write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()}))
    before = snapshot()
    package = read_package(
        write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()}, "b.zip")
    )
    monkeypatch.setattr(
        Proposal.objects, "bulk_create", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom"))
    )
    with pytest.raises(RuntimeError):
        do_import_workshop(package, actor=None, replace=True)
    assert snapshot() == before
    proposal = Proposal.objects.get(key="p-1")
    assert proposal.image_available()


def test_command_reports_one_line_and_fails(tmp_path):
    document = hostile_document()
    document["proposals"][1]["theme"] = "x"
    with pytest.raises(CommandError) as caught:
        call_command("import_workshop", str(write_json(tmp_path, document)))
    assert str(caught.value) == '$.proposals[1].theme: no theme "x"'


def test_cli_exit_status_and_message(tmp_path):
    document = minimal_document()
    document["workshop"]["slug"] = "Bad Slug"
    path = write_json(tmp_path, document)
    env = {"REBOURS_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "rebours", "import", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "CommandError: $.workshop.slug: "
        '"Bad Slug" does not match the pattern ^[a-z0-9][a-z0-9-]{0,63}$'
    ]


def test_read_package_rejects_unknown_suffix(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("{}")
    with pytest.raises(ExchangeError, match=r"use \.json or \.zip"):
        read_package(path)


def test_zip_in_memory_round_trip_of_bytes(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("workshop.json", json.dumps(minimal_document()))
    path = tmp_path / "m.zip"
    path.write_bytes(buffer.getvalue())
    assert import_file(path).workshop.slug == "mini"


def test_truncated_images_are_refused_even_after_weasyprint_is_imported(tmp_path):
    import weasyprint  # noqa: F401 - its import relaxes Pillow's truncation check process-wide
    from PIL import ImageFile

    previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, True
    try:
        path = write_zip(tmp_path, hostile_document(), {"media/p1.png": png_bytes()[:60]})
        assert "refused" in refused_without_trace(path).message
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
