"""Many people say yes at once to a mob with few places: nobody is overbooked.

Requests go through a real server (granian, six worker processes, as ``cashmob run``)
on the real test database, SQLite or PostgreSQL.

Proven by hand on PostgreSQL 15 (2026-11-29): with ``_take_place`` replaced by a naive
read-then-write, this test failed twice in a row, with 12 and then 6 RSVPs confirmed for
5 places: PostgreSQL's transactions overlap, so the naive version overbooks at once.

Proven once by hand on SQLite (2026-11-29): with ``_take_place`` replaced by a naive
read-then-write (read ``mob.rsvp_count``, compare it with the capacity, then save the
count plus one, without the surrounding transaction) this test failed with 15 confirmed
RSVPs for 5 places once the gap between the read and the write was 200 ms (the time a
slow request or a loaded machine takes). With a gap of a few milliseconds the same naive
code passed 3 runs of 24 requests here: the race is real but narrow, which is why the
product relies on the conditional update and the check constraint, not on timing.
"""

from __future__ import annotations

import threading

import pytest

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.core.tests.live import live_server, post, session_for
from cashmob.mobs.models import Mob
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.models import Rsvp, RsvpStatus
from cashmob.rsvps.services import rsvp_create, waiting_position

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PLACES = 5
PEOPLE = 24


def test_rsvp_concurrent_requests_never_overbook(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR", default_pledge_minor=2000)
    mob = PublishedMobFactory(business__chapter=chapter, capacity=PLACES, pledge_minor=2000)
    people = [UserFactory() for _ in range(PEOPLE)]
    sessions = [session_for(user) for user in people]
    statuses: list[int] = []
    with live_server(tmp_path, workers=6) as base:
        url = f"{base}/rsvp/{mob.slug}/"
        barrier = threading.Barrier(PEOPLE)

        def say_yes(headers: dict[str, str]) -> None:
            barrier.wait(timeout=30)
            statuses.append(post(url, {"pledge": "25", "currency": "EUR"}, headers))

        threads = [threading.Thread(target=say_yes, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        # A second wave of the same requests (retries): nobody gets a second RSVP.
        retries = [post(url, {"pledge": "25", "currency": "EUR"}, s) for s in sessions[:5]]

    assert statuses == [302] * PEOPLE, statuses
    assert all(code == 409 for code in retries), retries
    mob.refresh_from_db()
    confirmed = Rsvp.objects.filter(mob=mob, status=RsvpStatus.CONFIRMED)
    waiting = list(
        Rsvp.objects.filter(mob=mob, status=RsvpStatus.WAITING).order_by("queued_at", "id")
    )
    assert confirmed.count() == PLACES
    assert len(waiting) == PEOPLE - PLACES
    assert Rsvp.objects.filter(mob=mob).count() == PEOPLE
    assert (mob.rsvp_count, mob.waiting_count) == (PLACES, PEOPLE - PLACES)
    assert mob.pledged_total_minor == PLACES * 2500
    # Everyone waiting is shown a distinct place in the queue, with no gap and no tie.
    assert sorted(waiting_position(rsvp=r) for r in waiting) == list(range(1, len(waiting) + 1))
    queued = [r.queued_at for r in waiting]
    # Everyone confirmed joined before everyone waiting: nobody overtook the queue.
    assert max(r.confirmed_at for r in confirmed) <= min(queued)  # type: ignore[type-var]
    assert Mob.objects.get(pk=mob.pk).rsvp_count <= PLACES


ROUNDS = 6


def test_rsvp_racing_a_cancellation_never_leaves_a_free_place_and_a_queue(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A cancellation and a newcomer's RSVP at the same moment, on mobs of one place:
    whichever comes first, the newcomer ends with the place, never on the waiting list
    beside a free place (each mob's row is locked before its places change)."""
    chapter = ChapterFactory(currency="EUR", default_pledge_minor=2000)
    mobs = [
        PublishedMobFactory(business__chapter=chapter, capacity=1, pledge_minor=2000)
        for _ in range(ROUNDS)
    ]
    leaving = [UserFactory() for _ in mobs]
    coming = [UserFactory() for _ in mobs]
    for mob, user in zip(mobs, leaving, strict=True):
        rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    statuses: list[int] = []
    with live_server(tmp_path, workers=4) as base:
        for mob, out, into in zip(mobs, leaving, coming, strict=True):
            barrier = threading.Barrier(2)
            requests = [
                (f"{base}/rsvp/{mob.slug}/cancel/", {}, session_for(out)),
                (
                    f"{base}/rsvp/{mob.slug}/",
                    {"pledge": "20", "currency": "EUR"},
                    session_for(into),
                ),
            ]

            def send(
                url: str, data: dict[str, str], headers: dict[str, str], barrier: threading.Barrier
            ) -> None:
                barrier.wait(timeout=30)
                statuses.append(post(url, data, headers))

            threads = [threading.Thread(target=send, args=(*r, barrier)) for r in requests]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
    assert statuses == [302] * (2 * ROUNDS), statuses
    for mob, out, into in zip(mobs, leaving, coming, strict=True):
        mob.refresh_from_db()
        assert Rsvp.objects.get(mob=mob, user=out).status == RsvpStatus.CANCELLED
        assert Rsvp.objects.get(mob=mob, user=into).status == RsvpStatus.CONFIRMED
        assert (mob.rsvp_count, mob.waiting_count, mob.pledged_total_minor) == (1, 0, 2000)
