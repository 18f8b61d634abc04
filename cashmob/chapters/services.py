"""Writes on chapters: joining, following, roles, settings, and new-chapter requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.chapters.exceptions import (
    ChapterConflictError,
    ChapterError,
    ChapterPermissionError,
)
from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.chapters.selectors import is_chapter_organiser, user_has_verified_email
from cashmob.core.audit import audit_record
from cashmob.core.email import email_enqueue
from cashmob.core.languages import recipient_language
from cashmob.core.slugs import save_with_unique_slug

if TYPE_CHECKING:
    from cashmob.accounts.models import User

#: Fields an organiser may change in the chapter settings.
SETTINGS_FIELDS = (
    "name",
    "description",
    "currency",
    "time_zone",
    "language",
    "default_pledge_minor",
    "max_pledge_minor",
    "house_rules",
    "hashtag",
    "website",
    "facebook_url",
    "x_handle",
    "mastodon_handle",
    "instagram_handle",
    "cooldown_days",
    "latitude",
    "longitude",
)


def _require_active(chapter: Chapter) -> None:
    if chapter.status != Chapter.Status.ACTIVE:
        raise ChapterConflictError(
            _("This chapter is not open for members yet."), code="chapter_not_active"
        )


@transaction.atomic
def chapter_join(*, chapter: Chapter, user: User) -> Membership:
    """Join ``chapter`` as a member. Joining twice is harmless and returns the membership."""
    _require_active(chapter)
    membership, created = Membership.objects.get_or_create(
        chapter=chapter, user=user, defaults={"role": Membership.Role.MEMBER}
    )
    if created:
        if user.home_chapter_id is None:
            user.home_chapter = chapter
            user.save(update_fields=["home_chapter"])
        audit_record(actor=user, action="chapter.join", obj=chapter)
    return membership


@transaction.atomic
def chapter_leave(*, chapter: Chapter, user: User) -> None:
    """Leave ``chapter``. The last organiser cannot leave: someone must run the chapter."""
    # Lock every organiser row too, so two last organisers leaving at the same moment
    # cannot leave the chapter with none.
    list(
        Membership.objects.select_for_update(of=("self",))
        .filter(chapter=chapter, role=Membership.Role.ORGANISER)
        .values_list("pk", flat=True)
    )
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .filter(chapter=chapter, user=user)
        .first()
    )
    if membership is None:
        return
    if membership.role == Membership.Role.ORGANISER:
        others = (
            Membership.objects.filter(chapter=chapter, role=Membership.Role.ORGANISER)
            .exclude(pk=membership.pk)
            .count()
        )
        if others == 0:
            raise ChapterConflictError(
                _("You are this chapter's only organiser. Make someone else organiser first."),
                code="last_organiser",
            )
    membership.delete()
    if user.home_chapter_id == chapter.pk:
        user.home_chapter = None
        user.save(update_fields=["home_chapter"])
    audit_record(actor=user, action="chapter.leave", obj=chapter)


def chapter_follow(*, chapter: Chapter, user: User) -> ChapterFollow:
    _require_active(chapter)
    follow, _created = ChapterFollow.objects.get_or_create(chapter=chapter, user=user)
    return follow


def chapter_unfollow(*, chapter: Chapter, user: User) -> None:
    ChapterFollow.objects.filter(chapter=chapter, user=user).delete()


@transaction.atomic
def membership_set_role(
    *, chapter: Chapter, actor: User, member: User, role: Membership.Role | str
) -> Membership:
    """An organiser changes a member's role. The chapter always keeps an organiser."""
    if role not in Membership.Role.values:
        raise ChapterError(_("Unknown role."), code="invalid_role", field="role")
    # Co-organisers help run mobs; who runs the chapter stays with its organisers.
    if not (
        actor.is_staff
        or Membership.objects.filter(
            chapter=chapter, user=actor, role=Membership.Role.ORGANISER
        ).exists()
    ):
        raise ChapterPermissionError(
            _("Only the chapter's organisers can change roles."), code="not_organiser"
        )
    # Lock every organiser row so two simultaneous demotions cannot leave the chapter
    # without an organiser.
    organisers = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(chapter=chapter, role=Membership.Role.ORGANISER)
        .values_list("user_id", flat=True)
    )
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .filter(chapter=chapter, user=member)
        .first()
    )
    if membership is None:
        raise ChapterError(_("This person is not a member of the chapter."), code="not_member")
    if (
        membership.role == Membership.Role.ORGANISER
        and role != Membership.Role.ORGANISER
        and organisers == [member.pk]
    ):
        raise ChapterConflictError(
            _("The chapter needs at least one organiser."), code="last_organiser"
        )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor,
        action="chapter.role",
        obj=chapter,
        data={"member": member.pk, "from": previous, "to": str(role)},
    )
    return membership


@transaction.atomic
def chapter_update_settings(*, chapter: Chapter, actor: User, data: dict[str, Any]) -> Chapter:
    """Organisers change the chapter's settings; ``data`` was validated by a form or schema."""
    if not is_chapter_organiser(chapter=chapter, user=actor):
        raise ChapterPermissionError(
            _("Only the chapter's organisers can change its settings."), code="not_organiser"
        )
    if "currency" in data and data["currency"] != chapter.currency and chapter.mobs.exists():
        # Totals add up the amounts of every mob in the chapter's currency.
        raise ChapterConflictError(
            _("The currency cannot change once the chapter has mobs."),
            code="currency_in_use",
            field="currency",
        )
    changed = {}
    for field in SETTINGS_FIELDS:
        if field in data and getattr(chapter, field) != data[field]:
            changed[field] = str(data[field])
            setattr(chapter, field, data[field])
    if changed:
        chapter.full_clean()
        chapter.save()
        audit_record(actor=actor, action="chapter.settings", obj=chapter, data=changed)
    return chapter


#: Slugs that would be shadowed by the chapter pages' own URLs (``/chapters/new/``...).
RESERVED_SLUGS = frozenset({"new", "review"})


@transaction.atomic
def chapter_request(*, user: User, data: dict[str, Any]) -> Chapter:
    """Ask to start a chapter. It stays pending until a moderator approves it.

    The requester becomes its organiser. A person may have one pending request at a time,
    and only with a verified email address (moderators need a way to answer).
    """
    if not user_has_verified_email(user=user):
        raise ChapterPermissionError(
            _("Verify your email address before asking for a new chapter."),
            code="not_verified",
        )
    if Chapter.objects.filter(requested_by=user, status=Chapter.Status.PENDING).exists():
        raise ChapterConflictError(
            _("You already have a chapter request waiting for approval."),
            code="request_pending",
        )
    chapter = Chapter(
        name=data["name"],
        city=data["city"],
        country=data["country"],
        time_zone=data["time_zone"],
        currency=data["currency"],
        language=data["language"],
        default_pledge_minor=data["default_pledge_minor"],
        description=data.get("description", ""),
        status=Chapter.Status.PENDING,
        requested_by=user,
    )
    chapter.full_clean(exclude=["slug"])
    save_with_unique_slug(
        chapter,
        data.get("slug") or data["name"],
        fallback="chapter",
        max_length=74,
        reserved=RESERVED_SLUGS,
    )
    Membership.objects.create(chapter=chapter, user=user, role=Membership.Role.ORGANISER)
    audit_record(actor=user, action="chapter.request", obj=chapter)
    return chapter


@transaction.atomic
def chapter_approve(*, chapter: Chapter, moderator: User) -> Chapter:
    if not moderator.is_staff:
        raise ChapterPermissionError(
            _("Only site moderators approve new chapters."), code="not_moderator"
        )
    updated = Chapter.objects.filter(pk=chapter.pk, status=Chapter.Status.PENDING).update(
        status=Chapter.Status.ACTIVE, approved_at=timezone.now()
    )
    if updated != 1:
        raise ChapterConflictError(
            _("This chapter is not waiting for approval."), code="not_pending"
        )
    chapter.refresh_from_db()
    audit_record(actor=moderator, action="chapter.approve", obj=chapter)
    requester = chapter.requested_by
    if requester is not None:
        email_enqueue(
            to=requester.email,
            template="chapters/approved",
            context={"chapter_name": chapter.name, "chapter_url": chapter.get_absolute_url()},
            language=recipient_language(user=requester, chapter=chapter),
        )
    return chapter


@transaction.atomic
def chapter_reject(*, chapter: Chapter, moderator: User, reason: str) -> None:
    if not moderator.is_staff:
        raise ChapterPermissionError(
            _("Only site moderators approve new chapters."), code="not_moderator"
        )
    if chapter.status != Chapter.Status.PENDING:
        raise ChapterConflictError(
            _("This chapter is not waiting for approval."), code="not_pending"
        )
    audit_record(actor=moderator, action="chapter.reject", obj=chapter, data={"reason": reason})
    requester = chapter.requested_by
    if requester is not None:
        email_enqueue(
            to=requester.email,
            template="chapters/rejected",
            context={"chapter_name": chapter.name, "reason": reason},
            language=recipient_language(user=requester, chapter=chapter),
        )
    try:
        chapter.delete()
    except IntegrityError as exc:  # pragma: no cover - a pending chapter has no mobs
        raise ChapterConflictError(_("This chapter cannot be removed."), code="in_use") from exc
