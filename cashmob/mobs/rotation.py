"""Whose turn it is: which shops a new mob may choose (the chapter's fairness rotation).

The one home of two rules:

- **taken**: a shop holds at most one mob on its way or under way (the shop chosen while
  planning, waiting for the shop's answer, agreed, published, live). The database
  guarantees it (``mobs_one_active_mob_per_shop``), so two organisers choosing the same
  shop at the same moment cannot both succeed.
- **cool-down**: after a mob has been held, the shop rests for the chapter's cool-down
  (``Chapter.cooldown_days``, from the day of its last mob) before another mob may choose
  it, so that every shop gets its turn.

Lists of shops offer the available ones first; the others are marked with the reason and
the date they are free again, and every service that gives a mob its shop calls
:func:`business_check_available`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.businesses.models import Business
from cashmob.core import dates
from cashmob.mobs.exceptions import ShopUnavailableError
from cashmob.mobs.models import ACTIVE_STATUSES, Mob

if TYPE_CHECKING:
    from cashmob.chapters.models import Chapter

#: Shops that may be given a mob at all (nominated or listed; not excluded, not removed).
CHOOSABLE = (Business.Status.NOMINATED, Business.Status.ACTIVE)


def cooldown_cutoff(*, chapter: Chapter, now: datetime | None = None) -> datetime:
    """Shops last mobbed after this moment are resting (on the chapter's cool-down)."""
    return (now or timezone.now()) - timedelta(days=chapter.cooldown_days)


def is_cooling(business: Business, cutoff: datetime) -> bool:
    return bool(business.last_mobbed_at and business.last_mobbed_at > cutoff)


def business_is_available(business: Business, *, taken: bool, cutoff: datetime) -> bool:
    """The rule in one place, for a shop already read: still choosable, not held by another
    mob (``taken``, from :func:`mob_list_holding`), not resting (``cutoff``, from
    :func:`cooldown_cutoff`). Querysets use the same rule through their annotations."""
    return business.status in CHOOSABLE and not taken and not is_cooling(business, cutoff)


def _rest_end(business: Business, cooldown_days: int) -> datetime | None:
    if business.last_mobbed_at is None:
        return None
    return business.last_mobbed_at + timedelta(days=cooldown_days)


def cooldown_until(*, business: Business, now: datetime | None = None) -> datetime | None:
    """When a recently mobbed shop may be chosen again (None: it may now)."""
    until = _rest_end(business, business.chapter.cooldown_days)
    return until if until is not None and until > (now or timezone.now()) else None


def mob_list_holding(*, except_mob_id: int | None = None) -> QuerySet[Mob]:
    """Mobs that hold their shop, other than the one choosing (it may keep its own)."""
    active = Mob.objects.filter(status__in=ACTIVE_STATUSES)
    return active.exclude(pk=except_mob_id) if except_mob_id else active


def _holding(mob: Mob | None) -> QuerySet[Mob]:
    return mob_list_holding(except_mob_id=mob.pk if mob is not None else None)


def business_list_for_rotation(
    *, chapter: Chapter, now: datetime | None = None, mob: Mob | None = None
) -> QuerySet[Business]:
    """The chapter's choosable shops, the ones a new mob may choose first.

    Each is annotated ``taken`` (another mob holds it; ``taken_starts_at`` is that mob's
    start, if fixed), ``cooling`` (mobbed within the cool-down) and ``available`` (neither).
    Available shops come first, least mobbed first; then the others. ``mob`` is the mob
    choosing: the shop it holds already counts as available to it.
    """
    cutoff = cooldown_cutoff(chapter=chapter, now=now)
    active = _holding(mob).filter(business=OuterRef("pk"))
    return (
        Business.objects.filter(chapter=chapter, status__in=CHOOSABLE)
        .annotate(
            taken=Exists(active),
            taken_starts_at=Subquery(active.order_by("starts_at").values("starts_at")[:1]),
            cooling=Case(
                When(last_mobbed_at__gt=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            available=Case(
                When(Q(taken=True) | Q(cooling=True), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
        .order_by("-available", "mob_count", "name")
    )


@dataclass(frozen=True, slots=True)
class Rotation:
    """A chapter's shops split for a choice: the ones that may be chosen, then the rest."""

    available: list[Business]
    unavailable: list[Business]


def rotation_get(*, chapter: Chapter, mob: Mob | None = None) -> Rotation:
    """One query. Each unavailable shop also carries ``free_from``: the end of its rest
    (None while another mob holds it)."""
    shops = list(business_list_for_rotation(chapter=chapter, mob=mob))
    for shop in shops:
        resting = shop.cooling  # type: ignore[attr-defined]
        shop.free_from = _rest_end(shop, chapter.cooldown_days) if resting else None  # type: ignore[attr-defined]
    return Rotation(
        available=[b for b in shops if b.available],  # type: ignore[attr-defined]
        unavailable=[b for b in shops if not b.available],  # type: ignore[attr-defined]
    )


def _local_date(moment: datetime, business: Business) -> str:
    return dates.format_date(moment, business.chapter.time_zone)


def business_check_available(
    *, business: Business, mob: Mob | None = None, now: datetime | None = None
) -> None:
    """Refuse a shop that another mob holds (``shop_taken``) or that is resting after its
    last mob (``shop_cooling_down``). ``mob`` is the mob choosing (it may keep its shop).

    A check before the write, for a clear message; the database's constraint still decides
    between two mobs choosing the same shop at the same moment.
    """
    if _holding(mob).filter(business=business.pk).exists():
        raise ShopUnavailableError(
            _(
                "%(shop)s already has a cash mob on its way. Choose another shop: each shop "
                "has one mob at a time."
            )
            % {"shop": business.name},
            code="shop_taken",
            field="business",
        )
    until = cooldown_until(business=business, now=now)
    if until is not None:
        raise ShopUnavailableError(
            _(
                "%(shop)s was mobbed recently and rests until %(date)s, so other shops get "
                "their turn. Choose another shop."
            )
            % {"shop": business.name, "date": _local_date(until, business)},
            code="shop_cooling_down",
            field="business",
        )


def business_taken_error(business: Business) -> ShopUnavailableError:
    """What the database's refusal of a second active mob at ``business`` means."""
    return ShopUnavailableError(
        _("%(shop)s already has a cash mob on its way. Choose another shop.")
        % {"shop": business.name},
        code="shop_taken",
        field="business",
    )
