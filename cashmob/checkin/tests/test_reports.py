"""Spend reports: exact amounts in the mob's currency, counted once whatever the retries,
held above the chapter's cap until an organiser decides, corrected by their author only."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from cashmob.checkin import codes
from cashmob.checkin.models import SpendReport
from cashmob.checkin.services import (
    GRACE,
    checkin_record,
    spend_report_correct,
    spend_report_review,
    spend_report_submit,
)
from cashmob.core.errors import DomainError
from cashmob.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def present(mob, mobber):  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    return mobber


def _submit(mob, user, amount="20", **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("currency", "EUR")
    kwargs.setdefault("idempotency_key", uuid.uuid4())
    return spend_report_submit(mob=mob, actor=user, amount=amount, **kwargs)


def _totals(mob) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    mob.refresh_from_db()
    return mob.reported_total_minor, mob.report_count


def test_report_counted_adds_to_totals(mob, present) -> None:  # type: ignore[no-untyped-def]
    report, created = _submit(mob, present, "23,50")
    assert created
    assert report.status == SpendReport.Status.COUNTED
    assert report.amount_minor == 2350
    _submit(mob, present, "10")
    assert _totals(mob) == (3350, 2)


def test_report_retry_with_same_key_counts_once(mob, present) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4()
    first, created = _submit(mob, present, "20", idempotency_key=key)
    again, created_again = _submit(mob, present, "20", idempotency_key=str(key))
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert _totals(mob) == (2000, 1)


def test_report_above_cap_is_held_not_counted(mob, present, organiser) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "150")
    assert report.status == SpendReport.Status.HELD
    assert _totals(mob) == (0, 0)
    assert Notification.objects.filter(
        user=organiser, event_key=f"spend_report:{report.pk}:held"
    ).exists()


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("-5", "EUR", "amount_negative"),
        ("0", "EUR", "amount_zero"),
        ("0.00", "EUR", "amount_zero"),
        ("twenty", "EUR", "amount_invalid"),
        ("NaN", "EUR", "amount_invalid"),
        ("Infinity", "EUR", "amount_invalid"),
        ("1e400", "EUR", "amount_invalid"),
        ("1E+999999", "EUR", "amount_invalid"),
        ("20.505", "EUR", "amount_too_precise"),
        ("20", "USD", "wrong_currency"),
        ("200001", "EUR", "amount_absurd"),
    ],
)
def test_report_bad_amount_refused_and_changes_nothing(
    mob, present, amount, currency, code
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        _submit(mob, present, amount, currency=currency)
    assert error.value.code == code
    assert error.value.status == 400
    assert SpendReport.objects.count() == 0
    assert _totals(mob) == (0, 0)


def test_report_by_someone_not_checked_in_refused(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        _submit(mob, mobber)
    assert error.value.code == "not_checked_in"
    assert _totals(mob) == (0, 0)


def test_report_after_grace_refused(mob, present) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        _submit(mob, present, now=mob.ends_at + GRACE + timedelta(seconds=1))
    assert error.value.code == "report_window_closed"


def test_report_in_grace_accepted(mob, present) -> None:  # type: ignore[no-untyped-def]
    _report, created = _submit(mob, present, now=mob.ends_at + timedelta(minutes=30))
    assert created


def test_report_bad_key_refused(mob, present) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        _submit(mob, present, idempotency_key="not-a-uuid")
    assert error.value.code == "bad_key"


def test_report_correct_moves_totals_by_difference(mob, present) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "20")
    _submit(mob, present, "5")
    spend_report_correct(report=report, actor=present, amount="32.10", currency="EUR")
    assert _totals(mob) == (3710, 2)


def test_report_correct_above_cap_is_held_and_uncounted(mob, present) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "20")
    report = spend_report_correct(report=report, actor=present, amount="500", currency="EUR")
    assert report.status == SpendReport.Status.HELD
    assert _totals(mob) == (0, 0)


def test_report_correct_by_another_person_refused(mob, present, organiser) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "20")
    with pytest.raises(DomainError) as error:
        spend_report_correct(report=report, actor=organiser, amount="1", currency="EUR")
    assert error.value.code == "not_yours"
    assert _totals(mob) == (2000, 1)


def test_report_correct_after_grace_refused(mob, present) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "20")
    with pytest.raises(DomainError) as error:
        spend_report_correct(
            report=report,
            actor=present,
            amount="25",
            currency="EUR",
            now=mob.ends_at + GRACE + timedelta(minutes=1),
        )
    assert error.value.code == "report_window_closed"
    assert _totals(mob) == (2000, 1)


def test_report_review_approve_counts_once(mob, present, organiser) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "150")
    spend_report_review(report=report, actor=organiser, approve=True)
    with pytest.raises(DomainError) as error:
        spend_report_review(report=report, actor=organiser, approve=True)
    assert error.value.code == "not_held"
    assert _totals(mob) == (15000, 1)


def test_report_review_reject_counts_nothing(mob, present, organiser) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "150")
    report = spend_report_review(report=report, actor=organiser, approve=False)
    assert report.status == SpendReport.Status.REJECTED
    assert _totals(mob) == (0, 0)
    with pytest.raises(DomainError) as error:
        spend_report_correct(report=report, actor=present, amount="20", currency="EUR")
    assert error.value.code == "report_rejected"


def test_report_review_by_mobber_refused(mob, present) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "150")
    with pytest.raises(DomainError) as error:
        spend_report_review(report=report, actor=present, approve=True)
    assert error.value.code == "not_organiser"


def test_report_approved_then_lowered_stays_counted(mob, present, organiser) -> None:  # type: ignore[no-untyped-def]
    report, _ = _submit(mob, present, "150")
    spend_report_review(report=report, actor=organiser, approve=True)
    report = spend_report_correct(report=report, actor=present, amount="120", currency="EUR")
    assert report.status == SpendReport.Status.COUNTED
    assert _totals(mob) == (12000, 1)
