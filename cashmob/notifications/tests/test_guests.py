"""Guests (a yes without an account) hear what members hear about their mob: changes,
cancellation, reveal, reminders; once each, in their chapter's language, and they can stop it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.checkin.codes import personal_code
from cashmob.mobs.services import mob_cancel, mob_update_details
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.notifications.models import Notification
from cashmob.notifications.services import notify
from cashmob.rsvps.models import Rsvp, RsvpStatus
from cashmob.rsvps.services import (
    guest_url,
    reminders_send_due,
    rsvp_confirm_guest,
    rsvp_create_guest,
)

pytestmark = pytest.mark.django_db


def _guest(mob, email: str = "ada@guest.example") -> Rsvp:  # type: ignore[no-untyped-def]
    rsvp = rsvp_create_guest(
        mob=mob, name="Ada", email=email, pledge_minor=mob.pledge_minor, currency=mob.currency
    )
    return rsvp_confirm_guest(token=guest_url(rsvp).rstrip("/").rsplit("/", 1)[-1])


@pytest.fixture
def mob():  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="fr", currency="EUR", default_pledge_minor=2000)
    return PublishedMobFactory(business__chapter=chapter, pledge_minor=2000)


def _to(address: str) -> list:  # type: ignore[type-arg]
    return [m for m in mail.outbox if m.to == [address]]


def test_a_guest_is_told_of_a_change_once_in_the_chapters_language(
    mob, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    guest = _guest(mob)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_update_details(mob=mob, actor=organiser, data={"meeting_point": "La fontaine"})
    [message] = _to("ada@guest.example")
    assert message.subject.startswith("Modifié")  # French, the chapter's language
    assert "Ada" in message.body
    assert "La fontaine" in message.body
    # One-click unsubscribe for a guest too, through their own RSVP.
    assert "/notifications/unsubscribe/guest/" in message.extra_headers["List-Unsubscribe"]
    assert Notification.objects.filter(guest_rsvp=guest).count() == 1


def test_notify_never_tells_a_guest_twice_about_one_event(mob) -> None:  # type: ignore[no-untyped-def]
    guest = _guest(mob)
    for _ in range(3):
        notify(
            users=[],
            guests=[guest],
            kind="change",
            event_key=f"mob:{mob.pk}:test",
            template="mobs/changed",
            context={},
        )
    assert Notification.objects.filter(guest_rsvp=guest).count() == 1


def test_cancelling_tells_guests_going_and_waiting(mob, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    type(mob).objects.filter(pk=mob.pk).update(capacity=1)
    _guest(mob, "going@guest.example")
    waiting = _guest(mob, "waiting@guest.example")
    assert waiting.status == RsvpStatus.WAITING
    organiser = OrganiserFactory(chapter=mob.chapter).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_cancel(mob=mob, actor=organiser, reason="Route barrée")
    for address in ("going@guest.example", "waiting@guest.example"):
        [message] = _to(address)
        assert "Route barrée" in message.body


def test_a_message_queued_before_a_guest_unsubscribed_is_never_sent_nor_retried(mob) -> None:  # type: ignore[no-untyped-def]
    from cashmob.notifications.services import notification_deliver, notification_retry_unsent

    guest = _guest(mob)
    [queued] = notify(
        users=[],
        guests=[guest],
        kind="change",
        event_key=f"mob:{mob.pk}:queued",
        template="mobs/changed",
        context={},
    )
    Rsvp.objects.filter(pk=guest.pk).update(guest_muted_at=timezone.now())
    mail.outbox.clear()
    assert notification_deliver(notification_id=queued.pk) is False
    Notification.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert notification_retry_unsent(older_than_seconds=60) == 0
    assert _to("ada@guest.example") == []


def test_a_guest_who_never_confirmed_is_not_written_to(
    mob, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    rsvp_create_guest(
        mob=mob, name="Bo", email="bo@guest.example", pledge_minor=2000, currency="EUR"
    )
    organiser = OrganiserFactory(chapter=mob.chapter).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_cancel(mob=mob, actor=organiser, reason="Storm")
    assert _to("bo@guest.example") == []


def test_a_guest_gets_reminders_with_their_own_check_in_code(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en", currency="EUR", default_pledge_minor=2000)
    now = timezone.now()
    mob = PublishedMobFactory(business__chapter=chapter, starts_at=now + timedelta(hours=1))
    guest = _guest(mob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=now)
        reminders_send_due(now=now)
    [message] = _to("ada@guest.example")
    assert personal_code(guest) in message.body
    # Their check-in page is their private day link: they have no account to log in with.
    assert f"/day/{mob.slug}/guest/" in message.body
    assert f"/day/{mob.slug}/me/" not in message.body
    assert any(name == "check-in-code.png" for name, *_rest in message.attachments)


def test_a_guest_can_unsubscribe_in_one_click(
    client, mob, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    guest = _guest(mob)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_update_details(mob=mob, actor=organiser, data={"meeting_point": "Ici"})
    [message] = _to("ada@guest.example")
    link = re.search(r"<(http\S+)>", message.extra_headers["List-Unsubscribe"])
    assert link is not None
    path = link.group(1)[link.group(1).index("/notifications/") :]
    assert client.get(path).status_code == 200  # asks first: links get prefetched
    guest.refresh_from_db()
    assert guest.guest_muted_at is None
    response = client.post(path)  # what a mail client's one-click POST does
    assert response.status_code == 200
    assert "ada@guest.example" in response.content.decode()
    guest.refresh_from_db()
    assert guest.guest_muted_at is not None
    assert guest.status == RsvpStatus.CONFIRMED  # the RSVP itself still stands
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_cancel(mob=mob, actor=organiser, reason="Storm")
    assert _to("ada@guest.example") == []


def test_a_tampered_guest_unsubscribe_link_changes_nothing(client, mob) -> None:  # type: ignore[no-untyped-def]
    guest = _guest(mob)
    response = client.post("/notifications/unsubscribe/guest/not-a-token/")
    assert response.status_code == 400
    guest.refresh_from_db()
    assert guest.guest_muted_at is None


def test_a_notification_has_exactly_one_recipient(mob) -> None:  # type: ignore[no-untyped-def]
    guest = _guest(mob)
    common = {"kind": "change", "template": "mobs/changed", "context": {}}
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(event_key="nobody", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            event_key="both",
            user=OrganiserFactory(chapter=mob.chapter).user,
            guest_rsvp=guest,
            **common,
        )


def test_a_guest_is_written_to_in_the_language_they_used_on_the_site(
    client, mob, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    url = reverse("rsvps:guest", kwargs={"slug": mob.slug})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"name": "Alex", "email": "alex@guest.example", "pledge": "20", "currency": "EUR"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 302
    [confirm] = _to("alex@guest.example")
    assert "Confirm" in confirm.subject  # English, although the chapter speaks French
    rsvp = Rsvp.objects.get(guest_email="alex@guest.example")
    assert rsvp.guest_language == "en"
    rsvp = rsvp_confirm_guest(token=guest_url(rsvp).rstrip("/").rsplit("/", 1)[-1])
    organiser = OrganiserFactory(chapter=mob.chapter).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_update_details(mob=mob, actor=organiser, data={"meeting_point": "The fountain"})
    [changed] = _to("alex@guest.example")
    assert changed.subject.startswith("Changed:")
