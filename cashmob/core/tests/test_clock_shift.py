"""The suite's ``--clock-shift`` option: parsing, and the clock of the processes tests start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from time_machine import escape_hatch

from conftest import CLOCK_HOOK, parse_clock_shift


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+11h", timedelta(hours=11)),
        ("11h", timedelta(hours=11)),
        ("-1d6h", -timedelta(days=1, hours=6)),
        ("90m", timedelta(minutes=90)),
        ("+3d5h10m", timedelta(days=3, hours=5, minutes=10)),
    ],
)
def test_clock_shift_parses_signed_durations(text: str, expected: timedelta) -> None:
    assert parse_clock_shift(text) == expected


@pytest.mark.parametrize("text", ["", "+", "11", "11x", "h", "+-1h", "1h2d"])
def test_clock_shift_refuses_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(pytest.UsageError, match="expected a signed duration"):
        parse_clock_shift(text)


def _machine_time() -> float:
    """The machine's own clock, whatever this run's shift."""
    return escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()


def _child_time(shift_seconds: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "CASHMOB_TEST_CLOCK_SHIFT_SECONDS"}
    env["PYTHONPATH"] = os.pathsep.join([str(CLOCK_HOOK), env.get("PYTHONPATH", "")])
    if shift_seconds is not None:
        env["CASHMOB_TEST_CLOCK_SHIFT_SECONDS"] = shift_seconds
    output = subprocess.run(
        [sys.executable, "-c", "import datetime; print(datetime.datetime.now().timestamp())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return float(output.stdout)


def test_processes_started_by_a_shifted_run_read_the_shifted_clock() -> None:
    # A server the tests start must agree with the tests' clock, or a mob a test makes live
    # is not live for the server that answers it.
    real_before = _machine_time()
    shifted = _child_time(str(11 * 3600))
    plain = _child_time(None)
    real_after = _machine_time()
    assert real_before + 11 * 3600 - 1 <= shifted <= real_after + 11 * 3600 + 1
    assert real_before - 1 <= plain <= real_after + 1
