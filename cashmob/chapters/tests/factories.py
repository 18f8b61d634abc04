from __future__ import annotations

import factory

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.models import Chapter, Membership


class ChapterFactory(factory.django.DjangoModelFactory[Chapter]):
    class Meta:
        model = Chapter

    name = factory.Sequence(lambda n: f"Cash Mob Town {n}")
    slug = factory.Sequence(lambda n: f"town-{n}")
    city = factory.Sequence(lambda n: f"Town {n}")
    country = "FR"
    time_zone = "Europe/Paris"
    currency = "EUR"
    default_pledge_minor = 2000
    language = "fr"
    latitude = factory.Faker("pydecimal", left_digits=2, right_digits=6, min_value=43, max_value=50)
    longitude = factory.Faker("pydecimal", left_digits=1, right_digits=6, min_value=0, max_value=7)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    chapter = factory.SubFactory(ChapterFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class OrganiserFactory(MembershipFactory):
    role = Membership.Role.ORGANISER
