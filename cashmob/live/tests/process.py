"""The real stream process (uvicorn, as ``cashmob run`` starts it) on the test database."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError

from django.conf import settings
from django.db import connection

from cashmob.core.tests.helpers import BASE_DIR, child_env, database_url, free_port


@contextlib.contextmanager
def live_stream(tmp_path: Path, *, tick: float = 0.2) -> Iterator[str]:
    """Serve the stream app over real HTTP; yields its base URL."""
    port = free_port()
    env = child_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        SECRET_KEY=settings.SECRET_KEY,
        LIVE_TICK_SECONDS=str(tick),
    )
    log_path = tmp_path / "stream.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "uvicorn",
            "cashmob.live.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "1",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310
                    break
            except (URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError("the stream process did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
