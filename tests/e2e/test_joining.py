"""Joining in: signing up with a verified email, joining a chapter, nominating a shop."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from . import world
from .support import Browsing, check_a11y, screenshot


@pytest.mark.e2e
def test_joining_sign_up_and_verify_email(browsing: Browsing, viewport: dict) -> None:
    """A new person signs up, follows the link mailed to them, and is signed in."""
    email = f"new-{uuid.uuid4().hex[:10]}@e2e.example"
    page = browsing.page(viewport=viewport)
    page.goto("/accounts/signup/")
    check_a11y(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("a long journey 7 pass")
    page.get_by_label("Password (again)").fill("a long journey 7 pass")
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    check_a11y(page)

    link = browsing.server.wait_for_link(email, r"http://\S+/accounts/confirm-email/\S+")
    page.goto(link)
    check_a11y(page)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    page.goto("/me/")
    expect(page.get_by_role("main")).to_contain_text(email)
    check_a11y(page)


@pytest.mark.e2e
def test_joining_chapter_and_nominating_a_shop(browsing: Browsing, viewport: dict) -> None:
    """A signed-in person joins Cash Mob Buffalo and nominates a shop it does not list yet."""
    tag = f"join{viewport['width']}"
    person = world.people(browsing.server, tag, {"p": ""})["p"]
    page = browsing.signed_in(person, viewport=viewport)
    page.goto("/chapters/buffalo/")
    check_a11y(page)
    page.get_by_role("button", name="Join this chapter").click()
    expect(page.get_by_role("main")).to_contain_text("You are in this chapter (Member).")
    check_a11y(page)

    page.get_by_role("link", name="Nominate a shop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominate a shop")
    check_a11y(page)
    name = f"Journey Hardware {tag}"
    shop = page.get_by_role("group", name="The shop")
    shop.get_by_role("textbox", name="Name").fill(name)
    shop.get_by_role("combobox", name="Category").select_option(label="Hardware and garden")
    page.get_by_role("textbox", name="Street address").fill("12 Allen Street")
    page.get_by_role("combobox", name="Country").select_option(label="United States of America")
    # Typed rather than clicked on the map: the map's tiles come from the internet.
    page.get_by_role("spinbutton", name="Latitude").fill("42.9036")
    page.get_by_role("spinbutton", name="Longitude").fill("-78.8712")
    # The map's pin follows, drawn with Leaflet's own image (served with a hashed name).
    pin = page.locator(".leaflet-marker-icon")
    expect(pin).to_be_visible()
    expect(pin).to_have_attribute("src", re.compile(r"/static/leaflet/images/marker-icon"))
    # Visible comes before loaded: wait (up to the default timeout) for the image itself.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pin.element_handle())
    checklist = page.get_by_role("group", name="Is it a shop for a cash mob?")
    for question in (
        "Is it locally owned?",
        "Is it independent, not a chain or franchise?",
        "Can a mobber buy something for the pledge (about 20)?",
        "Can it take a crowd?",
        "Does it give back to its community?",
    ):
        checklist.get_by_role("group", name=question).get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Nominate this shop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    check_a11y(page)
    screenshot(page, f"shop-{'phone' if viewport['width'] < 500 else 'desktop'}")
