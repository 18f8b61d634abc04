"""``python -m bench``: build (or reuse) the benchmark dataset, measure, write the results.

By default everything runs against a SQLite database of its own in ``var/bench/``; set
``DATABASE_URL`` to measure PostgreSQL instead. The results are printed as they come and
written as a Markdown table (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--businesses", type=int, default=1_000_000, help="shops in the directory")
    parser.add_argument("--runs", type=int, default=200, help="searches timed per kind")
    parser.add_argument("--viewers", type=int, default=2000, help="open streams on the tally")
    parser.add_argument("--reports", type=int, default=5, help="spend reports sent to them")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each page load")
    parser.add_argument("--connections", type=int, default=32, help="wrk's open connections")
    parser.add_argument(
        "--only",
        default="search,http,live",
        help="comma-separated: search (selectors), http (pages under wrk), live (tally stream)",
    )
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / "var" / "bench"),
        help="the benchmark's own data folder and SQLite database (default: %(default)s)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="measure this database instead (e.g. a PostgreSQL one made for it); DATABASE_URL "
        "from the environment is ignored, so that no real database is ever filled",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--json", default="", help="also write the figures as JSON here")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _child_pid(marker: str) -> int:
    """The pid of the process whose command line holds ``marker`` (the stream process)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in cmdline:
                return int(entry.name)
    raise RuntimeError(f"no process runs {marker!r}")


def _context(args: argparse.Namespace) -> dict[str, str]:
    from django.db import connection

    from cashmob.businesses.models import Business

    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        database = cursor.fetchone()[0]
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {database}"
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "?",
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {database}",
        "shops in the directory": f"{Business.objects.count():,}",
        "command": "python -m bench " + " ".join(sys.argv[1:]),
    }


def main() -> None:
    args = _arguments()
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    os.environ["CASHMOB_DATA_DIR"] = args.data_dir
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if os.environ.get("CASHMOB_ENV", "").lower() == "production":
        raise SystemExit("Refusing to fill a production database with benchmark shops.")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    Path(os.environ["CASHMOB_DATA_DIR"]).mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.dataset import dataset_ensure
    from bench.measure import Report

    call_command("migrate", interactive=False, verbosity=0)
    dataset_ensure(businesses=args.businesses)
    reports: list[Report] = []

    if "search" in only:
        from bench.search import bench_search

        print("Searching the directory…", flush=True)
        report = Report("Directory searches (business_search, in process)", _context(args))
        bench_search(report, runs=args.runs)
        reports.append(report)

    server = None
    if only & {"http", "live"}:
        from bench.live import live_mob_ensure

        live_mob_ensure()
        connections.close_all()
        port, live_port = _free_port(), _free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "cashmob",
                "run",
                "--no-demo",
                "--no-worker",
                "--port",
                str(port),
                "--live-port",
                str(live_port),
            ],
            process_group=0,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "AXES_ENABLED": "false"},
        )
    try:
        if server is not None:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/healthz")
            _wait_for(f"http://127.0.0.1:{live_port}/healthz")
        if "http" in only:
            from bench.live import LIVE_SLUG
            from bench.pages import bench_http
            from cashmob.mobs.models import Mob, MobStatus

            upcoming = (
                Mob.objects.filter(status=MobStatus.PUBLISHED, reveal_at__isnull=True)
                .order_by("starts_at")
                .first()
            )
            paths = {
                "home page": "/",
                "chapter directory": "/chapters/",
                "a chapter's page": "/chapters/lyon/",
                "a mob's page": f"/mobs/{upcoming.slug}/" if upcoming else "/",
                "shop directory, first page": "/shops/",
                "shop search, one word": "/shops/?q=vinyl",
                "shops near a point, 5 km": "/shops/?lat=48.8566&lng=2.3522&radius=5",
                "map data, a city's view": "/shops/map.json?bbox=2.25,48.80,2.45,48.90",
                "live tally page": f"/live/{LIVE_SLUG}/",
            }
            print(f"Loading pages with wrk ({args.seconds} s each)…", flush=True)
            report = Report(
                f"Pages under load (wrk -t2 -c{args.connections} -d{args.seconds}s, "
                "served by `cashmob run`)",
                _context(args),
            )
            bench_http(
                report, base=base, paths=paths, seconds=args.seconds, connections=args.connections
            )
            reports.append(report)
        if "live" in only:
            from bench.live import bench_live

            print(f"Opening {args.viewers:,} tally streams…", flush=True)
            report = Report("The live tally's stream process under a crowd", _context(args))
            pid = _child_pid(f"--port {live_port}")
            bench_live(
                report,
                host="127.0.0.1",
                port=live_port,
                pid=pid,
                viewers=args.viewers,
                reports=args.reports,
            )
            reports.append(report)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    text = "# Benchmark results\n\nWritten by `python -m bench`; see `bench/README.md`.\n\n"
    text += "\n".join(r.markdown() for r in reports)
    Path(args.out).write_text(text)
    print(f"Results written to {args.out}")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in reports], indent=2))


if __name__ == "__main__":
    main()
