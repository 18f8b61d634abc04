"""One way to write a time per language, with the zone named after it, everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.template import Context, Template
from django.utils import translation

from cashmob.core import dates
from cashmob.core.templatetags.cashmob import datetime_attr

# Saturday 12 December 2026, 11:00–13:00 in Paris (CET, UTC+1).
START = datetime(2026, 12, 12, 10, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
PARIS = "Europe/Paris"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Saturday, 12 December 2026, 11:00–13:00 CET"),
        ("fr", "samedi 12 décembre 2026, 11:00–13:00 CET"),
        ("de", "Samstag, 12. Dezember 2026, 11:00–13:00 MEZ"),
        ("it", "sabato 12 dicembre 2026, 11:00–13:00 CET"),
        ("sv", "lördag 12 december 2026 11:00–13:00 CET"),
    ],
)
def test_format_range_same_day_reads_as_its_language_writes_it(
    language: str, expected: str
) -> None:
    assert dates.format_range(START, END, PARIS, language) == expected


@pytest.mark.parametrize(
    ("language", "when", "stamp", "stamp_range"),
    [
        ("en", "Saturday, 12 December 2026, 11:00 CET", "12 Dec, 11:00 CET", "Sat 12 Dec, "),
        ("fr", "samedi 12 décembre 2026, 11:00 CET", "12 déc., 11:00 CET", "sam. 12 déc., "),
        ("de", "Samstag, 12. Dezember 2026, 11:00 MEZ", "12. Dez., 11:00 MEZ", "Sa., 12. Dez., "),
        ("it", "sabato 12 dicembre 2026, 11:00 CET", "12 dic, 11:00 CET", "sab 12 dic, "),
        ("sv", "lördag 12 december 2026 11:00 CET", "12 dec. 11:00 CET", "lör 12 dec. "),
    ],
)
def test_single_moments_and_short_forms_share_the_clock_and_zone(
    language: str, when: str, stamp: str, stamp_range: str
) -> None:
    assert dates.format_when(START, PARIS, language) == when
    assert dates.format_stamp(START, PARIS, language) == stamp
    assert dates.format_stamp_range(START, END, PARIS, language) == (
        stamp_range + dates.format_clock_range(START, END, PARIS, language)
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Sunday, 29 March 2026, 01:30 CET – 04:00 CEST"),
        ("fr", "dimanche 29 mars 2026, 01:30 CET – 04:00 CEST"),
        ("de", "Sonntag, 29. März 2026, 01:30 MEZ – 04:00 MESZ"),
        ("it", "domenica 29 marzo 2026, 01:30 CET – 04:00 CEST"),
        ("sv", "söndag 29 mars 2026 01:30 CET – 04:00 CEST"),
    ],
)
def test_a_range_over_the_clock_change_names_each_side_zone(language: str, expected: str) -> None:
    """On 29 March 2026 Paris skips 02:00–03:00: 00:30 and 02:00 UTC are 01:30 CET and
    04:00 CEST, an hour and a half apart, which one zone label would misstate."""
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    end = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert dates.format_range(start, end, PARIS, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Saturday, 12 December 2026, 22:00 – Sunday, 13 December 2026, 02:00 CET"),
        ("fr", "samedi 12 décembre 2026, 22:00 – dimanche 13 décembre 2026, 02:00 CET"),
        ("de", "Samstag, 12. Dezember 2026, 22:00 – Sonntag, 13. Dezember 2026, 02:00 MEZ"),
        ("it", "sabato 12 dicembre 2026, 22:00 – domenica 13 dicembre 2026, 02:00 CET"),
        ("sv", "lördag 12 december 2026 22:00 – söndag 13 december 2026 02:00 CET"),
    ],
)
def test_a_range_across_midnight_names_both_days(language: str, expected: str) -> None:
    start = datetime(2026, 12, 12, 21, 0, tzinfo=UTC)
    assert dates.format_range(start, start + timedelta(hours=4), PARIS, language) == expected


def test_summer_time_is_labelled_as_summer_time() -> None:
    july = datetime(2027, 7, 1, 16, 0, tzinfo=UTC)
    assert dates.format_time(july, PARIS, "en") == "18:00 CEST"
    assert dates.format_time(july, PARIS, "de") == "18:00 MESZ"
    assert dates.format_time(july, "America/New_York", "en") == "12:00 EDT"


@pytest.mark.parametrize("language", ["en", "fr", "de", "it", "sv"])
def test_the_zone_is_an_abbreviation_or_a_city_never_an_identifier(language: str) -> None:
    assert dates.zone_label(START, "America/New_York", language) == "EST"
    assert dates.zone_label(START, "Europe/London", language) == "GMT"
    # São Paulo has no abbreviation anywhere ("-03"): its city names it.
    label = dates.zone_label(START, "America/Sao_Paulo", language)
    assert "Paolo" in label or "Paulo" in label
    assert "/" not in label
    assert "-03" not in label


def test_italian_day_and_month_names_are_lower_case() -> None:
    assert dates.format_day(START, PARIS, "it") == "sabato 12 dicembre 2026"
    assert dates.format_date(START, PARIS, "it") == "12 dicembre 2026"
    assert dates.format_date_part(START, PARIS, "month", "it") == "dic"
    assert dates.format_date_part(START, PARIS, "weekday", "it") == "sab"
    with translation.override("it"):
        page = Template(
            "{% load cashmob %}{% when_range start end zone %} {% day_of start zone %}"
        ).render(Context({"start": START, "end": END, "zone": PARIS}, autoescape=False))
    assert "Sabato" not in page
    assert "Dicembre" not in page
    assert page == "sabato 12 dicembre 2026, 11:00–13:00 CET sabato 12 dicembre 2026"


def test_the_active_language_is_used_when_none_is_given() -> None:
    with translation.override("fr"):
        assert dates.format_range(START, END, PARIS) == "samedi 12 décembre 2026, 11:00–13:00 CET"
    with translation.override("de"):
        assert dates.format_clock_range(START, END, PARIS) == "11:00–13:00 MEZ"


def test_tags_take_a_datetime_or_an_iso_string_alike() -> None:
    """Emails carry ISO strings in their task payloads; pages carry datetimes."""
    template = Template("{% load cashmob %}{% when_range start end zone %}")
    with translation.override("sv"):
        from_datetimes = template.render(
            Context({"start": START, "end": END, "zone": PARIS}, autoescape=False)
        )
        from_strings = template.render(
            Context(
                {"start": START.isoformat(), "end": END.isoformat(), "zone": PARIS},
                autoescape=False,
            )
        )
        # An email queued before it carried the end shows the start alone.
        start_only = template.render(
            Context({"start": START.isoformat(), "end": "", "zone": PARIS}, autoescape=False)
        )
    assert from_datetimes == from_strings == "lördag 12 december 2026 11:00–13:00 CET"
    assert start_only == "lördag 12 december 2026 11:00 CET"


def test_html_keeps_the_hours_and_zone_on_one_line() -> None:
    """A phone never breaks "11:00–13:00 CET" after the dash; text emails stay plain."""
    template = Template("{% load cashmob %}{% when_range start end zone %}")
    with translation.override("en"):
        html = template.render(Context({"start": START, "end": END, "zone": PARIS}))
    assert html == (
        'Saturday, 12 December 2026, <span style="white-space:nowrap">11:00–13:00 CET</span>'
    )


def test_zone_abbr_and_the_sortable_form() -> None:
    from cashmob.core.templatetags.cashmob import zone_abbr

    with translation.override("de"):
        assert zone_abbr(START, PARIS) == "MEZ"
        # For machines (a CSV cell): the same in every language.
        assert dates.format_sortable(START, PARIS) == "2026-12-12 11:00"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        dates.format_when(datetime(2026, 12, 12, 11, 0), PARIS, "en")  # noqa: DTZ001


def test_datetime_attr_is_utc_to_the_second() -> None:
    """HTML's datetime attribute refuses six-digit fractions of a second."""
    moment = datetime(2026, 12, 5, 23, 46, 22, 146701, tzinfo=timezone(timedelta(hours=1)))
    assert datetime_attr(moment) == "2026-12-05T22:46:22+00:00"
    assert datetime_attr(moment.astimezone(UTC)) == "2026-12-05T22:46:22+00:00"
    assert datetime_attr(None) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Central European Time"),
        ("fr", "Heure d\N{RIGHT SINGLE QUOTATION MARK}Europe centrale"),
        ("de", "Mitteleuropäische Zeit"),
        ("it", "Ora dell\N{RIGHT SINGLE QUOTATION MARK}Europa centrale"),
        ("sv", "Centraleuropeisk tid"),
    ],
)
def test_a_zone_is_named_as_people_name_it(language: str, expected: str) -> None:
    assert dates.zone_name(PARIS, language) == expected
