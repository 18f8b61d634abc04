"""Chapters near the visitor: a shared position first, else their home chapter, time zone
and language, else the busiest chapters; and what the request tells of the visitor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from cashmob.chapters.models import Chapter
from cashmob.chapters.selectors import NEAR_KM, chapter_list_near
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.core.visitor import (
    POSITION_COOKIE,
    TIME_ZONE_COOKIE,
    Whereabouts,
    whereabouts_from_request,
)
from cashmob.mobs.tests.factories import PublishedMobFactory

pytestmark = pytest.mark.django_db

MALMO = (55.60, 13.00)
BERLIN = (52.52, 13.40)
FIJI = (-18.14, 178.44)


@pytest.fixture
def world() -> dict[str, Chapter]:
    """Five chapters on three continents, as in the demo world."""
    rows = {
        "lyon": ("FR", "Europe/Paris", "fr", "EUR", "45.764043", "4.835659"),
        "malmo": ("SE", "Europe/Stockholm", "sv", "SEK", "55.604981", "13.003822"),
        "buffalo": ("US", "America/New_York", "en", "USD", "42.886447", "-78.878369"),
        "melbourne": ("AU", "Australia/Melbourne", "en", "AUD", "-37.813629", "144.963058"),
        "torino": ("IT", "Europe/Rome", "it", "EUR", "45.070312", "7.686856"),
    }
    return {
        slug: ChapterFactory(
            slug=slug,
            name=f"Cash Mob {slug.title()}",
            city=slug.title(),
            country=country,
            time_zone=zone,
            language=language,
            currency=currency,
            latitude=lat,
            longitude=lng,
        )
        for slug, (country, zone, language, currency, lat, lng) in rows.items()
    }


def slugs(chapters: list[Chapter]) -> list[str]:
    return [chapter.slug for chapter in chapters]


def test_chapter_list_near_a_shared_position_puts_the_nearest_first(world: Any) -> None:
    found = chapter_list_near(whereabouts=Whereabouts(position=MALMO, language="en"))
    assert found.basis == "position"
    assert slugs(found.chapters)[0] == "malmo"
    assert slugs(found.near) == ["malmo"]
    assert found.chapters[0].distance_km < 1
    distances = [chapter.distance_km for chapter in found.chapters]
    assert distances == sorted(distances)


def test_chapter_list_near_a_position_far_from_any_chapter_has_none_near(world: Any) -> None:
    """In Berlin the nearest chapter (Malmö, some 400 km) is listed first, but is not near."""
    found = chapter_list_near(whereabouts=Whereabouts(position=BERLIN, language="de"))
    assert slugs(found.chapters)[0] == "malmo"
    assert found.chapters[0].distance_km > NEAR_KM
    assert found.near == []
    assert found.suggested is None


def test_chapter_list_near_a_position_counts_across_the_antimeridian(world: Any) -> None:
    """From Fiji, Melbourne (west) is nearer than Buffalo (east, the short way round)."""
    found = chapter_list_near(whereabouts=Whereabouts(position=FIJI))
    assert slugs(found.chapters)[:2] == ["melbourne", "buffalo"]


def test_chapter_list_near_a_position_outranks_time_zone_and_language(world: Any) -> None:
    found = chapter_list_near(
        whereabouts=Whereabouts(position=MALMO, time_zone="Europe/Rome", language="it")
    )
    assert found.suggested == world["malmo"]


def test_chapter_list_near_a_time_zone_suggests_its_chapter(world: Any) -> None:
    """A Swede whose browser speaks British English: the time zone says where they are."""
    found = chapter_list_near(
        whereabouts=Whereabouts(time_zone="Europe/Stockholm", language="en", region="GB")
    )
    assert found.basis == "hint"
    assert found.suggested == world["malmo"]
    assert slugs(found.near) == ["malmo"]


def test_chapter_list_near_a_time_zone_suggests_chapters_of_its_country(world: Any) -> None:
    """Chicago has no chapter, but its time zone is in the United States, as Buffalo."""
    found = chapter_list_near(whereabouts=Whereabouts(time_zone="America/Chicago", language="en"))
    assert found.suggested == world["buffalo"]


def test_chapter_list_near_a_time_zone_without_chapters_orders_by_distance(world: Any) -> None:
    """Jakarta's country has no chapter: none is near, the nearest to Jakarta come first."""
    found = chapter_list_near(whereabouts=Whereabouts(time_zone="Asia/Jakarta", language="id"))
    assert found.near == []
    assert slugs(found.chapters)[0] == "melbourne"
    assert slugs(found.chapters)[-1] == "buffalo"


def test_chapter_list_near_a_time_zone_outweighs_the_language_for_the_rest(world: Any) -> None:
    """In Tokyo with an English browser: no chapter is near, and Melbourne is nearer than
    Buffalo, English or not."""
    found = chapter_list_near(
        whereabouts=Whereabouts(time_zone="Asia/Tokyo", language="en", region="GB")
    )
    assert found.near == []
    assert slugs(found.chapters)[0] == "melbourne"


def test_chapter_list_near_the_language_alone_suggests_a_country(world: Any) -> None:
    """No time zone yet (a first visit): Italian suggests Italy."""
    found = chapter_list_near(whereabouts=Whereabouts(language="it"))
    assert found.suggested == world["torino"]


def test_chapter_list_near_the_accept_language_country_beats_the_languages(
    world: Any,
) -> None:
    """fr-CA: Canada, not France, though French is most spoken in France."""
    montreal = ChapterFactory(
        slug="montreal", country="CA", time_zone="America/Toronto", language="fr"
    )
    found = chapter_list_near(whereabouts=Whereabouts(language="fr", region="CA"))
    assert slugs(found.near) == ["montreal"]
    assert slugs(found.chapters)[:2] == [montreal.slug, "lyon"]


def test_chapter_list_near_puts_the_home_chapter_first(world: Any) -> None:
    found = chapter_list_near(
        whereabouts=Whereabouts(time_zone="Europe/Stockholm", language="sv"),
        home_chapter_id=world["torino"].pk,
    )
    assert slugs(found.chapters)[:2] == ["torino", "malmo"]
    assert found.basis == "home"
    assert slugs(found.near) == ["torino", "malmo"]


def test_chapter_list_near_without_any_clue_lists_the_busiest_first(world: Any) -> None:
    PublishedMobFactory(business__chapter=world["melbourne"])
    found = chapter_list_near(whereabouts=Whereabouts())
    assert found.basis == ""
    assert found.near == []
    assert slugs(found.chapters)[0] == "melbourne"


def test_chapter_list_near_leaves_out_chapters_not_active(world: Any) -> None:
    ChapterFactory(slug="pending-malmo", latitude="55.6", longitude="13.0", status="pending")
    found = chapter_list_near(whereabouts=Whereabouts(position=MALMO))
    assert "pending-malmo" not in slugs(found.chapters)


def test_chapter_list_near_reads_one_query(world: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        chapter_list_near(whereabouts=Whereabouts(position=MALMO, time_zone="Europe/Rome"))


# --- What the request tells ------------------------------------------------------------


def test_whereabouts_from_request_reads_the_cookies_and_the_language() -> None:
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    request.COOKIES[POSITION_COOKIE] = "45.76401_4.83566"
    request.COOKIES[TIME_ZONE_COOKIE] = "America/Toronto"
    request.LANGUAGE_CODE = "fr"  # type: ignore[attr-defined]
    seen = whereabouts_from_request(request)
    assert seen == Whereabouts(
        position=(45.76, 4.84), time_zone="America/Toronto", language="fr", region="CA"
    )


@pytest.mark.parametrize(
    ("position", "zone"),
    [("north_pole", "Mars/Olympus"), ("91_0", "../etc/passwd"), ("nan_1", ""), ("", "x" * 200)],
)
def test_whereabouts_from_request_ignores_what_is_not_a_place(position: str, zone: str) -> None:
    request = RequestFactory().get("/")
    request.COOKIES[POSITION_COOKIE] = position
    request.COOKIES[TIME_ZONE_COOKIE] = zone
    seen = whereabouts_from_request(request)
    assert seen.position is None
    assert seen.time_zone == ""
