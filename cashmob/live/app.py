"""The live tally stream: Server-Sent Events from a plain ASGI app (not Django's handler).

One asyncio task per watched mob reads that mob's totals once per tick from the shared
database and fans the figures out to every viewer of the mob; a viewer costs a queue and a
coroutine, never an OS thread, and the database sees one read per mob per tick whatever
the crowd. All reads run one after the other in a single worker thread, so the Django
connection they use is never shared between threads. Because every app process (on any
machine) writes the totals to the database, a report posted anywhere reaches every viewer
within a tick, and only committed figures are ever sent.

Paths: ``/live/<slug>/stream`` (the stream), ``/healthz`` and ``/stats`` (how many mobs
are watched, by how many viewers, and how many database reads were made).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Reader = Callable[[str], "dict[str, Any] | None"]

STREAM_PATH = re.compile(r"^/live/(?P<slug>[-a-zA-Z0-9_]{1,160})/stream/?$")
KEEPALIVE_SECONDS = 15.0
#: A channel with no viewers stops reading after this long.
IDLE_SECONDS = 10.0
#: Updates a slow viewer may lag behind before older ones are dropped (only the latest
#: figures matter on a tally).
VIEWER_QUEUE = 4
RETRY_MS = 3000
#: A name that is no mob (or no public one) is answered from memory for this long, so a
#: flood of made-up names costs one read each, not one per request.
MISS_SECONDS = 5.0
MAX_MISSES = 10_000


def read_totals(slug: str) -> dict[str, Any] | None:
    """One mob's public figures, from the database, or None if it is not public.

    The reader thread keeps its connection between reads (reconnecting to SQLite costs
    more than the read); one that failed is dropped, and the next read opens a new one.
    """
    from django.db import connection
    from django.utils import timezone

    from cashmob.checkin.selectors import tally_payload
    from cashmob.mobs.models import Mob
    from cashmob.mobs.selectors import PUBLIC_STATUSES

    if connection.errors_occurred:
        connection.close_if_unusable_or_obsolete()
    mob = (
        Mob.objects.filter(slug=slug, status__in=PUBLIC_STATUSES, published_at__isnull=False)
        .only(
            "status",
            "currency",
            "reported_total_minor",
            "report_count",
            "checkin_count",
            "pledged_total_minor",
            "confirmed_total_minor",
            "tipping_point",
            "starts_at",
        )
        .first()
    )
    if mob is None:
        return None
    return tally_payload(mob, now=timezone.now())


class Clock:
    """Real time: the event loop's monotonic clock. Tests give the hub a clock they move."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass
class Channel:
    """The viewers of one mob and the task that reads its figures for them."""

    slug: str
    viewers: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)
    last: dict[str, Any] | None = None
    task: asyncio.Task[None] | None = None
    idle_since: float | None = None
    ready: asyncio.Future[None] | None = None


class Hub:
    def __init__(
        self, *, reader: Reader = read_totals, tick: float = 1.0, clock: Clock | None = None
    ) -> None:
        self.reader = reader
        self.tick = tick
        self.clock = clock or Clock()
        self.channels: dict[str, Channel] = {}
        self.reads = 0
        self.misses: dict[str, float] = {}
        # One thread for every read: the database connection stays in it, and a slow
        # database slows the tick rather than piling up threads.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-db")

    async def read(self, slug: str) -> dict[str, Any] | None:
        loop = asyncio.get_running_loop()
        self.reads += 1
        return await loop.run_in_executor(self.executor, self.reader, slug)

    async def subscribe(self, slug: str) -> tuple[Channel, asyncio.Queue[dict[str, Any]]] | None:
        channel = self.channels.get(slug)
        now = self.clock.now()
        if channel is None and self.misses.get(slug, 0.0) > now:
            return None
        if channel is None:
            # The first viewer reads for everyone arriving meanwhile: a crowd opening the
            # page at once costs one read, not one per viewer.
            ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            channel = Channel(slug=slug, ready=ready)
            self.channels[slug] = channel
            try:
                channel.last = await self.read(slug)
            except Exception:
                channel.last = None
                logger.exception("reading the totals of %s failed", slug)
            finally:
                ready.set_result(None)
            if channel.last is None and self.channels.get(slug) is channel:
                del self.channels[slug]
                if len(self.misses) >= MAX_MISSES:
                    self.misses = {k: t for k, t in self.misses.items() if t > now}
                if len(self.misses) < MAX_MISSES:
                    self.misses[slug] = now + MISS_SECONDS
        else:
            if channel.ready is not None:
                await asyncio.shield(channel.ready)
        if channel.last is None:
            return None
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=VIEWER_QUEUE)
        queue.put_nowait(channel.last)
        channel.viewers.add(queue)
        channel.idle_since = None
        if channel.task is None or channel.task.done():
            channel.task = asyncio.create_task(self._run(channel), name=f"live:{slug}")
        return channel, queue

    def stats(self) -> dict[str, int]:
        """Counts for operators and the benchmark suite: nothing about who is watching."""
        return {
            "channels": len(self.channels),
            "viewers": sum(len(c.viewers) for c in self.channels.values()),
            "reads": self.reads,
        }

    def unsubscribe(self, channel: Channel, queue: asyncio.Queue[dict[str, Any]]) -> None:
        channel.viewers.discard(queue)
        if not channel.viewers:
            channel.idle_since = self.clock.now()

    async def _run(self, channel: Channel) -> None:
        try:
            while True:
                await self.clock.sleep(self.tick)
                if not channel.viewers and (
                    channel.idle_since is None
                    or self.clock.now() - channel.idle_since > IDLE_SECONDS
                ):
                    break
                try:
                    figures = await self.read(channel.slug)
                except Exception:
                    logger.exception("reading the totals of %s failed", channel.slug)
                    continue
                if figures is None or _same(figures, channel.last):
                    continue
                channel.last = figures
                for queue in list(channel.viewers):
                    _offer(queue, figures)
        finally:
            if self.channels.get(channel.slug) is channel and not channel.viewers:
                del self.channels[channel.slug]

    async def close(self) -> None:
        for channel in list(self.channels.values()):
            if channel.task is not None:
                channel.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await channel.task
        self.executor.shutdown(wait=False, cancel_futures=True)


def _same(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    if b is None:
        return False
    return {k: v for k, v in a.items() if k != "t"} == {k: v for k, v in b.items() if k != "t"}


def _offer(queue: asyncio.Queue[dict[str, Any]], figures: dict[str, Any]) -> None:
    if queue.full():
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
    queue.put_nowait(figures)


def _event(figures: dict[str, Any]) -> bytes:
    data = json.dumps(figures, separators=(",", ":"))
    return f"event: tally\nid: {figures.get('t', 0)}\ndata: {data}\n\n".encode()


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"access-control-allow-origin", b"*"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LiveApp:
    """The ASGI application."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = scope.get("path", "")
        if path == "/healthz":
            await _plain(send, 200, b"ok")
            return
        if path == "/stats":
            await _plain(send, 200, json.dumps(self.hub.stats()).encode())
            return
        match = STREAM_PATH.match(path)
        if match is None or scope.get("method") not in ("GET", "HEAD"):
            await _plain(send, 404, b"not found")
            return
        await self._stream(match.group("slug"), receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.hub.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _stream(self, slug: str, receive: Receive, send: Send) -> None:
        subscribed = await self.hub.subscribe(slug)
        if subscribed is None:
            await _plain(send, 404, b"no such mob")
            return
        channel, queue = subscribed
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-cache"),
                        (b"x-accel-buffering", b"no"),
                        (b"access-control-allow-origin", b"*"),
                    ],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": f"retry: {RETRY_MS}\n\n".encode(),
                    "more_body": True,
                }
            )
            disconnected = asyncio.create_task(_wait_disconnect(receive))
            try:
                while not disconnected.done():
                    getter = asyncio.create_task(queue.get())
                    done, _pending = await asyncio.wait(
                        {getter, disconnected},
                        timeout=KEEPALIVE_SECONDS,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    if getter in done:
                        body = _event(getter.result())
                    else:
                        getter.cancel()
                        if disconnected in done:
                            break
                        body = b": keep-alive\n\n"
                    await send({"type": "http.response.body", "body": body, "more_body": True})
            finally:
                disconnected.cancel()
        except OSError:
            pass  # The viewer went away mid-write.
        finally:
            self.hub.unsubscribe(channel, queue)


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def build_app(*, tick: float | None = None, reader: Reader = read_totals) -> LiveApp:
    from cashmob.live.config import tick_seconds

    return LiveApp(Hub(reader=reader, tick=tick if tick is not None else tick_seconds()))
