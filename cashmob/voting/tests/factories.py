from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.mobs.tests.factories import MobFactory
from cashmob.voting.models import Candidate, DatePoll, PollStatus, ShopVote


class ShopVoteFactory(factory.django.DjangoModelFactory[ShopVote]):
    """An open vote on a mob being planned; add candidates with CandidateFactory."""

    class Meta:
        model = ShopVote

    mob = factory.SubFactory(
        MobFactory,
        business=None,
        chapter=factory.SubFactory(ChapterFactory),
        starts_at=None,
        ends_at=None,
    )
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    status = PollStatus.OPEN


class CandidateFactory(factory.django.DjangoModelFactory[Candidate]):
    class Meta:
        model = Candidate

    vote = factory.SubFactory(ShopVoteFactory)
    business = factory.SubFactory(
        BusinessFactory, chapter=factory.SelfAttribute("..vote.mob.chapter")
    )


class DatePollFactory(factory.django.DjangoModelFactory[DatePoll]):
    class Meta:
        model = DatePoll

    mob = factory.SubFactory(MobFactory, starts_at=None, ends_at=None)
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    status = PollStatus.OPEN
