"""First contact on a phone: a mob's first screen says what, when, where, how much and how to
join, in every RSVP state and without JavaScript; the header is one compact row everywhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from . import world
from .support import DESKTOP, PHONE, Browsing, Server, check_a11y, screenshot

#: A published upcoming mob of the demo world with a two-line title on a phone.
DEMO_MOB = "/mobs/buffalo-larkinville-paper-co/"
#: The demo shop owner: signed in, the widest header (it adds "My shop").
DEMO_OWNER = "owner@demo.cashmob.org"
LANGUAGES = ("en", "fr", "de", "it", "sv")
#: One row of 44 px touch targets, its padding and the border: well under two rows.
COMPACT_HEADER = 64
#: Between the language code and its description in the language button's name.
DASH = "\N{EN DASH}"


def _inside_first_screen(page: Page, locator: Locator, what: str) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None, what
    height = page.viewport_size["height"] if page.viewport_size else 0
    assert box["y"] >= 0, f"{what} starts above the screen: {box}"
    assert box["y"] + box["height"] <= height, f"{what} ends below the first screen: {box}"


def _first_screen(page: Page, action: str) -> None:
    """Title, when, where, pledge and the join bar's ``action`` all on the first screen."""
    assert page.evaluate("window.scrollY") == 0
    _inside_first_screen(page, page.get_by_role("heading", level=1), "the title")
    for fact in ("when", "where", "pledge"):
        _inside_first_screen(page, page.locator(f"[data-fact={fact}]"), fact)
    bar = page.locator("[data-join-bar]")
    _inside_first_screen(page, bar.get_by_text(action, exact=True), f"the join bar's {action!r}")


def _secret(server: Server, slug: str) -> None:
    server.shell(
        "import json\nfrom datetime import timedelta\nfrom cashmob.mobs.models import Mob\n"
        f"mob = Mob.objects.get(slug={slug!r})\n"
        "Mob.objects.filter(pk=mob.pk).update(reveal_at=mob.starts_at - timedelta(hours=1))\n"
        "print(json.dumps(True))"
    )


@pytest.mark.e2e
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_first_screen_signed_out_sees_the_mob_and_says_yes(
    browsing: Browsing, javascript: bool
) -> None:
    """A visitor on a 360x740 phone sees the mob and a Say yes that leads to the guest form."""
    page = browsing.page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(DEMO_MOB)
    _first_screen(page, "Say yes")
    bar = page.locator("[data-join-bar]")
    expect(bar).to_contain_text("pledge per person")
    # The bar stays at the bottom of the screen while the page scrolls.
    page.get_by_role("heading", name="House rules").scroll_into_view_if_needed()
    expect(page.get_by_role("heading", level=1)).not_to_be_in_viewport()
    _inside_first_screen(page, bar.get_by_role("link", name="Say yes"), "the bar, scrolled")
    bar.get_by_role("link", name="Say yes").click()
    expect(page).to_have_url(re.compile(r"/rsvp/.*guest|/guest"))
    expect(page.get_by_label("Your email")).to_be_visible()


@pytest.mark.e2e
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_first_screen_member_joins_from_the_bar_then_sees_going(
    browsing: Browsing, javascript: bool
) -> None:
    """Not going: I'm in on the first screen; one tap pledges the mob's amount; then the bar
    says so and leads to the RSVP box."""
    tag = f"first{'js' if javascript else 'nojs'}"
    people = world.people(browsing.server, tag, {"org": "organiser", "a": "member"})
    mob = world.published_mob(
        browsing.server, organiser=people["org"], slug=f"{tag}-mob", starts_in_minutes=6 * 24 * 60
    )
    page = browsing.signed_in(people["a"], viewport=PHONE, java_script_enabled=javascript)
    page.goto(f"/mobs/{mob['slug']}/")
    _first_screen(page, "I'm in")
    page.locator("[data-join-bar]").get_by_role("button", name="I'm in").click()
    expect(page.get_by_role("region", name="Join this mob")).to_contain_text("Your pledge: $20")
    page.goto(f"/mobs/{mob['slug']}/")
    _first_screen(page, "Change or cancel")
    expect(page.locator("[data-join-bar]")).to_contain_text("You're going.")
    page.locator("[data-join-bar]").get_by_role("link", name="Change or cancel").click()
    expect(page.get_by_role("button", name="Change my pledge")).to_be_in_viewport()


@pytest.mark.e2e
def test_first_screen_full_mob_waiting_list_and_secret_shop(browsing: Browsing) -> None:
    """A full mob offers its waiting list, a waiting member sees their place, and a secret
    shop stays secret: each on the first screen."""
    people = world.people(
        browsing.server, "firstfull", {"org": "organiser", "a": "member", "b": "member"}
    )
    mob = world.published_mob(
        browsing.server,
        organiser=people["org"],
        slug="firstfull-mob",
        starts_in_minutes=6 * 24 * 60,
        capacity=1,
        rsvps=(people["a"],),
    )
    _secret(browsing.server, mob["slug"])
    page = browsing.signed_in(people["b"], viewport=PHONE)
    page.goto(f"/mobs/{mob['slug']}/")
    expect(page.locator("[data-fact=where]")).to_contain_text("The shop is a surprise")
    expect(page.get_by_role("main")).not_to_contain_text(mob["shop"])
    _first_screen(page, "Join the waiting list")
    page.locator("[data-join-bar]").get_by_role("button", name="Join the waiting list").click()
    page.goto(f"/mobs/{mob['slug']}/")
    _first_screen(page, "Change or cancel")
    expect(page.locator("[data-join-bar]")).to_contain_text("number 1 on the waiting list")
    check_a11y(page)


@pytest.mark.e2e
def test_first_screen_past_mob_has_no_join_bar(browsing: Browsing) -> None:
    """Once RSVPs are closed (a live mob here) the page keeps its facts and drops the bar."""
    people = world.people(browsing.server, "firstpast", {"org": "organiser"})
    mob = world.published_mob(
        browsing.server, organiser=people["org"], slug="firstpast-mob", starts_in_minutes=-10
    )
    page = browsing.page(viewport=PHONE)
    page.goto(f"/mobs/{mob['slug']}/")
    for fact in ("when", "where", "pledge"):
        _inside_first_screen(page, page.locator(f"[data-fact={fact}]"), fact)
    expect(page.locator("[data-join-bar]")).to_have_count(0)


def _disclosures(page: Page) -> dict[str, bool]:
    """Chromium's accessibility tree: each disclosure button's name and whether it is open."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = {}
    for node in nodes:
        if node.get("role", {}).get("value", "").startswith("DisclosureTriangle"):
            props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            found[node["name"]["value"]] = bool(props.get("expanded"))
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_header_is_one_row_on_a_desktop_in_every_language(
    browsing: Browsing, signed_in: bool
) -> None:
    """At 1280 px every link and the language menu share one row, in all five languages.
    Signed in, the widest header is a shop owner's (with "My shop"): the account's links
    fold under one "Account" button."""
    if signed_in:
        page = browsing.signed_in(DEMO_OWNER, viewport=DESKTOP)
    else:
        page = browsing.page(viewport=DESKTOP)
    for language in LANGUAGES:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": browsing.server.url}]
        )
        page.goto("/chapters/")
        assert page.evaluate("document.documentElement.lang") == language
        header = page.get_by_role("banner")
        box = header.bounding_box()
        assert box is not None
        assert box["height"] <= COMPACT_HEADER, (language, box)
        items = header.locator(".site-nav > ul > li")
        expect(items.first).to_be_visible()
        count = items.count()
        # Mobs, Shops, Chapters, then My mobs, My shop and Account, or Log in and Sign up.
        assert count == (6 if signed_in else 5), language
        tops = set()
        right = 0.0
        for i in range(count):
            item = items.nth(i)
            expect(item).to_be_visible()
            item_box = item.bounding_box()
            assert item_box is not None
            tops.add(round(item_box["y"] + item_box["height"] / 2))
            assert item_box["x"] >= right - 1, (language, "items overlap", i)
            right = item_box["x"] + item_box["width"]
        language_box = header.locator(".lang-menu > summary").bounding_box()
        assert language_box is not None
        tops.add(round(language_box["y"] + language_box["height"] / 2))
        assert max(tops) - min(tops) <= 2, (language, tops)
        assert language_box["x"] >= right - 1, (language, "the language menu overlaps")
        if signed_in:
            account = header.locator("details.account-menu")
            entries = account.locator("a, button")
            expect(entries).to_have_count(2)
            for entry in entries.all():
                expect(entry).to_be_hidden()
            account.locator(":scope > summary").click()
            for entry in entries.all():
                expect(entry).to_be_visible()
            page.keyboard.press("Escape")
            expect(account).not_to_have_attribute("open", "")
            for entry in entries.all():
                expect(entry).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        screenshot(page, f"header-desktop-{language}-{'in' if signed_in else 'out'}")


@pytest.mark.e2e
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_header_on_a_phone_is_compact_and_its_menu_opens(
    browsing: Browsing, signed_in: bool
) -> None:
    """At 360 px the header is one row with a Menu button; the menu opens by mouse or
    keyboard, its links work, and the page never scrolls sideways."""
    if signed_in:
        email = world.people(browsing.server, "hdrphone", {"a": "member"})["a"]
        page = browsing.signed_in(email, viewport=PHONE)
    else:
        page = browsing.page(viewport=PHONE)
    for language in LANGUAGES:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": browsing.server.url}]
        )
        page.goto(DEMO_MOB)
        box = page.get_by_role("banner").bounding_box()
        assert box is not None
        assert box["height"] <= COMPACT_HEADER, (language, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": browsing.server.url}]
    )
    page.goto(DEMO_MOB)
    menu = page.get_by_role("banner").locator("details.nav-menu")
    toggle = menu.locator(":scope > summary")
    expect(toggle).to_have_text("Menu")
    assert _disclosures(page)["Menu"] is False
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    # Keyboard: Tab reaches the toggle, Enter opens it, the links come next in order.
    for _ in range(5):
        page.keyboard.press("Tab")
        if toggle.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Menu button")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    assert _disclosures(page)["Menu"] is True
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Mobs", exact=True)).to_be_focused()
    for link in nav.get_by_role("link").all() + nav.get_by_role("button").all():
        _inside_first_screen(page, link, "a menu link")
    check_a11y(page)
    screenshot(page, f"header-phone-menu-{'in' if signed_in else 'out'}")
    # Escape closes it and gives focus back to its button; Enter toggles it as well.
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(menu).not_to_have_attribute("open", "")
    # A click elsewhere closes it; opening the language menu closes it too.
    toggle.click()
    page.get_by_role("heading", name="Where to go").click()
    expect(menu).not_to_have_attribute("open", "")
    toggle.click()
    page.get_by_role("banner").locator(".lang-menu > summary").click()
    expect(menu).not_to_have_attribute("open", "")
    expect(page.get_by_role("banner").locator(".lang-menu")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    # Mouse: open and follow a link.
    toggle.click()
    nav.get_by_role("link", name="Chapters").click()
    expect(page).to_have_url(re.compile(r"/chapters/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    if signed_in:
        page.get_by_role("banner").locator("summary", has_text="Menu").click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My mobs").click()
        expect(page).to_have_url(re.compile(r"/rsvp/mine/$"))
    else:
        page.get_by_role("banner").locator("summary", has_text="Menu").click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
        expect(page).to_have_url(re.compile(r"/accounts/signup/$"))


@pytest.mark.e2e
def test_header_phone_menu_works_without_javascript(browsing: Browsing) -> None:
    """The menu is a plain disclosure: it opens and its links work with JavaScript off."""
    page = browsing.page(viewport=PHONE, java_script_enabled=False)
    page.goto(DEMO_MOB)
    page.get_by_role("banner").locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shops").click()
    expect(page).to_have_url(re.compile(r"/shops/"))


@pytest.mark.e2e
@pytest.mark.parametrize("language", LANGUAGES)
def test_header_language_button_is_named_by_what_it_shows(
    browsing: Browsing, language: str
) -> None:
    """Voice control: "click FR" must work, so the button's name starts with its text."""
    page = browsing.page(viewport=DESKTOP)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": browsing.server.url}]
    )
    page.goto("/")
    summary = page.get_by_role("banner").locator(".lang-menu > summary")
    visible = summary.locator("span:not(.visually-hidden)").inner_text().strip()
    assert visible == language.upper()
    # Chromium's own accessibility tree: a disclosure button whose name starts with the text
    # shown, then says what it is for.
    names = _disclosures(page)
    named = [name for name in names if name.startswith(f"{visible} {DASH} ")]
    assert len(named) == 1, names
    assert names[named[0]] is False
    expect(summary).to_have_accessible_name(re.compile(rf"^{visible} {DASH} \w+"))
    button = summary
    # Opening it offers every language, each named in its own language.
    button.click()
    expect(page.locator(".lang-menu__list button")).to_have_count(len(LANGUAGES))
    page.locator(".lang-menu__list button[value=fr]").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
