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
    return RsvpFactory(
        mob=mob, user=None, guest_name="Ada", guest_email="ada@guest.example", wave=None
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


def test_a_member_rsvp_has_no_guest_page(client, mob) -> None:  # type: ignore[no-untyped-def]
    member_rsvp = RsvpFactory(mob=mob)
    assert client.get(_page(member_rsvp)).status_code == 403


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
        response = client.post(confirm[confirm.index("/rsvp/") :])
    rsvp.refresh_from_db()
    [message] = [m for m in mail.outbox if m.to == ["ada@guest.example"]]
    # The confirmation page and the email both lead to the guest's own day page.
    for text in (response.content.decode(), message.body):
        link = re.search(r"http\S+/day/\S+/guest/[^/\s]+/", text)
        assert link is not None
        day = client.get(link.group(0)[link.group(0).index("/day/") :])
        assert day.status_code == 200
        assert codes.personal_code(rsvp) in day.content.decode()


def test_a_guest_link_stops_once_the_guest_has_an_account(client, mob, guest, mobber) -> None:  # type: ignore[no-untyped-def]
    page = _page(guest)
    type(guest).objects.filter(pk=guest.pk).update(user=mobber)  # they signed up
    assert client.get(page).status_code == 403
