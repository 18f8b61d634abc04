from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from cashmob.accounts.models import User
from cashmob.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Login = Callable[..., Any]


@pytest.fixture(autouse=True)
def _axes_only(settings: Any) -> None:
    """Switch allauth's own rate limits off, so any lockout seen here is django-axes'."""
    settings.ACCOUNT_RATE_LIMITS = False


def fail(login: Login, email: str, times: int) -> None:
    for _ in range(times):
        login(email, "wrong password")


def test_axes_locks_account_after_failure_limit(
    client: Client, user: User, login: Login, settings: Any
) -> None:
    """After AXES_FAILURE_LIMIT failures the right password is refused for that account+IP."""
    fail(login, user.email, settings.AXES_FAILURE_LIMIT)

    response = login(user.email)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == user.email
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_axes_below_failure_limit_still_allows_login(
    client: Client, user: User, login: Login, settings: Any
) -> None:
    """One failure short of the limit, the right password still signs in (and resets the count)."""
    fail(login, user.email, settings.AXES_FAILURE_LIMIT - 1)

    response = login(user.email)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_axes_lockout_ignores_email_letter_case(
    client: Client, user: User, login: Login, settings: Any
) -> None:
    """Changing the letter case of the address does not dodge a lockout."""
    fail(login, user.email.upper(), settings.AXES_FAILURE_LIMIT)

    response = login(user.email)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_axes_lockout_spares_other_accounts_from_same_ip(
    client: Client, user: User, login: Login, settings: Any
) -> None:
    """The lock is per account and address: another person on the same network signs in."""
    neighbour = UserFactory.create()
    fail(login, user.email, settings.AXES_FAILURE_LIMIT)

    response = login(neighbour.email)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(neighbour.pk)


def test_allauth_rate_limit_blocks_repeated_failures(
    client: Client, user: User, login: Login, settings: Any
) -> None:
    """allauth's own per-account limit refuses even the right password after 5 failures."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    settings.AXES_ENABLED = False
    fail(login, user.email, 5)

    response = login(user.email)

    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()
