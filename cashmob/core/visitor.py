"""Where a visitor probably is: what the request says, and nothing stored on the server.

Three clues, from the strongest:

- the browser's position, given on purpose ("Use my location"): rounded to about a
  kilometre and kept an hour in a cookie (:data:`POSITION_COOKIE`);
- the browser's time zone (``Intl.DateTimeFormat().resolvedOptions().timeZone``), sent
  in a cookie (:data:`TIME_ZONE_COOKIE`) by ``static/js/near.js``;
- the language of the request, and the country of its first ``Accept-Language`` tag.

A time zone names a country and a place (the tz database's ``zone.tab``); a language names
the country it is most likely spoken in (CLDR's likely subtags, through Babel).
"""

from __future__ import annotations

import importlib.resources
import math
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from babel.core import get_global

if TYPE_CHECKING:
    from django.http import HttpRequest

POSITION_COOKIE = "cashmob_near"
TIME_ZONE_COOKIE = "cashmob_tz"


@dataclass(frozen=True)
class Whereabouts:
    """What is known of where a visitor is; every field may be empty."""

    #: (latitude, longitude), only when the visitor shared it.
    position: tuple[float, float] | None = None
    #: An IANA time zone name known to this server, or "".
    time_zone: str = ""
    #: The page's language code ("fr").
    language: str = ""
    #: The country of the first Accept-Language tag ("CA" for "fr-CA"), or "".
    region: str = ""

    @property
    def zone_place(self) -> tuple[str, tuple[float, float]] | None:
        """The country and principal place of the time zone, when the tz database has it."""
        return zone_places().get(self.time_zone)

    @property
    def country(self) -> str:
        """The country the visitor is most likely in: the time zone's, else that of the
        Accept-Language tag, else where the language is most spoken; "" if none."""
        found = self.countries
        return found[0] if found else ""

    @property
    def countries(self) -> list[str]:
        """Countries the clues suggest, the strongest first, without repeats."""
        found: list[str] = []
        place = self.zone_place
        if place is not None:
            found.append(place[0])
        elif self.time_zone:
            territory = get_global("zone_territories").get(self.time_zone)
            if territory:
                found.append(territory)
        if self.region:
            found.append(self.region)
        likely = get_global("likely_subtags").get(self.language.split("-")[0], "")
        if likely.count("_") == 2:
            found.append(likely.rsplit("_", 1)[1])
        return list(dict.fromkeys(found))

    @property
    def reference_point(self) -> tuple[float, float] | None:
        """Where "nearest" is measured from: the shared position, else the time zone's place."""
        if self.position is not None:
            return self.position
        place = self.zone_place
        return place[1] if place is not None else None


def _iso6709(text: str) -> float:
    """``+4852`` or ``-0730`` or ``+0022030`` (degrees, minutes, seconds) as degrees."""
    sign = -1.0 if text[0] == "-" else 1.0
    digits = text[1:]
    width = 2 if len(digits) in (4, 6) else 3
    degrees = int(digits[:width])
    minutes = int(digits[width : width + 2])
    seconds = int(digits[width + 2 : width + 4] or 0)
    return sign * (degrees + minutes / 60 + seconds / 3600)


@cache
def zone_places() -> dict[str, tuple[str, tuple[float, float]]]:
    """Time zone name -> (country code, (latitude, longitude)) from the tz database."""
    try:
        text = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is installed
        return {}
    places: dict[str, tuple[str, tuple[float, float]]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, coordinates, name = line.split("\t")[:3]
        split = max(coordinates.rfind("+"), coordinates.rfind("-"))
        lat, lng = _iso6709(coordinates[:split]), _iso6709(coordinates[split:])
        places[name] = (country, (lat, lng))
    return places


def parse_position(value: str) -> tuple[float, float] | None:
    """``"45.76_4.84"`` (or with a comma) as a position rounded to about a kilometre, or
    None if not one. The cookie takes an underscore: a comma is not a cookie character."""
    lat_text, _sep, lng_text = value.replace(",", "_").partition("_")
    try:
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return round(lat, 2), round(lng, 2)


def parse_time_zone(value: str) -> str:
    """The name if this server knows the zone, else ""."""
    value = value.strip()
    if not value or len(value) > 64 or value not in _zone_names():
        return ""
    return value


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _region(accept_language: str) -> str:
    first = accept_language.split(",", 1)[0].split(";", 1)[0].strip()
    parts = first.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return ""


def whereabouts_from_request(request: HttpRequest) -> Whereabouts:
    """The clues in ``request``: its two cookies, its language and Accept-Language header."""
    return Whereabouts(
        position=parse_position(request.COOKIES.get(POSITION_COOKIE, "")),
        time_zone=parse_time_zone(request.COOKIES.get(TIME_ZONE_COOKIE, "")),
        language=getattr(request, "LANGUAGE_CODE", "") or "",
        region=_region(request.headers.get("Accept-Language", "")),
    )
