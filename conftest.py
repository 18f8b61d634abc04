from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

#: Holds the sitecustomize module that shifts the clock of child processes.
CLOCK_HOOK = Path(__file__).resolve().parent / "tests" / "clock"

_SHIFT = re.compile(r"^(?P<sign>[+-])?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")


def parse_clock_shift(text: str) -> timedelta:
    """``+11h``, ``-1d6h``, ``90m``: a signed duration in days, hours and minutes."""
    found = _SHIFT.match(text.strip())
    if found is None or not any(found.group(unit) for unit in "dhm"):
        raise pytest.UsageError(
            f"--clock-shift={text!r}: expected a signed duration such as +11h, -1d6h or 90m"
        )
    shift = timedelta(
        days=int(found.group("d") or 0),
        hours=int(found.group("h") or 0),
        minutes=int(found.group("m") or 0),
    )
    return -shift if found.group("sign") == "-" else shift


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-shift",
        default="",
        help=(
            "Run the whole suite with the clock moved by this much (e.g. +11h, -1d6h): a test "
            "whose outcome depends on the hour or the day then fails here, not in somebody's "
            "morning. Tests that fix their own clock (time-machine) are not affected."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("--clock-shift")
    if not text:
        return
    shift = parse_clock_shift(text)
    import time_machine

    # The clock keeps ticking from the shifted moment; a test's own travel() nests inside.
    traveller = time_machine.travel(datetime.now(tz=UTC) + shift, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True, scope="session")
def _shifted_children(request: pytest.FixtureRequest) -> None:
    """Processes the tests start (servers, workers, commands) read the shifted clock too.

    They inherit the environment, and the sitecustomize module in tests/clock moves their clock
    by the same amount. A fixture rather than pytest_configure: only the processes that run
    tests set it, never the one that starts pytest-xdist's workers (which shift themselves).
    """
    text = request.config.getoption("--clock-shift")
    if not text:
        return
    os.environ["CASHMOB_TEST_CLOCK_SHIFT_SECONDS"] = str(parse_clock_shift(text).total_seconds())
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(CLOCK_HOOK), os.environ.get("PYTHONPATH", "")])
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    text = config.getoption("--clock-shift")
    return f"clock shifted by {text}" if text else None


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Tests send mail to memory, run tasks immediately and never share media files."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Each test starts in the site's default language: a request served in another
    (a page reached from a Swedish email) leaves its language active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
