"""Checking images by decoding them: the only way to know a file really is the picture it claims.

Pure: Pillow only, no Django import.
"""

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000


class ImageRejected(ValueError):
    """The file is not an image we accept; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return ALLOWED_FORMATS[self.format]


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


def check_image(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> ImageInfo:
    """Decode `data` fully and return what it is, or raise ImageRejected with the reason."""
    if len(data) > max_bytes:
        raise ImageRejected(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB"
        )
    if not data:
        raise ImageRejected("the file is empty")
    try:
        with _strict_decoding(), warnings.catch_warnings():
            # Pillow warns before it refuses; we want the refusal, as an error, every time.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt = image.format or ""
                if fmt not in ALLOWED_FORMATS:
                    raise ImageRejected(
                        f"{fmt or 'this'} files are not accepted; send a JPEG, PNG or WebP image"
                    )
                width, height = image.size
                # Checked before decoding: a small file can declare an enormous canvas.
                if width * height > max_pixels:
                    raise ImageRejected(
                        f"the image is {width}×{height} pixels ({width * height / 1e6:.0f} "
                        f"megapixels); the limit is {max_pixels / 1e6:.0f} megapixels"
                    )
                image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("the image declares more pixels than we accept") from None
    except UnidentifiedImageError:
        raise ImageRejected("the file is not an image (it could not be decoded)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(f"the image is damaged or truncated ({exc})") from None
    return ImageInfo(format=fmt, width=width, height=height)
