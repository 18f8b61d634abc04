"""Reads on businesses: profiles, text search and "near me" search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cashmob.businesses.geo import bounding_box, haversine_km
from cashmob.businesses.models import Business, Nomination
from cashmob.chapters.models import Membership
from cashmob.core.search import fts_filter
from cashmob.mobs.models import MobStatus
from cashmob.mobs.selectors import mob_list_public

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.chapters.models import Chapter
    from cashmob.mobs.models import Mob

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


def business_on_cooldown(*, business: Business, now: datetime | None = None) -> bool:
    if business.last_mobbed_at is None:
        return False
    now = now or timezone.now()
    return business.last_mobbed_at > now - timedelta(days=business.chapter.cooldown_days)


def business_cooldown_until(*, business: Business) -> datetime | None:
    """When a recently mobbed shop stops being ranked lower in votes (None: not cooling down)."""
    if business.last_mobbed_at is None:
        return None
    until = business.last_mobbed_at + timedelta(days=business.chapter.cooldown_days)
    return until if until > timezone.now() else None


@dataclass(frozen=True, slots=True)
class BusinessProfile:
    """Everything the public business page shows, fetched in a fixed number of queries."""

    business: Business
    mobs: list[Mob]
    nominations: list[Nomination]
    follower_count: int
    following: bool
    is_member: bool
    cooldown_until: datetime | None


def business_profile(*, slug: str, user: User | None) -> BusinessProfile:

    business = access_business(slug=slug)
    authenticated = user is not None and user.is_authenticated
    follower_count = business.follows.count()
    following = authenticated and business.follows.filter(user=user).exists()
    is_member = authenticated and (
        user.is_staff  # type: ignore[union-attr]
        or Membership.objects.filter(chapter_id=business.chapter_id, user=user).exists()
    )
    return BusinessProfile(
        business=business,
        mobs=list(
            mob_list_public().filter(business=business).order_by("-starts_at")[:MAX_PROFILE_MOBS]
        ),
        nominations=business_nominations(business=business),
        follower_count=follower_count,
        following=bool(following),
        is_member=bool(is_member),
        cooldown_until=business_cooldown_until(business=business),
    )


#: The map endpoint returns at most this many shops and this many mobs per request.
MAP_MAX_ITEMS = 300
MAX_PROFILE_MOBS = 50


def _in_bbox(west: float, south: float, east: float, north: float, prefix: str = "") -> Q:
    lat = Q(**{f"{prefix}latitude__gte": south, f"{prefix}latitude__lte": north})
    if west <= east:
        return lat & Q(**{f"{prefix}longitude__gte": west, f"{prefix}longitude__lte": east})
    # The view crosses the antimeridian.
    return lat & (Q(**{f"{prefix}longitude__gte": west}) | Q(**{f"{prefix}longitude__lte": east}))


def business_list_in_bbox(
    *, west: float, south: float, east: float, north: float, limit: int = MAP_MAX_ITEMS
) -> list[Business]:
    """Shops inside the box, through the position index; no more than ``limit``."""
    return list(
        business_list_visible()
        .filter(_in_bbox(west, south, east, north))
        .only(
            "id",
            "name",
            "slug",
            "category",
            "city",
            "latitude",
            "longitude",
            "status",
            "mob_count",
            "chapter__name",
            "chapter__slug",
        )[:limit]
    )


def mob_list_upcoming_in_bbox(
    *, west: float, south: float, east: float, north: float, limit: int = MAP_MAX_ITEMS
) -> list[Mob]:
    """Upcoming public mobs at shops inside the box; secret destinations are left out."""

    now = timezone.now()
    return list(
        mob_list_public()
        .filter(
            _in_bbox(west, south, east, north, prefix="business__"),
            status__in=(MobStatus.PUBLISHED, MobStatus.LIVE),
            ends_at__gt=now,
        )
        .exclude(reveal_at__gt=now)
        .order_by("starts_at")[:limit]
    )
