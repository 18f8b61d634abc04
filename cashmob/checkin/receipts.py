"""Receipt photos: accepted only as real images of sane size, re-encoded before storing.

The upload is never stored as sent: it is decoded with guards against oversized files and
decompression bombs, then written again as a plain JPEG under a generated name, which drops
whatever else the file carried (scripts, metadata, location).
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cashmob.checkin.exceptions import CheckinError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 5 * 1024 * 1024
#: Far above any phone photo (a 48 MP camera makes 48 million), far below what would
#: exhaust memory when decoded.
MAX_PIXELS = 50_000_000
#: JPEG decodes at a reduced scale (``draft``); other formats decode whole, so their
#: decoded size is capped too: 64 MiB is a 16-megapixel RGBA image, a phone's photo.
MAX_DECODED_BYTES = 64 * 1024 * 1024
MAX_SIDE = 1600
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "MPO"})


def _refuse(message: str, code: str) -> CheckinError:
    return CheckinError(message, code=code, field="receipt")


def receipt_clean(upload: UploadedFile) -> ContentFile[bytes]:
    """Validate an uploaded receipt photo and return it re-encoded as JPEG, with a new name."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse(_("The photo is too large: at most 5 MB."), "receipt_too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(_("The photo is too large: at most 5 MB."), "receipt_too_large")
    not_image = _refuse(_("This file is not a photo we can read (JPEG, PNG or WebP)."), "not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_image
                width, height = probe.size
                decoded = width * height * len(probe.getbands())
                whole = probe.format not in {"JPEG", "MPO"}
                if width * height > MAX_PIXELS or (whole and decoded > MAX_DECODED_BYTES):
                    raise _refuse(
                        _("The photo has too many pixels; take a smaller one."),
                        "receipt_too_many_pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                upright.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The photo has too many pixels; take a smaller one."), "receipt_too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_image from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
