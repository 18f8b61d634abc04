from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django_countries import countries

from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.core.search import fts_filter

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


def chapter_mob_lists(*, chapter: Chapter, limit: int = 12) -> tuple[list[Mob], list[Mob]]:
    """The chapter's upcoming mobs (soonest first) and past ones (latest first)."""
    from cashmob.mobs.models import MobStatus
    from cashmob.mobs.selectors import mob_list_public

    now = timezone.now()
    public = mob_list_public().filter(chapter=chapter)
    upcoming = list(
        public.filter(status__in=(MobStatus.PUBLISHED, MobStatus.LIVE), ends_at__gt=now).order_by(
            "starts_at"
        )[:limit]
    )
    past = list(
        public.exclude(pk__in=[m.pk for m in upcoming])
        .filter(Q(ends_at__lte=now) | Q(status__in=PAST_STATUSES))
        .order_by("-starts_at")[:limit]
    )
    return upcoming, past


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
