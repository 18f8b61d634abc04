"""The stream hub: one read per mob per tick whatever the number of viewers, fan-out to all."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from cashmob.live.app import Hub, LiveApp


class FakeDb:
    def __init__(self) -> None:
        self.figures: dict[str, dict[str, Any]] = {"m": {"reported_minor": 0, "t": 0}}
        self.reads = 0

    def __call__(self, slug: str) -> dict[str, Any] | None:
        self.reads += 1
        found = self.figures.get(slug)
        return dict(found) if found else None


async def _call(app: LiveApp, path: str, *, stop: asyncio.Event) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await stop.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "http", "path": path, "method": "GET"}, receive, send)
    return sent


def _events(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bodies = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return [
        json.loads(line[6:]) for line in bodies.decode().splitlines() if line.startswith("data: ")
    ]


def test_hub_fans_out_one_read_per_tick_to_every_viewer() -> None:
    db = FakeDb()

    async def scenario() -> list[list[dict[str, Any]]]:
        hub = Hub(reader=db, tick=0.02)
        app = LiveApp(hub)
        stop = asyncio.Event()
        viewers = [asyncio.create_task(_call(app, "/live/m/stream", stop=stop)) for _ in range(200)]
        await asyncio.sleep(0.1)
        db.figures["m"] = {"reported_minor": 2000, "t": 1}
        await asyncio.sleep(0.1)
        reads_before = db.reads
        await asyncio.sleep(0.1)
        ticks = db.reads - reads_before
        stop.set()
        results = await asyncio.gather(*viewers)
        await hub.close()
        # About five ticks in 0.1 s for 200 viewers: reads follow ticks, not viewers.
        assert 1 <= ticks <= 10
        return results

    results = asyncio.run(scenario())
    assert len(results) == 200
    for sent in results:
        assert sent[0]["status"] == 200
        assert (b"content-type", b"text/event-stream; charset=utf-8") in sent[0]["headers"]
        assert [e["reported_minor"] for e in _events(sent)] == [0, 2000]
    # Each viewer's first read may come from the channel's cache: far fewer than viewers.
    assert db.reads < 50


def test_hub_unknown_mob_is_404() -> None:
    db = FakeDb()

    async def scenario() -> list[dict[str, Any]]:
        app = LiveApp(Hub(reader=db, tick=0.02))
        stop = asyncio.Event()
        stop.set()
        return await _call(app, "/live/nope/stream", stop=stop)

    sent = asyncio.run(scenario())
    assert sent[0]["status"] == 404


@pytest.mark.parametrize("path", ["/", "/live/m/", "/live/../stream", "/admin/"])
def test_live_app_serves_only_streams(path: str) -> None:
    async def scenario() -> list[dict[str, Any]]:
        app = LiveApp(Hub(reader=FakeDb(), tick=0.02))
        stop = asyncio.Event()
        stop.set()
        return await _call(app, path, stop=stop)

    assert asyncio.run(scenario())[0]["status"] == 404


def test_live_app_stats_count_viewers_and_reads_only() -> None:
    db = FakeDb()

    async def scenario() -> dict[str, Any]:
        hub = Hub(reader=db, tick=0.02)
        app = LiveApp(hub)
        stop = asyncio.Event()
        viewers = [asyncio.create_task(_call(app, "/live/m/stream", stop=stop)) for _ in range(3)]
        await asyncio.sleep(0.05)
        done = asyncio.Event()
        done.set()
        sent = await _call(app, "/stats", stop=done)
        stop.set()
        await asyncio.gather(*viewers)
        await hub.close()
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return {"status": sent[0]["status"], **json.loads(body)}

    stats = asyncio.run(scenario())
    assert stats["status"] == 200
    assert stats["channels"] == 1
    assert stats["viewers"] == 3
    assert 1 <= stats["reads"] == db.reads


def test_hub_answers_repeated_unknown_names_from_memory() -> None:
    """A flood of requests for a made-up mob costs one database read, not one each."""
    db = FakeDb()

    async def scenario() -> list[int]:
        app = LiveApp(Hub(reader=db, tick=0.02))
        stop = asyncio.Event()
        stop.set()
        statuses = []
        for _ in range(50):
            sent = await _call(app, "/live/made-up/stream", stop=stop)
            statuses.append(sent[0]["status"])
        return statuses

    assert asyncio.run(scenario()) == [404] * 50
    assert db.reads == 1
