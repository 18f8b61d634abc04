"""Accessibility violations found once and fixed: each keeps its own regression test."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .support import FIXED_VIOLATIONS, Browsing, axe_violations, log_in


def _violations_of(page: Page, name: str, *, dark: bool = False) -> list[str]:
    rule, piece, _ = FIXED_VIOLATIONS[name]
    page.emulate_media(color_scheme="dark" if dark else "light")
    return [v for v in axe_violations(page) if v.startswith(f"{rule}:") and piece in v]


@pytest.mark.e2e
def test_a11y_flash_messages_are_a_valid_list(browsing: Browsing) -> None:
    """A page showing a flash message (here: after signing in) has a valid list of messages."""
    page = browsing.page()
    log_in(page, "member@demo.cashmob.org")
    assert page.locator(".messages").count() == 1
    assert not _violations_of(page, "messages-list")


@pytest.mark.e2e
def test_a11y_map_attribution_has_contrast_in_dark_mode(browsing: Browsing) -> None:
    """The map's attribution links are readable in dark mode."""
    page = browsing.page()
    log_in(page, "member@demo.cashmob.org")
    page.goto("/shops/nominate/buffalo/")
    found = _violations_of(page, "map-attribution-dark", dark=True)
    found += _violations_of(page, "map-attribution-osm-dark", dark=True)
    assert not found


@pytest.mark.e2e
def test_a11y_shop_map_has_no_nested_interactive_controls(browsing: Browsing) -> None:
    """A shop's page with its small map has no interactive element nested in another."""
    page = browsing.page()
    page.goto("/shops/elmwood-village-books/")
    page.locator(".map.is-ready").wait_for()
    assert not _violations_of(page, "shop-map-nested-interactive")
