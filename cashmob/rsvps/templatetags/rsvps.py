from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from cashmob.mobs.models import Mob, MobStatus
from cashmob.rsvps.calendar import calendar_links
from cashmob.rsvps.forms import PledgeForm
from cashmob.rsvps.selectors import rsvp_of
from cashmob.rsvps.services import waiting_position

register = template.Library()


@register.simple_tag(takes_context=True)
def rsvp_state(context: dict[str, Any], mob: Mob) -> dict[str, Any]:
    """Where the visitor stands with ``mob``: read once, shown by the RSVP box and the join bar."""
    request = context["request"]
    rsvp = rsvp_of(mob=mob, user=request.user)
    now = timezone.now()
    is_open = (
        mob.status == MobStatus.PUBLISHED and mob.starts_at is not None and mob.starts_at > now
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "mob": mob,
        "rsvp": rsvp,
        "position": waiting_position(rsvp=rsvp) if rsvp is not None else None,
        "is_open": is_open,
        "form": PledgeForm(mob=mob, initial={"pledge": rsvp.pledge.as_typed} if rsvp else None),
        "links": calendar_links(mob) if mob.starts_at and mob.is_public else {},
        "full": mob.capacity is not None and mob.rsvp_count >= mob.capacity,
        "tipping_percent": min(100, round(100 * mob.rsvp_count / mob.tipping_point))
        if mob.tipping_point
        else None,
    }


@register.inclusion_tag("rsvps/_panel.html")
def rsvp_panel(state: dict[str, Any]) -> dict[str, Any]:
    """The mob page's RSVP box: pledge form, your RSVP, waiting list, calendar links."""
    return state


@register.inclusion_tag("rsvps/_join_bar.html")
def join_bar(state: dict[str, Any]) -> dict[str, Any]:
    """The phone's bar pinned to the bottom of a mob page: the pledge and the way to join."""
    return state
