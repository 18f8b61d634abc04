"""One notification module: preferences, once per event, language, unsubscribe, retries."""

from __future__ import annotations

import email.policy
import re

import pytest
from django.core import mail

from cashmob.accounts.tests.factories import UserFactory
from cashmob.notifications.models import Notification
from cashmob.notifications.services import notification_deliver, notify

pytestmark = pytest.mark.django_db

CONTEXT = {
    "mob_title": "Books!",
    "mob_url": "http://127.0.0.1:8000/mobs/books/",
    "chapter_name": "Lyon",
    "starts_at": "2027-05-01T16:00:00+00:00",
    "ends_at": "2027-05-01T18:00:00+00:00",
    "time_zone": "Europe/Paris",
    "meeting_point": "Place Bellecour",
    "pledge_minor": 2000,
    "currency": "EUR",
    "business_name": "Librairie",
    "business_address": "1 rue",
    "secret": False,
    "reveal_at": "",
}


def test_notify_respects_preferences_and_sends_once(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    keen = UserFactory()
    quiet = UserFactory(notify_new_mobs=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[keen, quiet],
            kind="new_mob",
            event_key="mob:1:published",
            template="mobs/published",
            context=CONTEXT,
        )
        notify(
            users=[keen, quiet],
            kind="new_mob",
            event_key="mob:1:published",
            template="mobs/published",
            context=CONTEXT,
        )
    assert [m.to for m in mail.outbox] == [[keen.email]]
    assert Notification.objects.count() == 1


def test_notify_email_has_one_click_unsubscribe_headers(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[user],
            kind="new_mob",
            event_key="mob:2:published",
            template="mobs/published",
            context=CONTEXT,
        )
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert "/notifications/unsubscribe/" in message.body
    # On the wire, for SMTP as for files: one plain header line that mail clients read
    # (folded into encoded words, the address would be ignored).
    for policy in (email.policy.SMTP, email.policy.default):
        sent = message.message(policy=policy).as_bytes()
        header = next(line for line in sent.splitlines() if line.startswith(b"List-Unsubscribe:"))
        assert re.fullmatch(
            rb"List-Unsubscribe: <https?://\S+/notifications/unsubscribe/\S+>", header
        )


def test_notify_speaks_the_recipients_language(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    french = UserFactory(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[french],
            kind="new_mob",
            event_key="mob:3:published",
            template="mobs/published",
            context=CONTEXT,
        )
    assert mail.outbox[0].extra_headers  # sent
    assert "mai" in mail.outbox[0].body  # "samedi 1 mai 2027" in French


def test_notification_deliver_failure_is_released_for_retry(settings) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    [notification] = notify(
        users=[user],
        kind="new_mob",
        event_key="mob:4:published",
        template="mobs/does_not_exist",
        context={},
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 - any backend or template failure
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert notification.last_error
    assert not mail.outbox


def test_notification_deliver_twice_sends_once() -> None:
    user = UserFactory()
    [notification] = notify(
        users=[user],
        kind="new_mob",
        event_key="mob:5:published",
        template="mobs/published",
        context=CONTEXT,
    )
    assert notification_deliver(notification_id=notification.pk) is True
    assert notification_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_notification_retry_sends_old_failures_again_until_the_attempt_cap() -> None:
    """The scheduler's sweep retries what failed a while ago, at most MAX_ATTEMPTS times."""
    from datetime import timedelta

    from django.utils import timezone

    from cashmob.notifications.models import Notification
    from cashmob.notifications.services import MAX_ATTEMPTS, notification_retry_unsent
    from cashmob.notifications.tests.factories import NotificationFactory

    failed = NotificationFactory(attempts=1, last_error="connection refused")
    given_up = NotificationFactory(attempts=MAX_ATTEMPTS)
    fresh = NotificationFactory()
    old = timezone.now() - timedelta(minutes=10)
    Notification.objects.filter(pk__in=[failed.pk, given_up.pk]).update(created_at=old)
    assert notification_retry_unsent() == 1
    failed.refresh_from_db()
    assert failed.sent_at is not None
    assert failed.attempts == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [failed.user.email]
    given_up.refresh_from_db()
    fresh.refresh_from_db()
    assert given_up.sent_at is None
    assert fresh.sent_at is None
