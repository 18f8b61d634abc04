"""Writes on the day of a mob: check-ins, spend reports, the shop's till total, closing.

The mob's running totals (``checkin_count``, ``reported_total_minor``, ``report_count``,
``confirmed_total_minor``) change only here, with atomic ``F()`` updates in the same
transaction as the row they count, so they stay exact under any number of concurrent
requests; the live tally reads committed totals only.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.businesses.selectors import business_language
from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.checkin import codes
from cashmob.checkin.exceptions import (
    CheckinConflictError,
    CheckinError,
    CheckinPermissionError,
)
from cashmob.checkin.models import CheckIn, OwnerConfirmation, SpendReport
from cashmob.checkin.receipts import receipt_clean
from cashmob.core.audit import audit_record
from cashmob.core.links import absolute_url
from cashmob.core.money import MoneyError, parse_amount
from cashmob.mobs.exceptions import TransitionError
from cashmob.mobs.models import LIVE_GRACE, ConsentRequest, Mob, MobStatus
from cashmob.mobs.services import mob_transition
from cashmob.rsvps.models import Rsvp, RsvpStatus

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from cashmob.accounts.models import User

logger = logging.getLogger(__name__)

#: Organisers may start scanning at the meeting point a little before the start.
SCAN_OPENS_BEFORE = timedelta(minutes=30)
#: Reports and corrections are accepted until this long after the end; then the mob closes.
GRACE = LIVE_GRACE
#: Without the shop's confirmation, the results are published this long after the end.
CONFIRM_DEADLINE = timedelta(days=7)
MAX_REPORTS_PER_CHECKIN = 10
#: A report this many times above the chapter's cap is a typo, not a purchase.
ABSURD_FACTOR = 20
MAX_TILL_TOTAL_MINOR = 10**11
DAY_STATUSES = (MobStatus.PUBLISHED, MobStatus.LIVE)


@dataclass(frozen=True)
class CheckinResult:
    checkin: CheckIn
    created: bool


# --- Windows ----------------------------------------------------------------------------------


def _fresh_mob(mob: Mob) -> Mob:
    return Mob.objects.select_related("chapter").get(pk=mob.pk)


def _ensure_live(mob: Mob, now: datetime) -> Mob:
    """A published mob whose start has passed is live, even if the scheduler is late."""
    if mob.status == MobStatus.PUBLISHED and mob.starts_at is not None and mob.starts_at <= now:
        try:
            with transaction.atomic():
                return mob_transition(mob=mob, to=MobStatus.LIVE, actor=None)
        except TransitionError:
            mob.refresh_from_db()
    return mob


def _require_checkin_window(mob: Mob, now: datetime, *, opens_before: timedelta) -> None:
    if mob.status not in DAY_STATUSES or mob.starts_at is None or mob.ends_at is None:
        raise CheckinConflictError(
            _("Check-in is only open during the mob."), code="checkin_closed"
        )
    if now < mob.starts_at - opens_before:
        raise CheckinConflictError(_("Check-in has not opened yet."), code="checkin_not_open")
    if now >= mob.ends_at:
        raise CheckinConflictError(
            _("The mob is over: check-in has closed."), code="checkin_closed"
        )


def checkin_window_state(mob: Mob, now: datetime) -> str:
    """Where self check-in stands: "before" the start, "open" during the mob, or "over"."""
    if mob.starts_at is not None and now < mob.starts_at:
        return "before"
    if mob.status in DAY_STATUSES and mob.ends_at is not None and now < mob.ends_at:
        return "open"
    return "over"


def report_window_open(mob: Mob, now: datetime) -> bool:
    return (
        mob.status in (MobStatus.PUBLISHED, MobStatus.LIVE, MobStatus.CLOSED)
        and mob.starts_at is not None
        and mob.ends_at is not None
        and mob.starts_at <= now < mob.ends_at + GRACE
    )


def _require_report_window(mob: Mob, now: datetime) -> None:
    if not report_window_open(mob, now):
        raise CheckinConflictError(
            _("Spends can be reported from the start of the mob until an hour after its end."),
            code="report_window_closed",
        )


# --- Check-in ---------------------------------------------------------------------------------


def _insert_checkin(checkin: CheckIn) -> CheckinResult:
    """Insert, or find the earlier check-in of the same person: repeats are harmless.

    The unique constraints decide between two concurrent check-ins of one person; the
    count moves only for the one that inserted.
    """
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        existing = _existing_checkin(checkin)
        if existing is None:
            raise
        return CheckinResult(existing, created=False)
    Mob.objects.filter(pk=checkin.mob_id).update(checkin_count=F("checkin_count") + 1)
    return CheckinResult(checkin, created=True)


def _existing_checkin(checkin: CheckIn) -> CheckIn | None:
    found = CheckIn.objects.filter(mob_id=checkin.mob_id)
    if checkin.user_id is not None:
        hit = found.filter(user_id=checkin.user_id).first()
        if hit is not None:
            return hit
    if checkin.rsvp_id is not None:
        return found.filter(rsvp_id=checkin.rsvp_id).first()
    if checkin.walk_in_key is not None:
        return found.filter(walk_in_key=checkin.walk_in_key).first()
    return None


def _own(actor: User | None, guest: Rsvp | None) -> Q:
    """The check-ins that are the acting person's own: a member's, or a guest's (an RSVP
    made without an account, acting through its private day link)."""
    if guest is not None:
        return Q(rsvp_id=guest.pk, user__isnull=True)
    if actor is None or not actor.is_authenticated:
        raise CheckinPermissionError(_("Log in to do this."), code="login_required")
    return Q(user_id=actor.pk)


def _require_guest_of(mob: Mob, guest: Rsvp) -> None:
    if (
        guest.mob_id != mob.pk
        or guest.user_id is not None
        or guest.status
        not in (
            RsvpStatus.CONFIRMED,
            RsvpStatus.WAITING,
        )
    ):
        raise CheckinPermissionError(
            _("This link is not for a confirmed RSVP to this mob."), code="not_a_guest"
        )


def _active_rsvp(mob: Mob, user: User) -> Rsvp | None:
    return (
        Rsvp.objects.filter(
            mob=mob, user=user, status__in=(RsvpStatus.CONFIRMED, RsvpStatus.WAITING)
        )
        .order_by("-id")
        .first()
    )


@transaction.atomic
def checkin_record(
    *,
    mob: Mob,
    actor: User | None,
    code: str = "",
    walk_in_name: str = "",
    walk_in_key: uuid.UUID | None = None,
    by_shop: bool = False,
    guest: Rsvp | None = None,
    now: datetime | None = None,
) -> CheckinResult:
    """Check someone in, once.

    - A personal code (scanned QR or typed) checks in its RSVP's holder; only the chapter's
      organisers or the shop (``by_shop``) scan, from half an hour before the start.
    - The shop's mob code checks in the logged-in ``actor`` themself (or the ``guest``, an
      RSVP without an account acting through its private link), during the mob only.
    - A walk-in name (organisers or the shop) checks in someone who did not RSVP.

    A repeat returns the first check-in with ``created=False``; a forged code is refused.
    """
    now = now or timezone.now()
    mob = _ensure_live(_fresh_mob(mob), now)
    staff = by_shop or is_chapter_organiser(chapter=mob.chapter, user=actor)
    text = codes.normalise(code)
    walk_in_name = " ".join(walk_in_name.split())[:80]

    if text and codes.personal_code_rsvp_id(text) is not None:
        if not staff:
            raise CheckinPermissionError(
                _("Only the organisers or the shop can scan personal codes."),
                code="not_organiser",
            )
        _require_checkin_window(mob, now, opens_before=SCAN_OPENS_BEFORE)
        rsvp = (
            Rsvp.objects.select_related("user")
            .filter(pk=codes.personal_code_rsvp_id(text) or 0, mob=mob)
            .first()
        )
        if rsvp is None or not codes.personal_code_valid(rsvp, text):
            raise CheckinError(_("This code is not valid for this mob."), code="code_invalid")
        if rsvp.status == RsvpStatus.CANCELLED:
            raise CheckinError(_("This RSVP was cancelled."), code="rsvp_cancelled")
        checkin = CheckIn(
            mob=mob,
            rsvp=rsvp,
            user=rsvp.user,
            method=CheckIn.Method.PERSONAL,
            code=text,
            checked_in_by=actor if actor is not None and actor.is_authenticated else None,
            at=now,
        )
    elif text:
        member: User | None
        if guest is not None:
            _require_guest_of(mob, guest)
            member, rsvp = None, guest
        elif actor is not None and actor.is_authenticated:
            member, rsvp = actor, _active_rsvp(mob, actor)
        else:
            raise CheckinPermissionError(_("Log in to check yourself in."), code="login_required")
        if not codes.is_mob_code(mob, text):
            raise CheckinError(
                _("This is not the code shown in the shop. Check it and try again."),
                code="code_invalid",
                field="code",
            )
        _require_checkin_window(mob, now, opens_before=timedelta(0))
        if (
            rsvp is not None
            and rsvp.status == RsvpStatus.WAITING
            and not CheckIn.objects.filter(mob=mob, rsvp=rsvp).exists()
        ):
            # The shop set its crowd: someone waiting counts as a mobber only once the
            # shop or an organiser lets them in (by scanning their personal code).
            raise CheckinError(
                _(
                    "You are on the waiting list, so you cannot check yourself in. Show "
                    "your personal code to the organisers or the shop: they can let you "
                    "in if there is room."
                ),
                code="on_waiting_list",
                field="code",
            )
        checkin = CheckIn(
            mob=mob,
            user=member,
            rsvp=rsvp,
            method=CheckIn.Method.MOB_CODE,
            code=text,
            checked_in_by=member,
            at=now,
        )
    elif walk_in_name:
        if not staff:
            raise CheckinPermissionError(
                _("Only the organisers or the shop can add walk-ins."), code="not_organiser"
            )
        _require_checkin_window(mob, now, opens_before=SCAN_OPENS_BEFORE)
        checkin = CheckIn(
            mob=mob,
            walk_in_name=walk_in_name,
            walk_in_key=walk_in_key,
            method=CheckIn.Method.WALK_IN,
            checked_in_by=actor if actor is not None and actor.is_authenticated else None,
            at=now,
        )
    else:
        raise CheckinError(_("Enter a code."), code="code_missing", field="code")

    result = _insert_checkin(checkin)
    if result.created:
        # A personal code scanned for someone still waiting: the shop or an organiser
        # let them in, which the record says.
        admitted = checkin.rsvp is not None and checkin.rsvp.status == RsvpStatus.WAITING
        audit_record(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action="checkin.admit" if admitted else "checkin.record",
            obj=result.checkin,
            data={"method": checkin.method, "by_shop": by_shop},
        )
    return result


@transaction.atomic
def checkin_answer(
    *,
    checkin: CheckIn,
    actor: User | None,
    first_time: bool | None,
    met_count: int | None,
    guest: Rsvp | None = None,
) -> CheckIn:
    """The two opt-in questions: first time in this shop, and how many new people met."""
    if not CheckIn.objects.filter(_own(actor, guest), pk=checkin.pk).exists():
        raise CheckinPermissionError(_("Only the person checked in can answer."), code="not_yours")
    if met_count is not None and not 0 <= met_count <= 100:
        raise CheckinError(
            _("Enter a number between 0 and 100."), code="met_count_invalid", field="met_count"
        )
    CheckIn.objects.filter(pk=checkin.pk).update(first_time=first_time, met_count=met_count)
    checkin.refresh_from_db()
    return checkin


# --- Spend reports ----------------------------------------------------------------------------


def _amount(mob: Mob, amount: str | int, currency: str, *, field: str = "amount") -> int:
    if currency != mob.currency:
        raise CheckinError(
            _("Report the amount in %(currency)s, the mob's currency.")
            % {"currency": mob.currency},
            code="wrong_currency",
            field=field,
        )
    try:
        value = parse_amount(amount if isinstance(amount, int) else str(amount), mob.currency)
    except MoneyError as error:
        raise CheckinError(str(error.message), code=f"amount_{error.code}", field=field) from None
    if value <= 0:
        raise CheckinError(
            _("Enter the amount you spent, above zero."), code="amount_zero", field=field
        )
    if value > mob.chapter.max_pledge_minor * ABSURD_FACTOR:
        raise CheckinError(
            _("This amount is far too large to be one person's spend. Check it."),
            code="amount_absurd",
            field=field,
        )
    return value


def _status_for(mob: Mob, amount_minor: int) -> str:
    if amount_minor > mob.chapter.max_pledge_minor:
        return SpendReport.Status.HELD
    return SpendReport.Status.COUNTED


def _add_to_totals(mob_id: int, *, amount: int, reports: int) -> None:
    Mob.objects.filter(pk=mob_id).update(
        reported_total_minor=F("reported_total_minor") + amount,
        report_count=F("report_count") + reports,
    )


def _parse_key(key: str | uuid.UUID) -> uuid.UUID:
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise CheckinError(
            _("This form has expired. Reload the page and try again."), code="bad_key"
        ) from None


def _held_notify(report: SpendReport) -> None:

    from cashmob.mobs.consent import _organisers
    from cashmob.notifications.models import Kind
    from cashmob.notifications.services import notify

    mob = report.mob
    notify(
        users=_organisers(mob),
        kind=Kind.ACCOUNT,
        event_key=f"spend_report:{report.pk}:held",
        template="checkin/report_held",
        context={
            "mob_title": mob.title,
            "amount_minor": report.amount_minor,
            "currency": report.currency,
            "day_url": absolute_url("checkin:day", slug=mob.slug),
        },
    )


def spend_report_submit(
    *,
    mob: Mob,
    actor: User | None,
    amount: str | int,
    currency: str,
    idempotency_key: str | uuid.UUID,
    receipt: UploadedFile | None = None,
    guest: Rsvp | None = None,
    now: datetime | None = None,
) -> tuple[SpendReport, bool]:
    """A checked-in mobber (a member, or a ``guest`` through their private link) reports
    what they spent; returns ``(report, created)``.

    Sending the same ``idempotency_key`` again returns the first report and counts nothing.
    Amounts above the chapter's cap are held for the organisers and not counted. The photo
    is checked and re-encoded before the transaction, so the write lock is held briefly.
    """
    now = now or timezone.now()
    key = _parse_key(idempotency_key)
    mob = _fresh_mob(mob)
    if guest is None and (actor is None or not actor.is_authenticated):
        raise CheckinPermissionError(_("Log in to report a spend."), code="login_required")
    checkin = CheckIn.objects.filter(_own(actor, guest), mob=mob).first()
    if checkin is None:
        raise CheckinPermissionError(
            _("Check in first: only people at the mob report spends."), code="not_checked_in"
        )
    earlier = SpendReport.objects.filter(checkin=checkin, idempotency_key=key).first()
    if earlier is not None:
        return earlier, False
    _require_report_window(mob, now)
    value = _amount(mob, amount, currency)
    cleaned = receipt_clean(receipt) if receipt is not None else None
    stored = default_storage.save(f"receipts/{cleaned.name}", cleaned) if cleaned else ""
    try:
        with transaction.atomic():
            if SpendReport.objects.filter(checkin=checkin).count() >= MAX_REPORTS_PER_CHECKIN:
                raise CheckinConflictError(
                    _("You have reported many spends already; correct one instead."),
                    code="too_many_reports",
                )
            report = SpendReport(
                mob=mob,
                checkin=checkin,
                amount_minor=value,
                currency=mob.currency,
                idempotency_key=key,
                status=_status_for(mob, value),
                receipt=stored,
            )
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                # The same submission, sent twice at once: the other one won.
                if stored:
                    default_storage.delete(stored)
                    stored = ""
                return SpendReport.objects.get(checkin=checkin, idempotency_key=key), False
            if report.status == SpendReport.Status.COUNTED:
                _add_to_totals(mob.pk, amount=value, reports=1)
            else:
                _held_notify(report)
            audit_record(
                actor=None if guest is not None else actor,
                action="spend_report.submit",
                obj=report,
                data={"amount_minor": value, "status": report.status},
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return report, True


def _require_author(report: SpendReport, actor: User | None, guest: Rsvp | None) -> None:
    if guest is not None:
        mine = report.checkin.rsvp_id == guest.pk and report.checkin.user_id is None
    else:
        mine = actor is not None and actor.is_authenticated and report.checkin.user_id == actor.pk
    if not mine:
        raise CheckinPermissionError(
            _("Only the person who reported this spend can correct it."), code="not_yours"
        )


@transaction.atomic
def spend_report_correct(
    *,
    report: SpendReport,
    actor: User | None,
    amount: str | int,
    currency: str,
    guest: Rsvp | None = None,
    now: datetime | None = None,
) -> SpendReport:
    """The author changes a report's amount, during the mob and the hour after.

    The report row is locked so that a correction and an organiser's review of the same
    report apply one after the other; the totals move by the difference.
    """
    now = now or timezone.now()
    report = (
        SpendReport.objects.select_for_update(of=("self",))
        .select_related("checkin", "mob__chapter")
        .get(pk=report.pk)
    )
    _require_author(report, actor, guest)
    mob = report.mob
    _require_report_window(mob, now)
    if report.status == SpendReport.Status.REJECTED:
        raise CheckinConflictError(
            _("The organisers rejected this report; report the spend again."),
            code="report_rejected",
        )
    value = _amount(mob, amount, currency)
    old_counted = report.amount_minor if report.status == SpendReport.Status.COUNTED else 0
    new_status = _status_for(mob, value)
    if report.status == SpendReport.Status.COUNTED and report.reviewed_by_id is not None:
        # Approved once: a correction within what was approved stays counted.
        new_status = SpendReport.Status.COUNTED if value <= report.amount_minor else new_status
    new_counted = value if new_status == SpendReport.Status.COUNTED else 0
    SpendReport.objects.filter(pk=report.pk).update(
        amount_minor=value, status=new_status, updated_at=now
    )
    count_change = int(new_counted > 0) - int(old_counted > 0)
    if new_counted != old_counted or count_change:
        _add_to_totals(mob.pk, amount=new_counted - old_counted, reports=count_change)
    audit_record(
        actor=None if guest is not None else actor,
        action="spend_report.correct",
        obj=report,
        data={"from": report.amount_minor, "to": value, "status": new_status},
    )
    report.refresh_from_db()
    if new_status == SpendReport.Status.HELD:
        _held_notify(report)
    return report


@transaction.atomic
def spend_report_review(*, report: SpendReport, actor: User, approve: bool) -> SpendReport:
    """An organiser approves (counts) or rejects a held report; each report once.

    The report's row is locked before its amount is read, as a correction by its author
    locks it: the amount counted is the one approved, never one corrected meanwhile. The
    update is conditional on the report still being held, so two organisers clicking at
    once count it at most once.
    """
    report = (
        SpendReport.objects.select_for_update(of=("self",))
        .select_related("mob__chapter")
        .get(pk=report.pk)
    )
    if not is_chapter_organiser(chapter=report.mob.chapter, user=actor):
        raise CheckinPermissionError(
            _("Only the chapter's organisers can review reports."), code="not_organiser"
        )
    status = SpendReport.Status.COUNTED if approve else SpendReport.Status.REJECTED
    now = timezone.now()
    updated = SpendReport.objects.filter(pk=report.pk, status=SpendReport.Status.HELD).update(
        status=status, reviewed_by=actor, reviewed_at=now, updated_at=now
    )
    if updated != 1:
        raise CheckinConflictError(
            _("This report is no longer waiting for review."), code="not_held"
        )
    if approve:
        _add_to_totals(report.mob_id, amount=report.amount_minor, reports=1)
    audit_record(actor=actor, action=f"spend_report.{status}", obj=report)
    report.refresh_from_db()
    return report


# --- The shop's till total --------------------------------------------------------------------


@transaction.atomic
def owner_confirm_total(
    *,
    consent_request: ConsentRequest,
    total: str | int,
    transaction_count: int | None = None,
    now: datetime | None = None,
) -> OwnerConfirmation:
    """The shop confirms its till total for the mob's window, from its private page.

    Kept apart from what mobbers reported; never added to it. Can be corrected until the
    deadline. A closed mob becomes "reported" at once.
    """
    now = now or timezone.now()
    mob = (
        Mob.objects.select_for_update(of=("self",))
        .select_related("chapter")
        .get(pk=consent_request.mob_id)
    )
    if consent_request.kind != ConsentRequest.Kind.MOB:
        raise CheckinPermissionError(
            _("This link is not the shop's link for this mob."), code="wrong_link"
        )
    over = mob.ends_at is not None and now >= mob.ends_at
    if mob.status not in (MobStatus.LIVE, MobStatus.CLOSED, MobStatus.REPORTED) or not over:
        raise CheckinConflictError(
            _("The till total can be confirmed once the mob is over."), code="not_over"
        )
    if mob.ends_at is not None and now > mob.ends_at + CONFIRM_DEADLINE:
        raise CheckinConflictError(
            _("The time to confirm the total has passed. Contact the organisers."),
            code="confirm_deadline_passed",
        )
    try:
        value = parse_amount(total if isinstance(total, int) else str(total), mob.currency)
    except MoneyError as error:
        raise CheckinError(str(error.message), code=f"amount_{error.code}", field="total") from None
    if value > MAX_TILL_TOTAL_MINOR:
        raise CheckinError(
            _("This total is far too large. Check it."), code="amount_absurd", field="total"
        )
    if transaction_count is not None and not 0 <= transaction_count <= 1_000_000:
        raise CheckinError(
            _("Enter the number of sales, or leave it empty."),
            code="transactions_invalid",
            field="transaction_count",
        )
    confirmation, _created = OwnerConfirmation.objects.update_or_create(
        mob=mob,
        defaults={
            "total_minor": value,
            "currency": mob.currency,
            "transaction_count": transaction_count,
            "consent_request": consent_request,
        },
    )
    Mob.objects.filter(pk=mob.pk).update(confirmed_total_minor=value, updated_at=now)
    audit_record(
        actor=None,
        action="mob.owner_confirm",
        obj=mob,
        data={"total_minor": value, "transactions": transaction_count},
    )
    if mob.status == MobStatus.CLOSED:
        mob_transition(mob=mob, to=MobStatus.REPORTED, actor=None)
    return confirmation


# --- Scheduled: start, close, report ----------------------------------------------------------


def mobs_start_due(*, now: datetime | None = None) -> int:
    """Published mobs whose start has come go live (check-in and reports open)."""
    now = now or timezone.now()
    started = 0
    for mob in Mob.objects.filter(status=MobStatus.PUBLISHED, starts_at__lte=now):
        try:
            mob_transition(mob=mob, to=MobStatus.LIVE, actor=None)
            started += 1
        except TransitionError:
            logger.info("mob %s changed before it could go live", mob.pk)
    return started


def _ask_shop_to_confirm(mob: Mob) -> None:
    """Email the shop the link to its day page, where it confirms its till total.

    The mobbers' figure is left out on purpose: the shop reports its till, not ours.
    """
    from cashmob.checkin.owner import owner_url
    from cashmob.core.email import email_enqueue

    request = (
        ConsentRequest.objects.select_related("business")
        .filter(mob=mob, kind=ConsentRequest.Kind.MOB, superseded=False)
        .first()
    )
    if request is None or mob.ends_at is None:
        return
    email_enqueue(
        to=request.sent_to or request.business.contact_email,
        template="checkin/confirm_total",
        context={
            "mob_title": mob.title,
            "business_name": request.business.name,
            "owner_url": owner_url(request),
            "checkin_count": mob.checkin_count,
            "deadline": (mob.ends_at + CONFIRM_DEADLINE).isoformat(),
            "time_zone": mob.chapter.time_zone,
        },
        language=business_language(request.business),
    )


def mobs_close_due(*, now: datetime | None = None) -> int:
    """Live mobs whose end plus the grace period has passed close: no more reports, and
    the shop is asked for its till total."""
    now = now or timezone.now()
    closed = 0
    due = Mob.objects.select_related("chapter").filter(
        status=MobStatus.LIVE, ends_at__lte=now - GRACE
    )
    for mob in due:
        try:
            with transaction.atomic():
                mob = mob_transition(mob=mob, to=MobStatus.CLOSED, actor=None)
                if mob.confirmed_total_minor is None:
                    _ask_shop_to_confirm(mob)
            closed += 1
        except TransitionError:
            logger.info("mob %s changed before it could close", mob.pk)
    return closed


def mobs_report_due(*, now: datetime | None = None) -> int:
    """Closed mobs become "reported" once the shop confirmed, or after the deadline
    without its confirmation (which the results then say)."""
    now = now or timezone.now()
    done = 0
    closed = Mob.objects.filter(status=MobStatus.CLOSED)
    for mob in closed.filter(confirmed_total_minor__isnull=False) | closed.filter(
        ends_at__lte=now - CONFIRM_DEADLINE
    ):
        confirmed = mob.confirmed_total_minor is not None
        try:
            mob_transition(
                mob=mob,
                to=MobStatus.REPORTED,
                actor=None,
                reason="" if confirmed else "not confirmed by the shop",
            )
            done += 1
        except TransitionError:
            logger.info("mob %s changed before it could be reported", mob.pk)
    return done
