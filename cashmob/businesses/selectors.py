"""Reads on businesses: profiles, text search and "near me" search."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, ExpressionWrapper, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from cashmob.businesses.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from cashmob.businesses.models import Business, Nomination
from cashmob.chapters.models import Membership
from cashmob.core.languages import recipient_language
from cashmob.core.search import fts_filter
from cashmob.mobs.models import MobStatus
from cashmob.mobs.rotation import cooldown_until
from cashmob.mobs.selectors import mob_list_public

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.chapters.models import Chapter
    from cashmob.mobs.models import Mob

SEARCH_FIELDS = ("name", "description", "city")
MAX_RADIUS_KM = 200.0


@dataclass(frozen=True, slots=True)
class Hit:
    business: Business
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class ShopAddress:
    """Where a message to a shop goes, and the language it speaks."""

    email: str
    language: str


def business_mail_to(business: Business) -> ShopAddress | None:
    """The shop's inbox: its owner's account if the shop is claimed, else its contact
    address (None if it has neither). The owner's profile language, else the chapter's.

    ``business.owner`` and ``business.chapter`` are read: select them with the shop.
    """
    owner = business.owner if business.owner_id is not None else None
    email = owner.email if owner is not None else business.contact_email
    if not email:
        return None
    return ShopAddress(email=email, language=business_language(business))


def business_language(business: Business) -> str:
    """The language the shop is written to, and its private pages speak: its owner's
    profile language if the shop is claimed, else its chapter's."""
    owner = business.owner if business.owner_id is not None else None
    return recipient_language(user=owner, chapter=business.chapter)


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
    Without it, word searches list the newest shops first, and the rest is alphabetical.
    """
    qs = business_list_visible()
    if text.strip():
        qs = fts_filter(qs, text, fields=SEARCH_FIELDS)
    if category:
        qs = qs.filter(category=category)
    if chapter is not None:
        qs = qs.filter(chapter=chapter)
    if near is None:
        # Words match thousands of shops in a big directory: newest listings first come
        # straight off the full-text index in order, where sorting every match by name
        # would not. Without words, the directory reads in name order from its index.
        order = ("-id",) if text.strip() else ("name", "id")
        return [Hit(b, None) for b in qs.order_by(*order)[offset : offset + limit]]
    lat, lng = near
    radius_km = min(max(radius_km, 0.05), MAX_RADIUS_KM)
    # In a dense city a wide circle holds tens of thousands of shops. Smaller circles
    # first: when one already holds the page, those shops are the nearest of all, and
    # the database measured a few hundred rows instead.
    wanted = offset + limit
    # With words, the full-text index already narrows the rows to the matching shops:
    # one circle, not three rounds of the same word search.
    circles = (radius_km,) if text.strip() else (radius_km / 16, radius_km / 4, radius_km)
    for reach_km in circles:
        ids = list(_nearest_first(qs, lat=lat, lng=lng, radius_km=reach_km)[:wanted])
        if len(ids) >= wanted:
            break
    ids = ids[offset:]
    found = qs.in_bulk(ids)
    hits = []
    for pk in ids:
        business = found[pk]
        distance = haversine_km(lat, lng, float(business.latitude), float(business.longitude))
        # The flat-earth distance that ordered the rows is a hair off the true one at the
        # edge of the circle; the exact one decides.
        if distance <= radius_km:
            hits.append(Hit(business, distance))
    return hits


def _nearest_first(
    qs: QuerySet[Business], *, lat: float, lng: float, radius_km: float
) -> QuerySet[Business, int]:
    """Ids of the shops of ``qs`` within about ``radius_km``, nearest first.

    The latitude/longitude box is served by the position index, and the distance that
    orders the rows is computed from that same index (an equirectangular approximation,
    exact to well under 1 % at these radii), so only the page of shops shown is read from
    the table, however many shops the circle holds.
    """
    box = bounding_box(lat, lng, radius_km)
    in_lat = Q(latitude__gte=box.min_lat, latitude__lte=box.max_lat)
    if box.wraps:
        in_lng = Q(longitude__gte=box.min_lng) | Q(longitude__lte=box.max_lng)
    else:
        in_lng = Q(longitude__gte=box.min_lng, longitude__lte=box.max_lng)
    d_lat = Cast("latitude", FloatField()) - Value(lat)
    raw_d_lng = Cast("longitude", FloatField()) - Value(lng)
    # Across the antimeridian, 179° and -179° are 2° apart, not 358°.
    d_lng = Case(
        When(longitude__gt=lng + 180, then=raw_d_lng - Value(360.0)),
        When(longitude__lt=lng - 180, then=raw_d_lng + Value(360.0)),
        default=raw_d_lng,
        output_field=FloatField(),
    )
    reach = math.degrees(radius_km / EARTH_RADIUS_KM) * 1.01
    # Kept: measured with the box's narrowest longitude degrees (nearest the pole), so that
    # no shop inside the circle is left out however far north; the exact distance then
    # drops the few outside. Ordered: measured at the centre's latitude.
    narrowest = math.cos(math.radians(min(max(abs(box.min_lat), abs(box.max_lat)), 89.9)))
    centre = math.cos(math.radians(lat))

    def flat(scale: float) -> ExpressionWrapper:
        return ExpressionWrapper(
            d_lat * d_lat + (d_lng * Value(scale)) * (d_lng * Value(scale)),
            output_field=FloatField(),
        )

    return (
        qs.filter(in_lat & in_lng)
        .annotate(bound=flat(narrowest), flat_distance=flat(centre))
        .filter(bound__lte=reach * reach)
        .order_by("flat_distance", "id")
        .values_list("id", flat=True)
    )


def business_nominations(*, business: Business) -> list[Nomination]:
    return list(business.nominations.select_related("user").order_by("created_at"))


def business_cooldown_until(*, business: Business) -> datetime | None:
    """When a recently mobbed shop may have a mob again (None: not resting)."""
    return cooldown_until(business=business)


@dataclass(frozen=True, slots=True)
class BusinessProfile:
    """Everything the public business page shows, fetched in a fixed number of queries."""

    business: Business
    #: Happening now, for the top of the page; never secret ones (they would give the shop away).
    live_mobs: list[Mob]
    #: The others, upcoming and past, latest first.
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
    now = timezone.now()
    here = mob_list_public().filter(business=business)
    live = [m for m in here.live(now).order_by("starts_at")[:6] if not m.is_secret_at(now)]
    return BusinessProfile(
        business=business,
        live_mobs=live,
        mobs=list(here.not_live(now).order_by("-starts_at")[:MAX_PROFILE_MOBS]),
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


def _matching(qs: QuerySet[Business], text: str, category: str) -> QuerySet[Business]:
    if text.strip():
        qs = fts_filter(qs, text, fields=SEARCH_FIELDS)
    if category:
        qs = qs.filter(category=category)
    return qs


def business_list_in_bbox(
    *,
    west: float,
    south: float,
    east: float,
    north: float,
    text: str = "",
    category: str = "",
    limit: int = MAP_MAX_ITEMS,
) -> list[Business]:
    """Shops inside the box, through the position index; no more than ``limit``; only
    those matching ``text`` (full-text) and ``category`` when given.

    Read in the index's order, not sorted: a city's box holds tens of thousands of shops
    in a big directory, and the map says to zoom in when it shows only some of them.
    """
    return list(
        _matching(business_list_visible(), text, category)
        .filter(_in_bbox(west, south, east, north))
        .order_by()
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
    *,
    west: float,
    south: float,
    east: float,
    north: float,
    text: str = "",
    category: str = "",
    limit: int = MAP_MAX_ITEMS,
) -> list[Mob]:
    """Upcoming public mobs at shops inside the box (at matching shops when ``text`` or
    ``category`` is given); secret destinations are left out."""

    now = timezone.now()
    mobs = mob_list_public()
    if text.strip() or category:
        mobs = mobs.filter(business__in=_matching(Business.objects.all(), text, category))
    return list(
        mobs.filter(
            _in_bbox(west, south, east, north, prefix="business__"),
            status__in=(MobStatus.PUBLISHED, MobStatus.LIVE),
            ends_at__gt=now,
        )
        .exclude(reveal_at__gt=now)
        .order_by("starts_at")[:limit]
    )
