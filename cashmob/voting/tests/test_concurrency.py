"""Ballots cast at the same moment are neither lost nor counted twice.

Real transactions on real connections (one per thread), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.tests.factories import MobFactory
from cashmob.voting.models import Ballot
from cashmob.voting.services import ballot_cast, shop_vote_close, shop_vote_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _run_together(functions: list) -> list[BaseException]:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(functions))
    errors: list[BaseException] = []

    def runner(fn) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            fn()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=runner, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_ballot_cast_concurrent_members_are_all_counted() -> None:
    chapter = ChapterFactory()
    organiser = OrganiserFactory(chapter=chapter).user
    mob = MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
    shops = [BusinessFactory(chapter=chapter) for _ in range(2)]
    vote = shop_vote_open(mob=mob, actor=organiser, closes_at=timezone.now() + timedelta(days=1))
    first = vote.candidates.get(business=shops[0]).pk
    members = [MembershipFactory(chapter=chapter).user for _ in range(8)]
    errors = _run_together(
        [(lambda m=m: ballot_cast(vote=vote, user=m, candidate_ids=[first])) for m in members]
    )
    assert errors == []
    vote = shop_vote_close(vote=vote, actor=organiser)
    assert vote.ballot_count == 8
    assert vote.candidates.get(pk=first).approvals == 8


def test_ballot_cast_same_member_twice_at_once_keeps_one_ballot() -> None:
    chapter = ChapterFactory()
    organiser = OrganiserFactory(chapter=chapter).user
    mob = MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
    for _ in range(2):
        BusinessFactory(chapter=chapter)
    vote = shop_vote_open(mob=mob, actor=organiser, closes_at=timezone.now() + timedelta(days=1))
    a, b = vote.candidates.values_list("pk", flat=True)
    member = MembershipFactory(chapter=chapter).user
    errors = _run_together(
        [
            lambda: ballot_cast(vote=vote, user=member, candidate_ids=[a]),
            lambda: ballot_cast(vote=vote, user=member, candidate_ids=[b]),
            lambda: ballot_cast(vote=vote, user=member, candidate_ids=[a, b]),
        ]
    )
    assert errors == []
    assert Ballot.objects.filter(vote=vote, user=member).count() == 1
    # The ballot holds exactly one of the submissions, never a mix of two.
    chosen = set(Ballot.objects.get(vote=vote, user=member).choices.values_list("pk", flat=True))
    assert chosen in ({a}, {b}, {a, b})
    vote = shop_vote_close(vote=vote, actor=organiser)
    assert vote.ballot_count == 1
