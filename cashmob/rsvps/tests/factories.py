from __future__ import annotations

import secrets

import factory
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.models import Rsvp, RsvpStatus


class RsvpFactory(factory.django.DjangoModelFactory[Rsvp]):
    """A confirmed member's RSVP. The mob's counters are not touched: tests of the
    counters go through the services (``rsvp_create``), which keep them."""

    class Meta:
        model = Rsvp

    mob = factory.SubFactory(PublishedMobFactory)
    user = factory.SubFactory(UserFactory)
    status = RsvpStatus.CONFIRMED
    pledge_minor = 2000
    currency = factory.SelfAttribute("mob.currency")
    confirmed_at = factory.LazyFunction(timezone.now)
    nonce = factory.LazyFunction(lambda: secrets.token_urlsafe(24))


class GuestRsvpFactory(RsvpFactory):
    """A guest's RSVP, confirmed from their emailed link."""

    user = None
    guest_name = factory.Sequence(lambda n: f"Guest {n}")
    guest_email = factory.Sequence(lambda n: f"guest{n}@example.org")
