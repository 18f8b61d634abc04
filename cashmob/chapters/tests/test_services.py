"""Joining, following, roles, settings and new-chapter requests, per role."""

from __future__ import annotations

import pytest

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.exceptions import (
    ChapterConflictError,
    ChapterError,
    ChapterPermissionError,
)
from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.chapters.services import (
    chapter_approve,
    chapter_follow,
    chapter_join,
    chapter_leave,
    chapter_reject,
    chapter_request,
    chapter_unfollow,
    chapter_update_settings,
    membership_set_role,
)
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_chapter_join_makes_a_member_and_sets_the_home_chapter() -> None:
    chapter = ChapterFactory()
    user = UserFactory(home_chapter=None)
    membership = chapter_join(chapter=chapter, user=user)
    assert membership.role == Membership.Role.MEMBER
    user.refresh_from_db()
    assert user.home_chapter == chapter


def test_chapter_join_twice_is_harmless() -> None:
    chapter = ChapterFactory()
    user = UserFactory()
    chapter_join(chapter=chapter, user=user)
    chapter_join(chapter=chapter, user=user)
    assert Membership.objects.filter(chapter=chapter, user=user).count() == 1
    assert AuditEntry.objects.filter(action="chapter.join").count() == 1


def test_chapter_join_a_pending_chapter_is_refused() -> None:
    chapter = ChapterFactory(status=Chapter.Status.PENDING)
    with pytest.raises(ChapterConflictError) as excinfo:
        chapter_join(chapter=chapter, user=UserFactory())
    assert excinfo.value.code == "chapter_not_active"


def test_chapter_leave_removes_the_membership_and_home_chapter() -> None:
    membership = MembershipFactory()
    user = membership.user
    user.home_chapter = membership.chapter
    user.save()
    chapter_leave(chapter=membership.chapter, user=user)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    user.refresh_from_db()
    assert user.home_chapter is None


def test_chapter_leave_by_the_last_organiser_is_refused() -> None:
    organiser = OrganiserFactory()
    with pytest.raises(ChapterConflictError) as excinfo:
        chapter_leave(chapter=organiser.chapter, user=organiser.user)
    assert excinfo.value.code == "last_organiser"
    assert Membership.objects.filter(pk=organiser.pk).exists()


def test_chapter_follow_and_unfollow() -> None:
    chapter = ChapterFactory()
    user = UserFactory()
    chapter_follow(chapter=chapter, user=user)
    chapter_follow(chapter=chapter, user=user)
    assert ChapterFollow.objects.filter(chapter=chapter, user=user).count() == 1
    chapter_unfollow(chapter=chapter, user=user)
    assert not ChapterFollow.objects.exists()


def test_membership_set_role_by_an_organiser() -> None:
    organiser = OrganiserFactory()
    member = MembershipFactory(chapter=organiser.chapter)
    membership_set_role(
        chapter=organiser.chapter,
        actor=organiser.user,
        member=member.user,
        role=Membership.Role.CO_ORGANISER,
    )
    member.refresh_from_db()
    assert member.role == Membership.Role.CO_ORGANISER


@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.CO_ORGANISER])
def test_membership_set_role_by_a_non_organiser_is_refused(role: str) -> None:
    """Members and co-organisers cannot promote: only organisers manage roles."""
    chapter = ChapterFactory()
    actor = MembershipFactory(chapter=chapter, role=role)
    member = MembershipFactory(chapter=chapter)
    with pytest.raises(ChapterPermissionError):
        membership_set_role(
            chapter=chapter, actor=actor.user, member=member.user, role=Membership.Role.ORGANISER
        )
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER


def test_membership_set_role_keeps_one_organiser() -> None:
    organiser = OrganiserFactory()
    with pytest.raises(ChapterConflictError) as excinfo:
        membership_set_role(
            chapter=organiser.chapter,
            actor=organiser.user,
            member=organiser.user,
            role=Membership.Role.MEMBER,
        )
    assert excinfo.value.code == "last_organiser"


def test_membership_set_role_rejects_unknown_roles() -> None:
    organiser = OrganiserFactory()
    with pytest.raises(ChapterError) as excinfo:
        membership_set_role(
            chapter=organiser.chapter, actor=organiser.user, member=organiser.user, role="king"
        )
    assert excinfo.value.code == "invalid_role"


def test_chapter_update_settings_by_an_organiser_is_saved_and_audited() -> None:
    organiser = OrganiserFactory()
    chapter = chapter_update_settings(
        chapter=organiser.chapter,
        actor=organiser.user,
        data={"hashtag": "#cashmob #lyon", "default_pledge_minor": 2500},
    )
    chapter.refresh_from_db()
    assert chapter.hashtag == "#cashmob #lyon"
    assert chapter.default_pledge_minor == 2500
    assert AuditEntry.objects.filter(action="chapter.settings").exists()


def test_chapter_update_settings_by_a_member_is_refused() -> None:
    member = MembershipFactory()
    with pytest.raises(ChapterPermissionError):
        chapter_update_settings(
            chapter=member.chapter, actor=member.user, data={"hashtag": "#hijack"}
        )
    member.chapter.refresh_from_db()
    assert member.chapter.hashtag == ""


def _request_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Cash Mob Gothenburg",
        "city": "Göteborg",
        "country": "SE",
        "time_zone": "Europe/Stockholm",
        "currency": "SEK",
        "language": "sv",
        "default_pledge_minor": 20000,
    }
    data.update(overrides)
    return data


def test_chapter_request_is_pending_until_a_moderator_approves() -> None:
    user = UserFactory()
    chapter = chapter_request(user=user, data=_request_data())
    assert chapter.status == Chapter.Status.PENDING
    assert Membership.objects.get(chapter=chapter, user=user).role == Membership.Role.ORGANISER
    with pytest.raises(ChapterPermissionError):
        chapter_approve(chapter=chapter, moderator=user)
    chapter = chapter_approve(chapter=chapter, moderator=UserFactory(is_staff=True))
    assert chapter.status == Chapter.Status.ACTIVE
    assert chapter.approved_at is not None


def test_chapter_request_twice_while_pending_is_refused() -> None:
    user = UserFactory()
    chapter_request(user=user, data=_request_data())
    with pytest.raises(ChapterConflictError) as excinfo:
        chapter_request(user=user, data=_request_data(name="Another"))
    assert excinfo.value.code == "request_pending"


def test_chapter_approve_twice_is_refused() -> None:
    chapter = chapter_request(user=UserFactory(), data=_request_data())
    moderator = UserFactory(is_staff=True)
    chapter_approve(chapter=chapter, moderator=moderator)
    with pytest.raises(ChapterConflictError):
        chapter_approve(chapter=chapter, moderator=moderator)


def test_chapter_reject_removes_the_request() -> None:
    chapter = chapter_request(user=UserFactory(), data=_request_data())
    chapter_reject(chapter=chapter, moderator=UserFactory(is_staff=True), reason="Duplicate")
    assert not Chapter.objects.filter(pk=chapter.pk).exists()
