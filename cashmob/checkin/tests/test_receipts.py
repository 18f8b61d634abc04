"""Receipt photos: only real images of sane size are kept, re-encoded under a new name."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cashmob.checkin import codes
from cashmob.checkin.models import SpendReport
from cashmob.checkin.receipts import MAX_BYTES
from cashmob.checkin.services import checkin_record, spend_report_submit
from cashmob.checkin.tests import images
from cashmob.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _submit(mob, user, receipt):  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=user, code=codes.mob_code(mob))
    return spend_report_submit(
        mob=mob,
        actor=user,
        amount="20",
        currency="EUR",
        idempotency_key=uuid.uuid4(),
        receipt=receipt,
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_receipt_is_reencoded_as_jpeg_under_a_new_name(mob, mobber, fmt) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, mobber, images.photo(fmt))
    assert report.receipt.name.startswith("receipts/")
    assert report.receipt.name.endswith(".jpg")
    assert "receipt" not in report.receipt.name.removeprefix("receipts/")
    with default_storage.open(report.receipt.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)


def test_receipt_large_photo_is_scaled_down(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, mobber, images.photo("JPEG", size=(4000, 3000)))
    with default_storage.open(report.receipt.name) as stored, Image.open(stored) as image:
        assert max(image.size) == 1600


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (images.not_an_image, "not_image"),
        (images.truncated, "not_image"),
        (images.bomb, "receipt_too_many_pixels"),
        # Under the pixel limit, but 200 MB once decoded: PNG has no reduced-scale decoding.
        (lambda: images.bomb(7070, 7070, rgba=True), "receipt_too_many_pixels"),
        (
            lambda: SimpleUploadedFile("big.jpg", b"\xff" * (MAX_BYTES + 1)),
            "receipt_too_large",
        ),
        (lambda: images.photo("GIF").__class__("x.bmp", _bmp()), "not_image"),
    ],
)
def test_receipt_bad_file_refused_and_changes_nothing(mob, mobber, make, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        _submit(mob, mobber, make())
    assert error.value.code == code
    assert error.value.field == "receipt"
    assert SpendReport.objects.count() == 0
    mob.refresh_from_db()
    assert mob.reported_total_minor == 0
    assert not default_storage.exists("receipts") or not default_storage.listdir("receipts")[1]


def _bmp() -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "BMP")
    return out.getvalue()
