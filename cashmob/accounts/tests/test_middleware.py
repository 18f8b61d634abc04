from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cashmob.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")


def test_language_middleware_serves_profile_language(client: Client) -> None:
    """A signed-in person is served in their profile language, whatever the browser asks."""
    client.force_login(UserFactory.create(language="fr"))

    response = client.get(PROFILE_URL, headers={"accept-language": "de"})

    assert response["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.content.decode()


def test_language_middleware_cookie_choice_wins(client: Client) -> None:
    """An explicit language-switcher choice beats the profile language."""
    client.force_login(UserFactory.create(language="fr"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = client.get(PROFILE_URL)

    assert response["Content-Language"] == "sv"


def test_language_middleware_anonymous_uses_browser_language(client: Client) -> None:
    """Visitors who are not signed in get the language their browser asks for."""
    response = client.get(reverse("account_login"), headers={"accept-language": "it"})

    assert response["Content-Language"] == "it"
