"""Check-in: personal codes scanned by organisers or the shop, the shop's mob code typed by
mobbers during the mob, walk-ins; once per person, repeats harmless, forgeries refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cashmob.checkin import codes
from cashmob.checkin.models import CheckIn
from cashmob.checkin.services import checkin_answer, checkin_record
from cashmob.checkin.tests.factories import LiveMobFactory, RsvpFactory
from cashmob.core.errors import DomainError
from cashmob.mobs.models import MobStatus
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.models import RsvpStatus

pytestmark = pytest.mark.django_db


def _count(mob) -> int:  # type: ignore[no-untyped-def]
    mob.refresh_from_db()
    return mob.checkin_count


def test_codes_mob_code_is_six_unambiguous_characters(mob) -> None:  # type: ignore[no-untyped-def]
    code = codes.mob_code(mob)
    assert len(code) == 6
    assert not set(code) & set("0O1IL2Z5S8B")
    assert codes.is_mob_code(mob, f" {code.lower()[:3]} {code.lower()[3:]} ")


def test_codes_scanned_link_gives_its_code(mob) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    payload = codes.personal_qr_payload(mob, rsvp)
    assert codes.normalise(payload) == codes.personal_code(rsvp)
    assert codes.personal_code_valid(rsvp, payload)


def test_checkin_personal_code_by_organiser_counts_once(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    first = checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    again = checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    assert first.created
    assert not again.created
    assert again.checkin.pk == first.checkin.pk
    assert first.checkin.user == rsvp.user
    assert first.checkin.method == CheckIn.Method.PERSONAL
    assert _count(mob) == 1


def test_checkin_by_code_after_scan_is_the_same_person(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    again = checkin_record(mob=mob, actor=rsvp.user, code=codes.mob_code(mob))
    assert not again.created
    assert _count(mob) == 1


def test_checkin_forged_personal_code_refused(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    real = codes.personal_code(rsvp)
    forged = real[:-1] + ("A" if real[-1] != "A" else "C")
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=organiser, code=forged)
    assert error.value.code == "code_invalid"
    assert _count(mob) == 0


def test_checkin_personal_code_of_another_mob_refused(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    other = LiveMobFactory(business__chapter=mob.chapter)
    rsvp = RsvpFactory(mob=other)
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    assert error.value.code == "code_invalid"


def test_checkin_personal_code_scanned_by_mobber_refused(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=mobber, code=codes.personal_code(rsvp))
    assert error.value.code == "not_organiser"
    assert error.value.status == 403


def test_checkin_personal_code_by_shop_works(mob) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob, user=None, guest_name="Ada", guest_email="ada@example.org")
    result = checkin_record(mob=mob, actor=None, code=codes.personal_code(rsvp), by_shop=True)
    assert result.created
    assert result.checkin.display_name == "Ada"


def test_checkin_cancelled_rsvp_refused(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob, status=RsvpStatus.CANCELLED)
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    assert error.value.code == "rsvp_cancelled"


def test_checkin_mob_code_links_the_rsvp(mob) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    result = checkin_record(mob=mob, actor=rsvp.user, code=codes.mob_code(mob))
    assert result.created
    assert result.checkin.rsvp == rsvp
    assert result.checkin.method == CheckIn.Method.MOB_CODE


def test_checkin_mob_code_without_rsvp_is_a_walk_in(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    result = checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    assert result.created
    assert result.checkin.rsvp is None
    assert _count(mob) == 1


def test_checkin_wrong_mob_code_refused(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=mobber, code="AAAAAA")
    assert error.value.code == "code_invalid"
    assert error.value.field == "code"
    assert _count(mob) == 0


def test_checkin_mob_code_before_start_refused(chapter, mobber) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory(
        business__chapter=chapter, starts_at=timezone.now() + timedelta(minutes=10)
    )
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    assert error.value.code == "checkin_not_open"


def test_checkin_scan_shortly_before_start_allowed(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory(
        business__chapter=chapter, starts_at=timezone.now() + timedelta(minutes=10)
    )
    rsvp = RsvpFactory(mob=mob)
    assert checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp)).created


def test_checkin_after_end_refused(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        checkin_record(
            mob=mob, actor=mobber, code=codes.mob_code(mob), now=mob.ends_at + timedelta(seconds=1)
        )
    assert error.value.code == "checkin_closed"


def test_checkin_closed_mob_refused(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    mob = LiveMobFactory(business__chapter=chapter, status=MobStatus.CLOSED)
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=organiser, walk_in_name="Bob")
    assert error.value.code == "checkin_closed"


def test_checkin_published_mob_goes_live_at_first_checkin(chapter, mobber) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory(
        business__chapter=chapter, starts_at=timezone.now() - timedelta(minutes=1)
    )
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    mob.refresh_from_db()
    assert mob.status == MobStatus.LIVE


def test_checkin_walk_in_by_organiser(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    result = checkin_record(mob=mob, actor=organiser, walk_in_name="  Bob   the builder ")
    assert result.checkin.walk_in_name == "Bob the builder"
    assert result.checkin.checked_in_by == organiser
    assert _count(mob) == 1


def test_checkin_walk_in_by_mobber_refused(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=mobber, walk_in_name="Bob")
    assert error.value.code == "not_organiser"


def test_checkin_mob_code_anonymous_refused(mob) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=None, code=codes.mob_code(mob))
    assert error.value.code == "login_required"


def test_checkin_empty_code_refused(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=mobber, code="   ")
    assert error.value.code == "code_missing"


def test_checkin_answer_records_opt_in_questions(mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin = checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob)).checkin
    checkin = checkin_answer(checkin=checkin, actor=mobber, first_time=True, met_count=3)
    assert (checkin.first_time, checkin.met_count) == (True, 3)


def test_checkin_answer_by_someone_else_refused(mob, mobber, organiser) -> None:  # type: ignore[no-untyped-def]
    checkin = checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob)).checkin
    with pytest.raises(DomainError) as error:
        checkin_answer(checkin=checkin, actor=organiser, first_time=True, met_count=3)
    assert error.value.code == "not_yours"


def test_deleting_an_account_keeps_its_check_in_and_the_mobs_figures(mob) -> None:  # type: ignore[no-untyped-def]
    """People may delete their account; the mob they went to keeps its count and total."""
    from cashmob.accounts.tests.factories import UserFactory
    from cashmob.checkin.models import CheckIn, SpendReport

    user = UserFactory()
    checkin = CheckIn.objects.create(mob=mob, user=user, method=CheckIn.Method.MOB_CODE)
    SpendReport.objects.create(
        mob=checkin.mob,
        checkin=checkin,
        amount_minor=2500,
        currency=checkin.mob.currency,
        idempotency_key="00000000-0000-0000-0000-000000000001",
        status=SpendReport.Status.COUNTED,
    )
    user.delete()
    kept = CheckIn.objects.get(pk=checkin.pk)
    assert kept.user_id is None
    assert SpendReport.objects.filter(checkin=kept).count() == 1


def test_checkin_self_from_the_waiting_list_is_refused(mob) -> None:  # type: ignore[no-untyped-def]
    """Someone waiting is not a mobber until the shop or an organiser lets them in."""
    rsvp = RsvpFactory(mob=mob, status=RsvpStatus.WAITING, queued_at=timezone.now())
    with pytest.raises(DomainError) as error:
        checkin_record(mob=mob, actor=rsvp.user, code=codes.mob_code(mob))
    assert error.value.code == "on_waiting_list"
    assert "waiting list" in str(error.value.message)
    assert _count(mob) == 0


def test_checkin_organiser_admits_someone_from_the_waiting_list(mob, organiser) -> None:  # type: ignore[no-untyped-def]
    from cashmob.core.models import AuditEntry

    rsvp = RsvpFactory(mob=mob, status=RsvpStatus.WAITING, queued_at=timezone.now())
    result = checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    assert result.created
    assert result.checkin.user == rsvp.user
    assert _count(mob) == 1
    assert AuditEntry.objects.filter(action="checkin.admit", actor=organiser).count() == 1
    # Once let in, their own check-in by the shop's code is the same one.
    again = checkin_record(mob=mob, actor=rsvp.user, code=codes.mob_code(mob))
    assert not again.created
