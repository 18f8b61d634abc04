"""Guests (a yes without an account) check themselves in and report what they spent from
their private day link, as members do from their page; nobody else can act for them."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from cashmob.checkin import codes
from cashmob.checkin.guests import guest_day_token
from cashmob.checkin.models import CheckIn, SpendReport
from cashmob.checkin.services import checkin_record, spend_report_submit
from cashmob.checkin.tests.factories import RsvpFactory
from cashmob.rsvps.models import RsvpStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest(mob):  # type: ignore[no-untyped-def]
    # Ada said yes on the English site: her emails, and the pages they link to, speak it.
    return RsvpFactory(
        mob=mob,
        user=None,
        guest_name="Ada",
        guest_email="ada@guest.example",
        guest_language="en",
        wave=None,
    )


def _page(guest) -> str:  # type: ignore[no-untyped-def]
    return reverse(
        "checkin:guest_me", kwargs={"slug": guest.mob.slug, "token": guest_day_token(guest)}
    )


def _report(amount: str = "20", key: str | None = None) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR", "idempotency_key": key or str(uuid.uuid4())}


def test_the_guest_page_shows_their_code_without_an_account(client, guest) -> None:  # type: ignore[no-untyped-def]
    page = _page(guest)
    response = client.get(page)
    assert response.status_code == 200
    body = response.content.decode()
    assert codes.personal_code(guest) in body
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    # Its forms post to the guest's own addresses, never to the members' pages.
    assert f'action="{page}checkin/"' in body
    assert "/me/" not in body


def test_a_guest_checks_in_with_the_shops_code_and_reports_once(client, mob, guest) -> None:  # type: ignore[no-untyped-def]
    page = _page(guest)
    response = client.post(page + "checkin/", {"code": codes.mob_code(mob)}, follow=True)
    assert b"data-checked-in" in response.content
    checkin = CheckIn.objects.get()
    assert (checkin.rsvp, checkin.user) == (guest, None)
    key = str(uuid.uuid4())
    assert client.post(page + "report/", _report("23.50", key)).status_code == 302
    assert client.post(page + "report/", _report("23.50", key)).status_code == 302  # a retry
    mob.refresh_from_db()
    assert (mob.checkin_count, mob.reported_total_minor, mob.report_count) == (1, 2350, 1)
    report = SpendReport.objects.get()
    correct = page + f"report/{report.pk}/"
    assert client.post(correct, {"amount": "25", "currency": "EUR"}).status_code == 302
    mob.refresh_from_db()
    assert mob.reported_total_minor == 2500
    assert client.post(page + "about/", {"first_time": "yes", "met_count": "2"}).status_code == 302
    checkin.refresh_from_db()
    assert (checkin.first_time, checkin.met_count) == (True, 2)


def test_a_guest_with_a_wrong_code_gets_a_field_error(client, mob, guest) -> None:  # type: ignore[no-untyped-def]
    response = client.post(_page(guest) + "checkin/", {"code": "NOPE99"})
    assert response.status_code == 400
    assert "not the code shown in the shop" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_guest_cannot_correct_someone_elses_report(client, mob, guest, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    report, _ = spend_report_submit(
        mob=mob, actor=mobber, amount="20", currency="EUR", idempotency_key=uuid.uuid4()
    )
    checkin_record(mob=mob, actor=None, guest=guest, code=codes.mob_code(mob))
    url = _page(guest) + f"report/{report.pk}/"
    assert client.post(url, {"amount": "1", "currency": "EUR"}).status_code == 404
    report.refresh_from_db()
    assert report.amount_minor == 2000


def test_a_tampered_or_foreign_link_opens_nothing(client, mob, guest) -> None:  # type: ignore[no-untyped-def]
    bad = reverse("checkin:guest_me", kwargs={"slug": mob.slug, "token": "forged"})
    assert client.get(bad).status_code == 403
    assert client.post(bad + "checkin/", {"code": codes.mob_code(mob)}).status_code == 403
    other = RsvpFactory(user=None, guest_email="bo@guest.example")  # another mob's guest
    wrong_mob = reverse(
        "checkin:guest_me", kwargs={"slug": mob.slug, "token": guest_day_token(other)}
    )
    assert client.get(wrong_mob).status_code == 403
    assert not CheckIn.objects.exists()


def test_a_member_rsvp_link_leads_to_the_members_page(client, mob) -> None:  # type: ignore[no-untyped-def]
    member_rsvp = RsvpFactory(mob=mob)
    response = client.get(_page(member_rsvp))
    assert response.status_code == 302
    assert response["Location"] == reverse("checkin:me", kwargs={"slug": mob.slug})
    posted = client.post(_page(member_rsvp) + "checkin/", {"code": codes.mob_code(mob)})
    assert posted.status_code == 302
    assert not CheckIn.objects.exists()


def test_a_guest_link_expires_a_week_after_the_mob(client, mob, guest) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    page = _page(guest)
    type(mob).objects.filter(pk=mob.pk).update(
        starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now() - timedelta(days=8)
    )
    assert client.get(page).status_code == 403


def test_the_guest_page_reads_a_fixed_number_of_queries(
    client, mob, guest, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    page = _page(guest)
    checkin_record(mob=mob, actor=None, guest=guest, code=codes.mob_code(mob))
    for _ in range(3):
        spend_report_submit(
            mob=mob,
            actor=None,
            guest=guest,
            amount="5",
            currency="EUR",
            idempotency_key=uuid.uuid4(),
        )
    with django_assert_max_num_queries(8):
        assert client.get(page).status_code == 200


def test_a_cancelled_guest_cannot_check_in(client, mob, guest) -> None:  # type: ignore[no-untyped-def]
    type(guest).objects.filter(pk=guest.pk).update(status=RsvpStatus.CANCELLED)
    response = client.post(_page(guest) + "checkin/", {"code": codes.mob_code(mob)})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_a_guests_confirmation_email_carries_their_day_link(
    client, chapter, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import PublishedMobFactory
    from cashmob.rsvps.services import guest_url, rsvp_create_guest

    mob = PublishedMobFactory(business__chapter=chapter, pledge_minor=2000)
    rsvp = rsvp_create_guest(
        mob=mob, name="Ada", email="ada@guest.example", pledge_minor=2000, currency="EUR"
    )
    confirm = guest_url(rsvp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm[confirm.index("/rsvp/") :], follow=True)
    rsvp.refresh_from_db()
    [message] = [m for m in mail.outbox if m.to == ["ada@guest.example"]]
    # The confirmation page and the email both lead to the guest's own day page.
    for text in (response.content.decode(), message.body):
        link = re.search(r"http\S+/day/\S+/guest/[^/\s]+/", text)
        assert link is not None
        day = client.get(link.group(0)[link.group(0).index("/day/") :])
        assert day.status_code == 200
        assert codes.personal_code(rsvp) in day.content.decode()


def test_a_guest_who_signs_up_keeps_their_day_on_the_members_page(
    client, mob, guest, mobber
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.notifications.models import Notification
    from cashmob.rsvps.services import reminders_send_due, rsvp_attach_guest_rsvps

    page = _page(guest)
    client.post(page + "checkin/", {"code": codes.mob_code(mob)})
    client.post(page + "report/", _report("20"))
    Notification.objects.create(
        guest_rsvp=guest, kind="reminder", event_key="e2e:earlier", template="mobs/reminder"
    )
    # They sign up with the same address; confirming it gives them the guest RSVP.
    type(mobber).objects.filter(pk=mobber.pk).update(email="ada@guest.example")
    mobber.refresh_from_db()
    assert rsvp_attach_guest_rsvps(user=mobber, email="ada@guest.example") == 1
    # Their check-in and report are theirs as a member now...
    checkin = CheckIn.objects.get()
    assert checkin.user == mobber
    client.force_login(mobber)
    me = reverse("checkin:me", kwargs={"slug": mob.slug})
    body = client.get(me).content.decode()
    assert "data-checked-in" in body
    report = SpendReport.objects.get()
    correct = reverse("checkin:me_correct", kwargs={"slug": mob.slug, "report_id": report.pk})
    assert client.post(correct, {"amount": "22", "currency": "EUR"}).status_code == 302
    mob.refresh_from_db()
    assert (mob.checkin_count, mob.reported_total_minor) == (1, 2200)
    # ...the old link leads to that page, and what they were sent is not sent again.
    assert client.get(page)["Location"] == me
    assert Notification.objects.get(event_key="e2e:earlier").user == mobber
    reminders_send_due()
    keys = list(Notification.objects.values_list("event_key", flat=True))
    assert len(keys) == len(set(keys))


def test_a_guest_checked_in_twice_counts_once_after_signing_up(client, mob, guest, mobber) -> None:  # type: ignore[no-untyped-def]
    from cashmob.rsvps.services import rsvp_attach_guest_rsvps

    checkin_record(mob=mob, actor=None, guest=guest, code=codes.mob_code(mob))
    spend_report_submit(
        mob=mob, actor=None, guest=guest, amount="10", currency="EUR", idempotency_key=uuid.uuid4()
    )
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))  # walked in, logged in
    mob.refresh_from_db()
    assert mob.checkin_count == 2
    rsvp_attach_guest_rsvps(user=mobber, email="ada@guest.example")
    mob.refresh_from_db()
    assert mob.checkin_count == 1
    [checkin] = CheckIn.objects.all()
    assert checkin.user == mobber
    assert SpendReport.objects.get().checkin == checkin
    assert mob.reported_total_minor == 1000


def test_before_the_mob_the_page_says_when_check_in_opens(client, chapter) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import PublishedMobFactory

    mob = PublishedMobFactory(business__chapter=chapter, meeting_point="By the fountain")
    guest = RsvpFactory(
        mob=mob,
        user=None,
        guest_name="Ada",
        guest_email="ada@guest.example",
        guest_language="en",
    )
    body = client.get(_page(guest)).content.decode()
    assert "Check-in opens when the mob starts" in body
    assert "By the fountain" in body
    assert 'name="code"' not in body  # no form that could only fail
    assert codes.personal_code(guest) in body  # their code is ready to show


def test_a_guest_cancels_from_their_page_and_the_next_person_gets_the_place(
    client, chapter
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import PublishedMobFactory
    from cashmob.rsvps.services import guest_url, rsvp_confirm_guest, rsvp_create_guest

    mob = PublishedMobFactory(business__chapter=chapter, pledge_minor=2000, capacity=1)

    def guest_of(email: str):  # type: ignore[no-untyped-def]
        rsvp = rsvp_create_guest(
            mob=mob, name="G", email=email, pledge_minor=2000, currency="EUR", language="en"
        )
        return rsvp_confirm_guest(token=guest_url(rsvp).rstrip("/").rsplit("/", 1)[-1])

    going, waiting = guest_of("going@guest.example"), guest_of("waiting@guest.example")
    assert waiting.status == RsvpStatus.WAITING
    page = _page(going)
    assert "Cancel my RSVP" in client.get(page).content.decode()
    response = client.post(page + "cancel/")
    assert response.status_code == 302
    assert response["Location"] == mob.get_absolute_url()
    going.refresh_from_db()
    waiting.refresh_from_db()
    assert (going.status, waiting.status) == (RsvpStatus.CANCELLED, RsvpStatus.CONFIRMED)
    mob.refresh_from_db()
    assert (mob.rsvp_count, mob.waiting_count, mob.pledged_total_minor) == (1, 0, 2000)
    assert client.post(page + "cancel/").status_code == 403  # the link has done its work


def test_a_member_cannot_cancel_through_a_guest_address(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob, user=mobber)
    client.force_login(mobber)
    response = client.post(_page(rsvp) + "cancel/")
    assert response.status_code == 302  # to the members' page, where their RSVP lives
    rsvp.refresh_from_db()
    assert rsvp.status == RsvpStatus.CONFIRMED
