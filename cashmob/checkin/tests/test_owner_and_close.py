"""The shop's till total on its private page, and the scheduled start, close and report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cashmob.checkin.models import OwnerConfirmation
from cashmob.checkin.owner import owner_access
from cashmob.checkin.services import (
    CONFIRM_DEADLINE,
    GRACE,
    mobs_close_due,
    mobs_report_due,
    mobs_start_due,
    owner_confirm_total,
)
from cashmob.checkin.tests.factories import LiveMobFactory, owner_request
from cashmob.core.errors import DomainError
from cashmob.core.scheduler import run_due_jobs
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.tests.factories import PublishedMobFactory

pytestmark = pytest.mark.django_db


def _ended(chapter, status=MobStatus.CLOSED, hours_ago=3):  # type: ignore[no-untyped-def]
    starts = timezone.now() - timedelta(hours=hours_ago)
    return LiveMobFactory(
        business__chapter=chapter,
        status=status,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        reported_total_minor=40_000,
    )


def test_owner_confirms_total_and_closed_mob_is_reported(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    request, _token = owner_request(mob)
    confirmation = owner_confirm_total(
        consent_request=request, total="612.40", transaction_count=31
    )
    mob.refresh_from_db()
    assert confirmation.total_minor == 61_240
    assert mob.confirmed_total_minor == 61_240
    assert mob.reported_total_minor == 40_000  # never mixed
    assert mob.status == MobStatus.REPORTED


def test_owner_can_correct_the_total(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    request, _token = owner_request(mob)
    owner_confirm_total(consent_request=request, total="600")
    owner_confirm_total(consent_request=request, total="650")
    mob.refresh_from_db()
    assert mob.confirmed_total_minor == 65_000
    assert OwnerConfirmation.objects.count() == 1


def test_owner_confirm_before_end_refused(mob) -> None:  # type: ignore[no-untyped-def]
    request, _token = owner_request(mob)
    with pytest.raises(DomainError) as error:
        owner_confirm_total(consent_request=request, total="600")
    assert error.value.code == "not_over"
    mob.refresh_from_db()
    assert mob.confirmed_total_minor is None


@pytest.mark.parametrize(
    ("total", "code"),
    [
        ("-1", "amount_negative"),
        ("abc", "amount_invalid"),
        ("1e12", "amount_invalid"),
        ("5000000000", "amount_absurd"),
    ],
)
def test_owner_bad_total_refused(chapter, total, code) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    request, _token = owner_request(mob)
    with pytest.raises(DomainError) as error:
        owner_confirm_total(consent_request=request, total=total)
    assert error.value.code == code
    mob.refresh_from_db()
    assert mob.confirmed_total_minor is None
    assert mob.status == MobStatus.CLOSED


def test_owner_link_still_opens_after_consent_link_expiry(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    request, token = owner_request(mob)
    request.expires_at = timezone.now() - timedelta(days=1)
    request.save()
    assert owner_access(token=token).pk == request.pk


def test_owner_forged_link_refused(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    _request, token = owner_request(mob)
    with pytest.raises(DomainError) as error:
        owner_access(token=token[:-2] + "xx")
    assert error.value.code == "consent_link_invalid"


def test_scheduler_starts_due_mob(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory(
        business__chapter=chapter, starts_at=timezone.now() - timedelta(seconds=5)
    )
    later = PublishedMobFactory(business__chapter=chapter)
    assert mobs_start_due() == 1
    mob.refresh_from_db()
    later.refresh_from_db()
    assert (mob.status, later.status) == (MobStatus.LIVE, MobStatus.PUBLISHED)


def test_scheduler_closes_after_grace_only(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter, status=MobStatus.LIVE, hours_ago=2)
    now = mob.ends_at + GRACE - timedelta(minutes=1)
    assert mobs_close_due(now=now) == 0
    assert mobs_close_due(now=mob.ends_at + GRACE) == 1
    mob.refresh_from_db()
    assert mob.status == MobStatus.CLOSED


def test_scheduler_reports_confirmed_mob(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    type(mob).objects.filter(pk=mob.pk).update(confirmed_total_minor=100)
    assert mobs_report_due() == 1
    mob.refresh_from_db()
    assert mob.status == MobStatus.REPORTED


def test_scheduler_reports_unconfirmed_mob_after_deadline(chapter) -> None:  # type: ignore[no-untyped-def]
    mob = _ended(chapter)
    assert mobs_report_due() == 0
    assert mobs_report_due(now=mob.ends_at + CONFIRM_DEADLINE) == 1
    mob.refresh_from_db()
    assert mob.status == MobStatus.REPORTED
    assert mob.confirmed_total_minor is None


def test_scheduler_runs_the_day_jobs(chapter) -> None:  # type: ignore[no-untyped-def]
    done = run_due_jobs()
    assert {"start mobs", "close mobs", "report mobs"} <= set(done)
    assert all(count >= 0 for count in done.values())


def test_scheduler_close_emails_the_shop_its_day_link(  # type: ignore[no-untyped-def]
    chapter, client, django_capture_on_commit_callbacks
) -> None:
    import re

    from django.core import mail

    mob = _ended(chapter, status=MobStatus.LIVE, hours_ago=4)
    owner_request(mob)
    with django_capture_on_commit_callbacks(execute=True):
        assert mobs_close_due() == 1
    (message,) = mail.outbox
    assert message.to == ["owner@shop.example"]
    assert "400" not in message.body  # not the mobbers' figure
    link = re.search(r"https?://[^/\s]+(/day/owner/\S+/)", message.body)
    assert link is not None
    assert client.get(link.group(1)).status_code == 200


def test_owner_day_page_shows_who_is_coming_and_the_pledged_total(chapter, client) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    mob = _ended(chapter)
    Mob.objects.filter(pk=mob.pk).update(rsvp_count=31, capacity=60, pledged_total_minor=62000)
    _request, token = owner_request(mob)
    client.cookies["django_language"] = "en"  # the switcher's choice beats the shop's French
    page = client.get(reverse("checkin:owner", kwargs={"token": token})).content.decode()
    assert "people going" in page
    assert "31 / 60" in page
    assert "620" in page


def test_owner_day_page_lists_each_arrival_wave_with_its_time(
    chapter, client, time_machine
) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    time_machine.move_to(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False)
    chapter.time_zone = "Europe/Paris"
    chapter.save()
    starts = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)  # 18:00 in Paris
    mob = PublishedMobFactory(
        business__chapter=chapter,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        arrival_waves=3,
        wave_minutes=15,
    )
    _request, token = owner_request(mob)
    client.cookies["django_language"] = "en"  # the switcher's choice beats the shop's French
    page = client.get(f"/day/owner/{token}/").content.decode()
    assert "Arrival waves" in page
    for n, at in ((1, "18:00"), (2, "18:15"), (3, "18:30")):
        assert f'Wave {n}: <span style="white-space:nowrap">{at} CEST</span>' in page
