"""Image files for receipt tests, made on the spot."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    ext = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(f"receipt.{ext}", out.getvalue(), content_type=f"image/{ext}")


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def bomb(width: int = 60_000, height: int = 60_000, *, rgba: bool = False) -> SimpleUploadedFile:
    """A tiny PNG that claims billions of pixels: decoding it would exhaust memory.

    ``rgba``: 8-bit colour with alpha, four bytes per pixel once decoded.
    """
    depth, colour = (8, 6) if rgba else (1, 0)
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
    png += _chunk(b"IEND", b"")
    return SimpleUploadedFile("receipt.png", png, content_type="image/png")


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "receipt.jpg", b"<script>alert(1)</script>" * 10, content_type="image/jpeg"
    )


def truncated() -> SimpleUploadedFile:
    good = photo().read()
    return SimpleUploadedFile("receipt.jpg", good[: len(good) // 2], content_type="image/jpeg")
