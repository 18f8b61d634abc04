from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.mobs.models import Consent, Mob, MobStatus


class MobFactory(factory.django.DjangoModelFactory[Mob]):
    """A planned mob with its shop chosen, not yet asked."""

    class Meta:
        model = Mob

    business = factory.SubFactory(BusinessFactory)
    chapter = factory.SelfAttribute("business.chapter")
    title = factory.LazyAttribute(
        lambda o: f"Cash mob at {o.business.name}" if o.business else "Our next cash mob"
    )
    slug = factory.Sequence(lambda n: f"mob-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    meeting_point = "In front of the town hall"
    pledge_minor = factory.SelfAttribute("chapter.default_pledge_minor")
    currency = factory.SelfAttribute("chapter.currency")
    status = MobStatus.PLANNING


class PublishedMobFactory(MobFactory):
    status = MobStatus.PUBLISHED
    business_consent = Consent.ACCEPTED
    consent_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)


class ReportedMobFactory(PublishedMobFactory):
    status = MobStatus.REPORTED
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=14))
    rsvp_count = 40
    checkin_count = 38
    report_count = 35
    reported_total_minor = 87_500
    confirmed_total_minor = 91_230
