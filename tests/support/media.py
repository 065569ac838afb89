"""Real image files made on the fly for tests."""

import io
import struct
import zlib

from PIL import Image


def png_bytes(width: int = 64, height: int = 40, colour: str = "#2f6b3a") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 64, height: int = 40, exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), "#1d5f8a")
    if exif is not None:
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


# Where the test photos claim they were taken: the Vieux-Port of Marseille.
GPS = {1: "N", 2: (43.0, 17.0, 45.0), 3: "E", 4: (5.0, 22.0, 10.0)}


def exif_with_gps(orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = GPS  # GPSInfo
    exif[0x010F] = "Camera maker with a serial 12345"  # Make
    if orientation is not None:
        exif[0x0112] = orientation
    return exif.tobytes()


def photo_with_gps(fmt: str = "JPEG", width: int = 640, height: int = 400, **extra) -> bytes:
    """A real photo-like image carrying EXIF with a GPS position (and XMP where supported)."""
    image = Image.new("RGB", (width, height), "#a3462b")
    for x in range(0, width, 40):
        image.paste("#ffd166", (x, 0, x + 20, height))
    buffer = io.BytesIO()
    params = {"exif": exif_with_gps(extra.pop("orientation", None)), **extra}
    if fmt == "WEBP":
        params["xmp"] = b"<x:xmpmeta><secret>Vieux-Port</secret></x:xmpmeta>"
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def webp_bytes(width: int = 64, height: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (47, 107, 58, 200)).save(buffer, format="WEBP")
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, format="GIF")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header declares an enormous canvas (3.6 gigapixels by default)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _chunk(b"IEND", b"")
    )


def compressed_bomb_png(width: int = 8000, height: int = 8000) -> bytes:
    """A valid greyscale PNG of 64 megapixels of zeros: a few dozen kilobytes on disk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte + pixels
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert('svg')</script><rect width='10' height='10'/></svg>"
)
