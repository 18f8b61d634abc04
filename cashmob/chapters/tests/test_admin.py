"""The chapter admin: bulk approval goes through the service; roles keep the chapter's rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
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


def _post(client, chapter, memberships, **changes):  # type: ignore[no-untyped-def]
    data = {
        "name": chapter.name,
        "slug": chapter.slug,
        "city": chapter.city,
        "country": chapter.country,
        "time_zone": chapter.time_zone,
        "currency": chapter.currency,
        "language": chapter.language,
        "default_pledge_minor": chapter.default_pledge_minor,
        "max_pledge_minor": chapter.max_pledge_minor,
        "cooldown_days": chapter.cooldown_days,
        "status": chapter.status,
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(memberships):
        data[f"memberships-{i}-id"] = str(membership.pk)
        data[f"memberships-{i}-chapter"] = str(chapter.pk)
        data[f"memberships-{i}-user"] = str(membership.user_id)
        data[f"memberships-{i}-role"] = changes.get(f"role_{i}", membership.role)
    return client.post(reverse("admin:chapters_chapter_change", args=[chapter.pk]), data)


def test_the_admin_cannot_demote_a_chapters_last_organiser(client) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory()
    organiser = OrganiserFactory(chapter=chapter)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = _post(client, chapter, [organiser], role_0=Membership.Role.MEMBER)
    assert response.status_code == 200  # the form again, with the error
    assert "The chapter needs at least one organiser." in response.content.decode()
    organiser.refresh_from_db()
    assert organiser.role == Membership.Role.ORGANISER
    # With another organiser, the same change is fine.
    second = OrganiserFactory(chapter=chapter)
    response = _post(client, chapter, [organiser, second], role_0=Membership.Role.MEMBER)
    assert response.status_code == 302
    organiser.refresh_from_db()
    assert organiser.role == Membership.Role.MEMBER


def test_admin_cannot_change_a_chapters_status_or_currency(client: Client) -> None:
    chapter = ChapterFactory(status=Chapter.Status.PENDING, currency="EUR")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:chapters_chapter_change", args=[chapter.pk])).content.decode()
    assert 'name="status"' not in page
    assert 'name="currency"' not in page
    assert 'name="name"' in page
