"""The mob page: shop, time in the chapter's zone, meeting point, pledge, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.mobs.models import MobStatus
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory, ReportedMobFactory

pytestmark = pytest.mark.django_db


def test_mob_page_shows_time_in_the_chapters_zone(client, time_machine) -> None:  # type: ignore[no-untyped-def]
    """18:00 UTC in July is 14:00 in New York: the page shows the local time."""
    time_machine.move_to(datetime(2027, 6, 1, 12, 0, tzinfo=UTC))
    chapter = ChapterFactory(time_zone="America/New_York", currency="USD", language="en")
    starts = datetime(2027, 7, 1, 18, 0, tzinfo=UTC)
    mob = PublishedMobFactory(
        business__chapter=chapter,
        business__name="Talking Leaves Books",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        meeting_point="Elmwood & Bidwell corner",
        pledge_minor=2000,
    )
    response = client.get(mob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Talking Leaves Books" in body
    assert "Thursday, 1 July 2027, " in body
    assert "14:00–16:00 EDT" in body
    assert "America/New_York" not in body
    assert "Elmwood &amp; Bidwell corner" in body
    assert "$20.00" in body
    assert str(MobStatus.PUBLISHED.label) in body


def test_mob_page_of_an_unpublished_mob_is_hidden_from_the_public(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory()
    assert client.get(mob.get_absolute_url()).status_code == 404


def test_mob_page_of_an_unpublished_mob_is_visible_to_its_organisers(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory()
    organiser = OrganiserFactory(chapter=mob.chapter).user
    client.force_login(organiser)
    assert client.get(mob.get_absolute_url()).status_code == 200
    client.force_login(UserFactory())
    assert client.get(mob.get_absolute_url()).status_code == 404


def test_mob_page_keeps_a_secret_shop_secret_until_the_reveal(client) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory(
        business__name="Hidden Gem Hardware",
        reveal_at=timezone.now() + timedelta(hours=3),
        meeting_point="The fountain on the main square",
    )
    body = client.get(mob.get_absolute_url()).content.decode()
    assert "Hidden Gem Hardware" not in body
    assert mob.business.address not in body
    assert "The fountain on the main square" in body


def test_mob_page_shows_reported_and_confirmed_totals_apart(client) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR", language="fr")
    mob = ReportedMobFactory(
        business__chapter=chapter, reported_total_minor=87_500, confirmed_total_minor=91_230
    )
    body = client.get(mob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€875" in body
    assert "€912.30" in body
    assert "€1,787" not in body


def test_mob_page_query_count_is_fixed(client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    mob = ReportedMobFactory()
    with django_assert_max_num_queries(2):
        assert client.get(mob.get_absolute_url()).status_code == 200


def test_mob_page_unknown_slug_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("mobs:detail", kwargs={"slug": "nope"})).status_code == 404


def test_mob_page_query_count_for_a_member_going_is_fixed(
    client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """An upcoming mob seen by someone who said yes: their RSVP, wave and calendar links
    come in a fixed number of queries."""
    from cashmob.accounts.tests.factories import UserFactory
    from cashmob.rsvps.services import rsvp_create

    mob = PublishedMobFactory(capacity=50, tipping_point=10)
    member = UserFactory()
    rsvp_create(mob=mob, user=member, pledge_minor=mob.pledge_minor, currency=mob.currency)
    client.force_login(member)
    client.get(mob.get_absolute_url())
    with django_assert_max_num_queries(8):
        assert client.get(mob.get_absolute_url()).status_code == 200
