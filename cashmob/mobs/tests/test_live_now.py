"""A mob happening now: one rule (``MobQuerySet.live``), and the top of the home page, its
chapter's page and its shop's page, one tap from its live tally; never in a past list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cashmob.mobs.models import LIVE_GRACE, Mob, MobStatus
from cashmob.mobs.tests.factories import PublishedMobFactory, ReportedMobFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def started(minutes_ago: int, *, hours: int = 2, status: str = MobStatus.LIVE, **extra: Any) -> Mob:
    starts_at = NOW - timedelta(minutes=minutes_ago)
    return PublishedMobFactory(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), status=status, **extra
    )


def test_live_takes_started_mobs_live_or_still_marked_published() -> None:
    """The scheduler may be late to mark a started mob live: it is happening all the same."""
    live = started(30)
    late = started(10, status=MobStatus.PUBLISHED)
    assert set(Mob.objects.live()) == {live, late}


def test_live_keeps_a_mob_for_the_grace_period_after_its_end() -> None:
    """Mobbers still report what they spent for a while; the tally keeps moving."""
    in_grace = started(150, hours=2)
    assert NOW - in_grace.ends_at < LIVE_GRACE
    assert list(Mob.objects.live()) == [in_grace]


def test_live_leaves_out_upcoming_over_closed_and_cancelled_mobs() -> None:
    PublishedMobFactory(starts_at=NOW + timedelta(hours=1))
    started(4 * 60, hours=2)  # ended two hours ago, beyond the grace period
    started(30, status=MobStatus.CANCELLED)
    started(30, status=MobStatus.CLOSED)
    assert list(Mob.objects.live()) == []


def test_not_live_is_everything_live_is_not() -> None:
    live = started(30)
    upcoming = PublishedMobFactory(starts_at=NOW + timedelta(days=1))
    past = ReportedMobFactory()
    assert set(Mob.objects.not_live()) == {upcoming, past}
    assert [m.is_live_now for m in Mob.objects.current().order_by("starts_at")] == [True, False]
    assert live in Mob.objects.current()


# --- The three pages -------------------------------------------------------------------


def _sections(body: str) -> tuple[str, str]:
    """The page up to its live section's end, and what follows it."""
    marker = 'id="live-now"'
    assert marker in body
    start = body.index(marker)
    end = body.index("</section>", start)
    return body[start:end], body[end:]


def test_chapter_page_shows_a_live_mob_at_the_top_and_not_in_past_mobs(client: Client) -> None:
    live = started(30, title="Cash mob at the Corner Bookshop (now)")
    past = ReportedMobFactory(business__chapter=live.chapter)
    upcoming = PublishedMobFactory(
        business__chapter=live.chapter, starts_at=NOW + timedelta(days=3)
    )
    response = client.get(live.chapter.get_absolute_url())
    assert response.context["live_mobs"] == [live]
    assert response.context["upcoming_mobs"] == [upcoming]
    assert response.context["past_mobs"] == [past]
    body = response.content.decode()
    top, rest = _sections(body)
    assert live.title in top
    assert reverse("checkin:tally", kwargs={"slug": live.slug}) in top
    assert live.title not in rest
    assert body.index('id="live-now"') < body.index('id="upcoming-title"')


def test_chapter_page_lists_a_live_mob_in_past_mobs_once_its_grace_is_over(
    client: Client,
) -> None:
    """Still marked live (the scheduler has not closed it yet) but long over: past, 'Over'."""
    over = started(5 * 60, hours=2)
    response = client.get(over.chapter.get_absolute_url())
    assert response.context["live_mobs"] == []
    assert response.context["past_mobs"] == [over]
    assert 'id="live-now"' not in response.content.decode()


def test_home_shows_a_live_mob_at_the_top_and_not_among_upcoming(client: Client) -> None:
    live = started(30, title="Live at the Vinyl Hut")
    soon = PublishedMobFactory(starts_at=NOW + timedelta(days=1))
    response = client.get(reverse("home"))
    assert response.context["live_mobs"] == [live]
    assert response.context["upcoming"] == [soon]
    top, rest = _sections(response.content.decode())
    assert live.title in top
    assert reverse("checkin:tally", kwargs={"slug": live.slug}) in top
    assert live.title not in rest


def test_shop_page_shows_its_live_mob_at_the_top_and_not_in_its_list(client: Client) -> None:
    live = started(30, title="Live at the Hardware Store")
    earlier = ReportedMobFactory(business=live.business, title="Last spring mob")
    response = client.get(live.business.get_absolute_url())
    assert response.context["live_mobs"] == [live]
    assert response.context["mobs"] == [earlier]
    top, rest = _sections(response.content.decode())
    assert live.title in top
    assert reverse("checkin:tally", kwargs={"slug": live.slug}) in top
    assert live.title not in rest
    assert earlier.title in rest


def test_shop_page_keeps_a_secret_live_mob_off_its_page(client: Client) -> None:
    """The shop is kept secret until reveal_at: its own page must not give it away."""
    secret = started(30, reveal_at=NOW + timedelta(minutes=20), title="Secret at the Shop")
    response = client.get(secret.business.get_absolute_url())
    assert response.context["live_mobs"] == []
    assert "Secret at the Shop" not in response.content.decode()
