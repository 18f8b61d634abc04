"""Distances and bounding boxes for "near me" searches, with no GIS extension needed.

A search first narrows by a latitude/longitude box (served by the composite index on
``(latitude, longitude)``), then computes exact great-circle distances for the few rows
left and sorts by them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Box:
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float
    #: When the box crosses the antimeridian, longitudes wrap: min_lng > max_lng.
    wraps: bool = False


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_km: float) -> Box:
    d_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = max(-90.0, lat - d_lat), min(90.0, lat + d_lat)
    if min_lat <= -90.0 or max_lat >= 90.0:
        return Box(min_lat, max_lat, -180.0, 180.0)
    # The circle's widest longitudes are reached north (or south) of the centre, where a
    # degree of longitude is shorter: asin(sin d / cos lat), not d / cos lat, which near
    # the poles would cut off the circle's east and west edges.
    angular = radius_km / EARTH_RADIUS_KM
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1:
        return Box(min_lat, max_lat, -180.0, 180.0)
    d_lng = math.degrees(math.asin(ratio))
    min_lng, max_lng = lng - d_lng, lng + d_lng
    if min_lng < -180:
        return Box(min_lat, max_lat, min_lng + 360, max_lng, wraps=True)
    if max_lng > 180:
        return Box(min_lat, max_lat, min_lng, max_lng - 360, wraps=True)
    return Box(min_lat, max_lat, min_lng, max_lng)


def to_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))
