"""A guest's way in on the day: a private link to their own day page, no account needed.

Guests said yes with a name and an email only. Their link (in their confirmation and
reminder emails) lets them check themselves in with the shop's code and report what
they spent, exactly as members do on their page.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.checkin.exceptions import CheckinPermissionError
from cashmob.core.links import absolute_url, nonce_token, token_nonce
from cashmob.rsvps.models import Rsvp, RsvpStatus

GUEST_DAY_SALT = "cashmob.checkin.guest_day"


def guest_day_token(rsvp: Rsvp) -> str:
    return nonce_token(rsvp.nonce, salt=GUEST_DAY_SALT)


def guest_day_url(rsvp: Rsvp) -> str:
    """The guest's private day page, for their emails."""
    return absolute_url("checkin:guest_me", slug=rsvp.mob.slug, token=guest_day_token(rsvp))


#: A guest's link works until a week after the mob (corrections, the results), then stops.
GUEST_LINK_AFTER_MOB = timedelta(days=7)


def access_guest_rsvp(*, slug: str, token: str) -> Rsvp:
    """The confirmed (or waiting) guest RSVP to the mob ``slug`` that ``token`` names.

    Refused with code ``guest_has_account`` once the RSVP belongs to an account: its
    owner then uses the members' page.
    """
    nonce = token_nonce(token, salt=GUEST_DAY_SALT)
    rsvp = (
        Rsvp.objects.select_related("mob__chapter", "mob__business")
        .filter(nonce=nonce or "", mob__slug=slug)
        .first()
    )
    if not nonce or rsvp is None:
        raise CheckinPermissionError(_("This link is not valid."), code="guest_link_invalid")
    if rsvp.user_id is not None:
        raise CheckinPermissionError(
            _("This RSVP now belongs to an account: log in to see your day."),
            code="guest_has_account",
        )
    ends_at = rsvp.mob.ends_at
    if ends_at is not None and timezone.now() > ends_at + GUEST_LINK_AFTER_MOB:
        raise CheckinPermissionError(_("This link has expired."), code="guest_link_expired")
    if rsvp.status not in (RsvpStatus.CONFIRMED, RsvpStatus.WAITING):
        raise CheckinPermissionError(
            _("This RSVP is not confirmed, or was cancelled."), code="guest_not_going"
        )
    return rsvp
