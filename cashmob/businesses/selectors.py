"""Reads on businesses: profiles, text search and "near me" search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cashmob.businesses.geo import bounding_box, haversine_km
from cashmob.businesses.models import Business, Nomination
from cashmob.core.search import fts_filter

if TYPE_CHECKING:
    from cashmob.chapters.models import Chapter

SEARCH_FIELDS = ("name", "description", "city")
#: At most this many rows are read from the bounding box before exact distances are
#: computed; a radius that would return more is answered with the nearest of them.
MAX_BOX_ROWS = 5000
MAX_RADIUS_KM = 200.0


@dataclass(frozen=True, slots=True)
class Hit:
    business: Business
    distance_km: float | None


def business_list_visible() -> QuerySet[Business]:
    return Business.objects.exclude(status=Business.Status.REMOVED).select_related("chapter")


def access_business(*, slug: str) -> Business:
    business = business_list_visible().select_related("owner").filter(slug=slug).first()
    if business is None:
        raise Http404
    return business


def business_search(
    *,
    text: str = "",
    category: str = "",
    chapter: Chapter | None = None,
    near: tuple[float, float] | None = None,
    radius_km: float = 5.0,
    limit: int = 50,
    offset: int = 0,
) -> list[Hit]:
    """Businesses matching ``text`` (full-text), ``category`` and ``chapter``.

    With ``near`` (latitude, longitude), only those within ``radius_km`` are returned,
    nearest first: an index-backed box narrows the rows, exact distances sort them.
    Without it, best text matches and then names come in alphabetical order.
    """
    qs = business_list_visible()
    if text.strip():
        qs = fts_filter(qs, text, fields=SEARCH_FIELDS)
    if category:
        qs = qs.filter(category=category)
    if chapter is not None:
        qs = qs.filter(chapter=chapter)
    if near is None:
        return [Hit(b, None) for b in qs.order_by("name", "id")[offset : offset + limit]]
    lat, lng = near
    radius_km = min(max(radius_km, 0.05), MAX_RADIUS_KM)
    box = bounding_box(lat, lng, radius_km)
    in_lat = Q(latitude__gte=box.min_lat, latitude__lte=box.max_lat)
    if box.wraps:
        in_lng = Q(longitude__gte=box.min_lng) | Q(longitude__lte=box.max_lng)
    else:
        in_lng = Q(longitude__gte=box.min_lng, longitude__lte=box.max_lng)
    hits = []
    for business in qs.filter(in_lat & in_lng)[:MAX_BOX_ROWS]:
        distance = haversine_km(lat, lng, float(business.latitude), float(business.longitude))
        if distance <= radius_km:
            hits.append(Hit(business, distance))
    hits.sort(key=lambda h: (h.distance_km, h.business.name))
    return hits[offset : offset + limit]


def business_nominations(*, business: Business) -> list[Nomination]:
    return list(business.nominations.select_related("user").order_by("created_at"))


def business_on_cooldown(*, business: Business, now: timezone.datetime | None = None) -> bool:
    if business.last_mobbed_at is None:
        return False
    now = now or timezone.now()
    return business.last_mobbed_at > now - timedelta(days=business.chapter.cooldown_days)
