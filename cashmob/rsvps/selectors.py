"""Reads on RSVPs: a person's RSVP, their mobs, calendar feeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from cashmob.mobs.models import Mob, MobStatus
from cashmob.rsvps.models import CalendarFeed, Rsvp, RsvpStatus

if TYPE_CHECKING:
    from cashmob.accounts.models import User

ACTIVE = (RsvpStatus.CONFIRMED, RsvpStatus.WAITING, RsvpStatus.UNCONFIRMED)


def rsvp_list_guests(*, mob: Mob, confirmed_only: bool = False) -> QuerySet[Rsvp]:
    """The guests (RSVPs without an account) taking part in ``mob`` who still want email:
    going or waiting, or only going."""
    statuses = (
        (RsvpStatus.CONFIRMED,) if confirmed_only else (RsvpStatus.CONFIRMED, RsvpStatus.WAITING)
    )
    return Rsvp.objects.filter(
        mob=mob, user__isnull=True, status__in=statuses, guest_muted_at__isnull=True
    )


def rsvp_of(*, mob: Mob, user: User) -> Rsvp | None:
    if not user.is_authenticated:
        return None
    return Rsvp.objects.filter(mob=mob, user=user, status__in=ACTIVE).first()


def rsvp_list_for_user(*, user: User) -> tuple[list[Rsvp], QuerySet[Rsvp]]:
    """(upcoming, past) RSVPs of ``user``, each with its mob, chapter and shop: the
    upcoming ones soonest first, the past ones (ended or cancelled) latest first, as a
    queryset for the page to paginate."""
    now = timezone.now()
    mine = (
        Rsvp.objects.filter(user=user)
        .exclude(status=RsvpStatus.CANCELLED)
        .select_related("mob__chapter", "mob__business")
    )
    coming = Q(mob__ends_at__gt=now) & ~Q(mob__status=MobStatus.CANCELLED)
    upcoming = list(mine.filter(coming).order_by("mob__starts_at", "pk"))
    past = mine.exclude(coming).order_by("-mob__starts_at", "-pk")
    return upcoming, past


def waiting_positions(*, rsvps: list[Rsvp]) -> dict[int, int]:
    """Waiting-list positions of several RSVPs, one query per mob with anyone waiting."""
    positions: dict[int, int] = {}
    by_mob: dict[int, list[Rsvp]] = {}
    for rsvp in rsvps:
        if rsvp.status == RsvpStatus.WAITING:
            by_mob.setdefault(rsvp.mob_id, []).append(rsvp)
    for mob_id, mine in by_mob.items():
        queue = list(
            Rsvp.objects.filter(mob_id=mob_id, status=RsvpStatus.WAITING)
            .order_by("queued_at", "id")
            .values_list("id", flat=True)
        )
        for rsvp in mine:
            positions[rsvp.pk] = queue.index(rsvp.pk) + 1
    return positions


def calendar_feed_mobs(*, feed: CalendarFeed) -> QuerySet[Mob]:
    """What a feed shows: the chapter's public mobs, or the owner's own mobs."""
    base = Mob.objects.select_related("chapter", "business").filter(
        published_at__isnull=False,
        status__in=(
            MobStatus.PUBLISHED,
            MobStatus.LIVE,
            MobStatus.CLOSED,
            MobStatus.REPORTED,
            MobStatus.CANCELLED,
        ),
    )
    if feed.chapter_id is not None:
        return base.filter(chapter_id=feed.chapter_id).order_by("-starts_at")[:200]
    return (
        base.filter(
            rsvps__user_id=feed.user_id,
            rsvps__status__in=(RsvpStatus.CONFIRMED, RsvpStatus.WAITING),
        )
        .distinct()
        .order_by("-starts_at")[:200]
    )
