"""What the shop hears about its mobs after it said yes: the mob is published, the new
time it accepted now holds, its yes to host the after-party no longer counts.

Each message goes to the shop's inbox (its owner's account, else its contact address) in
the shop's language, after the transaction commits, with the link to its own page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cashmob.businesses.selectors import business_mail_to
from cashmob.core.email import email_enqueue
from cashmob.core.links import absolute_url
from cashmob.mobs.mail_context import mob_time_context
from cashmob.mobs.models import Consent, ConsentRequest, Mob

if TYPE_CHECKING:
    from datetime import datetime

    from cashmob.businesses.models import Business


def _shop_context(mob: Mob, business: Business) -> dict[str, Any]:
    return {
        "business_name": business.name,
        "mob_title": mob.title,
        **mob_time_context(mob),
        "rsvp_count": mob.rsvp_count,
        "capacity": mob.capacity,
        # A claimed shop also finds all this under "My shop" when signed in.
        "my_shop_url": absolute_url("checkin:my_shop") if business.owner_id else "",
    }


def _day_url(mob: Mob) -> str:
    """The shop's private page for this mob: its day page once it has said yes."""
    from cashmob.checkin.owner import owner_url

    request = (
        ConsentRequest.objects.filter(
            mob=mob, kind=ConsentRequest.Kind.MOB, answer=Consent.ACCEPTED, superseded=False
        )
        .order_by("-pk")
        .first()
    )
    return owner_url(request) if request is not None else ""


def _send(business: Business | None, *, template: str, context: dict[str, Any]) -> bool:
    to = business_mail_to(business) if business is not None else None
    if to is None:
        return False
    email_enqueue(to=to.email, template=template, context=context, language=to.language)
    return True


def shop_tell_published(*, mob: Mob) -> bool:
    """Tell the shop its mob is published: the time, and its day page. Whether it is told."""
    business = _with_owner(mob.business)
    if business is None:
        return False
    context = {**_shop_context(mob, business), "day_url": _day_url(mob)}
    return _send(business, template="mobs/published_business", context=context)


def shop_tell_moved(*, mob: Mob, previous_starts_at: datetime | None) -> bool:
    """Tell the shop that the new time it accepted now holds for everyone taking part."""
    business = _with_owner(mob.business)
    if business is None:
        return False
    context = {
        **_shop_context(mob, business),
        "previous_starts_at": previous_starts_at.isoformat() if previous_starts_at else "",
        "day_url": _day_url(mob),
    }
    return _send(business, template="mobs/moved_business", context=context)


def shop_tell_after_party_withdrawn(
    *, mob: Mob, venue: Business, agreed_starts_at: datetime | None, reason: str
) -> bool:
    """Tell the after-party venue that its yes no longer counts; ``reason`` is "moved" (the
    mob moved to another day), "replaced" (the organisers chose another venue) or
    "cancelled" (the mob itself is off)."""
    shop = _with_owner(venue)
    if shop is None:
        return False
    context = {
        **_shop_context(mob, shop),
        "agreed_starts_at": agreed_starts_at.isoformat() if agreed_starts_at else "",
        "reason": reason,
        "mob_url": absolute_url("mobs:detail", slug=mob.slug),
    }
    return _send(shop, template="mobs/after_party_withdrawn", context=context)


def _with_owner(business: Business | None) -> Business | None:
    """The shop with its owner and chapter read, for its address and language."""
    if business is None:
        return None
    from cashmob.businesses.models import Business

    return Business.objects.select_related("owner", "chapter").filter(pk=business.pk).first()
