"""Images are checked by decoding real files, re-encoded without metadata, with thumbnails."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.proposals.actions import ProposalInvalid, do_ensure_thumbnails, do_set_image
from rebours.proposals.images import ImageRejected, check_image, prepare_image
from rebours.proposals.models import Proposal
from tests.support.hostile import hostile, hostile_document
from tests.support.media import (
    SVG_WITH_SCRIPT,
    compressed_bomb_png,
    declared_bomb_png,
    gif_bytes,
    jpeg_bytes,
    photo_with_gps,
    png_bytes,
    webp_bytes,
)
from tests.support.state import snapshot

GPS_TAG = 0x8825


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --------------------------------------------------------------------- the pure checks


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(png_bytes(), "PNG"), (jpeg_bytes(), "JPEG"), (webp_bytes(), "WEBP")],
)
def test_jpeg_png_and_webp_are_accepted(data, fmt):
    prepared = prepare_image(data)
    assert prepared.info.format == fmt
    assert decoded(prepared.data).format == fmt
    thumbnail = decoded(prepared.thumbnail)
    assert thumbnail.format == "WEBP" and thumbnail.width <= 480


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_and_other_metadata_are_gone_after_re_encoding(fmt):
    original = photo_with_gps(fmt)
    assert GPS_TAG in decoded(original).getexif()  # the test photo really carries a position
    prepared = prepare_image(original)
    clean = decoded(prepared.data)
    assert GPS_TAG not in clean.getexif()
    assert len(clean.getexif()) == 0
    assert "exif" not in clean.info and "xmp" not in clean.info
    assert b"Vieux-Port" not in prepared.data and b"serial 12345" not in prepared.data
    assert b"Vieux-Port" not in prepared.thumbnail and b"serial 12345" not in prepared.thumbnail


def test_the_orientation_is_applied_before_the_exif_goes():
    rotated = photo_with_gps("JPEG", width=640, height=400, orientation=6)  # "rotate 90°"
    clean = decoded(prepare_image(rotated).data)
    assert clean.size == (400, 640)


def test_a_png_named_jpg_is_stored_as_the_png_it_is():
    prepared = prepare_image(png_bytes())  # the name never reaches the check
    assert (prepared.info.format, prepared.extension) == ("PNG", "png")


def test_a_large_photo_gets_a_480_pixel_thumbnail():
    prepared = prepare_image(jpeg_bytes(width=3000, height=2000))
    assert decoded(prepared.thumbnail).size == (480, 320)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (SVG_WITH_SCRIPT, "svg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "svg"),
        (gif_bytes(), "format"),
        (png_bytes()[:60], "damaged"),
        (jpeg_bytes(200, 200)[:400], "damaged"),
        (b"", "empty"),
        (b"%PDF-1.4 not an image at all", "not_image"),
        (hostile("texte").encode(), "not_image"),
        (declared_bomb_png(), "bomb"),
        (declared_bomb_png(9000, 9000), "too_many_pixels"),
        (compressed_bomb_png(), "too_many_pixels"),
        (b"\0" * (15 * 1024 * 1024 + 1), "too_large"),
    ],
    ids=[
        "svg-with-script",
        "bare-svg",
        "gif",
        "truncated-png",
        "truncated-jpeg",
        "empty",
        "pdf",
        "hostile-text",
        "declared-bomb",
        "over-40-megapixels",
        "compressed-bomb",
        "over-15-mb",
    ],
)
def test_anything_else_is_refused_with_a_reason(data, code):
    with pytest.raises(ImageRejected) as caught:
        check_image(data)
    assert caught.value.code == code
    assert caught.value.message


# --------------------------------------------------------------------- the action


@pytest.fixture
def proposal(db):
    do_import_workshop(Package(document=hostile_document()), actor=None)
    return Proposal.objects.get(key="p-1")


def test_an_image_is_stored_re_encoded_with_its_thumbnail_and_a_version(proposal):
    updated = do_set_image(proposal, photo_with_gps("JPEG"), alt=hostile("alt"), actor=None)
    assert updated.image_available()
    with updated.image.open("rb") as handle:
        stored = handle.read()
    assert GPS_TAG not in decoded(stored).getexif()
    assert default_storage.exists(updated.thumbnail)
    assert updated.image_alt == hostile("alt")
    assert updated.versions.get(number=updated.version).fields == ["image"]


def test_a_replaced_image_stays_in_storage_for_the_history(proposal):
    first = do_set_image(proposal, png_bytes(), alt="première", actor=None)
    name = first.image.name
    second = do_set_image(proposal, jpeg_bytes(), alt="seconde", actor=None)
    assert second.image.name != name
    assert default_storage.exists(name)


def test_an_image_without_description_is_refused(proposal):
    before = snapshot()
    with pytest.raises(ProposalInvalid) as caught:
        do_set_image(proposal, png_bytes(), alt="   ", actor=None)
    assert caught.value.field == "image_alt"
    assert snapshot() == before


@pytest.mark.parametrize("data", [SVG_WITH_SCRIPT, declared_bomb_png(), png_bytes()[:60]])
def test_a_refused_image_changes_nothing(proposal, data):
    before = snapshot()
    with pytest.raises(ImageRejected):
        do_set_image(proposal, data, alt="description", actor=None)
    assert snapshot() == before


def test_imported_images_get_their_thumbnail_once(db):
    document = hostile_document()
    do_import_workshop(
        Package(document=document, media={"media/p1.png": png_bytes(900, 600)}), actor=None
    )
    proposals = list(Proposal.objects.all())
    assert do_ensure_thumbnails(proposals) == 1
    assert do_ensure_thumbnails(Proposal.objects.all()) == 0
    made = Proposal.objects.get(key="p-1")
    assert decoded(default_storage.open(made.thumbnail).read()).size == (480, 320)


def test_truncated_images_stay_refused_when_another_library_relaxed_pillow():
    from PIL import ImageFile

    previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, True
    try:
        with pytest.raises(ImageRejected) as caught:
            prepare_image(jpeg_bytes(200, 200)[:400])
        assert caught.value.code == "damaged"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
