"""Two organisers give their mobs the same shop at the same moment: one mob gets it.

Requests go through a real server (granian, several worker processes) on the real test
database. The service checks first for a clear message; between two requests that both
pass that check, the database's one-active-mob-per-shop constraint decides.

Proven by hand on SQLite (2026-12-06): with the service's check removed, this test still
passed: the constraint alone left the shop one mob, and the others were told ``shop_taken``.
"""

from __future__ import annotations

import threading

import pytest

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.core.tests.live import live_server, post, session_for
from cashmob.mobs.models import ACTIVE_STATUSES, Mob
from cashmob.mobs.tests.dashboard import dashboard_data
from cashmob.mobs.tests.factories import MobFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ORGANISERS = 6


def test_concurrent_choices_of_one_shop_leave_it_one_mob(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory()
    shop = BusinessFactory(chapter=chapter)
    mobs = [
        MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
        for _ in range(ORGANISERS)
    ]
    sessions = [session_for(OrganiserFactory(chapter=chapter).user) for _ in mobs]
    statuses: list[int] = []
    with live_server(tmp_path, workers=3) as base:
        barrier = threading.Barrier(ORGANISERS)

        def choose(mob: Mob, headers: dict[str, str]) -> None:
            barrier.wait(timeout=30)
            url = f"{base}/mobs/{mob.slug}/dashboard/choose_shop/"
            statuses.append(
                post(url, dashboard_data("choose_shop", {"business": str(shop.pk)}), headers)
            )

        threads = [
            threading.Thread(target=choose, args=(m, s))
            for m, s in zip(mobs, sessions, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    # One choice went through; every other one was refused (409 from the service,
    # or 400 when the shop was no longer offered by the time the page was read).
    assert len(statuses) == ORGANISERS, statuses
    assert statuses.count(302) == 1, statuses
    assert all(code in (400, 409) for code in statuses if code != 302), statuses
    assert Mob.objects.filter(business=shop, status__in=ACTIVE_STATUSES).count() == 1
