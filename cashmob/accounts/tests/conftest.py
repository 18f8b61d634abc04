from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from cashmob.accounts.models import User
from cashmob.accounts.tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    """allauth keeps rate-limit counters in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def login(client: Client) -> Callable[..., Any]:
    """Post the allauth login form the way a browser does."""

    def _login(email: str, password: str = PASSWORD, **extra: Any) -> Any:
        return client.post("/accounts/login/", {"login": email, "password": password}, **extra)

    return _login
