"""The live tally under a crowd: thousands of open streams, one report, how fast it lands.

Viewers are plain sockets speaking HTTP/1.1 to the stream process that ``cashmob run``
starts (``cashmob.live.asgi`` under uvicorn). Spend reports go through the real service,
committed to the shared database exactly as the web process would; the stream process
reads them on its next tick.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from bench.measure import Report, ms, percentile

LIVE_SLUG = "bench-live-tally"


def live_mob_ensure() -> tuple[str, int]:
    """A mob that is live now, with one mobber checked in; returns its slug and the id
    of that check-in's user."""
    from cashmob.accounts.models import User
    from cashmob.businesses.models import Business
    from cashmob.checkin.models import CheckIn, SpendReport
    from cashmob.mobs.models import ACTIVE_STATUSES, Consent, Mob, MobStatus

    now = timezone.now()
    # A shop has one mob on its way at a time: the bench's mob takes a shop without one.
    busy = (
        Mob.objects.filter(status__in=ACTIVE_STATUSES, business__isnull=False)
        .exclude(slug=LIVE_SLUG)
        .values("business_id")
    )
    business = (
        Business.objects.filter(status=Business.Status.ACTIVE)
        .exclude(pk__in=busy)
        .order_by("id")
        .first()
    )
    assert business is not None, "the dataset has no shop"
    chapter = business.chapter
    mob, _created = Mob.objects.update_or_create(
        slug=LIVE_SLUG,
        defaults={
            "chapter": chapter,
            "business": business,
            "title": f"Cash mob at {business.name}",
            "starts_at": now - timedelta(minutes=10),
            "ends_at": now + timedelta(hours=2),
            "pledge_minor": chapter.default_pledge_minor,
            "currency": chapter.currency,
            "status": MobStatus.LIVE,
            "business_consent": Consent.ACCEPTED,
            "consent_at": now - timedelta(days=8),
            "published_at": now - timedelta(days=7),
        },
    )
    user, _created = User.objects.get_or_create(
        email="bench-mobber@bench.cashmob.org", defaults={"display_name": "Bench Mobber"}
    )
    CheckIn.objects.get_or_create(mob=mob, user=user, defaults={"method": CheckIn.Method.MOB_CODE})
    # Each run starts from an empty tally (a mobber may report only so many spends).
    SpendReport.objects.filter(mob=mob).delete()
    Mob.objects.filter(pk=mob.pk).update(reported_total_minor=0, report_count=0)
    return mob.slug, user.pk


def report_spend(slug: str, user_id: int, amount_minor: int) -> int:
    """Report a spend through the product's service; returns the new reported total."""
    from cashmob.accounts.models import User
    from cashmob.checkin.services import spend_report_submit
    from cashmob.mobs.models import Mob

    mob = Mob.objects.get(slug=slug)
    user = User.objects.get(pk=user_id)
    amount = f"{amount_minor // 100}.{amount_minor % 100:02d}"
    spend_report_submit(
        mob=mob, actor=user, amount=amount, currency=mob.currency, idempotency_key=uuid.uuid4()
    )
    return Mob.objects.values_list("reported_total_minor", flat=True).get(pk=mob.pk)


@dataclass
class Viewer:
    latest: int = -1
    seen_at: dict[int, float] = field(default_factory=dict)
    connected_at: float = 0.0
    failed: str = ""


async def _watch(host: str, port: int, slug: str, viewer: Viewer, began: float) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(
            f"GET /live/{slug}/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            viewer.failed = status.decode(errors="replace").strip()
            return
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                figures = json.loads(line[6:])
                now = time.perf_counter()
                if viewer.latest < 0:
                    viewer.connected_at = now - began
                viewer.latest = figures["reported_minor"]
                viewer.seen_at.setdefault(viewer.latest, now)
    except (OSError, asyncio.IncompleteReadError) as error:
        viewer.failed = repr(error)


def _process_figures(pid: int) -> dict[str, str]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {"rss": fields["VmRSS"].strip(), "threads": fields["Threads"].strip()}


def _stats(host: str, port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://{host}:{port}/stats", timeout=5) as response:
        return json.loads(response.read())


async def _crowd(
    report: Report, *, host: str, port: int, pid: int, viewers: int, reports: int
) -> None:
    slug, user_id = await asyncio.to_thread(live_mob_ensure)
    idle = _process_figures(pid)
    crowd = [Viewer() for _ in range(viewers)]
    began = time.perf_counter()
    tasks = []
    for number, viewer in enumerate(crowd):
        tasks.append(asyncio.create_task(_watch(host, port, slug, viewer, began)))
        if number % 200 == 199:
            await asyncio.sleep(0.05)  # connect in waves, as a room fills up
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline and any(v.latest < 0 and not v.failed for v in crowd):
        await asyncio.sleep(0.05)
    connected = [v for v in crowd if v.latest >= 0]
    failed = [v for v in crowd if v.failed]
    all_in = max((v.connected_at for v in connected), default=0.0)
    watched = _process_figures(pid)
    report.add(
        f"{viewers:,} viewers open the tally",
        connected=f"{len(connected):,}",
        failed=f"{len(failed):,}",
        all_connected_in=ms(all_in),
        rss_idle=idle["rss"],
        rss_watched=watched["rss"],
        threads=f"{idle['threads']} → {watched['threads']}",
        note=f"first failure: {failed[0].failed}" if failed else "",
    )
    stats_before = _stats(host, port)
    ticks_began = time.perf_counter()
    delays: list[float] = []
    missed = 0
    for _ in range(reports):
        total = await asyncio.to_thread(report_spend, slug, user_id, 2000)
        committed = time.perf_counter()
        wait_until = committed + 10
        while time.perf_counter() < wait_until and any(
            v.latest < total for v in connected if not v.failed
        ):
            await asyncio.sleep(0.01)
        for viewer in connected:
            seen = viewer.seen_at.get(total)
            if seen is None:
                missed += 1
            else:
                delays.append(max(seen - committed, 0.0))
        await asyncio.sleep(0.3)
    elapsed = time.perf_counter() - ticks_began
    stats_after = _stats(host, port)
    reads = stats_after["reads"] - stats_before["reads"]
    report.add(
        f"a report reaches {len(connected):,} viewers",
        reports=str(reports),
        median=ms(percentile(delays, 0.5)),
        p95=ms(percentile(delays, 0.95)),
        max=ms(max(delays, default=float("nan"))),
        missed=str(missed),
        database_reads=f"{reads} in {elapsed:.1f} s",
        note="delay from the report's commit to the viewer; the stream reads once per tick",
    )
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def bench_live(
    report: Report, *, host: str, port: int, pid: int, viewers: int, reports: int
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, viewers + 1024)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    asyncio.run(_crowd(report, host=host, port=port, pid=pid, viewers=viewers, reports=reports))
