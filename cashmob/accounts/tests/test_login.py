from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cashmob.accounts.models import User

pytestmark = pytest.mark.django_db

Login = Callable[..., Any]


def test_login_with_email_and_password_opens_session(
    client: Client, user: User, login: Login
) -> None:
    """A verified person signs in with email and password and lands on the home page."""
    response = login(user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_email_is_case_insensitive(client: Client, user: User, login: Login) -> None:
    """The email address matches whatever its letter case."""
    login(user.email.upper())

    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_wrong_password_shows_error(client: Client, user: User, login: Login) -> None:
    """A wrong password re-shows the form with an error and opens no session."""
    response = login(user.email, "not the password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_logout_ends_session(client: Client, user: User) -> None:
    """Posting to logout ends the session."""
    client.force_login(user)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_message_speaks_the_profile_language(client: Client, login: Login) -> None:
    """Signing in from an English page, a German speaker reads "signed in" in German,
    and so is the next page: the message and the page agree."""
    from cashmob.accounts.tests.factories import UserFactory

    user = UserFactory.create(language="de")
    response = login(user.email, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Erfolgreich als" in page
    assert "Successfully signed in" not in page
    assert '<html lang="de"' in page


def test_login_message_follows_the_switcher_choice(client: Client, login: Login) -> None:
    """A language chosen in the switcher still wins over the profile's."""
    from cashmob.accounts.tests.factories import UserFactory

    user = UserFactory.create(language="de")
    client.cookies["django_language"] = "en"
    response = login(user.email)
    page = client.get(response["Location"]).content.decode()

    assert "Successfully signed in" in page
