"""Reads on mobs, with their joins decided."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.mobs.models import Mob, MobStatus

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.chapters.models import Chapter

PUBLIC_STATUSES = (
    MobStatus.PUBLISHED,
    MobStatus.LIVE,
    MobStatus.CLOSED,
    MobStatus.REPORTED,
    MobStatus.CANCELLED,
)


def mob_list_public() -> QuerySet[Mob]:
    return Mob.objects.filter(
        status__in=PUBLIC_STATUSES, published_at__isnull=False
    ).select_related("chapter", "business")


def mob_list_upcoming(*, chapter: Chapter | None = None, limit: int = 6) -> list[Mob]:
    """Published or live mobs that have not ended, soonest first.

    Mobs of ``chapter`` come first when given (the visitor's home chapter), then others.
    """
    now = timezone.now()
    base = (
        mob_list_public()
        .filter(status__in=(MobStatus.PUBLISHED, MobStatus.LIVE), ends_at__gt=now)
        .order_by("starts_at")
    )
    if chapter is None:
        return list(base[:limit])
    local = list(base.filter(chapter=chapter)[:limit])
    if len(local) < limit:
        local += list(base.exclude(chapter=chapter)[: limit - len(local)])
    return local


def mob_list_recent_results(*, limit: int = 6) -> list[Mob]:
    return list(
        mob_list_public()
        .filter(status__in=(MobStatus.CLOSED, MobStatus.REPORTED))
        .order_by("-starts_at")[:limit]
    )


def access_mob(*, slug: str, user: User | None) -> Mob:
    """The mob page's mob: public mobs for everyone, others for the chapter's organisers."""
    mob = Mob.objects.select_related("chapter", "business").filter(slug=slug).first()
    if mob is None:
        raise Http404
    if mob.is_public:
        return mob
    if is_chapter_organiser(chapter=mob.chapter, user=user):
        return mob
    raise Http404
