from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast, Coalesce, Least
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django_countries import countries

from cashmob.businesses.geo import haversine_km
from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.core.search import fts_filter
from cashmob.core.visitor import Whereabouts

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cashmob.accounts.models import User
    from cashmob.mobs.models import Mob

ORGANISER_ROLES = (Membership.Role.ORGANISER, Membership.Role.CO_ORGANISER)
#: The columns of ``chapters_chapter``'s full-text index (migration 0003).
CHAPTER_SEARCH_FIELDS = ("name", "description", "city")
#: Mob statuses that are over whatever their dates say.
PAST_STATUSES = ("closed", "reported", "cancelled")


def chapter_list_active() -> QuerySet[Chapter]:
    # Subqueries, not joins: joining members and mobs together multiplies their rows.
    return Chapter.objects.filter(status=Chapter.Status.ACTIVE).annotate(
        member_count=_member_count(), mob_count=_mob_count()
    )


#: A chapter this close to a shared position is "near you".
NEAR_KM = 150.0
#: How many chapters the near-you ordering ranks (the rest follow by size).
NEAR_RANKED = 20


@dataclass(frozen=True)
class NearChapters:
    """Active chapters, those nearest the visitor first (see :func:`chapter_list_near`)."""

    #: The ranked chapters, nearest first; each has ``distance_km`` (None if unknown).
    chapters: list[Chapter]
    #: Those that are really near: the start of ``chapters``, possibly none.
    near: list[Chapter]
    #: What placed them: "position", "home", "hint" (time zone and language) or "" (nothing).
    basis: str

    @property
    def suggested(self) -> Chapter | None:
        """The chapter the visitor most likely belongs to, if any is near."""
        return self.near[0] if self.near else None

    @property
    def ids(self) -> list[int]:
        return [chapter.pk for chapter in self.chapters]


def _squared_degrees_from(point: tuple[float, float]) -> ExpressionWrapper:
    """A distance's square in degrees of latitude, flat-earth: enough to sort by nearness
    and computed by any database; exact kilometres are computed for the few rows kept."""
    lat0, lng0 = point
    shrink = math.cos(math.radians(lat0))
    lat = Cast("latitude", FloatField())
    lng = Cast("longitude", FloatField())
    # Across the antimeridian, the short way round.
    d_lng = Least(Abs(lng - Value(lng0)), Value(360.0) - Abs(lng - Value(lng0)))
    return ExpressionWrapper(
        (lat - Value(lat0)) * (lat - Value(lat0)) + d_lng * d_lng * Value(shrink * shrink),
        output_field=FloatField(),
    )


def chapter_list_near(
    *, whereabouts: Whereabouts, home_chapter_id: int | None = None, limit: int = NEAR_RANKED
) -> NearChapters:
    """Active chapters in the order a visitor would look for theirs, in one query.

    - A shared position comes first: nearest chapters first; those within ``NEAR_KM`` are near.
    - Else the visitor's home chapter, then chapters in their time zone, then in the
      countries their time zone and language suggest, nearest the time zone's place first;
      near are the home chapter and those of the visitor's likeliest country.
    - Else (nothing known) the busiest chapters first, and none is near.
    """
    chapters = chapter_list_active()
    point = whereabouts.reference_point
    order: list[Any] = []
    basis = ""
    if whereabouts.position is not None:
        basis = "position"
    else:
        whens = []
        if home_chapter_id is not None:
            whens.append(When(pk=home_chapter_id, then=Value(0)))
        if whereabouts.time_zone:
            whens.append(When(time_zone=whereabouts.time_zone, then=Value(1)))
        # A time zone says where the visitor is; the language only where they might be, so
        # it ranks countries only while the time zone is unknown (distance orders the rest).
        countries = whereabouts.countries[:1] if point is not None else whereabouts.countries
        whens += [When(country=code, then=Value(2 + i)) for i, code in enumerate(countries)]
        if whens:
            chapters = chapters.annotate(
                hint_rank=Case(*whens, default=Value(99), output_field=IntegerField())
            )
            order.append("hint_rank")
            basis = "home" if home_chapter_id is not None else "hint"
    if point is not None:
        chapters = chapters.alias(nearness=_squared_degrees_from(point))
        order.append(F("nearness").asc(nulls_last=True))
    found = list(chapters.order_by(*order, F("mob_count").desc(), "name", "pk")[:limit])
    for chapter in found:
        chapter.distance_km = (  # type: ignore[attr-defined]
            haversine_km(*point, float(chapter.latitude), float(chapter.longitude))
            if point is not None and chapter.latitude is not None and chapter.longitude is not None
            else None
        )
    if point is not None:
        # The flat-earth order is close; the exact distances settle near ties.
        found.sort(key=lambda c: (getattr(c, "hint_rank", 0), _or_infinity(c.distance_km)))  # type: ignore[attr-defined]
    near = [c for c in found if _is_near(c, whereabouts, home_chapter_id)]
    return NearChapters(chapters=found, near=near, basis=basis)


def chapter_bounds() -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every active chapter placed on the map."""
    box = Chapter.objects.filter(
        status=Chapter.Status.ACTIVE, latitude__isnull=False, longitude__isnull=False
    ).aggregate(
        south=Min("latitude"), north=Max("latitude"), west=Min("longitude"), east=Max("longitude")
    )
    if box["south"] is None:
        return None
    return [[float(box["south"]), float(box["west"])], [float(box["north"]), float(box["east"])]]


def _or_infinity(distance: float | None) -> float:
    return math.inf if distance is None else distance


def _is_near(chapter: Chapter, whereabouts: Whereabouts, home_chapter_id: int | None) -> bool:
    if whereabouts.position is not None:
        distance = chapter.distance_km  # type: ignore[attr-defined]
        return distance is not None and distance <= NEAR_KM
    return chapter.pk == home_chapter_id or (
        bool(whereabouts.country) and chapter.country == whereabouts.country
    )


def chapter_totals(*, chapter: Chapter) -> dict[str, int]:
    """What the chapter's finished mobs raised, in its currency, in one query.

    Mobbers' reports and shops' confirmed till totals are kept apart, never added together:
    ``confirmed_minor`` covers only the ``confirmed_mobs`` whose shop confirmed a total.
    """
    agg = chapter.mobs.filter(status__in=("closed", "reported")).aggregate(
        reported=Sum("reported_total_minor"),
        mobs=Count("id"),
        confirmed=Sum("confirmed_total_minor"),
        confirmed_mobs=Count("id", filter=Q(confirmed_total_minor__isnull=False)),
    )
    return {
        "reported_minor": agg["reported"] or 0,
        "mobs": agg["mobs"],
        "confirmed_minor": agg["confirmed"] or 0,
        "confirmed_mobs": agg["confirmed_mobs"],
    }


def access_chapter(*, slug: str) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug).exclude(status=Chapter.Status.PENDING).first()
    if chapter is None:
        raise Http404
    return chapter


def membership_of(*, chapter: Chapter, user: User | AnonymousUser | None) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(chapter=chapter, user=user).first()


def is_chapter_organiser(*, chapter: Chapter, user: User | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(chapter=chapter, user=user, role__in=ORGANISER_ROLES).exists()


# --- Directory, chapter page, organiser pages -------------------------------------------

# Counts as correlated subqueries: joining members, followers and mobs at once would
# multiply their rows (a chapter with 5,000 members and 2,000 followers makes 10 million).


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("chapter").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _member_count() -> Coalesce:
    return _count_of(Membership.objects.filter(chapter=OuterRef("pk")))


def _follower_count() -> Coalesce:
    return _count_of(ChapterFollow.objects.filter(chapter=OuterRef("pk")))


def _mob_count() -> Coalesce:
    from cashmob.mobs.models import Mob

    return _count_of(
        Mob.objects.filter(chapter=OuterRef("pk"), published_at__isnull=False).exclude(
            status="cancelled"
        )
    )


def _collation_key(text: str) -> str:
    # "États-Unis" sorts with the E's, not after "Suède".
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def chapter_country_codes() -> list[str]:
    """Countries with at least one active chapter, in alphabetical order of their names
    in the active language (the directory's filter and group order)."""
    codes = (
        Chapter.objects.filter(status=Chapter.Status.ACTIVE)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    names = dict(countries)
    return sorted(codes, key=lambda code: _collation_key(str(names.get(code, code))))


def chapter_search(
    *, query: str = "", country: str = "", country_order: list[str]
) -> QuerySet[Chapter]:
    """Active chapters matching the typed words (full-text) and country, grouped for display.

    ``country_order`` lists country codes in display order (sorted by their localised name),
    so that the directory groups read alphabetically in the visitor's language.
    """
    chapters = Chapter.objects.filter(status=Chapter.Status.ACTIVE).annotate(
        member_count=_member_count(), mob_count=_mob_count()
    )
    if query.strip():
        chapters = fts_filter(chapters, query, fields=CHAPTER_SEARCH_FIELDS)
    if country:
        chapters = chapters.filter(country=country)
    if not country_order:
        # A CASE with no branch compiles to a bare constant, which PostgreSQL would read as
        # "ORDER BY column 0".
        return chapters.order_by("country", "city", "name", "pk")
    rank = Case(
        *(When(country=code, then=Value(i)) for i, code in enumerate(country_order)),
        default=Value(len(country_order)),
        output_field=IntegerField(),
    )
    return chapters.order_by(rank, "city", "name", "pk")


def chapter_get_for_page(*, slug: str) -> Chapter:
    """The public chapter page's chapter, with its member and follower counts."""
    chapter = (
        Chapter.objects.filter(slug=slug)
        .exclude(status=Chapter.Status.PENDING)
        .annotate(member_count=_member_count(), follower_count=_follower_count())
        .first()
    )
    if chapter is None:
        raise Http404
    return chapter


def chapter_organiser_list(*, chapter: Chapter) -> list[Membership]:
    """Organisers first, then co-organisers, by when they took the role."""
    return list(
        chapter.memberships.filter(role__in=ORGANISER_ROLES)
        .select_related("user")
        .order_by("-role", "created_at")
    )


def chapter_member_list(*, chapter: Chapter) -> QuerySet[Membership]:
    """Every member with their role: organisers, co-organisers, then members, by join date."""
    role_rank = Case(
        When(role=Membership.Role.ORGANISER, then=Value(0)),
        When(role=Membership.Role.CO_ORGANISER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        chapter.memberships.select_related("user")
        .annotate(role_rank=role_rank)
        .order_by("role_rank", "created_at", "pk")
    )


def chapter_mob_lists(
    *, chapter: Chapter, limit: int = 12
) -> tuple[list[Mob], list[Mob], list[Mob]]:
    """The chapter's mobs happening now, its upcoming ones (soonest first) and its past
    ones (latest first): a mob is in one list only, and a live one in neither of the others."""
    from cashmob.mobs.selectors import mob_list_public

    now = timezone.now()
    public = mob_list_public().filter(chapter=chapter)
    # Live and upcoming in one query: a chapter has few of either.
    current = list(public.current(now).order_by("starts_at")[: 2 * limit])
    live = [mob for mob in current if getattr(mob, "is_live_now", False)][:limit]
    upcoming = [mob for mob in current if not getattr(mob, "is_live_now", False)][:limit]
    past = list(
        public.not_live(now)
        .filter(Q(ends_at__lte=now) | Q(status__in=PAST_STATUSES))
        .order_by("-starts_at")[:limit]
    )
    return live, upcoming, past


def chapter_is_followed(*, chapter: Chapter, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ChapterFollow.objects.filter(chapter=chapter, user=user).exists()


def chapter_can_manage_roles(*, chapter: Chapter, user: User | None) -> bool:
    """Organisers (not co-organisers) and staff change roles, as ``membership_set_role``."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        chapter=chapter, user=user, role=Membership.Role.ORGANISER
    ).exists()


def access_chapter_for_organisers(*, slug: str, user: User | None) -> Chapter:
    """The chapter for its organisers' pages: 404 if unknown, 403 for everyone else."""
    chapter = access_chapter(slug=slug)
    if not is_chapter_organiser(chapter=chapter, user=user):
        raise PermissionDenied
    return chapter


def chapter_list_pending() -> QuerySet[Chapter]:
    """The moderators' queue: chapter requests waiting for approval, oldest first."""
    return (
        Chapter.objects.filter(status=Chapter.Status.PENDING)
        .select_related("requested_by")
        .order_by("created_at", "pk")
    )


def chapter_list_requested_by(*, user: User) -> list[Chapter]:
    """The chapters ``user`` asked for, newest first (pending ones included)."""
    return list(Chapter.objects.filter(requested_by=user).order_by("-created_at")[:10])


def user_has_verified_email(*, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def chapter_social_links(*, chapter: Chapter) -> list[tuple[str, str]]:
    """``(label, url)`` for each of the chapter's web presences, built from its handles."""
    links: list[tuple[str, str]] = []
    if chapter.website:
        links.append((gettext("Website"), chapter.website))
    if chapter.facebook_url:
        links.append(("Facebook", chapter.facebook_url))
    if chapter.x_handle:
        links.append(("X", f"https://x.com/{chapter.x_handle.lstrip('@')}"))
    if chapter.instagram_handle:
        links.append(
            ("Instagram", f"https://www.instagram.com/{chapter.instagram_handle.lstrip('@')}/")
        )
    if chapter.mastodon_handle:
        user_part, _sep, instance = chapter.mastodon_handle.lstrip("@").partition("@")
        if instance:
            links.append(("Mastodon", f"https://{instance}/@{user_part}"))
    return links


def chapter_member_get(*, chapter: Chapter, user_id: int) -> Membership | None:
    return chapter.memberships.select_related("user").filter(user_id=user_id).first()


def access_chapter_request(*, pk: int, user: User | None) -> Chapter:
    """A chapter (pending or not) for the moderators' review: 403 unless staff."""
    if user is None or not (user.is_authenticated and user.is_staff):
        raise PermissionDenied
    chapter = Chapter.objects.select_related("requested_by").filter(pk=pk).first()
    if chapter is None:
        raise Http404
    return chapter


def chapter_mobs_in_preparation(*, chapter: Chapter) -> list[Mob]:
    """Mobs the organisers are still preparing (not yet published), newest first."""
    from cashmob.mobs.models import Mob, MobStatus

    return list(
        Mob.objects.filter(
            chapter=chapter,
            status__in=(MobStatus.PLANNING, MobStatus.AWAITING_CONSENT, MobStatus.CONFIRMED),
        )
        .select_related("business")
        .order_by("-created_at")[:20]
    )
