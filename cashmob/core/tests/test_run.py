"""``cashmob run`` serves the product over real HTTP, with the demo world, and stops cleanly."""

from __future__ import annotations

import gzip
import re
import signal
import subprocess
import time
import urllib.request
from urllib.error import URLError

import pytest

from cashmob.core.tests.helpers import BASE_DIR, CASHMOB, child_env, free_port

STARTUP_LIMIT = 90  # seconds: migrate, collect static files, load the demo world, boot.


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local URL
        return response.status, response.read().decode()


def _get_compressed(url: str) -> tuple[str, bytes]:
    """The body as a browser asking for gzip gets it, with its Content-Encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local URL
        return response.headers.get("Content-Encoding", ""), response.read()


def _wait_for_health(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while True:
        assert process.poll() is None, process.communicate()[0]
        try:
            _get(f"{base}/healthz")
            return
        except (URLError, ConnectionError):
            assert time.monotonic() < deadline, "cashmob run did not answer in time"
            time.sleep(0.3)


@pytest.mark.slow
def test_run_serves_home_page_and_health_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [*CASHMOB, "run", "--port", str(port), "--workers", "1"],
        cwd=BASE_DIR,
        env=child_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(process, base)
        status, body = _get(f"{base}/healthz")
        assert status == 200
        assert '"ok"' in body
        status, body = _get(f"{base}/")
        assert status == 200
        assert "Cash Mob Lyon" in body or "Cash mob" in body
        # Pages and static files travel compressed to browsers that accept it.
        encoding, raw = _get_compressed(f"{base}/")
        assert encoding == "gzip"
        assert b"<!DOCTYPE html>" in gzip.decompress(raw)
        stylesheet = re.search(r'href="(/static/css/cashmob[^"]*\.css)"', body)
        assert stylesheet is not None
        encoding, raw = _get_compressed(base + stylesheet.group(1))
        assert encoding == "gzip"
        css = gzip.decompress(raw)
        assert b"{" in css
        assert len(raw) < len(css) / 2
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/" in output
    # The demo's summary links to this server's port, not a default one.
    assert f"http://127.0.0.1:{port}/live/" in output
    assert (tmp_path / "static" / "admin").is_dir()


@pytest.mark.slow
def test_run_in_production_starts_on_an_empty_database_and_dies_with_its_supervisor(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    """Production skips the demo world instead of refusing to start, and answers health
    checks over plain HTTP; when the supervisor is killed outright, its servers go too."""
    port = free_port()
    env = child_env(
        tmp_path,
        CASHMOB_ENV="production",
        SECRET_KEY="a-production-secret-key-for-this-test-only-" + "x" * 20,
        ALLOWED_HOSTS="127.0.0.1",
    )
    process = subprocess.Popen(  # noqa: S603
        [*CASHMOB, "run", "--port", str(port), "--workers", "1", "--no-worker"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(process, base)
        assert _get(f"{base}/healthz")[0] == 200  # no redirect to https
        process.kill()  # SIGKILL: the supervisor cannot clean up after itself
        output = process.communicate(timeout=30)[0]
        deadline = time.monotonic() + 15
        while True:
            try:
                _get(f"{base}/healthz")
            except (URLError, ConnectionError):
                break
            assert time.monotonic() < deadline, "the web server outlived its supervisor"
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "the demo world is not loaded in production" in output
