from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone

from cashmob.checkin import codes
from cashmob.mobs.models import Mob, MobStatus
from cashmob.rsvps.models import Rsvp, RsvpStatus

register = template.Library()

#: The personal QR code appears on the mob page from this long before the start.
QR_SHOWN_BEFORE = timedelta(days=2)


@register.inclusion_tag("checkin/_panel.html", takes_context=True)
def checkin_panel(context: dict[str, Any], mob: Mob) -> dict[str, Any]:
    """The mob page's box for the day: your QR code, check-in, reports, the live tally."""
    request = context["request"]
    user = request.user
    now = timezone.now()
    day_statuses = (MobStatus.PUBLISHED, MobStatus.LIVE, MobStatus.CLOSED, MobStatus.REPORTED)
    shown = mob.status in day_statuses and (
        mob.status != MobStatus.PUBLISHED
        or (mob.starts_at is not None and mob.starts_at - QR_SHOWN_BEFORE <= now)
    )
    rsvp = None
    if shown and user.is_authenticated and mob.status in (MobStatus.PUBLISHED, MobStatus.LIVE):
        rsvp = (
            Rsvp.objects.filter(
                mob=mob, user=user, status__in=(RsvpStatus.CONFIRMED, RsvpStatus.WAITING)
            )
            .order_by("-id")
            .first()
        )
    return {
        "mob": mob,
        "shown": shown,
        "rsvp": rsvp,
        "qr": codes.qr_svg(codes.personal_qr_payload(mob, rsvp), scale=4) if rsvp else "",
        "personal_code": codes.personal_code(rsvp) if rsvp else "",
        "is_organiser": context.get("is_organiser", False),
        "is_live": mob.status == MobStatus.LIVE,
    }
