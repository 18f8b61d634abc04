"""The stream hub: one read per mob per tick whatever the number of viewers, fan-out to all."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from cashmob.live.app import IDLE_SECONDS, Hub, LiveApp


class FakeDb:
    def __init__(self) -> None:
        self.figures: dict[str, dict[str, Any]] = {"m": {"reported_minor": 0, "t": 0}}
        self.reads = 0

    def __call__(self, slug: str) -> dict[str, Any] | None:
        self.reads += 1
        found = self.figures.get(slug)
        return dict(found) if found else None


class ManualClock:
    """Time moves only when the test says so: tick counts do not depend on the machine's load."""

    def __init__(self) -> None:
        self.time = 0.0
        self.sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.time + seconds, woken))
        await woken

    def advance(self, seconds: float) -> None:
        self.time += seconds
        due = [(at, woken) for at, woken in self.sleepers if at <= self.time]
        self.sleepers = [(at, woken) for at, woken in self.sleepers if at > self.time]
        for _at, woken in due:
            woken.set_result(None)


async def until(condition: Callable[[], bool]) -> None:
    """Let the event loop (and the hub's reader thread) run until ``condition`` holds.

    Only an outcome that never comes fails, after a generous limit; how long it takes
    does not matter.
    """
    async with asyncio.timeout(30):
        while not condition():
            await asyncio.sleep(0.001)


async def tick(hub: Hub, clock: ManualClock, db: FakeDb) -> None:
    """One tick of the hub's clock, and wait until its read is done and it sleeps again."""
    reads = db.reads
    clock.advance(hub.tick)
    await until(lambda: db.reads == reads + 1 and len(clock.sleepers) == len(hub.channels))


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
    clock = ManualClock()

    async def scenario() -> list[list[dict[str, Any]]]:
        hub = Hub(reader=db, tick=1.0, clock=clock)
        app = LiveApp(hub)
        stop = asyncio.Event()
        sent: list[list[dict[str, Any]]] = [[] for _ in range(200)]

        async def viewer(i: int) -> None:
            sent[i] = await _call(app, "/live/m/stream", stop=stop)

        viewers = [asyncio.create_task(viewer(i)) for i in range(200)]
        await until(lambda: hub.stats()["viewers"] == 200 and len(clock.sleepers) == 1)
        # The crowd arriving at once cost one read: the first viewer's, shared with the rest.
        assert db.reads == 1

        db.figures["m"] = {"reported_minor": 2000, "t": 1}
        await tick(hub, clock, db)
        for _ in range(3):
            await tick(hub, clock, db)
        # Reads follow ticks, not viewers: one at the start, one per tick.
        assert db.reads == 1 + 4

        stop.set()
        await asyncio.gather(*viewers)
        await hub.close()
        return sent

    results = asyncio.run(scenario())
    assert len(results) == 200
    for sent in results:
        assert sent[0]["status"] == 200
        assert (b"content-type", b"text/event-stream; charset=utf-8") in sent[0]["headers"]
        # The new figures reached everyone once; unchanged ticks sent nothing.
        assert [e["reported_minor"] for e in _events(sent)] == [0, 2000]


def test_hub_stops_reading_a_mob_nobody_watches() -> None:
    """A channel whose viewers left stops reading once it has been idle long enough."""
    db = FakeDb()
    clock = ManualClock()

    async def scenario() -> tuple[int, int]:
        hub = Hub(reader=db, tick=1.0, clock=clock)
        app = LiveApp(hub)
        stop = asyncio.Event()
        viewer = asyncio.create_task(_call(app, "/live/m/stream", stop=stop))
        await until(lambda: hub.stats()["viewers"] == 1 and len(clock.sleepers) == 1)
        stop.set()
        await viewer
        # Still read while it may be watched again soon...
        for _ in range(int(IDLE_SECONDS)):
            await tick(hub, clock, db)
        reads_while_idle = db.reads
        # ...then the next tick ends the channel without a read.
        clock.advance(hub.tick * 2)
        await until(lambda: not hub.channels)
        await hub.close()
        return reads_while_idle, db.reads

    reads_while_idle, reads = asyncio.run(scenario())
    assert reads_while_idle == 1 + int(IDLE_SECONDS)
    assert reads == reads_while_idle


def test_hub_unknown_mob_is_404() -> None:
    db = FakeDb()

    async def scenario() -> list[dict[str, Any]]:
        app = LiveApp(Hub(reader=db, tick=1.0, clock=ManualClock()))
        stop = asyncio.Event()
        stop.set()
        return await _call(app, "/live/nope/stream", stop=stop)

    sent = asyncio.run(scenario())
    assert sent[0]["status"] == 404


@pytest.mark.parametrize("path", ["/", "/live/m/", "/live/../stream", "/admin/"])
def test_live_app_serves_only_streams(path: str) -> None:
    async def scenario() -> list[dict[str, Any]]:
        app = LiveApp(Hub(reader=FakeDb(), tick=1.0, clock=ManualClock()))
        stop = asyncio.Event()
        stop.set()
        return await _call(app, path, stop=stop)

    assert asyncio.run(scenario())[0]["status"] == 404


def test_live_app_stats_count_viewers_and_reads_only() -> None:
    db = FakeDb()

    async def scenario() -> dict[str, Any]:
        hub = Hub(reader=db, tick=1.0, clock=ManualClock())
        app = LiveApp(hub)
        stop = asyncio.Event()
        viewers = [asyncio.create_task(_call(app, "/live/m/stream", stop=stop)) for _ in range(3)]
        await until(lambda: hub.stats()["viewers"] == 3)
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
    assert stats["reads"] == db.reads == 1


def test_hub_answers_repeated_unknown_names_from_memory() -> None:
    """A flood of requests for a made-up mob costs one database read, not one each."""
    db = FakeDb()

    async def scenario() -> list[int]:
        app = LiveApp(Hub(reader=db, tick=1.0, clock=ManualClock()))
        stop = asyncio.Event()
        stop.set()
        statuses = []
        for _ in range(50):
            sent = await _call(app, "/live/made-up/stream", stop=stop)
            statuses.append(sent[0]["status"])
        return statuses

    assert asyncio.run(scenario()) == [404] * 50
    assert db.reads == 1
