from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from cashmob.core.scheduler import run_due_jobs


class Command(BaseCommand):
    help = "Run the work that has fallen due (votes to close, reminders...), once or in a loop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, every --every s.")
        parser.add_argument("--every", type=float, default=60.0)

    def handle(self, *args: Any, loop: bool, every: float, **options: Any) -> None:
        stop = False

        def _stop(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while True:
            done = run_due_jobs()
            if options["verbosity"] > 1:
                self.stdout.write(str(done))
            close_old_connections()
            if not loop or stop:
                return
            deadline = time.monotonic() + every
            while not stop and time.monotonic() < deadline:
                time.sleep(0.5)
            if stop:
                return
