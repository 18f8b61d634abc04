from __future__ import annotations

from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.test import RequestFactory
from django.utils import timezone

from cashmob.accounts.models import User
from cashmob.accounts.tests.mailbox import html_part, text_part

# Account emails leave through the task queue once the request commits: real commits.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://cashmob.example/accounts/some/link/"
# Every message allauth sends, with the context it passes.
MESSAGES: dict[str, dict[str, Any]] = {
    "email_confirmation_signup": {"activate_url": LINK, "key": "k"},
    "email_confirmation": {"activate_url": LINK, "key": "k"},
    "password_reset_key": {"password_reset_url": LINK},
    "unknown_account": {"signup_url": LINK},
    "account_already_exists": {"password_reset_url": LINK, "signup_url": LINK},
    "login_code": {"code": "ABC123"},
    "password_reset_code": {"code": "ABC123"},
    "password_changed": {},
    "password_set": {},
    "password_reset": {},
    "email_confirm": {},
    "email_changed": {"from_email": "old@example.org", "to_email": "new@example.org"},
    "email_deleted": {"deleted_email": "old@example.org"},
}
NOTIFICATION = {"ip": "192.0.2.1", "user_agent": "Firefox", "timestamp": timezone.now()}


@pytest.mark.parametrize("name", MESSAGES)
def test_account_email_renders_text_and_html(name: str, rf: RequestFactory) -> None:
    """Every account email has a one-line branded subject, a text part and an HTML part."""
    recipient = "mobber@example.org"
    request = rf.get("/")
    extra = MESSAGES[name] or NOTIFICATION
    with context.request_context(request):
        message = get_adapter(request).render_mail(
            f"account/email/{name}",
            recipient,
            {"email": recipient, "user": User(email=recipient), **extra},
        )

    assert message.subject.startswith("[Cashmob] ")
    assert "\n" not in message.subject
    assert message.to == [recipient]
    text, html = text_part(message), html_part(message)
    for part in (text, html):
        assert "Cashmob" in part
        assert "{%" not in part
        assert "{{" not in part
        for value in extra.values():
            if isinstance(value, str):
                assert value in part
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_account_email_html_escapes_addresses(rf: RequestFactory) -> None:
    """Addresses typed by strangers are escaped in the HTML part."""
    request = rf.get("/")
    hostile = "<script>x</script>@example.org"
    with context.request_context(request):
        message = get_adapter(request).render_mail(
            "account/email/unknown_account",
            "victim@example.org",
            {"email": hostile, "signup_url": LINK},
        )

    assert "<script>" not in html_part(message)
