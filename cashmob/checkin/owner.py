"""The shop's way in on the day: the private link it already has from the consent request."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.checkin.services import CONFIRM_DEADLINE
from cashmob.core.links import absolute_url, nonce_token, token_nonce
from cashmob.mobs.consent import CONSENT_SALT, consent_check
from cashmob.mobs.exceptions import ConsentLinkError
from cashmob.mobs.models import Consent, ConsentRequest, MobStatus


def owner_url(request: ConsentRequest) -> str:
    """The shop's private day page: the same key as its consent link, another page."""
    return absolute_url("checkin:owner", token=nonce_token(request.nonce, salt=CONSENT_SALT))


DAY_STATUSES = (MobStatus.PUBLISHED, MobStatus.LIVE, MobStatus.CLOSED, MobStatus.REPORTED)


def owner_access(*, token: str) -> ConsentRequest:
    """The shop's accepted consent request that ``token`` names.

    The consent link expires a few weeks after it was sent, which may be before the mob
    has happened; for the day itself it stays valid until the confirmation deadline.
    When the mob moved with the shop's yes, the shop's earlier accepted link leads to the
    request it accepted since: a bookmarked day page keeps working.
    """
    try:
        request = consent_check(token=token)
    except ConsentLinkError as error:
        moved = _moved_to(token) if error.code == "consent_link_superseded" else None
        if moved is not None:
            return _day_request(moved)
        if error.code != "consent_link_expired":
            raise
        found = (
            ConsentRequest.objects.select_related(
                "mob__chapter", "business__owner", "business__chapter"
            )
            .filter(nonce=token_nonce(token, salt=CONSENT_SALT))
            .filter(superseded=False)
            .first()
        )
        ends_at = found.mob.ends_at if found is not None else None
        if found is None or ends_at is None or timezone.now() > ends_at + CONFIRM_DEADLINE:
            raise
        request = found
    return _day_request(request)


def _day_request(request: ConsentRequest) -> ConsentRequest:
    if (
        request.kind != ConsentRequest.Kind.MOB
        or request.answer != Consent.ACCEPTED
        or request.mob.status not in DAY_STATUSES
    ):
        raise ConsentLinkError(
            _("This page opens once your shop has agreed to a mob that is published."),
            code="owner_page_closed",
        )
    return request


def _moved_to(token: str) -> ConsentRequest | None:
    """The shop's current accepted request, if ``token`` names one it accepted before the
    mob moved (never a request another shop, or a later answer, replaced)."""
    old = ConsentRequest.objects.filter(
        nonce=token_nonce(token, salt=CONSENT_SALT),
        kind=ConsentRequest.Kind.MOB,
        answer=Consent.ACCEPTED,
    ).first()
    if old is None:
        return None
    return (
        ConsentRequest.objects.select_related(
            "mob__chapter", "business__owner", "business__chapter"
        )
        .filter(
            mob_id=old.mob_id,
            business_id=old.business_id,
            kind=ConsentRequest.Kind.MOB,
            answer=Consent.ACCEPTED,
            moves_published=True,
            superseded=False,
        )
        .first()
    )
