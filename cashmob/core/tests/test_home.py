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


# --- Near you ----------------------------------------------------------------------------


def _malmo_and_lyon() -> tuple[object, object]:
    malmo = ChapterFactory(
        slug="malmo",
        name="Cash Mob Malmö",
        city="Malmö",
        country="SE",
        time_zone="Europe/Stockholm",
        language="sv",
        currency="SEK",
        default_pledge_minor=20_000,
        latitude="55.604981",
        longitude="13.003822",
    )
    lyon = ChapterFactory(
        slug="lyon",
        name="Cash Mob Lyon",
        city="Lyon",
        latitude="45.764043",
        longitude="4.835659",
    )
    return malmo, lyon


def _near_you(body: str) -> str:
    start = body.index('id="near-you"')
    return body[start : body.index("</section>", start)]


def test_home_near_you_follows_the_time_zone_cookie(client) -> None:  # type: ignore[no-untyped-def]
    """A visitor in Sweden sees Malmö's mobs under "near Malmö", and Lyon's apart."""
    malmo, lyon = _malmo_and_lyon()
    in_lyon = PublishedMobFactory(business__chapter=lyon, starts_at=timezone.now() + timedelta(1))
    in_malmo = PublishedMobFactory(
        business__chapter=malmo, starts_at=timezone.now() + timedelta(days=20)
    )
    client.cookies["cashmob_tz"] = "Europe/Stockholm"
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["suggested"] == malmo
    assert response.context["upcoming_near"] == [in_malmo]
    assert response.context["upcoming_elsewhere"] == [in_lyon]
    assert response.context["chapters"][0] == malmo
    near = _near_you(response.content.decode())
    assert "Upcoming mobs near Malmö" in near
    assert near.index(in_malmo.title) < near.index(in_lyon.title)


def test_home_near_you_follows_a_shared_position(client) -> None:  # type: ignore[no-untyped-def]
    """The position cookie (set by "Use my location") wins over the time zone."""
    _malmo, lyon = _malmo_and_lyon()
    client.cookies["cashmob_tz"] = "Europe/Stockholm"
    client.cookies["cashmob_near"] = "45.75_4.85"
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["suggested"] == lyon
    assert [c.slug for c in response.context["chapters"]] == ["lyon", "malmo"]
    body = response.content.decode()
    assert "Nearest to the position you shared" in body
    assert "km away" in body


def test_home_hero_gives_the_pledge_in_the_suggested_chapters_currency(client) -> None:  # type: ignore[no-untyped-def]
    _malmo_and_lyon()
    client.cookies["cashmob_tz"] = "Europe/Stockholm"
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "spends about SEK200 at full price" in body


def test_home_hero_names_no_currency_without_a_chapter_near(client) -> None:  # type: ignore[no-untyped-def]
    """Nothing suggests a chapter (Japan, Japanese): no currency is guessed for the visitor."""
    _malmo_and_lyon()
    client.cookies["cashmob_tz"] = "Asia/Tokyo"
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.context["suggested"] is None
    body = response.content.decode()
    assert "about 20 in the local currency" in body
    assert "spends about 20 at full price" not in body


def test_home_offers_to_start_a_chapter_when_none_is_near(client) -> None:  # type: ignore[no-untyped-def]
    _malmo_and_lyon()
    client.cookies["cashmob_near"] = "35.68_139.69"  # Tokyo
    near = _near_you(client.get(reverse("home")).content.decode())
    assert "No chapter near you yet" in near
    assert reverse("chapters:request") in near
    assert "Cash Mob Malmö" in near  # the nearest, named


def test_home_does_not_offer_to_start_a_chapter_with_one_near(client) -> None:  # type: ignore[no-untyped-def]
    _malmo_and_lyon()
    client.cookies["cashmob_tz"] = "Europe/Paris"
    near = _near_you(client.get(reverse("home")).content.decode())
    assert reverse("chapters:request") not in near


def test_home_use_my_location_is_offered_and_find_a_mob_leads_to_it(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get(reverse("home")).content.decode()
    assert 'href="#near-you"' in body
    assert "data-near-locate" in _near_you(body)
    assert "js/near" in body


def test_home_house_rules_are_not_buttons(client) -> None:  # type: ignore[no-untyped-def]
    """The four house rules are plain text: no link, no button, nothing to tap."""
    body = client.get(reverse("home")).content.decode()
    start = body.index('class="hero__rules"')
    rules = body[start : body.index("</ul>", start)]
    assert "<a " not in rules
    assert "<button" not in rules


def test_footer_join_a_chapter_leads_to_the_chapters_near_you(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get(reverse("chapters:list")).content.decode()
    footer = body[body.index("<footer") :]
    assert f'href="{reverse("home")}#chapters-near">Join a chapter</a>' in footer
    assert reverse("account_signup") not in footer
    assert f'href="{reverse("chapters:request")}">Start a chapter</a>' in footer
    home = client.get(reverse("home")).content.decode()
    assert 'id="chapters-near"' in home


def test_home_query_count_with_every_clue_is_fixed(client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """Position, time zone, live and upcoming mobs: chapters near, live, upcoming, results."""
    malmo, lyon = _malmo_and_lyon()
    for chapter in (malmo, lyon):
        PublishedMobFactory(business__chapter=chapter)
        ReportedMobFactory(business__chapter=chapter)
    client.cookies["cashmob_tz"] = "Europe/Stockholm"
    client.cookies["cashmob_near"] = "55.6_13.0"
    with django_assert_max_num_queries(4):
        assert client.get(reverse("home")).status_code == 200
