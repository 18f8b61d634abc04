"""One way to write a moment, per language: pages, emails and calendar files alike.

A moment is stored in UTC and shown in the chapter's time zone, with the zone named after
the time. Every place that shows a time goes through these functions (templates through
the ``cashmob`` tags), so a mob's page, its emails and its calendar file read the same:

=====  ==========================================================
en     Saturday, 12 December 2026, 11:00–13:00 CET
fr     samedi 12 décembre 2026, 11:00–13:00 CET
de     Samstag, 12. Dezember 2026, 11:00–13:00 MEZ
it     sabato 12 dicembre 2026, 11:00–13:00 CET
sv     lördag 12 december 2026 11:00–13:00 CET
=====  ==========================================================

The wording is the language's own, from CLDR through Babel (which writes Italian and
Swedish day and month names in lower case, as those languages do). Short forms
(:func:`format_stamp`, :func:`format_day_short`) serve tables and logs; they use the same
clock and zone label.

The zone label is the language's abbreviation when it has one ("MEZ" in German, "EST" in
English), else the tz database's alphabetic one ("CET"), else the zone's city ("São Paulo
time"): never a bare offset nor a tz identifier such as "America/New_York".
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from django.utils import translation
from django.utils.translation import pgettext

#: The site's languages as Babel locales. The site writes British English: day before month
#: and a 24-hour clock, like the other four languages.
_LOCALES = {"en": "en_GB"}
#: Where a language's main locale has no abbreviation for a zone, a wider one may
#: (British English has none for US Eastern time; English has "EST").
_ZONE_FALLBACK_LOCALES = {"en": ("en",)}

#: An abbreviation is a short word of letters ("CET", "MESZ"); Babel answers an offset
#: ("+0100") or a long name ("Eastern Standard Time") where the locale has none.
_ABBREVIATION = re.compile(r"[^\W\d_]{2,6}")


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0].lower()


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale that writes dates for ``language`` (default: the active one)."""
    return _babel_locale(_language(language))


@cache
def _babel_locale(code: str) -> Locale:
    try:
        return Locale.parse(_LOCALES.get(code, code))
    except (ValueError, LookupError):
        return Locale.parse("en_GB")


def _zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def _local(moment: datetime | str, zone: str | tzinfo) -> datetime:
    """``moment`` (aware, or an ISO 8601 string as task payloads carry) in ``zone``."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        raise ValueError("A naive datetime has no place on a page: store UTC.")
    return moment.astimezone(_zone(zone))


def zone_label(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """What to write after a time in ``zone`` at ``moment`` ("CET", "CEST", "MEZ", "EST")."""
    local = _local(moment, zone)
    code = _language(language)
    for locale in (babel_locale(code), *_ZONE_FALLBACK_LOCALES.get(code, ())):
        name = babel_dates.get_timezone_name(local, width="short", locale=locale)
        if _ABBREVIATION.fullmatch(name):
            return name
    abbreviation = local.tzname() or ""
    if _ABBREVIATION.fullmatch(abbreviation):
        return abbreviation
    city = babel_dates.get_timezone_location(
        local.tzinfo, locale=babel_locale(code), return_city=True
    )
    with translation.override(code):
        return pgettext("time zone named after its city", "%(city)s time") % {"city": city}


def zone_name(zone: str | tzinfo, language: str | None = None) -> str:
    """A zone as people name it, all year round: "Central European Time", "heure d'Europe
    centrale", "Eastern Time"; never a tz identifier such as "Europe/Paris"."""
    name = babel_dates.get_timezone_name(_zone(zone), locale=babel_locale(language))
    return name[:1].upper() + name[1:]


def format_day(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """The day in full: "Saturday, 12 December 2026", "sabato 12 dicembre 2026"."""
    locale = babel_locale(language)
    return babel_dates.format_date(_local(moment, zone), format="full", locale=locale)


def format_date(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """A date without its weekday, for when something happened: "12 December 2026"."""
    locale = babel_locale(language)
    return babel_dates.format_date(_local(moment, zone), format="long", locale=locale)


def format_day_short(
    moment: datetime | str, zone: str | tzinfo, language: str | None = None
) -> str:
    """The day for a table: "Sat 12 Dec", "sab 12 dic"."""
    locale = babel_locale(language)
    return babel_dates.format_skeleton("MMMEd", _local(moment, zone), locale=locale)


def format_clock(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """The time of day alone, without the zone: "11:00"."""
    locale = babel_locale(language)
    return babel_dates.format_time(_local(moment, zone), format="short", locale=locale)


def format_sortable(moment: datetime | str, zone: str | tzinfo) -> str:
    """For machines and spreadsheets (a CSV cell), the same in every language:
    "2026-12-12 11:00", local to ``zone``."""
    return _local(moment, zone).strftime("%Y-%m-%d %H:%M")


def format_date_part(
    moment: datetime | str, zone: str | tzinfo, part: str, language: str | None = None
) -> str:
    """One part of the date, for a calendar badge: ``"month"`` ("Dec", "dic"),
    ``"day"`` ("12"), ``"weekday"`` ("Sat", "sab")."""
    patterns = {"month": "LLL", "day": "d", "weekday": "ccc"}
    local = _local(moment, zone)
    text = babel_dates.format_datetime(local, patterns[part], locale=babel_locale(language))
    # CLDR abbreviations end with a full stop in some languages ("déc.", "Sa."): a badge
    # has no room for it.
    return text.rstrip(".")


def _join(locale: Locale, day: str, time: str) -> str:
    glue = str(locale.datetime_formats["medium"])
    return glue.replace("{1}", day).replace("{0}", time)


def format_time(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """A time of day with its zone: "11:00 CET"."""
    return f"{format_clock(moment, zone, language)} {zone_label(moment, zone, language)}"


def format_when(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """A moment in full: "Saturday, 12 December 2026, 11:00 CET"."""
    locale = babel_locale(language)
    return _join(locale, format_day(moment, zone, language), format_time(moment, zone, language))


def format_stamp(moment: datetime | str, zone: str | tzinfo, language: str | None = None) -> str:
    """A moment for a log line or a table: "12 Dec, 11:00 CET"."""
    locale = babel_locale(language)
    day = babel_dates.format_skeleton("MMMd", _local(moment, zone), locale=locale)
    return _join(locale, day, format_time(moment, zone, language))


def _dash(left: str, right: str) -> str:
    # "11:00–13:00", but "Saturday … 22:00 – Sunday … 02:00" once either side has spaces.
    return f"{left} – {right}" if " " in left or " " in right else f"{left}–{right}"


def format_clock_range(
    start: datetime | str, end: datetime | str, zone: str | tzinfo, language: str | None = None
) -> str:
    """Two times of the same day with the zone: "11:00–13:00 CET" (each with its own zone
    when a clock change falls between them: "01:30 CET – 04:00 CEST")."""
    start_label, end_label = zone_label(start, zone, language), zone_label(end, zone, language)
    start_clock, end_clock = format_clock(start, zone, language), format_clock(end, zone, language)
    if start_label != end_label:
        return f"{start_clock} {start_label} – {end_clock} {end_label}"
    return f"{_dash(start_clock, end_clock)} {end_label}"


def format_range(
    start: datetime | str,
    end: datetime | str | None,
    zone: str | tzinfo,
    language: str | None = None,
) -> str:
    """A span in full: "Saturday, 12 December 2026, 11:00–13:00 CET"; a span past midnight
    names both days; without an end, the start alone (:func:`format_when`)."""
    if end is None or end == "":
        return format_when(start, zone, language)
    locale = babel_locale(language)
    if _local(start, zone).date() == _local(end, zone).date():
        return _join(
            locale,
            format_day(start, zone, language),
            format_clock_range(start, end, zone, language),
        )
    first = _join(locale, format_day(start, zone, language), format_clock(start, zone, language))
    if zone_label(start, zone, language) != zone_label(end, zone, language):
        first = f"{first} {zone_label(start, zone, language)}"
    return f"{first} – {format_when(end, zone, language)}"


def format_stamp_range(
    start: datetime | str, end: datetime | str, zone: str | tzinfo, language: str | None = None
) -> str:
    """A span for a table: "Sat 12 Dec, 11:00–13:00 CET"."""
    locale = babel_locale(language)
    if _local(start, zone).date() == _local(end, zone).date():
        return _join(
            locale,
            format_day_short(start, zone, language),
            format_clock_range(start, end, zone, language),
        )
    first = _join(
        locale, format_day_short(start, zone, language), format_clock(start, zone, language)
    )
    last = _join(locale, format_day_short(end, zone, language), format_time(end, zone, language))
    return f"{first} – {last}"
