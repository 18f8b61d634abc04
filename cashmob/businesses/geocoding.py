"""Address geocoding, pluggable and off by default.

``settings.GEOCODER`` names the backend: ``""`` (no geocoding, no network, the default) or
``"nominatim"`` (OpenStreetMap's service, or any compatible one at ``GEOCODER_URL``).
Callers get a position or ``None`` and never an exception: a geocoder that is down must
not stop anyone from nominating a shop, who can still click the map or type coordinates.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings

logger = logging.getLogger(__name__)

Position = tuple[Decimal, Decimal]
TIMEOUT_SECONDS = 5
MAX_ADDRESS_LENGTH = 500


def _http_get_json(url: str, *, headers: dict[str, str]) -> object:
    """One GET returning parsed JSON; the only place this module touches the network."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - https URL from settings
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


def _position(lat: object, lng: object) -> Position | None:
    try:
        latitude = Decimal(str(lat)).quantize(Decimal("0.000001"))
        longitude = Decimal(str(lng)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def _nominatim(address: str) -> Position | None:
    # Nominatim's usage policy requires an identifying User-Agent and one request at a time.
    query = urllib.parse.urlencode({"q": address, "format": "jsonv2", "limit": 1})
    results = _http_get_json(
        f"{settings.GEOCODER_URL}?{query}",
        headers={"User-Agent": f"Cashmob/1.0 (+{settings.SITE_URL})", "Accept": "application/json"},
    )
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        return None
    return _position(results[0].get("lat"), results[0].get("lon"))


BACKENDS: dict[str, Callable[[str], Position | None]] = {"nominatim": _nominatim}


def geocoding_enabled() -> bool:
    return settings.GEOCODER in BACKENDS


def geocode(address: str) -> Position | None:
    """The position of ``address``, or ``None`` when unknown, disabled or unreachable."""
    address = " ".join(address.split())[:MAX_ADDRESS_LENGTH]
    backend = BACKENDS.get(settings.GEOCODER)
    if backend is None or not address:
        return None
    try:
        return backend(address)
    except (OSError, ValueError) as exc:
        # URLError and timeouts are OSErrors; bad JSON is a ValueError.
        logger.warning("Geocoding failed with %s: %s", settings.GEOCODER, exc)
        return None
