"""The served product, a real Chromium, and helpers shared by the end-to-end journeys.

One ``cashmob run`` (web, live stream, task worker, scheduler) serves the whole session from
its own data folder: its own SQLite database, and mail written as files the journeys read.
Data a journey needs but does not exercise is made by ``cashmob shell -c`` scripts against
that same folder, so the browser only ever talks to the real server processes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.error import URLError

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from .html_check import PageRecorder, report, vnu_errors

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CASHMOB_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "cashmob-demo"  # The demo world's password; setup scripts reuse it.
STARTUP_LIMIT = 120  # seconds: migrate, collect static files, load the demo world, boot.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
#: The WCAG 2.0, 2.1 and 2.2 level A and AA rules of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
#: Screenshots land here; ``scripts/screenshots.py`` copies the chosen ones into docs/.
SCREENSHOT_DIR = (
    Path(os.environ.get("CASHMOB_E2E_OUTPUT", BASE_DIR / "var" / "e2e-output")) / "screenshots"
)

#: Variables a child process must not inherit from the test runner's environment.
_RESET = (
    "DATABASE_URL",
    "CASHMOB_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "TASKS_BACKEND",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "PORT",
    "CASHMOB_HOST",
    "WEB_WORKERS",
    "LIVE_PORT",
    "SITE_URL",
)


def _free_port_pair() -> int:
    """A port whose successor is free too: the live stream listens on port + 1."""
    import socket

    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free pair of ports")


@dataclass
class Server:
    """The running product: its address, data folder and a way to script its database."""

    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    def shell(self, code: str) -> Any:
        """Run ``code`` in ``cashmob shell``; it must print one JSON line last: the result."""
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "cashmob", "shell", "--no-imports", "-c", code],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-4000:]
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def mails_to(self, address: str) -> list[Any]:
        """Every message the file backend wrote for ``address``, oldest first."""
        found = []
        if not self.mail_dir.is_dir():
            return found
        for path in sorted(self.mail_dir.iterdir(), key=lambda p: (p.stat().st_mtime, p.name)):
            # The file backend appends messages to one file per connection, split by dashes.
            for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
                if not chunk.strip():
                    continue
                message = message_from_bytes(chunk.lstrip(), policy=policy.default)
                if address.lower() in str(message.get("To", "")).lower():
                    found.append(message)
        return found

    def wait_for_subject(self, address: str, subject: str, *, timeout: float = 30) -> Any:
        """The latest mail to ``address`` whose subject is ``subject``, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.mails_to(address)):
                if message.get("Subject") == subject:
                    return message
            if time.monotonic() > deadline:
                subjects = [m.get("Subject") for m in self.mails_to(address)]
                raise AssertionError(f"no mail to {address} titled {subject!r}: {subjects}")
            time.sleep(0.3)

    def wait_for_link(
        self, address: str, pattern: str, *, timeout: float = 30, other_than: tuple[str, ...] = ()
    ) -> str:
        """The latest link matching ``pattern`` in mail to ``address`` and not one of
        ``other_than`` (links already followed), waiting for the worker to send it."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            for message in reversed(self.mails_to(address)):
                body = message.get_body(preferencelist=("plain",))
                text = body.get_content() if body is not None else ""
                match = regex.search(text)
                if match and match.group(0) not in other_than:
                    return match.group(0)
            if time.monotonic() > deadline:
                subjects = [m.get("Subject") for m in self.mails_to(address)]
                raise AssertionError(f"no mail to {address} matching {pattern}: {subjects}")
            time.sleep(0.3)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``cashmob run`` with the demo world, on free ports, stopped with SIGTERM at the end."""
    data_dir = tmp_path_factory.mktemp("cashmob-e2e")
    port = _free_port_pair()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in _RESET}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CASHMOB_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH", "")])),
    )
    log = data_dir / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "cashmob", "run", "--port", str(port), "--workers", "1"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Server(url=url, data_dir=data_dir, env=env, process=process, log=log)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-4000:]
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "cashmob run did not answer in time"
            time.sleep(0.3)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        # A suite that skips its browser journeys is not green: `make test` installs Chromium.
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make test`, or `apt-get install chromium`")
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def page_recorder() -> Iterator[PageRecorder]:
    """Keeps every page the journeys load; when they are done, the Nu Html Checker checks
    them all at once (one Java start), and any error fails the run."""
    recorder = PageRecorder()
    yield recorder
    if recorder.test and not recorder.pages:
        pytest.fail("the journeys ran but no page was kept for the HTML check", pytrace=False)
    errors = vnu_errors(recorder.pages)
    if errors:
        pytest.fail(report(errors, pages=len(recorder.pages)), pytrace=False)


@dataclass
class Browsing:
    """Opens contexts against the server and closes them when the test ends; every page
    they load is kept for the HTML check."""

    browser: Browser
    server: Server
    recorder: PageRecorder | None = None
    contexts: list[BrowserContext] = field(default_factory=list)

    def context(self, *, viewport: dict[str, int] | None = None, **options: Any) -> BrowserContext:
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport=viewport or DESKTOP,
            locale="en-GB",
            **options,
        )
        context.set_default_timeout(10_000)
        if self.recorder is not None:
            self.recorder.watch(context)
        self.contexts.append(context)
        return context

    def page(self, *, viewport: dict[str, int] | None = None, **options: Any) -> Page:
        page = self.context(viewport=viewport, **options).new_page()
        if os.environ.get("E2E_DEBUG"):
            n = len(self.contexts)
            page.on("request", lambda r: print(n, "REQ", r.url, time.monotonic()))
            page.on("requestfinished", lambda r: print(n, "FIN", r.url, time.monotonic()))
            page.on("requestfailed", lambda r: print(n, "FAIL", r.url, r.failure))
        return page

    def signed_in(
        self, email: str, *, viewport: dict[str, int] | None = None, **options: Any
    ) -> Page:
        page = self.page(viewport=viewport, **options)
        log_in(page, email)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    """Key journeys run twice: on a desktop screen and on a 360x740 phone."""
    return DESKTOP if request.param == "desktop" else PHONE


@pytest.fixture
def browsing(
    browser: Browser, server: Server, page_recorder: PageRecorder, request: pytest.FixtureRequest
) -> Iterator[Browsing]:
    page_recorder.test = request.node.nodeid
    opened = Browsing(browser=browser, server=server, recorder=page_recorder)
    yield opened
    opened.close()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


# --- Accessibility ------------------------------------------------------------------------

_axe = Axe()


#: Violations found in the product and reported: name -> (axe rule, a piece of the node's
#: HTML, why). The journeys pass over them; ``test_a11y.py`` holds one strict xfail test each,
#: so they stay visible and the suite fails the day one is fixed until its entry goes.
#: Violations found and fixed once, each re-checked by its own test in test_a11y.py.
FIXED_VIOLATIONS: dict[str, tuple[str, str, str]] = {
    "messages-list": (
        "list",
        '<ul class="messages"',
        "templates/base.html: flash messages are <li role=status> inside <ul class=messages>; "
        "a list may only contain list items (rule list)",
    ),
    "map-attribution-dark": (
        "color-contrast",
        "leaflet",
        "dark mode: Leaflet's attribution links (#0078a8 on #d2d5d3, 3.33:1) on pages with a "
        "map, e.g. /shops/nominate/<chapter>/ (rule color-contrast)",
    ),
    "map-attribution-osm-dark": (
        "color-contrast",
        'href="https://www.openstreetmap.org/copyright"',
        "dark mode: the OpenStreetMap attribution link of the map, 3.33:1 (rule color-contrast)",
    ),
    "shop-map-nested-interactive": (
        "nested-interactive",
        'class="map map--small',
        "shop pages (/shops/<slug>/): the small map container has an interactive role and "
        "focusable descendants, Leaflet's markers and controls (rule nested-interactive)",
    ),
}


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations on the page as shown now, one line per node."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            detail = " ".join(node.get("failureSummary", "").split())[:300]
            found.append(f"{violation['id']}: {target} | {node['html'][:160]} | {detail}")
    return found


_SETTLE = """() => Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null)))"""


def settle(page: Page) -> None:
    """Wait for finite CSS transitions and animations, e.g. after switching colour scheme."""
    page.evaluate(_SETTLE)


def check_a11y(page: Page) -> None:
    """Zero WCAG 2.x A/AA violations in light and in dark mode."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        settle(page)
        found += [f"[{scheme}] {line}" for line in axe_violations(page)]
    page.emulate_media(color_scheme="light")
    assert not found, f"axe violations on {page.url}:\n" + "\n".join(found)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot for ``scripts/screenshots.py`` to pick from."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    return target


def clean_output() -> None:
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
