from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.core import signing
from django.utils import timezone

from cashmob.mobs.consent import CONSENT_SALT
from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.tests.factories import RsvpFactory as BaseRsvpFactory


class LiveMobFactory(PublishedMobFactory):
    """A mob that started half an hour ago and ends in an hour and a half."""

    status = MobStatus.LIVE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))


class RsvpFactory(BaseRsvpFactory):
    """An RSVP to a mob under way."""

    mob = factory.SubFactory(LiveMobFactory)


def owner_request(mob: Mob) -> tuple[ConsentRequest, str]:
    """The shop's accepted consent request for ``mob`` and the token of its private link."""
    request = ConsentRequest.objects.create(
        mob=mob,
        business=mob.business,
        nonce=secrets.token_urlsafe(24),
        sent_to="owner@shop.example",
        expires_at=timezone.now() + timedelta(days=21),
        pledge_minor=mob.pledge_minor,
        currency=mob.currency,
        answer=Consent.ACCEPTED,
    )
    token = signing.dumps({"n": request.nonce}, salt=CONSENT_SALT, compress=True)
    return request, token
