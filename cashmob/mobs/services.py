"""Writes on mobs. Every status change goes through :func:`mob_transition`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cashmob.businesses.models import Business
from cashmob.businesses.selectors import business_language
from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.core.audit import audit_record
from cashmob.core.email import email_enqueue
from cashmob.core.links import absolute_url
from cashmob.core.models import AuditEntry
from cashmob.core.slugs import save_with_unique_slug
from cashmob.mobs.exceptions import (
    ConsentRequiredError,
    MobError,
    MobPermissionError,
    TransitionError,
)
from cashmob.mobs.mail_context import mob_time_context
from cashmob.mobs.models import CONSENTED_STATUSES, Consent, Mob, MobStatus
from cashmob.mobs.rotation import CHOOSABLE, business_check_available, business_taken_error
from cashmob.mobs.shop_mail import shop_tell_after_party_withdrawn, shop_tell_published
from cashmob.mobs.states import can_transition
from cashmob.notifications.models import Kind
from cashmob.notifications.services import notify
from cashmob.rsvps.selectors import rsvp_list_guests

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.chapters.models import Chapter


@transaction.atomic
def mob_transition(
    *,
    mob: Mob,
    to: MobStatus,
    actor: User | None,
    extra: dict[str, Any] | None = None,
    reason: str = "",
) -> Mob:
    """Move ``mob`` to status ``to`` if the state machine allows it.

    Race-safe without a lock: the update is conditional on the status read, so of two
    concurrent transitions from the same status exactly one applies and the other gets
    ``TransitionError``. Consent is checked here and, whatever the path, by the database.
    """
    current = Mob.objects.filter(pk=mob.pk).values_list("status", "business_consent").first()
    if current is None:
        raise TransitionError(_("This mob no longer exists."), code="mob_missing")
    status, consent = current
    if not can_transition(status, to):
        raise TransitionError(
            _("A mob that is “%(current)s” cannot become “%(target)s”.")
            % {"current": MobStatus(status).label, "target": MobStatus(to).label},
            code="invalid_transition",
        )
    if to in CONSENTED_STATUSES and consent != Consent.ACCEPTED:
        raise ConsentRequiredError(
            _("The business has not accepted this mob yet, so it cannot go ahead."),
            code="consent_required",
        )
    now = timezone.now()
    changes: dict[str, Any] = {"status": to, **(extra or {})}
    if to == MobStatus.PUBLISHED:
        changes["published_at"] = now
    if to == MobStatus.CANCELLED:
        changes["cancelled_at"] = now
        changes["cancel_reason"] = reason
    updated = Mob.objects.filter(pk=mob.pk, status=status).update(**changes, updated_at=now)
    if updated != 1:
        raise TransitionError(
            _("Someone else changed this mob at the same moment. Reload and try again."),
            code="concurrent_change",
        )
    if to == MobStatus.CLOSED and mob.business_id is not None:
        # The shop's history drives its cool-down and the votes' tie-break.
        Business.objects.filter(pk=mob.business_id).update(
            mob_count=F("mob_count") + 1, last_mobbed_at=mob.starts_at or now
        )
    audit_record(
        actor=actor,
        action=f"mob.{to}",
        obj=mob,
        data={"from": status, "to": str(to), **({"reason": reason} if reason else {})},
    )
    mob.refresh_from_db()
    return mob


# --- Planning, publishing, changes ------------------------------------------------------------

DEFAULT_REVEAL_BEFORE = timedelta(hours=6)
PLAN_FIELDS = ("title", "description", "meeting_point", "pledge_minor")


def mob_url(mob: Mob) -> str:
    """The mob page's absolute address, for emails and calendars."""
    return absolute_url("mobs:detail", slug=mob.slug)


def _require_organiser(mob: Mob, actor: User) -> None:
    if not is_chapter_organiser(chapter=mob.chapter, user=actor):
        raise MobPermissionError(
            _("Only the chapter's organisers can do this."), code="not_organiser"
        )


#: First segments of fixed paths under /mobs/ (see mobs/urls.py): a mob named so would
#: have its dashboard shadowed by them.
RESERVED_SLUGS = frozenset({"plan", "consent", "owner"})


@transaction.atomic
def mob_plan(
    *,
    chapter: Chapter,
    actor: User,
    title: str,
    pledge_minor: int | None = None,
    meeting_point: str = "",
    description: str = "",
) -> Mob:
    """Start planning a mob: the shop and the date are chosen next (vote and poll)."""
    if not is_chapter_organiser(chapter=chapter, user=actor):
        raise MobPermissionError(
            _("Only the chapter's organisers can plan mobs."), code="not_organiser"
        )
    pledge = pledge_minor if pledge_minor is not None else chapter.default_pledge_minor
    if pledge < chapter.default_pledge_minor // 2 or pledge <= 0:
        raise MobError(
            _("The pledge cannot be below half the chapter's default pledge."),
            code="pledge_too_low",
            field="pledge_minor",
        )
    mob = Mob(
        chapter=chapter,
        title=title,
        description=description,
        meeting_point=meeting_point,
        pledge_minor=pledge,
        currency=chapter.currency,
        created_by=actor,
    )
    mob.full_clean(exclude=["slug"])
    # Another mob's old address still leads to it (a secret mob's, see ``former_slug``).
    former = Mob.objects.filter(former_slug__startswith=slugify(title)[:140] or "mob")
    reserved = {*RESERVED_SLUGS, *former.values_list("former_slug", flat=True)}
    save_with_unique_slug(mob, title, fallback="mob", max_length=140, reserved=reserved)
    audit_record(actor=actor, action="mob.plan", obj=mob)
    return mob


def mob_take_shop(*, mob: Mob, business: Business) -> int:
    """Give the planning ``mob`` its shop, if the rotation allows (see
    :mod:`cashmob.mobs.rotation`); return how many mobs changed (0: no longer planning).

    Raises ``shop_taken`` or ``shop_cooling_down``. Of two mobs taking one shop at the same
    moment, the database's one-active-mob-per-shop constraint lets one through and the
    other gets ``shop_taken``.
    """
    business_check_available(business=business, mob=mob)
    try:
        with transaction.atomic():
            return Mob.objects.filter(pk=mob.pk, status=MobStatus.PLANNING).update(
                business=business, updated_at=timezone.now()
            )
    except IntegrityError:
        # Only the shop changes here: the one constraint it can break is one mob per shop.
        raise business_taken_error(business) from None


@transaction.atomic
def mob_choose_business(*, mob: Mob, actor: User, business: Business) -> Mob:
    """The organiser picks the shop directly (or confirms the vote's winner)."""
    _require_organiser(mob, actor)
    if business.chapter_id != mob.chapter_id:
        raise MobError(_("This shop belongs to another chapter."), code="wrong_chapter")
    if business.status not in CHOOSABLE:
        raise MobError(_("This shop cannot be mobbed."), code="not_eligible")
    updated = mob_take_shop(mob=mob, business=business)
    if updated != 1:
        raise TransitionError(
            _("The shop can only be changed while the mob is being planned."),
            code="not_planning",
        )
    audit_record(actor=actor, action="mob.choose_business", obj=mob, data={"business": business.pk})
    mob.refresh_from_db()
    return mob


def mob_audience(*, mob: Mob) -> QuerySet[User]:
    """Members and followers of the mob's chapter."""
    from cashmob.accounts.models import User

    audience = Q(memberships__chapter_id=mob.chapter_id) | Q(
        chapter_follows__chapter_id=mob.chapter_id
    )
    if mob.business_id is not None and not mob.is_secret_at(timezone.now()):
        # People who follow the shop hear about its mobs, unless the shop is a surprise.
        audience |= Q(business_follows__business_id=mob.business_id)
    return User.objects.filter(audience, is_active=True).distinct()


def mob_participants(*, mob: Mob) -> QuerySet[User]:
    """The people taking part: everyone with an RSVP (going or waiting), and the organisers."""
    from cashmob.accounts.models import User

    return User.objects.filter(
        Q(rsvps__mob=mob, rsvps__status__in=("confirmed", "waiting"))
        | Q(
            memberships__chapter_id=mob.chapter_id,
            memberships__role__in=("organiser", "co_organiser"),
        ),
        is_active=True,
    ).distinct()


def secret_slug(*, chapter: Chapter) -> str:
    """A free address for a secret mob that names its city, never its shop:
    ``<city>-cash-mob-<random>``."""
    base = slugify(f"{chapter.city or chapter.name} cash mob")[:120] or "cash-mob"
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        if not Mob.objects.filter(Q(slug=slug) | Q(former_slug=slug)).exists():
            return slug


@transaction.atomic
def mob_publish(
    *,
    mob: Mob,
    actor: User | None,
    reveal_at: datetime | None = None,
    keep_secret: bool = False,
) -> Mob:
    """Publish a mob the shop has accepted: time, meeting point and pledge are now fixed.

    With ``keep_secret``, the shop stays hidden until ``reveal_at`` (default: six hours
    before the start); a task reveals it then. The shop itself always knows.
    """
    if actor is not None:
        _require_organiser(mob, actor)
    mob.refresh_from_db()
    # The shop's yes comes first: without it nothing else about the mob matters yet.
    # (mob_transition checks it again, race-safely, and so does the database.)
    if mob.business_consent != Consent.ACCEPTED:
        raise ConsentRequiredError(
            _("The business has not accepted this mob yet, so it cannot go ahead."),
            code="consent_required",
        )
    if not mob.meeting_point.strip():
        raise MobError(
            _("Set a meeting point before publishing."),
            code="no_meeting_point",
            field="meeting_point",
        )
    if mob.starts_at is None or mob.starts_at <= timezone.now():
        raise MobError(_("The mob must start in the future."), code="in_the_past")
    extra: dict[str, Any] = {}
    if keep_secret:
        reveal = reveal_at or mob.starts_at - DEFAULT_REVEAL_BEFORE
        if reveal > mob.starts_at:
            raise MobError(
                _("Reveal the shop before the mob starts."),
                code="reveal_after_start",
                field="reveal_at",
            )
        extra["reveal_at"] = reveal
        if not mob.former_slug:
            # The slug came from the title, which usually names the shop: a secret mob's
            # address names the city only, and keeps it after the reveal.
            extra["slug"] = secret_slug(chapter=mob.chapter)
            extra["former_slug"] = mob.slug
    else:
        extra["reveal_at"] = None
    mob = mob_transition(mob=mob, to=MobStatus.PUBLISHED, actor=actor, extra=extra)
    context = _mob_context(mob)
    notify(
        users=mob_audience(mob=mob),
        kind=Kind.NEW_MOB,
        event_key=f"mob:{mob.pk}:published",
        template="mobs/published",
        context=context,
    )
    shop_tell_published(mob=mob)
    mob_reveal_schedule(mob=mob)
    return mob


def mob_reveal_schedule(*, mob: Mob) -> None:
    """Queue the reveal of a secret shop for its reveal time, after the commit.

    The task reveals only once the mob's (current) reveal time has come, so a task queued
    before the mob moved to a later time does nothing early.
    """
    if mob.reveal_at is None or mob.reveal_at <= timezone.now():
        return
    from cashmob.mobs.tasks import reveal_mob

    reveal_at_time, mob_id = mob.reveal_at, mob.pk
    # Backends that cannot defer (the immediate one in tests) leave the reveal to the
    # scheduler's sweep, which catches any reveal whose time has come.
    if reveal_mob.get_backend().supports_defer:
        transaction.on_commit(
            lambda: reveal_mob.using(run_after=reveal_at_time).enqueue(mob_id=mob_id)
        )


def _mob_context(mob: Mob) -> dict[str, Any]:
    secret = mob.reveal_at is not None and mob.reveal_at > timezone.now()
    return {
        "mob_title": mob.public_title(),
        "mob_url": mob_url(mob),
        "checkin_url": absolute_url("checkin:me", slug=mob.slug),
        **mob_time_context(mob),
        "pledge_minor": mob.pledge_minor,
        "currency": mob.currency,
        "business_name": "" if secret or mob.business is None else mob.business.name,
        "business_address": "" if secret or mob.business is None else mob.business.address,
        "secret": secret,
        "reveal_at": mob.reveal_at.isoformat() if mob.reveal_at else "",
    }


@transaction.atomic
def mob_reveal(*, mob: Mob, actor: User | None = None, due_only: bool = False) -> Mob:
    """Reveal a secret shop now (the task at reveal time, or an organiser's button).

    Revealing twice (the task, the scheduler's sweep, a button) records and notifies once.
    With ``due_only`` (the task) nothing happens before the mob's current reveal time: a
    task queued before the mob moved to a later time must not reveal early.
    """
    if actor is not None:
        _require_organiser(mob, actor)
    now = timezone.now()
    if due_only:
        mob.refresh_from_db()
        if mob.reveal_at is not None and mob.reveal_at > now:
            return mob
    Mob.objects.filter(pk=mob.pk, reveal_at__gt=now).update(reveal_at=now, updated_at=now)
    mob.refresh_from_db()
    if mob.status not in (MobStatus.PUBLISHED, MobStatus.LIVE) or mob.reveal_at is None:
        # A mob that was never secret has nothing to reveal.
        return mob
    revealed_before = AuditEntry.objects.filter(
        object_type="mobs.mob", object_id=str(mob.pk), action="mob.reveal"
    ).exists()
    if revealed_before:
        return mob
    audit_record(actor=actor, action="mob.reveal", obj=mob)
    mob.sequence_bump()  # calendars now show the shop, not just the meeting point
    notify(
        users=mob_participants(mob=mob),
        guests=rsvp_list_guests(mob=mob),
        kind=Kind.CHANGE,
        event_key=f"mob:{mob.pk}:revealed",
        template="mobs/revealed",
        context=_mob_context(mob),
    )
    return mob


@transaction.atomic
def mob_update_details(*, mob: Mob, actor: User, data: dict[str, Any]) -> Mob:
    """Change the meeting point, title or description of a mob, or its time before
    publishing; after publishing, everyone taking part is told exactly what changed.

    A time change before publishing sends the mob back to the shop for consent; after
    publishing the time is the one the shop agreed to and cannot be moved here.
    """
    _require_organiser(mob, actor)
    mob = (
        Mob.objects.select_for_update(of=("self",))
        .select_related("chapter", "business")
        .get(pk=mob.pk)
    )
    if mob.status in (MobStatus.LIVE, MobStatus.CLOSED, MobStatus.REPORTED, MobStatus.CANCELLED):
        raise TransitionError(_("This mob can no longer be changed."), code="mob_locked")
    allowed = ("title", "description", "meeting_point", "starts_at", "ends_at")
    changes = {k: v for k, v in data.items() if k in allowed and getattr(mob, k) != v}
    if not changes:
        return mob
    starts = changes.get("starts_at", mob.starts_at)
    ends = changes.get("ends_at", mob.ends_at)
    if ("starts_at" in changes or "ends_at" in changes) and (
        starts is None or ends is None or ends <= starts or starts <= timezone.now()
    ):
        raise MobError(
            _("The mob must start in the future and end after it starts."),
            code="bad_time",
            field="starts_at",
        )
    time_changed = bool({"starts_at", "ends_at"} & set(changes))
    if time_changed and mob.status == MobStatus.PUBLISHED:
        # The shop agreed to this time; a published mob never moves without its yes.
        raise MobError(
            _(
                "The shop agreed to this time, so it cannot be moved here. Ask the shop for "
                "a new time from the dashboard: the mob moves once the shop accepts."
            ),
            code="time_agreed_with_shop",
            field="starts_at",
        )
    previous = MobBefore.of(mob)
    for field, value in changes.items():
        setattr(mob, field, value)
    if time_changed and mob.status in (MobStatus.AWAITING_CONSENT, MobStatus.CONFIRMED):
        # The shop agreed to (or was asked about) another time: its answer no longer
        # holds, and its link stops working until the organisers ask again.
        from cashmob.mobs.models import ConsentRequest

        ConsentRequest.objects.filter(
            mob=mob, kind=ConsentRequest.Kind.MOB, superseded=False
        ).update(superseded=True)
        mob.status = MobStatus.PLANNING
        mob.business_consent = Consent.NOT_ASKED
        mob.consent_at = None
    mob.full_clean()
    mob.save()
    mob_change_record(mob=mob, actor=actor, changes=changes, previous=previous)
    return mob


@dataclass(frozen=True)
class MobBefore:
    """What participants knew of a mob before a change: shown beside the new values."""

    starts_at: datetime | None
    ends_at: datetime | None
    meeting_point: str

    @classmethod
    def of(cls, mob: Mob) -> MobBefore:
        return cls(starts_at=mob.starts_at, ends_at=mob.ends_at, meeting_point=mob.meeting_point)


def mob_change_record(
    *, mob: Mob, actor: User | None, changes: dict[str, Any], previous: MobBefore
) -> None:
    """Audit a change to a mob; once it is published, tell everyone taking part what
    changed (time or meeting point), with the old value beside the new one."""
    described = {
        k: (v.isoformat() if isinstance(v, datetime) else str(v)) for k, v in changes.items()
    }
    audit_record(actor=actor, action="mob.change", obj=mob, data=described)
    if mob.published_at is not None:
        mob.sequence_bump()
    if mob.status != MobStatus.PUBLISHED or not (
        {"starts_at", "ends_at", "meeting_point"} & set(changes)
    ):
        return
    version = AuditEntry.objects.filter(
        object_type="mobs.mob", object_id=str(mob.pk), action="mob.change"
    ).count()
    changed = sorted({"time" if k in ("starts_at", "ends_at") else k for k in changes})
    before = {
        "previous_starts_at": previous.starts_at.isoformat() if previous.starts_at else "",
        "previous_ends_at": previous.ends_at.isoformat() if previous.ends_at else "",
        "previous_meeting_point": previous.meeting_point,
    }
    # A new time comes with the calendar file again, so calendars move with the mob.
    calendar = {"attach_ics_mob_id": mob.pk} if "time" in changed else {}
    notify(
        users=mob_participants(mob=mob),
        guests=rsvp_list_guests(mob=mob),
        kind=Kind.CHANGE,
        event_key=f"mob:{mob.pk}:changed:{version}",
        template="mobs/changed",
        context={**_mob_context(mob), **before, "changed": changed, **calendar},
    )


@transaction.atomic
def mob_cancel(*, mob: Mob, actor: User | None, reason: str) -> Mob:
    """Cancel a mob before it goes live; everyone is told, the shop included."""
    if actor is not None:
        _require_organiser(mob, actor)
    if not reason.strip():
        raise MobError(_("Say why the mob is cancelled."), code="no_reason", field="reason")
    was_public = mob.published_at is not None
    mob = mob_transition(mob=mob, to=MobStatus.CANCELLED, actor=actor, reason=reason)
    if was_public:
        mob.sequence_bump()
    context = {**_mob_context(mob), "reason": reason}
    audience = mob_audience(mob=mob) if was_public else mob_participants(mob=mob)
    notify(
        users=audience,
        guests=rsvp_list_guests(mob=mob),
        kind=Kind.CHANGE,
        event_key=f"mob:{mob.pk}:cancelled",
        template="mobs/cancelled",
        context=context,
    )
    if (
        mob.business is not None
        and mob.business.contact_email
        and mob.business_consent
        in (
            Consent.ACCEPTED,
            Consent.PENDING,
            Consent.PROPOSED,
        )
    ):
        email_enqueue(
            to=mob.business.contact_email,
            template="mobs/cancelled_business",
            context={**context, "business_name": mob.business.name},
            language=business_language(mob.business),
        )
    if mob.after_party_business is not None and mob.after_party_consent == Consent.ACCEPTED:
        # The venue said yes to hosting the crowd afterwards: it must not wait for it.
        shop_tell_after_party_withdrawn(
            mob=mob,
            venue=mob.after_party_business,
            agreed_starts_at=mob.after_party_starts_at,
            reason="cancelled",
        )
    return mob


@transaction.atomic
def mob_set_after_party(
    *,
    mob: Mob,
    actor: User,
    business: Business,
    starts_at: datetime,
    ends_at: datetime,
    message: str = "",
) -> Mob:
    """Choose a second venue nearby for after the mob, and ask it the same way as the shop.

    Choosing another venue replaces the earlier one: its request stops working and its
    answer no longer counts.
    """
    from cashmob.mobs.consent import consent_request_send
    from cashmob.mobs.models import ConsentRequest

    _require_organiser(mob, actor)
    mob = (
        Mob.objects.select_for_update(of=("self",))
        .select_related("chapter", "business")
        .get(pk=mob.pk)
    )
    if mob.status in (MobStatus.LIVE, MobStatus.CLOSED, MobStatus.REPORTED, MobStatus.CANCELLED):
        raise TransitionError(_("This mob can no longer be changed."), code="mob_locked")
    if business.chapter_id != mob.chapter_id:
        raise MobError(
            _("This venue belongs to another chapter."), code="wrong_chapter", field="business"
        )
    if business.status not in CHOOSABLE:
        raise MobError(_("This venue cannot be asked."), code="not_eligible", field="business")
    if business.pk == mob.business_id:
        raise MobError(
            _("Choose a different venue from the mob's shop."),
            code="same_as_shop",
            field="business",
        )
    if mob.starts_at is not None and starts_at < mob.starts_at:
        raise MobError(
            _("The after-party starts after the mob has started."),
            code="after_party_too_early",
            field="starts_at",
        )
    if (
        mob.after_party_business is not None
        and mob.after_party_business_id != business.pk
        and mob.after_party_consent == Consent.ACCEPTED
    ):
        # The venue said yes and is now replaced: it must not wait for a crowd.
        shop_tell_after_party_withdrawn(
            mob=mob,
            venue=mob.after_party_business,
            agreed_starts_at=mob.after_party_starts_at,
            reason="replaced",
        )
    Mob.objects.filter(pk=mob.pk).update(
        after_party_business=business,
        after_party_starts_at=None,
        after_party_consent=Consent.NOT_ASKED,
        updated_at=timezone.now(),
    )
    mob.refresh_from_db()
    audit_record(actor=actor, action="mob.after_party", obj=mob, data={"business": business.pk})
    consent_request_send(
        mob=mob,
        actor=actor,
        slots=[(starts_at, ends_at)],
        message=message,
        kind=ConsentRequest.Kind.AFTER_PARTY,
    )
    mob.refresh_from_db()
    return mob
