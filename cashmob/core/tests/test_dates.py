"""Dates read the way each language writes them, from one English pattern in templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils import translation

from cashmob.core.dates import PATTERNS
from cashmob.core.templatetags.cashmob import datetime_attr, iso_local, local_time

SATURDAY = datetime(2026, 12, 12, 10, 0, tzinfo=UTC)  # 11:00 in Paris


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "Saturday 12 December 2026, 11:00", "Sat 12 Dec, 11:00"),
        ("fr", "samedi 12 décembre 2026, 11:00", "sam 12 déc, 11:00"),
        ("de", "Samstag, 12. Dezember 2026, 11:00", "Sa, 12. Dez, 11:00"),
        ("sv", "lördag 12 december 2026 kl. 11:00", "lör 12 dec kl. 11:00"),
    ],
)
def test_a_date_is_written_as_its_language_writes_it(language: str, long: str, short: str) -> None:
    with translation.override(language):
        assert local_time(SATURDAY, "Europe/Paris", "l j F Y, H:i") == long
        assert local_time(SATURDAY, "Europe/Paris", "D j M, H:i") == short
        assert iso_local(SATURDAY.isoformat(), "Europe/Paris", "l j F Y, H:i") == long


def test_a_pattern_not_listed_is_used_as_given() -> None:
    assert "Y-m-d H:i" not in PATTERNS
    with translation.override("de"):
        assert local_time(SATURDAY, "Europe/Paris", "Y-m-d H:i") == "2026-12-12 11:00"


def test_datetime_attr_is_utc_to_the_second() -> None:
    """HTML's datetime attribute refuses six-digit fractions of a second."""
    moment = datetime(2026, 12, 5, 23, 46, 22, 146701, tzinfo=timezone(timedelta(hours=1)))
    assert datetime_attr(moment) == "2026-12-05T22:46:22+00:00"
    assert datetime_attr(moment.astimezone(UTC)) == "2026-12-05T22:46:22+00:00"
    assert datetime_attr(None) == ""
