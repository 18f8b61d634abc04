"""Near you: the home page and the map follow where the visitor is, as their browser says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import Browsing, check_a11y, screenshot

MALMO = {"latitude": 55.6050, "longitude": 13.0038}


@pytest.mark.e2e
def test_near_you_follows_the_time_zone_then_the_shared_position(
    browsing: Browsing, viewport: dict
) -> None:
    """A browser in New York's time zone first sees Buffalo's mobs; once it shares its
    position (in Malmö) the near-you list and the map's centre move to Malmö."""
    page = browsing.page(
        viewport=viewport,
        timezone_id="America/New_York",
        geolocation=MALMO,
        permissions=["geolocation"],
    )
    page.goto("/")
    near = page.locator("#near-you")
    # The first visit tells the server its time zone, and the section is redrawn.
    expect(near.get_by_role("heading", level=2)).to_have_text("Upcoming mobs near Buffalo")
    expect(page.locator("#hero-pledge")).to_contain_text("$20")
    check_a11y(page)

    page.get_by_role("link", name="Find a mob near you").click()
    near.get_by_role("button", name="Use my location").click()
    expect(near.get_by_role("heading", level=2)).to_have_text("Upcoming mobs near Malmö")
    expect(near).to_contain_text("Nearest to the position you shared")
    expect(page.locator("#chapters-near .card").first).to_contain_text("Cash Mob Malmö")
    expect(page.locator("#chapters-near .card").first).to_contain_text("km away")
    expect(page.locator("#hero-pledge")).to_contain_text("200")
    check_a11y(page)
    device = "phone" if viewport["width"] < 500 else "desktop"
    screenshot(page, f"home-near-you-{device}")

    page.goto("/shops/map/")
    the_map = page.locator(".map[data-center]")
    expect(the_map).to_have_count(1)
    lat, lng = (float(x) for x in (the_map.get_attribute("data-center") or "").split(","))
    assert abs(lat - MALMO["latitude"]) < 0.05
    assert abs(lng - MALMO["longitude"]) < 0.05

    # Forgetting the position goes back to the time zone's suggestion.
    page.goto("/")
    near.get_by_role("button", name="Forget my position").click()
    expect(near.get_by_role("heading", level=2)).to_have_text("Upcoming mobs near Buffalo")


@pytest.mark.e2e
def test_near_you_far_from_any_chapter_offers_to_start_one(
    browsing: Browsing, viewport: dict
) -> None:
    """In Tokyo's time zone, with no position shared: no chapter is near, starting one is
    offered, the hero guesses no currency and the map shows every chapter."""
    page = browsing.page(viewport=viewport, timezone_id="Asia/Tokyo")
    page.goto("/")
    near = page.locator("#near-you")
    expect(near).to_contain_text("No chapter near you yet")
    expect(near.get_by_role("link", name="Start a chapter")).to_have_attribute(
        "href", "/chapters/new/"
    )
    page.reload()  # the time zone is known from the start now, the hero too
    expect(page.locator("#hero-pledge")).to_contain_text("in the local currency")
    check_a11y(page)
    device = "phone" if viewport["width"] < 500 else "desktop"
    screenshot(page, f"home-far-{device}")

    page.goto("/shops/map/")
    the_map = page.locator(".map[data-center]")
    expect(the_map).to_have_count(1)
    lat, lng = (float(x) for x in (the_map.get_attribute("data-center") or "").split(","))
    # Between Melbourne, Buffalo and Malmö: not any one city.
    assert -40 < lat < 56
    assert -79 < lng < 145
