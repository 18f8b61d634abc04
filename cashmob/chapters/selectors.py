from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from cashmob.chapters.models import Chapter


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
