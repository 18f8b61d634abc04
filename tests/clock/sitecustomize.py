"""Moves the clock of every Python process a shifted test run starts.

``pytest --clock-shift=+11h`` travels in the test processes and puts this folder first on
``PYTHONPATH``: the servers, workers and commands the tests start (granian's workers, the live
tally, ``cashmob run``) then read the same shifted clock, so a mob made "live now" by a test is
live for the server that answers it too.
"""

import os

_shift = os.environ.get("CASHMOB_TEST_CLOCK_SHIFT_SECONDS")
if _shift:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(tz=UTC) + timedelta(seconds=float(_shift)), tick=True).start()
