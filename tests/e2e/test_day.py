"""The day of the mob: check in by code, report spends, a live tally, the shop's total."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from . import world
from .support import Browsing, check_a11y, screenshot


def _check_in_and_report(page: Page, *, slug: str, code: str, amount: str) -> None:
    page.goto(f"/day/{slug}/me/")
    check_a11y(page)
    page.get_by_label("Code shown in the shop").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("main").get_by_role("status").filter(has_text="Since")).to_contain_text(
        "You are checked in."
    )
    check_a11y(page)
    page.get_by_role("textbox", name="What you spent").fill(amount)
    page.get_by_role("button", name="Send my report").click()
    expect(page.get_by_text("Thank you: your spend is on the tally.")).to_be_visible()


@pytest.mark.e2e
def test_day_live_tally_updates_without_reload(browsing: Browsing, viewport: dict) -> None:
    """Two mobbers check in by the shop's code and report; a third screen sees the total grow."""
    tag = f"day{viewport['width']}"
    people = world.people(browsing.server, tag, {"org": "organiser", "a": "member", "b": "member"})
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug=f"{tag}-live",
        starts_in_minutes=-5,
        rsvps=(people["a"], people["b"]),
    )
    watcher = browsing.page(viewport=viewport)
    watcher.goto(f"/live/{mob['slug']}/")
    reported = watcher.locator('[data-field="reported"]')
    expect(reported).to_have_text("$0")
    expect(watcher.locator("[data-connection]")).to_have_text("Updating live")
    check_a11y(watcher)
    # A reload would lose this mark: the figures must change in place.
    watcher.evaluate("window.__sameDocument = true")

    first = browsing.signed_in(people["a"], viewport=viewport)
    second = browsing.signed_in(people["b"], viewport=viewport)
    _check_in_and_report(first, slug=mob["slug"], code=mob["code"], amount="25.00")
    expect(reported).to_have_text("$25")
    checked_in = watcher.locator('[data-plural-of="checkins"]')
    expect(checked_in).to_have_text("mobber checked in")  # the label follows its count
    _check_in_and_report(second, slug=mob["slug"], code=mob["code"].lower(), amount="30.50")

    expect(reported).to_have_text("$55.50")
    expect(watcher.locator('[data-field="checkins"]')).to_have_text("2")
    expect(checked_in).to_have_text("mobbers checked in")
    expect(watcher.locator('[data-field="reports"]')).to_have_text("2")
    assert watcher.evaluate("window.__sameDocument === true")
    screenshot(watcher, f"tally-{'phone' if viewport['width'] < 500 else 'desktop'}")


@pytest.mark.e2e
def test_day_guest_checks_in_and_reports_from_the_emailed_link(
    browsing: Browsing, viewport: dict
) -> None:
    """A guest who said yes without an account checks in and reports from their own link."""
    tag = f"guest{viewport['width']}"
    people = world.people(browsing.server, tag, {"org": "organiser"})
    email = f"{tag}-ada@guest.example"
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug=f"{tag}-live",
        starts_in_minutes=-5,
        guests=(("Ada", email),),
    )
    link = browsing.server.wait_for_link(email, r"http://\S+/day/\S+/guest/\S+/")
    page = browsing.page(viewport=viewport)  # no account, no session
    page.goto(link[link.index("/day/") :])  # written by the set-up script, not the server
    expect(page.get_by_role("heading", name="Your check-in code")).to_be_visible()
    check_a11y(page)
    page.get_by_role("textbox", name="Code shown in the shop").fill(mob["code"])
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("You are checked in. Welcome!")).to_be_visible()
    check_a11y(page)
    page.get_by_role("textbox", name="What you spent").fill("18.75")
    page.get_by_role("button", name="Send my report").click()
    expect(page.get_by_text("Thank you: your spend is on the tally.")).to_be_visible()
    screenshot(page, f"guest-day-{'phone' if viewport['width'] < 500 else 'desktop'}")
    page.goto(f"/live/{mob['slug']}/")
    expect(page.locator('[data-field="reported"]')).to_have_text("$18.75")


@pytest.mark.e2e
def test_day_owner_confirms_till_total_and_both_figures_show(
    browsing: Browsing, viewport: dict
) -> None:
    """After the mob closes, the shop confirms its till from its private link, no account."""
    tag = f"own{viewport['width']}"
    people = world.people(browsing.server, tag, {"org": "organiser", "a": "member", "b": "member"})
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug=f"{tag}-closed",
        starts_in_minutes=-190,
        rsvps=(people["a"], people["b"]),
        reports=((people["a"], "20.00"), (people["b"], "40.00")),
        close=True,
    )
    owner = browsing.page(viewport=viewport)
    owner.goto(f"/day/owner/{mob['owner_token']}/")
    expect(owner.get_by_role("heading", level=1)).to_have_text(f"E2E mob {mob['slug']}")
    check_a11y(owner)
    owner.get_by_label("Till total during the mob").fill("75.25")
    owner.get_by_role("button", name="Confirm the total").click()
    expect(owner.get_by_role("button", name="Update the total")).to_be_visible()
    check_a11y(owner)

    owner.goto(f"/mobs/{mob['slug']}/")
    main = owner.get_by_role("main")
    expect(main).to_contain_text("$75.25")
    expect(main).to_contain_text("$60")
    check_a11y(owner)
    owner.goto(f"/live/{mob['slug']}/")
    expect(owner.locator('[data-field="confirmed"]')).to_have_text("$75.25")
    expect(owner.locator('[data-field="reported"]')).to_have_text("$60")
    check_a11y(owner)


@pytest.mark.e2e
def test_day_closed_mob_shows_reported_and_confirmed_figures(browsing: Browsing) -> None:
    """Once the shop's total is in, the mob is reported and shows both figures, never added."""
    people = world.people(browsing.server, "fig", {"org": "organiser", "a": "member"})
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug="fig-reported",
        starts_in_minutes=-190,
        rsvps=(people["a"],),
        reports=((people["a"], "20.00"),),
        close=True,
        confirm="31.40",
    )
    page = browsing.page()
    page.goto(f"/mobs/{mob['slug']}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("$31.40")
    expect(main).to_contain_text("$20")
    check_a11y(page)
    screenshot(page, "results-desktop")
    page.goto(f"/live/{mob['slug']}/")
    expect(page.locator('[data-field="confirmed"]')).to_have_text("$31.40")
    expect(page.locator('[data-field="reported"]')).to_have_text("$20")
    check_a11y(page)


def _tab_to(page: Page, locator, *, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail("Tab never reached the field")


@pytest.mark.e2e
def test_day_check_in_and_report_keyboard_only(browsing: Browsing) -> None:
    """Checking in by the shop's code and reporting a spend work with Tab and Enter alone."""
    people = world.people(browsing.server, "kbdday", {"org": "organiser", "a": "member"})
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug="kbdday-live",
        starts_in_minutes=-5,
        rsvps=(people["a"],),
    )
    page = browsing.signed_in(people["a"])
    page.goto(f"/day/{mob['slug']}/me/")
    code = page.get_by_label("Code shown in the shop")
    _tab_to(page, code)
    page.keyboard.type(mob["code"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("main").get_by_role("status").filter(has_text="Since")).to_contain_text(
        "You are checked in."
    )
    amount = page.get_by_role("textbox", name="What you spent")
    _tab_to(page, amount)
    page.keyboard.type("42.50")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your spend is on the tally.")).to_be_visible()
