"""The home page: upcoming mobs near the visitor, recent results, chapters; no N+1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory, ReportedMobFactory

pytestmark = pytest.mark.django_db


def test_home_empty_world_shows_empty_states(client) -> None:  # type: ignore[no-untyped-def]
    """A brand-new install still renders a useful home page."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["upcoming"] == []
    assert response.context["results"] == []


def test_home_lists_upcoming_and_results_but_not_unpublished(client) -> None:  # type: ignore[no-untyped-def]
    upcoming = PublishedMobFactory(title="Books at Shakespeare and Sons")
    result = ReportedMobFactory(title="Record day at Vinyl Hut")
    hidden = MobFactory(title="Secret planning")
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert upcoming.title in body
    assert result.title in body
    assert hidden.title not in body


def test_home_result_shows_raised_amount_in_chapter_currency(client) -> None:  # type: ignore[no-untyped-def]
    """ "Raised X in Y hours": the amount is formatted in the mob's own currency."""
    chapter = ChapterFactory(currency="SEK", language="sv", time_zone="Europe/Stockholm")
    ReportedMobFactory(
        business__chapter=chapter,
        reported_total_minor=590_000,
        confirmed_total_minor=None,
    )
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SEK" in body or "kr" in body
    assert "5,900" in body


def test_home_puts_the_visitors_chapter_first(client) -> None:  # type: ignore[no-untyped-def]
    """A signed-in mobber sees their home chapter's mobs before earlier mobs elsewhere."""
    mine = ChapterFactory()
    elsewhere = PublishedMobFactory(starts_at=timezone.now() + timedelta(days=1))
    local = PublishedMobFactory(
        business__chapter=mine, starts_at=timezone.now() + timedelta(days=9)
    )
    user = UserFactory(home_chapter=mine)
    client.force_login(user)
    upcoming = client.get(reverse("home")).context["upcoming"]
    assert upcoming[:2] == [local, elsewhere]


def test_home_query_count_does_not_grow_with_mobs(client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """Six upcoming mobs, six results and eight chapters cost a fixed number of queries."""
    for _ in range(6):
        PublishedMobFactory()
        ReportedMobFactory()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("home"))
    assert len(response.context["upcoming"]) == 6
    assert len(response.context["results"]) == 6


def test_favicon_ico_points_at_the_site_icon(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_home_query_count_for_a_member_does_not_grow_with_mobs(
    client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """Signed in, with a home chapter: the session, the person and their chapter's mobs
    add a fixed few queries, however many mobs there are."""
    from cashmob.chapters.tests.factories import MembershipFactory

    member = MembershipFactory().user
    member.home_chapter = member.memberships.get().chapter
    member.save()
    client.force_login(member)
    client.get(reverse("home"))

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured.captured_queries)

    PublishedMobFactory(business__chapter=member.home_chapter)
    ReportedMobFactory()
    few = count()
    for _ in range(5):
        PublishedMobFactory(business__chapter=member.home_chapter)
        ReportedMobFactory()
    # (Fewer, even: with few mobs in the home chapter, others nearby fill the list.)
    assert count() <= few
    with django_assert_max_num_queries(8):
        client.get(reverse("home"))
