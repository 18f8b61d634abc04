"""The close_due command closes what is past its closing time, and only that."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.mobs.tests.factories import MobFactory
from cashmob.voting.models import PollStatus, ShopVote
from cashmob.voting.services import shop_vote_open

pytestmark = pytest.mark.django_db


def test_close_due_closes_votes_past_their_time_only() -> None:
    chapter = ChapterFactory()
    organiser = OrganiserFactory(chapter=chapter).user
    for _ in range(2):
        BusinessFactory(chapter=chapter)
    due, later = (
        shop_vote_open(
            mob=MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None),
            actor=organiser,
            closes_at=timezone.now() + timedelta(days=1),
        )
        for _ in range(2)
    )
    ShopVote.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("close_due", stdout=out)
    assert "closed 1 vote(s)" in out.getvalue()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == PollStatus.CLOSED
    assert later.status == PollStatus.OPEN
