"""Saying yes to a mob: pledges, capacity, the waiting list; by mouse, keyboard, no JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from . import world
from .support import Browsing, check_a11y, screenshot


def _rsvp(page: Page, slug: str, *, pledge: str, button: str = "I'm in") -> None:
    page.goto(f"/mobs/{slug}/")
    rsvp = page.get_by_role("region", name="Join this mob")
    rsvp.get_by_role("textbox", name="Your pledge").fill(pledge)
    rsvp.get_by_role("button", name=button).click()


@pytest.mark.e2e
def test_rsvp_capacity_waiting_list_and_promotion(browsing: Browsing, viewport: dict) -> None:
    """Three people pledge for two places: the third waits, and gets the place freed by a cancel."""
    tag = f"rsvp{viewport['width']}"
    people = world.people(
        browsing.server,
        tag,
        {"org": "organiser", "a": "member", "b": "member", "c": "member"},
    )
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug=f"{tag}-cap",
        starts_in_minutes=3 * 24 * 60,
        capacity=2,
    )
    slug = mob["slug"]
    first = browsing.signed_in(people["a"], viewport=viewport)
    second = browsing.signed_in(people["b"], viewport=viewport)
    third = browsing.signed_in(people["c"], viewport=viewport)

    _rsvp(first, slug, pledge="20.00")
    expect(first.get_by_text("You're going!")).to_be_visible()
    expect(first.get_by_role("region", name="Join this mob")).to_contain_text("Your pledge: $20")
    check_a11y(first)
    _rsvp(second, slug, pledge="35")
    expect(second.get_by_role("region", name="Join this mob")).to_contain_text("You're going.")

    third.goto(f"/mobs/{slug}/")
    expect(third.get_by_text("The mob is full")).to_be_visible()
    check_a11y(third)
    _rsvp(third, slug, pledge="20", button="Join the waiting list")
    panel = third.get_by_role("region", name="Join this mob")
    expect(panel).to_contain_text("You're number 1 on the waiting list.")
    check_a11y(third)

    first.get_by_role("button", name="I can't come after all").click()
    expect(first.get_by_text("Your RSVP is cancelled.")).to_be_visible()

    # The waiting list moves on at once: the freed place goes to the first in line.
    third.reload()
    expect(third.get_by_role("region", name="Join this mob")).to_contain_text("You're going.")
    third.goto("/rsvp/mine/")
    expect(third.get_by_role("main")).to_contain_text(f"E2E mob {slug}")
    check_a11y(third)


@pytest.mark.e2e
def test_rsvp_keyboard_only(browsing: Browsing) -> None:
    """The RSVP form works with Tab and Enter alone, and focus is always visible."""
    people = world.people(browsing.server, "kbd", {"org": "organiser", "a": "member"})
    mob = world.published_mob(
        browsing.server, organiser=people["org"], slug="kbd-mob", starts_in_minutes=4 * 24 * 60
    )
    page = browsing.signed_in(people["a"])
    page.goto(f"/mobs/{mob['slug']}/")
    pledge = page.get_by_role("textbox", name="Your pledge")
    for _ in range(80):
        page.keyboard.press("Tab")
        if pledge.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the pledge field")
    # Visible focus: the focused field draws an outline or a ring.
    style = pledge.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    assert style[0] != "none" or style[2] != "none", style
    page.keyboard.press("Control+A")
    page.keyboard.type("25")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "I'm in"
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Join this mob")).to_contain_text("Your pledge: $25")


@pytest.mark.e2e
def test_rsvp_skip_link_reaches_main_content(browsing: Browsing) -> None:
    """The first Tab stop is a skip link that moves focus past the site navigation."""
    page = browsing.page()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.e2e
def test_rsvp_without_javascript(browsing: Browsing) -> None:
    """With JavaScript off, the home page, a mob page and its RSVP form all work."""
    people = world.people(browsing.server, "nojs", {"org": "organiser", "a": "member"})
    mob = world.published_mob(
        browsing.server, organiser=people["org"], slug="nojs-mob", starts_in_minutes=5 * 24 * 60
    )
    page = browsing.signed_in(people["a"], java_script_enabled=False)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/chapters/buffalo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cash Mob Buffalo")
    _rsvp(page, mob["slug"], pledge="22.50")
    expect(page.get_by_role("region", name="Join this mob")).to_contain_text("Your pledge: $22.50")
    screenshot(page, "mob-nojs-desktop")
