"""Many mobbers report at once through a real server (granian, several worker processes) on
the real test database, SQLite or PostgreSQL: the totals stay exact, every acknowledged
report is counted, and retried submissions (same idempotency key) count once."""

from __future__ import annotations

import threading
import uuid

import pytest

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.checkin import codes
from cashmob.checkin.models import CheckIn, SpendReport
from cashmob.checkin.services import checkin_record
from cashmob.checkin.tests.factories import LiveMobFactory, RsvpFactory
from cashmob.core.tests.live import live_server, post, session_for
from cashmob.mobs.models import Mob

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PEOPLE = 16
REPORTS_EACH = 2


def test_reports_concurrent_totals_exact_and_retries_count_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR", max_pledge_minor=10_000)
    mob = LiveMobFactory(business__chapter=chapter)
    people = [UserFactory() for _ in range(PEOPLE)]
    for user in people:
        checkin_record(mob=mob, actor=user, code=codes.mob_code(mob))
    sessions = [session_for(user) for user in people]
    # Each person sends each report twice at the same moment (a double tap), with the
    # same key; amounts differ so that a lost or doubled report shows in the sum.
    jobs = [
        (sessions[i], {"amount": f"{10 + i}.{r}5", "currency": "EUR", "idempotency_key": key})
        for i in range(PEOPLE)
        for r in range(REPORTS_EACH)
        for key in [str(uuid.uuid4())]
        for _copy in range(2)
    ]
    expected = sum((10 + i) * 100 + r * 10 + 5 for i in range(PEOPLE) for r in range(REPORTS_EACH))
    statuses: list[int] = []
    lock = threading.Lock()
    with live_server(tmp_path, workers=4) as base:
        url = f"{base}/day/{mob.slug}/me/report/"
        barrier = threading.Barrier(len(jobs))

        def send(headers: dict[str, str], data: dict[str, str]) -> None:
            barrier.wait(timeout=30)
            status = post(url, data, headers)
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=send, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert statuses == [302] * len(jobs), statuses
    mob = Mob.objects.get(pk=mob.pk)
    assert SpendReport.objects.filter(mob=mob).count() == PEOPLE * REPORTS_EACH
    assert mob.report_count == PEOPLE * REPORTS_EACH
    assert mob.reported_total_minor == expected


def test_checkins_concurrent_scans_count_each_person_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR")
    mob = LiveMobFactory(business__chapter=chapter)
    from cashmob.chapters.tests.factories import OrganiserFactory

    organisers = [OrganiserFactory(chapter=chapter).user for _ in range(3)]
    rsvps = [RsvpFactory(mob=mob) for _ in range(8)]
    sessions = [session_for(user) for user in organisers]
    statuses: list[int] = []
    lock = threading.Lock()
    with live_server(tmp_path, workers=4) as base:
        url = f"{base}/day/{mob.slug}/scan/"
        # Three organisers scan every code at the same moment.
        jobs = [(s, {"code": codes.personal_code(r)}) for r in rsvps for s in sessions]
        barrier = threading.Barrier(len(jobs))

        def send(headers: dict[str, str], data: dict[str, str]) -> None:
            barrier.wait(timeout=30)
            status = post(url, data, headers)
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=send, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert statuses == [302] * len(jobs), statuses
    assert CheckIn.objects.filter(mob=mob).count() == len(rsvps)
    assert Mob.objects.get(pk=mob.pk).checkin_count == len(rsvps)
