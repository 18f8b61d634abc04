"""A real web server (granian, as ``cashmob run`` starts it) on the test database."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import URLError

from django.conf import settings
from django.db import connection
from django.test import Client

from cashmob.core.tests.helpers import BASE_DIR, child_env, database_url, free_port


@contextlib.contextmanager
def live_server(tmp_path: Path, *, workers: int = 2) -> Iterator[str]:
    """Serve the test database over real HTTP; yields the base URL.

    The server shares the test process's secret key, so sessions made with the test
    client are valid there too.
    """
    port = free_port()
    env = child_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        SECRET_KEY=settings.SECRET_KEY,
        # Pages render without a collected static manifest; nothing else depends on it.
        DEBUG="true",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        AXES_ENABLED="false",
    )
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "1",
            "--no-ws",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310
                    break
            except (URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def session_for(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Cookies and headers that make a request from ``user``, CSRF token included."""
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return {
        "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Referer": "http://127.0.0.1/",
    }


def post(url: str, data: dict[str, str], headers: dict[str, str]) -> int:
    from urllib.parse import urlencode

    request = urllib.request.Request(  # noqa: S310
        url, data=urlencode(data).encode(), headers=headers, method="POST"
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
    )
    try:
        with opener.open(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
