from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cashmob.accounts.models import User
from cashmob.accounts.services import user_update_profile
from cashmob.chapters.models import Chapter
from cashmob.chapters.tests.factories import ChapterFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")


def profile_data(user: User, **changes: Any) -> dict[str, Any]:
    """The profile form as the browser would post it, unchanged apart from ``changes``."""
    data: dict[str, Any] = {
        "display_name": user.display_name,
        "home_chapter": user.home_chapter_id or "",
        "language": user.language,
    }
    data.update({f: "on" for f in User.NOTIFICATION_FIELDS if getattr(user, f)})
    for key, value in changes.items():
        if key in User.NOTIFICATION_FIELDS:
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        else:
            data[key] = value
    return data


def test_profile_requires_login(client: Client) -> None:
    """An anonymous visitor is sent to the login page and comes back afterwards."""
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_profile_shows_form_to_owner(client: Client, user: User) -> None:
    """A signed-in person sees their profile form filled with their current values."""
    client.force_login(user)

    response = client.get(PROFILE_URL)

    assert response.status_code == 200
    assert response.context["form"].instance == user
    assert 'name="display_name"' in response.content.decode()


def test_profile_saves_all_fields(client: Client, user: User) -> None:
    """Display name, home chapter, language and notification choices are all saved."""
    chapter = ChapterFactory.create()
    client.force_login(user)

    response = client.post(
        PROFILE_URL,
        profile_data(
            user,
            display_name="Ada the Mobber",
            home_chapter=chapter.pk,
            language="it",
            notify_votes=False,
            notify_results=False,
        ),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Ada the Mobber"
    assert user.home_chapter == chapter
    assert user.language == "it"
    assert not user.notify_votes
    assert not user.notify_results
    assert user.notify_new_mobs
    assert user.notify_reminders
    assert user.notify_changes


def test_profile_language_change_drops_language_cookie(client: Client, user: User) -> None:
    """Saving a profile language removes an older language-switcher choice."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = client.post(PROFILE_URL, profile_data(user, language="sv"))

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""


def test_profile_overlong_display_name_is_field_error(client: Client, user: User) -> None:
    """A display name over 80 characters is a field error and nothing is saved."""
    client.force_login(user)
    before = User.objects.values().get(pk=user.pk)

    response = client.post(
        PROFILE_URL, profile_data(user, display_name="x" * 81, language="fr", notify_votes=False)
    )

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert response.context["user"].display_name == user.display_name
    assert User.objects.values().get(pk=user.pk) == before


def test_profile_rejects_inactive_chapter(client: Client, user: User) -> None:
    """Only active chapters can be chosen as home chapter."""
    archived = ChapterFactory.create(status=Chapter.Status.ARCHIVED)
    client.force_login(user)

    response = client.post(PROFILE_URL, profile_data(user, home_chapter=archived.pk))

    assert "home_chapter" in response.context["form"].errors
    user.refresh_from_db()
    assert user.home_chapter is None


def test_user_update_profile_ignores_other_fields(user: User) -> None:
    """The profile service writes only profile fields, whatever else the data holds."""
    user_update_profile(user=user, data={"display_name": "Bo", "is_staff": True})

    user.refresh_from_db()
    assert user.display_name == "Bo"
    assert not user.is_staff
