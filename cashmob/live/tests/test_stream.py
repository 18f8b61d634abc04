"""A real SSE connection to the real stream process sees a report posted through the real
web server arrive, after commit, within a tick or two."""

from __future__ import annotations

import http.client
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.checkin import codes
from cashmob.checkin.services import checkin_record
from cashmob.checkin.tests.factories import LiveMobFactory
from cashmob.core.tests.live import live_server, post, session_for
from cashmob.live.tests.process import live_stream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


class Events:
    """Reads ``event: tally`` messages off an open SSE response."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response = response

    def next(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        data = ""
        while time.monotonic() < deadline:
            line = self.response.readline().decode()
            if not line:
                raise EOFError("the stream ended")
            if line.startswith("data: "):
                data = line[6:].strip()
            elif line in ("\n", "\r\n") and data:
                return json.loads(data)
        raise TimeoutError("no event in time")


def test_stream_sends_update_after_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR", max_pledge_minor=10_000)
    mob = LiveMobFactory(business__chapter=chapter)
    mobber = UserFactory()
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    headers = session_for(mobber)
    (tmp_path / "web").mkdir()
    (tmp_path / "live").mkdir()
    with live_server(tmp_path / "web", workers=1) as web, live_stream(tmp_path / "live") as live:
        parts = urlsplit(live)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request(
            "GET", f"/live/{mob.slug}/stream", headers={"Accept": "text/event-stream"}
        )
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        events = Events(response)
        first = events.next(timeout=10)
        assert (first["reported_minor"], first["checkins"]) == (0, 1)

        status = post(
            f"{web}/day/{mob.slug}/me/report/",
            {"amount": "42.50", "currency": "EUR", "idempotency_key": str(uuid.uuid4())},
            headers,
        )
        assert status == 302
        update = events.next(timeout=10)
        assert (update["reported_minor"], update["reports"]) == (4250, 1)
        connection.close()


def test_stream_unknown_mob_is_404(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with live_stream(tmp_path) as live:
        parts = urlsplit(live)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("GET", "/live/no-such-mob/stream")
        assert connection.getresponse().status == 404
        connection.close()
