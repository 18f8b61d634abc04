"""The chapter admin: bulk approval goes through the service."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.models import Chapter, ChapterFollow
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_admin_action_approves_pending_chapters_and_notifies(
    client: Client, django_capture_on_commit_callbacks: Callable
) -> None:
    requester = UserFactory()
    pending = ChapterFactory(status=Chapter.Status.PENDING, requested_by=requester)
    active = ChapterFactory(status=Chapter.Status.ACTIVE)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:chapters_chapter_changelist"),
            {"action": "approve_selected", "_selected_action": [pending.pk, active.pk]},
            follow=True,
        )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Chapter.Status.ACTIVE
    assert AuditEntry.objects.filter(action="chapter.approve").count() == 1
    assert [m.to for m in mail.outbox] == [[requester.email]]
    body = response.content.decode()
    assert "1 chapter approved." in body
    assert "not waiting for approval" in body


def test_admin_lists_chapter_followers(client: Client) -> None:
    follow = ChapterFollow.objects.create(chapter=ChapterFactory(), user=UserFactory())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:chapters_chapterfollow_changelist"))
    assert response.status_code == 200
    assert follow.chapter.name in response.content.decode()
