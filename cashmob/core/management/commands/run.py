"""``cashmob run``: prepare the database, then serve the site and run the task worker together.

The web server is granian speaking WSGI, one process per core with one blocking thread each:
measured on this kind of machine (DESIGN.md §6), Django's ASGI handler is several times slower
per request and large thread pools cost 20-40% on template pages and exhaust PostgreSQL
connections. Both children are supervised: if either exits, the other is stopped and the
command fails; Ctrl-C or SIGTERM stops both cleanly.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

#: Connections one server process holds at once. Browsers open idle connections ahead of
#: need (several per tab), and with 8 a few phones' idle sockets stalled every request for
#: 25 s; the single blocking thread still serves one request at a time.
DEFAULT_BACKPRESSURE = 128
STOP_TIMEOUT = 10.0
#: prctl(2)'s option that sends the child a signal when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a child, before it runs: ask Linux to stop it if this supervisor dies, even by
    SIGKILL, so no server is left holding the ports."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, load the demo world into an empty database, then serve "
        "Cashmob with granian (WSGI) and run the background task worker until stopped."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("CASHMOB_HOST") or "127.0.0.1",
            help="Address to listen on (env CASHMOB_HOST; default 127.0.0.1).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT") or 8000),
            help="Port to listen on (env PORT; default 8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS") or 0) or os.cpu_count() or 1,
            help="Web server processes (env WEB_WORKERS; default: one per core).",
        )
        parser.add_argument(
            "--backpressure",
            type=int,
            default=DEFAULT_BACKPRESSURE,
            help="Requests each web process accepts at once (default %(default)s).",
        )
        parser.add_argument(
            "--live-port",
            type=int,
            default=int(os.environ.get("LIVE_PORT") or 0),
            help="Port of the live tally stream process (env LIVE_PORT; default: --port + 1).",
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load the demo world, even when empty."
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Serve the site without a task worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        verbosity: int = options["verbosity"]
        if _port_open("127.0.0.1" if host in {"0.0.0.0", "::"} else host, port):  # noqa: S104
            raise CommandError(f"Port {port} on {host} is already in use; try --port.")

        options["live_port"] = options["live_port"] or port + 1
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        if _port_open(shown_host, options["live_port"]):
            raise CommandError(
                f"Port {options['live_port']} (live tally) is already in use; try --live-port."
            )
        # The pages tell browsers where the stream is: the web children inherit this.
        os.environ["LIVE_PORT"] = str(options["live_port"])
        # Links in emails sent by the children point at this server unless SITE_URL says
        # otherwise (a public address in production).
        if not os.environ.get("SITE_URL"):
            os.environ["SITE_URL"] = f"http://{shown_host}:{port}"
            # This process's own links (the demo's summary) name the same server.
            settings.SITE_URL = os.environ["SITE_URL"]

        self._prepare(load_demo=not options["no_demo"], verbosity=verbosity)
        # Children open their own connections; this process keeps none open while it waits.
        connections.close_all()

        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stopping = False
        previous = {
            # A closed terminal (SIGHUP) stops everything too, not only Ctrl-C and SIGTERM.
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
        }
        try:
            self._start("web", self._web_command(options))
            self._start("live", self._live_command(options))
            if not options["no_worker"]:
                self._start("worker", self._worker_command(verbosity))
                self._start("scheduler", [sys.executable, "-m", "cashmob", "tick", "--loop"])
            self._announce(host, port)
            failed = self._supervise()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed:
            raise CommandError(f"The {failed} process exited; everything was stopped.")

    # --- preparation ------------------------------------------------------------------------

    def _prepare(self, *, load_demo: bool, verbosity: int) -> None:
        from cashmob.chapters.models import Chapter

        self.stdout.write("Applying database migrations…")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("collectstatic", interactive=False, verbosity=0)
        if load_demo and settings.PRODUCTION and not Chapter.objects.exists():
            self.stdout.write(
                "Empty database: the demo world is not loaded in production "
                "(its logins are public); run `cashmob demo --allow-production` to load it."
            )
        elif load_demo and not Chapter.objects.exists():
            self.stdout.write("Empty database: loading the demo world…")
            call_command("demo", verbosity=verbosity)

    # --- children ---------------------------------------------------------------------------

    def _web_command(self, options: dict[str, Any]) -> list[str]:
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(max(options["workers"], 1)),
            "--blocking-threads",
            "1",
            "--backpressure",
            str(max(options["backpressure"], 1)),
            "--no-ws",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ]

    def _live_command(self, options: dict[str, Any]) -> list[str]:
        # The live tally's Server-Sent Events: a small async process of its own, so that
        # thousands of open streams hold no web worker and no OS thread each.
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "cashmob.live.asgi:app",
            "--host",
            options["host"],
            "--port",
            str(options["live_port"]),
            "--no-access-log",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "2",
        ]

    def _worker_command(self, verbosity: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "cashmob",
            "db_worker",
            "--no-startup-delay",
            # Code reloading belongs to development servers, not to this supervisor.
            "--no-reload",
            "--verbosity",
            str(verbosity),
        ]

    def _start(self, name: str, command: list[str]) -> None:
        # A process group of their own: a terminal's Ctrl-C reaches this supervisor only,
        # which then stops each child exactly once.
        self.children[name] = subprocess.Popen(  # noqa: S603
            command,
            process_group=0,
            preexec_fn=_die_with_parent,
        )

    def _announce(self, host: str, port: int) -> None:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        deadline = time.monotonic() + 60
        while not _port_open(shown, port):
            if self.stopping or any(c.poll() is not None for c in self.children.values()):
                return
            if time.monotonic() > deadline:
                self.stderr.write("The web server did not start listening within 60 s.")
                return
            time.sleep(0.1)
        if ":" in shown:
            shown = f"[{shown}]"
        self.stdout.write(
            self.style.SUCCESS(f"Cashmob is running at http://{shown}:{port}/")
            + "  (Ctrl-C to stop)"
        )
        self.stdout.flush()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _supervise(self) -> str | None:
        """Wait until a child exits or a signal arrives; return the name of a failed child."""
        while not self.stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} process exited with status {child.returncode}.")
                    return name
            time.sleep(0.2)
        return None

    def _stop_all(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self.children:
            self.stdout.write("Stopped.")
