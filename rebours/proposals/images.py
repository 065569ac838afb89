"""Checking images by decoding them: the only way to know a file really is the picture it claims.

Accepted images are re-encoded from their pixels, so that nothing but the picture leaves the
upload: no EXIF (GPS position, camera serial number), no XMP, no text chunks, no trailing bytes.
A small WebP copy is made for the mosaic and the cards.

Pure: Pillow only, no Django import.
"""

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# MPO is how Pillow names the JPEG files of many phones and cameras (a JPEG with extra frames).
ALLOWED_FORMATS = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
}
SAVE_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMBNAIL_WIDTH = 480
THUMBNAIL_MAX_HEIGHT = 960


class ImageRejected(ValueError):
    """The file is not an image we accept; the message says why, for the person who sent it.

    `code` and `params` let a translated page say the same thing in the reader's language.
    """

    def __init__(
        self, message: str, *, code: str = "invalid", params: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params or {}


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return ALLOWED_FORMATS[self.format]


@dataclass(frozen=True)
class PreparedImage:
    """An accepted image, re-encoded without its metadata, and its thumbnail."""

    info: ImageInfo
    data: bytes
    extension: str
    thumbnail: bytes
    thumbnail_size: tuple[int, int] = field(default=(0, 0))


_strict_lock = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Refuse truncated files while we decode, whatever another library set process-wide.

    WeasyPrint sets `ImageFile.LOAD_TRUNCATED_IMAGES = True` when it is imported, which would
    let a cut-off upload through our check once the booklet has been rendered in the process.
    """
    with _strict_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in head


def _open_checked(data: bytes, max_bytes: int, max_pixels: int) -> Image.Image:
    """Open and fully decode `data`, or raise ImageRejected. The caller closes the image."""
    if len(data) > max_bytes:
        raise ImageRejected(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB",
            code="too_large",
            params={"size": round(len(data) / 1e6, 1), "limit": round(max_bytes / 1e6)},
        )
    if not data:
        raise ImageRejected("the file is empty", code="empty")
    if _looks_like_markup(data):
        raise ImageRejected(
            "SVG and other drawings written as text are not accepted (they can carry scripts); "
            "send a JPEG, PNG or WebP image",
            code="svg",
        )
    image = None
    try:
        with _strict_decoding(), warnings.catch_warnings():
            # Pillow warns before it refuses; we want the refusal, as an error, every time.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or ""
            if fmt not in ALLOWED_FORMATS:
                raise ImageRejected(
                    f"{fmt or 'this'} files are not accepted; send a JPEG, PNG or WebP image",
                    code="format",
                    params={"format": fmt or "?"},
                )
            width, height = image.size
            # Checked before decoding: a small file can declare an enormous canvas.
            if width * height > max_pixels:
                raise ImageRejected(
                    f"the image is {width}×{height} pixels ({width * height / 1e6:.0f} "
                    f"megapixels); the limit is {max_pixels / 1e6:.0f} megapixels",
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "megapixels": round(width * height / 1e6),
                        "limit": round(max_pixels / 1e6),
                    },
                )
            image.load()
    except ImageRejected:
        _close(image)
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _close(image)
        raise ImageRejected("the image declares more pixels than we accept", code="bomb") from None
    except UnidentifiedImageError:
        _close(image)
        raise ImageRejected(
            "the file is not an image (it could not be decoded)", code="not_image"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        _close(image)
        raise ImageRejected(
            f"the image is damaged or truncated ({exc})",
            code="damaged",
            params={"detail": str(exc)},
        ) from None
    return image


def _close(image: Image.Image | None) -> None:
    if image is not None:
        image.close()


def check_image(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> ImageInfo:
    """Decode `data` fully and return what it is, or raise ImageRejected with the reason."""
    image = _open_checked(data, max_bytes, max_pixels)
    try:
        return ImageInfo(format=image.format or "", width=image.width, height=image.height)
    finally:
        image.close()


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy holding the pixels (turned upright), the palette and transparency, nothing else."""
    upright = ImageOps.exif_transpose(image) or image.copy()
    keep: dict[str | tuple[int, int], Any] = {
        k: upright.info[k] for k in ("transparency",) if k in upright.info
    }
    upright.info = keep
    return upright


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    params: dict[str, Any] = {}
    if icc:
        # The colour profile is kept: it says how to show the colours, nothing about anyone.
        params["icc_profile"] = icc
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        params.update(quality=90, optimize=True, progressive=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        params.update(quality=88, method=4)
    elif fmt == "PNG":
        params.update(optimize=False, compress_level=6)
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def make_thumbnail(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    thumb = image.copy()
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA" if thumb.has_transparency_data else "RGB")
    thumb.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, format="WEBP", quality=80, method=4)
    return buffer.getvalue(), thumb.size


def prepare_image(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> PreparedImage:
    """Check `data`, then re-encode it without metadata and make its thumbnail.

    The saved format is the decoded one, whatever the file's name said: a PNG renamed .jpg is
    stored as the PNG it is.
    """
    image = _open_checked(data, max_bytes, max_pixels)
    try:
        fmt = SAVE_AS[image.format or ""]
        info = ImageInfo(format=image.format or "", width=image.width, height=image.height)
        icc = image.info.get("icc_profile")
        clean = _without_metadata(image)
        encoded = _encode(clean, fmt, icc)
        thumbnail, size = make_thumbnail(clean)
    finally:
        image.close()
    return PreparedImage(
        info=info, data=encoded, extension=EXTENSIONS[fmt], thumbnail=thumbnail, thumbnail_size=size
    )


def thumbnail_of(data: bytes, *, max_pixels: int = MAX_PIXELS) -> bytes:
    """The mosaic thumbnail of an image already stored (imported with a workshop, for example)."""
    image = _open_checked(data, max_bytes=len(data) + 1, max_pixels=max_pixels)
    try:
        return make_thumbnail(_without_metadata(image))[0]
    finally:
        image.close()
