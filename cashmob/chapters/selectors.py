from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from cashmob.chapters.models import Chapter, Membership

if TYPE_CHECKING:
    from cashmob.accounts.models import User

ORGANISER_ROLES = (Membership.Role.ORGANISER, Membership.Role.CO_ORGANISER)


def chapter_list_active() -> QuerySet[Chapter]:
    return Chapter.objects.filter(status=Chapter.Status.ACTIVE).annotate(
        member_count=Count("memberships", distinct=True),
        mob_count=Count(
            "mobs",
            filter=Q(mobs__published_at__isnull=False) & ~Q(mobs__status="cancelled"),
            distinct=True,
        ),
    )


def chapter_totals(*, chapter: Chapter) -> dict[str, int]:
    agg = chapter.mobs.filter(status__in=("closed", "reported")).aggregate(
        reported=Sum("reported_total_minor"), mobs=Count("id")
    )
    return {"reported_minor": agg["reported"] or 0, "mobs": agg["mobs"]}


def access_chapter(*, slug: str) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug).exclude(status=Chapter.Status.PENDING).first()
    if chapter is None:
        raise Http404
    return chapter


def membership_of(*, chapter: Chapter, user: User | None) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(chapter=chapter, user=user).first()


def is_chapter_organiser(*, chapter: Chapter, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(chapter=chapter, user=user, role__in=ORGANISER_ROLES).exists()
