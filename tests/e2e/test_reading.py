"""The reading pages anyone reaches first, on a desktop and a phone, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import Browsing, check_a11y, screenshot, settle

#: (name, path, the h1 it shows); the mob is a published upcoming one from the demo world.
PAGES = [
    ("home", "/", None),
    ("chapters", "/chapters/", None),
    ("chapter", "/chapters/buffalo/", "Cash Mob Buffalo"),
    ("mob", "/mobs/buffalo-larkinville-paper-co/", "Cash mob at Larkinville Paper Co."),
    ("results", "/mobs/buffalo-allentown-vinyl/", None),
    ("login", "/accounts/login/", "Sign In"),
]


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_reading_page_is_accessible(
    browsing: Browsing, viewport: dict, name: str, path: str, heading: str | None
) -> None:
    """Each page answers, has one h1, a language, and no WCAG A/AA violation, light or dark."""
    page = browsing.page(viewport=viewport)
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading:
        expect(h1).to_have_text(heading)
    assert page.evaluate("document.documentElement.lang") == "en"
    check_a11y(page)
    device = "phone" if viewport["width"] < 500 else "desktop"
    screenshot(page, f"{name}-{device}")
    page.emulate_media(color_scheme="dark")
    settle(page)
    screenshot(page, f"{name}-{device}-dark")


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "path", "heading"), PAGES[:4], ids=[p[0] for p in PAGES[:4]])
def test_reading_page_without_javascript(
    browsing: Browsing, name: str, path: str, heading: str | None
) -> None:
    """With JavaScript off the page still shows its content and its links lead somewhere."""
    page = browsing.page(java_script_enabled=False)
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    if heading:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("main")).not_to_be_empty()
    if name == "mob":
        expect(page.get_by_role("region", name="Join this mob")).to_be_visible()
