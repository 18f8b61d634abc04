"""Reads for the day of a mob, with their joins decided and their query counts pinned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.checkin.models import CheckIn, SpendReport
from cashmob.core.money import currency_exponent, format_money
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.selectors import PUBLIC_STATUSES

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.rsvps.models import Rsvp

SPARK_WIDTH = 100
SPARK_HEIGHT = 30
MAX_SPARK_POINTS = 120


@dataclass
class Tally:
    """What the live tally shows; read in two queries whatever the crowd."""

    mob: Mob
    series: list[tuple[int, int]]
    now: datetime
    transaction_count: int | None = None

    @property
    def exponent(self) -> int:
        return currency_exponent(self.mob.currency)

    @property
    def not_started(self) -> bool:
        return self.mob.starts_at is not None and self.now < self.mob.starts_at

    @property
    def elapsed_seconds(self) -> int:
        if self.mob.starts_at is None or self.now < self.mob.starts_at:
            return 0
        end = self.mob.ends_at if self.mob.status != MobStatus.LIVE else None
        until = min(self.now, end) if end is not None else self.now
        return int((until - self.mob.starts_at).total_seconds())

    @property
    def fmt_hm(self) -> str:
        # Placeholders, not %-formatting: tally.js fills the same strings as the stream runs.
        return _("{h} h {m} min")

    @property
    def fmt_m(self) -> str:
        return _("{m} min")

    @property
    def fmt_pledged(self) -> str:
        return _("{p}% of the {total} pledged")

    @property
    def elapsed_label(self) -> str:
        minutes = self.elapsed_seconds // 60
        if minutes >= 60:
            return self.fmt_hm.format(h=minutes // 60, m=f"{minutes % 60:02d}")
        return self.fmt_m.format(m=minutes)

    @property
    def pledged_label(self) -> str:
        total = format_money(self.mob.pledged_total_minor, self.mob.currency, whole=True)
        return self.fmt_pledged.format(p=self.pledged_percent or 0, total=total)

    @property
    def pledged_bar(self) -> int:
        return min(100, self.pledged_percent or 0)

    @property
    def pledged_percent(self) -> int | None:
        if not self.mob.pledged_total_minor:
            return None
        return round(100 * self.mob.reported_total_minor / self.mob.pledged_total_minor)

    @property
    def tipping_percent(self) -> int | None:
        if not self.mob.tipping_point:
            return None
        return min(100, round(100 * self.mob.checkin_count / self.mob.tipping_point))

    @property
    def spark_points(self) -> str:
        return sparkline_points(self.series, self.mob.reported_total_minor)

    def snapshot(self) -> dict[str, Any]:
        return tally_payload(self.mob, now=self.now)


def sparkline_points(series: list[tuple[int, int]], total: int) -> str:
    """``points`` of an SVG polyline (0..100 by 0..30) for the running total over time."""
    if not series:
        return f"0,{SPARK_HEIGHT} {SPARK_WIDTH},{SPARK_HEIGHT}"
    last_t = max(series[-1][0], 1)
    top = max(total, series[-1][1], 1)
    step = max(1, len(series) // MAX_SPARK_POINTS)
    picked = [*series[::step], series[-1]]
    points = [(0.0, float(SPARK_HEIGHT))]
    for t, value in picked:
        x = SPARK_WIDTH * t / last_t
        y = SPARK_HEIGHT - (SPARK_HEIGHT - 2) * value / top
        points.append((x, y))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def tally_payload(mob: Mob, *, now: datetime) -> dict[str, Any]:
    """The figures the stream sends: raw integers, formatted by the page in its language."""
    return {
        "status": mob.status,
        "currency": mob.currency,
        "reported_minor": mob.reported_total_minor,
        "reports": mob.report_count,
        "checkins": mob.checkin_count,
        "pledged_minor": mob.pledged_total_minor,
        "confirmed_minor": mob.confirmed_total_minor,
        "tipping_point": mob.tipping_point,
        "starts_at": mob.starts_at.isoformat() if mob.starts_at else None,
        "t": int(now.timestamp()),
    }


def access_mob_public(*, slug: str) -> Mob:
    mob = (
        Mob.objects.select_related("chapter", "business", "owner_confirmation")
        .filter(slug=slug, status__in=PUBLIC_STATUSES, published_at__isnull=False)
        .first()
    )
    if mob is None:
        raise Http404
    return mob


def tally_get(*, slug: str) -> Tally:
    """The tally page: the mob with its totals (one query) and the counted reports' times."""
    mob = access_mob_public(slug=slug)
    now = timezone.now()
    series: list[tuple[int, int]] = []
    if mob.starts_at is not None:
        running = 0
        rows = (
            SpendReport.objects.filter(mob=mob, status=SpendReport.Status.COUNTED)
            .order_by("created_at")
            .values_list("created_at", "amount_minor")
        )
        for at, amount in rows:
            running += amount
            series.append((max(0, int((at - mob.starts_at).total_seconds())), running))
    confirmation = getattr(mob, "owner_confirmation", None)
    return Tally(
        mob=mob,
        series=series,
        now=now,
        transaction_count=confirmation.transaction_count if confirmation else None,
    )


# --- A participant's own day ------------------------------------------------------------------


@dataclass
class MyDay:
    mob: Mob
    rsvp: Rsvp | None
    checkin: CheckIn | None
    reports: list[SpendReport] = field(default_factory=list)


def my_checkin(*, mob: Mob, user: User | None, guest: Rsvp | None = None) -> CheckIn | None:
    """The acting person's check-in at ``mob``: a member's, or a guest's."""
    if guest is not None:
        return CheckIn.objects.filter(mob=mob, rsvp=guest, user__isnull=True).first()
    if user is None or not user.is_authenticated:
        return None
    return CheckIn.objects.filter(mob=mob, user=user).first()


def my_day_get(*, mob: Mob, user: User | None, guest: Rsvp | None = None) -> MyDay:
    """A member's day at ``mob``, or a ``guest``'s (an RSVP made without an account)."""
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    if guest is not None:
        checkin = my_checkin(mob=mob, user=None, guest=guest)
        reports = list(checkin.reports.order_by("created_at")) if checkin else []
        return MyDay(mob=mob, rsvp=guest, checkin=checkin, reports=reports)
    if user is None or not user.is_authenticated:
        return MyDay(mob=mob, rsvp=None, checkin=None)
    rsvp = (
        Rsvp.objects.filter(
            mob=mob, user=user, status__in=(RsvpStatus.CONFIRMED, RsvpStatus.WAITING)
        )
        .order_by("-id")
        .first()
    )
    checkin = my_checkin(mob=mob, user=user)
    reports = list(checkin.reports.order_by("created_at")) if checkin else []
    return MyDay(mob=mob, rsvp=rsvp, checkin=checkin, reports=reports)


def spend_report_of(*, report_id: int, user: User | None, guest: Rsvp | None = None) -> SpendReport:
    """One of the acting person's own reports (a member's or a guest's), else 404."""
    own = (
        Q(checkin__rsvp=guest, checkin__user__isnull=True)
        if guest is not None
        else Q(checkin__user=user)
    )
    report = (
        SpendReport.objects.select_related("checkin", "mob__chapter")
        .filter(own, pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


# --- The organiser's day view ------------------------------------------------------------------


@dataclass
class DayView:
    mob: Mob
    checkins: list[CheckIn]
    held: list[SpendReport]
    counts: dict[str, int]
    query: str


def checkin_list(*, mob: Mob, query: str = "") -> QuerySet[CheckIn]:
    found = CheckIn.objects.filter(mob=mob).select_related("user", "rsvp__user")
    if query:
        found = found.filter(
            Q(walk_in_name__icontains=query)
            | Q(user__display_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(rsvp__guest_name__icontains=query)
            | Q(rsvp__guest_email__icontains=query)
        )
    return found.order_by("-at", "-id")


def day_view_get(*, mob: Mob, query: str = "", limit: int = 500) -> DayView:
    """The organiser's day view in four queries (the mob is already read)."""
    query = query.strip()[:80]
    checkins = list(checkin_list(mob=mob, query=query)[:limit])
    held = list(
        SpendReport.objects.filter(mob=mob, status=SpendReport.Status.HELD)
        .select_related("checkin__user", "checkin__rsvp__user")
        .order_by("created_at")
    )
    counts = CheckIn.objects.filter(mob=mob).aggregate(
        total=Count("pk"),
        # Anyone without an RSVP, whether added by an organiser or checked in by code.
        walk_ins=Count("pk", filter=Q(rsvp__isnull=True)),
        first_time=Count("pk", filter=Q(first_time=True)),
    )
    return DayView(mob=mob, checkins=checkins, held=held, counts=counts, query=query)
