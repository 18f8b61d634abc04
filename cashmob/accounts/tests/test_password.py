from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cashmob.accounts.models import User
from cashmob.accounts.tests.factories import PASSWORD, UserFactory
from cashmob.accounts.tests.mailbox import html_part, text_part

# Account emails leave through the task queue once the request commits: real commits.
pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "another long passphrase 77"


def test_password_reset_sends_link_that_sets_new_password(client: Client, user: User) -> None:
    """The reset email (text and HTML) carries a link that lets the person set a new password."""
    client.post(reverse("account_reset_password"), {"email": user.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", text_part(message))
    assert match, text_part(message)
    assert match.group(0) in html_part(message)

    form_page = client.get(match.group(0), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_link_works_once(client: Client, user: User) -> None:
    """A used reset link cannot set the password a second time."""
    client.post(reverse("account_reset_password"), {"email": user.email})
    url = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", text_part(mail.outbox[0]))
    assert url
    set_url = client.get(url.group(0), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    other = Client()
    other.get(url.group(0), follow=True)
    other.post(set_url, {"password1": "yet another passphrase 9", "password2": "x"})

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_email_uses_recipient_language(client: Client) -> None:
    """The reset email is written in the recipient's profile language, not the page's."""
    person = UserFactory.create(language="de")

    client.post(
        reverse("account_reset_password"),
        {"email": person.email},
        headers={"accept-language": "en"},
    )

    assert '<html lang="de"' in html_part(mail.outbox[0])


def test_password_change_sets_new_password_and_notifies(client: Client, user: User) -> None:
    """Changing the password needs the old one, saves the new one and emails a notice."""
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert html_part(mail.outbox[0])


def test_password_change_wrong_old_password_changes_nothing(client: Client, user: User) -> None:
    """A wrong current password is a field error and the password stays."""
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
