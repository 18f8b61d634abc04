"""Regenerate the README's screenshots.

Pages a new user sees right after ``make run`` are shot from the demo world itself
(``--demo-url``: a running ``cashmob run``, e.g. ``http://127.0.0.1:8000``), in Debian's
Chromium, on a desktop and a 360x740 phone. Pages only a journey reaches (a guest's own
day page, the dashboard moving a mob) are copied from the end-to-end suite's screenshots
(``.venv/bin/pytest tests/e2e -m e2e`` saves them under ``var/e2e-output/screenshots``).
It fails if one is missing, so the README never shows a stale page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

BASE_DIR = Path(__file__).resolve().parents[1]
#: Shot from the demo world: file name → (path, viewport, colour scheme).
DEMO_PAGES = {
    "home-desktop.png": ("/", (1280, 800), "light"),
    "home-phone.png": ("/", (360, 740), "light"),
    "home-desktop-dark.png": ("/", (1280, 800), "dark"),
    "chapter-desktop.png": ("/chapters/lyon/", (1280, 800), "light"),
    "mob-desktop.png": ("/mobs/lyon-fromagerie-des-pentes/", (1280, 800), "light"),
    "mob-phone.png": ("/mobs/lyon-fromagerie-des-pentes/", (360, 740), "light"),
    "tally-desktop.png": ("/live/lyon-en-ce-moment/", (1280, 800), "dark"),
    "tally-phone.png": ("/live/lyon-en-ce-moment/", (360, 740), "light"),
    "results-desktop.png": ("/live/lyon-librairie-des-canuts/", (1280, 800), "light"),
}
#: A mob and the header in two languages, phone and desktop: name → (path, viewport, language,
#: what to shoot). "page" is the whole page, "screen" the first screen only, "header" the
#: header row (signed in, the widest), "menu" a phone's first screen with the menu open.
FIRST_CONTACT = {
    "mob-phone-en.png": ("/mobs/lyon-fromagerie-des-pentes/", (360, 740), "en", "screen"),
    "mob-phone-fr.png": ("/mobs/lyon-fromagerie-des-pentes/", (360, 740), "fr", "screen"),
    "mob-desktop-en.png": ("/mobs/lyon-fromagerie-des-pentes/", (1280, 800), "en", "screen"),
    "mob-desktop-fr.png": ("/mobs/lyon-fromagerie-des-pentes/", (1280, 800), "fr", "screen"),
    "header-phone-en.png": ("/", (360, 740), "en", "menu"),
    "header-phone-fr.png": ("/", (360, 740), "fr", "menu"),
    "header-desktop-en.png": ("/", (1280, 800), "en", "header"),
    "header-desktop-fr.png": ("/", (1280, 800), "fr", "header"),
}
#: The demo world's shop owner, for signed-in headers: the widest (it adds "My shop").
DEMO_SIGNED_IN = ("owner@demo.cashmob.org", "cashmob-demo")
#: Copied from the end-to-end suite's screenshots.
CHOSEN = (
    "dashboard-reschedule-desktop.png",
    "guest-day-phone.png",
)


def shoot_demo(base: str, target: Path, only: set[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(BASE_DIR))
    from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for name, (path, (width, height), scheme) in DEMO_PAGES.items():
                if only is not None and name not in only:
                    continue
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,  # type: ignore[arg-type]
                    locale="en-GB",
                )
                page = context.new_page()
                response = page.goto(base.rstrip("/") + path, wait_until="networkidle")
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response and response.status}")
                page.screenshot(path=str(target / name), full_page=True, animations="disabled")
                context.close()
                print(target / name)
            for name, (path, (width, height), language, what) in FIRST_CONTACT.items():
                if only is not None and name not in only:
                    continue
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="en-GB"
                )
                page = context.new_page()
                if what in {"header", "menu"}:
                    _log_in(page, base)
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                response = page.goto(base.rstrip("/") + path, wait_until="networkidle")
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response and response.status}")
                if what == "menu":
                    page.locator(".site-header summary.nav-menu__toggle").click()
                if what == "header":
                    box = page.locator(".site-header").bounding_box()
                    if box is None:
                        raise SystemExit(f"{path} has no header")
                    # Open the account's drop-down, so the shot shows every header link.
                    page.locator(".site-header .account-menu > summary").click()
                    menu = page.locator(".site-header .account-menu__list").bounding_box()
                    bottom = menu["y"] + menu["height"] if menu else box["height"]
                    clip = {"x": 0, "y": 0, "width": width, "height": bottom + 16}
                    page.screenshot(path=str(target / name), clip=clip, animations="disabled")
                else:
                    page.screenshot(path=str(target / name), animations="disabled")
                context.close()
                print(target / name)
        finally:
            browser.close()


def _log_in(page: Page, base: str) -> None:
    email, password = DEMO_SIGNED_IN
    page.goto(base.rstrip("/") + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=Path(os.environ.get("CASHMOB_E2E_OUTPUT", BASE_DIR / "var" / "e2e-output"))
        / "screenshots",
        help="Where the suite saved its screenshots (default: %(default)s).",
    )
    parser.add_argument(
        "--target",
        type=Path,
        default=BASE_DIR / "docs" / "screenshots",
        help="Where the docs keep them (default: %(default)s).",
    )
    parser.add_argument(
        "--demo-url",
        default="http://127.0.0.1:8000",
        help="A running cashmob run with the demo world (default: %(default)s).",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="Shoot only these files from the demo world (e.g. mob-phone-fr.png) and copy none.",
    )
    args = parser.parse_args(argv)
    args.target.mkdir(parents=True, exist_ok=True)
    only = set(args.only) if args.only else None
    unknown = (only or set()) - set(DEMO_PAGES) - set(FIRST_CONTACT)
    if unknown:
        parser.error(f"unknown screenshots: {', '.join(sorted(unknown))}")
    shoot_demo(args.demo_url, args.target, only)
    if only is not None:
        return 0
    missing = [name for name in CHOSEN if not (args.source / name).is_file()]
    if missing:
        print(
            f"Missing in {args.source}: {', '.join(missing)}. Run the e2e suite first.",
            file=sys.stderr,
        )
        return 1
    args.target.mkdir(parents=True, exist_ok=True)
    for name in CHOSEN:
        shutil.copyfile(args.source / name, args.target / name)
        print(f"{args.target / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
