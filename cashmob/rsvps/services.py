"""Writes on RSVPs: pledge, cancel, waiting list, guests, tipping point.

Capacity is enforced by conditional updates of the mob's counters inside the RSVP's
transaction (backed by the ``mobs_mob_never_overbooked`` check constraint), so no
interleaving of requests, on SQLite or PostgreSQL, can confirm more people than places.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.businesses.selectors import business_language
from cashmob.chapters.models import Membership
from cashmob.core.audit import audit_record
from cashmob.core.email import email_enqueue
from cashmob.core.links import absolute_url, nonce_token, token_nonce
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.services import mob_url
from cashmob.notifications.models import Kind
from cashmob.notifications.services import notify
from cashmob.rsvps.exceptions import (
    GuestLinkError,
    RsvpConflictError,
    RsvpError,
    RsvpPermissionError,
)
from cashmob.rsvps.models import CalendarFeed, Rsvp, RsvpStatus
from cashmob.rsvps.selectors import ACTIVE, rsvp_list_guests

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.chapters.models import Chapter

GUEST_SALT = "cashmob.rsvps.guest"
GUEST_LINK_MAX_AGE = 60 * 60 * 24 * 14


def _check_open(mob: Mob, *, now: datetime) -> None:
    if mob.status != MobStatus.PUBLISHED:
        raise RsvpConflictError(_("This mob is not open for RSVPs."), code="mob_not_open")
    if mob.starts_at is None or mob.starts_at <= now:
        raise RsvpConflictError(_("This mob has already started."), code="mob_started")


def check_pledge(*, mob: Mob, pledge_minor: int, currency: str) -> None:
    """The pledge is in the mob's currency, at least the mob's pledge, at most the cap."""
    if currency != mob.currency:
        raise RsvpError(
            _("Pledge in %(currency)s, the currency of this mob.") % {"currency": mob.currency},
            code="wrong_currency",
            field="pledge",
        )
    if not isinstance(pledge_minor, int) or pledge_minor < mob.pledge_minor:
        raise RsvpError(
            _("Pledge at least %(amount)s.") % {"amount": mob.pledge.format()},
            code="pledge_too_low",
            field="pledge",
        )
    cap = mob.chapter.max_pledge_minor
    if pledge_minor > cap:
        from cashmob.core.money import format_money

        raise RsvpError(
            _("Pledges above %(amount)s are not accepted for this chapter.")
            % {"amount": format_money(cap, mob.currency)},
            code="pledge_too_high",
            field="pledge",
        )


def _choose_wave(mob: Mob) -> int | None:
    """The arrival wave with the fewest people so far (ties: the earliest)."""
    waves = mob.arrival_waves
    if waves <= 1:
        return None
    counts = dict(
        Rsvp.objects.filter(mob=mob, status=RsvpStatus.CONFIRMED)
        .values_list("wave")
        .annotate(n=Count("id"))
    )
    return min(range(1, waves + 1), key=lambda w: (counts.get(w, 0), w))


def _take_place(mob: Mob, pledge_minor: int, *, from_waiting_list: bool) -> bool:
    """Atomically take one place; False if the mob is full.

    A newcomer only gets a place when nobody is waiting, so the waiting list is never
    overtaken; a promotion from the list moves one person from waiting to confirmed.
    """
    has_room = Q(capacity__isnull=True) | Q(rsvp_count__lt=F("capacity"))
    queryset = Mob.objects.filter(has_room, pk=mob.pk)
    changes: dict[str, Any] = {
        "rsvp_count": F("rsvp_count") + 1,
        "pledged_total_minor": F("pledged_total_minor") + pledge_minor,
    }
    if from_waiting_list:
        changes["waiting_count"] = F("waiting_count") - 1
    else:
        queryset = queryset.filter(waiting_count=0)
    return queryset.update(**changes) == 1


def _lock_mob(mob_id: int) -> None:
    """Take the mob's row lock before anything else about its places and totals.

    Every change to a mob's RSVPs (a place taken, a pledge changed, a cancellation and
    the promotions it makes) then runs one at a time per mob, and always locks the mob
    before any RSVP row, so two of them never wait on each other. Without it, on
    PostgreSQL, a newcomer refused a place could join the waiting list just after a
    cancellation found nobody waiting: a free place, and someone waiting for it.
    SQLite's immediate transactions already run one writer at a time.
    """
    Mob.objects.select_for_update().filter(pk=mob_id).values_list("pk", flat=True).first()


def _place(rsvp: Rsvp) -> Rsvp:
    """Confirm ``rsvp`` if there is room, else put it at the end of the waiting list.

    The mob's row is locked first (:func:`_lock_mob`), and the time is read under that
    lock: requests get their place and queue times in the order they got the lock.
    """
    mob = rsvp.mob
    _lock_mob(mob.pk)
    if _take_place(mob, rsvp.pledge_minor, from_waiting_list=False):
        rsvp.status = RsvpStatus.CONFIRMED
        rsvp.confirmed_at = timezone.now()
        rsvp.wave = _choose_wave(mob)
    else:
        Mob.objects.filter(pk=mob.pk).update(waiting_count=F("waiting_count") + 1)
        rsvp.status = RsvpStatus.WAITING
        rsvp.queued_at = timezone.now()
    return rsvp


def _after_change(mob: Mob) -> None:
    """Tell people when the tipping point is reached (once per mob)."""
    mob.refresh_from_db(fields=["rsvp_count", "waiting_count", "pledged_total_minor"])
    # Only the RSVP that reaches the tipping point announces it (each notification is
    # also keyed per mob, so a dip and a return never tells anyone twice).
    if mob.tipping_point and mob.rsvp_count == mob.tipping_point:
        context = {
            "mob_title": mob.public_title(),
            "mob_url": mob_url(mob),
            "count": mob.rsvp_count,
            "tipping_point": mob.tipping_point,
        }
        notify(
            users=_participants(mob),
            guests=rsvp_list_guests(mob=mob, confirmed_only=True),
            kind=Kind.CHANGE,
            event_key=f"mob:{mob.pk}:tipped",
            template="rsvps/tipped",
            context=context,
        )
        from cashmob.core.models import AuditEntry

        already = AuditEntry.objects.filter(
            object_type="mobs.mob", object_id=str(mob.pk), action="mob.tipped"
        ).exists()
        if not already and mob.business is not None and mob.business.contact_email:
            audit_record(actor=None, action="mob.tipped", obj=mob, data={"count": mob.rsvp_count})
            email_enqueue(
                to=mob.business.contact_email,
                template="rsvps/tipped_business",
                context={**context, "business_name": mob.business.name},
                language=business_language(mob.business),
            )


def _participants(mob: Mob):
    from cashmob.accounts.models import User

    return User.objects.filter(
        rsvps__mob=mob, rsvps__status=RsvpStatus.CONFIRMED, is_active=True
    ).distinct()


def _confirmation(rsvp: Rsvp) -> None:
    """The RSVP's confirmation (or waiting-list) email, with the calendar file attached."""
    mob = rsvp.mob
    context = {
        "mob_title": mob.public_title(),
        "mob_url": mob_url(mob),
        "status": rsvp.status,
        "pledge_minor": rsvp.pledge_minor,
        "currency": rsvp.currency,
        "starts_at": mob.starts_at.isoformat() if mob.starts_at else "",
        "ends_at": mob.ends_at.isoformat() if mob.ends_at else "",
        "time_zone": mob.chapter.time_zone,
        "meeting_point": mob.meeting_point,
        "wave": rsvp.wave,
        "waves": mob.arrival_waves,
        "wave_at": wave_at.isoformat() if (wave_at := mob.wave_starts_at(rsvp.wave)) else "",
        "attach_ics_mob_id": mob.pk if rsvp.status == RsvpStatus.CONFIRMED else None,
    }
    if rsvp.user is not None:
        notify(
            users=[rsvp.user],
            kind=Kind.ACCOUNT,
            event_key=f"rsvp:{rsvp.pk}:{rsvp.status}:{int(timezone.now().timestamp())}",
            template="rsvps/confirmation",
            # Members cancel from the mob's page, where their RSVP is.
            context={**context, "cancel_url": f"{context['mob_url']}#rsvp"},
        )
    else:
        from cashmob.checkin.guests import guest_day_url

        email_enqueue(
            to=rsvp.guest_email,
            template="rsvps/confirmation",
            # A guest has no account: their private day page is how they check in and
            # report what they spent.
            context={
                **context,
                "recipient_name": rsvp.guest_name,
                "day_url": guest_day_url(rsvp),
                "cancel_url": guest_day_url(rsvp),
            },
            language=rsvp.guest_email_language,
        )


@transaction.atomic
def rsvp_create(*, mob: Mob, user: User, pledge_minor: int, currency: str) -> Rsvp:
    """A member says yes with a pledge: confirmed if there is room, else waiting."""
    now = timezone.now()
    mob = Mob.objects.select_related("chapter", "business").get(pk=mob.pk)
    _check_open(mob, now=now)
    check_pledge(mob=mob, pledge_minor=pledge_minor, currency=currency)
    _lock_mob(mob.pk)
    if Rsvp.objects.filter(mob=mob, user=user, status__in=ACTIVE).exists():
        raise RsvpConflictError(_("You have already said yes to this mob."), code="already_rsvped")
    as_guest = Rsvp.objects.filter(mob=mob, user__isnull=True, guest_email__iexact=user.email)
    # A guest RSVP never confirmed holds no place, and anyone could have typed this
    # address: the member's own RSVP replaces it.
    as_guest.filter(status=RsvpStatus.UNCONFIRMED).update(
        status=RsvpStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    if as_guest.filter(status__in=(RsvpStatus.CONFIRMED, RsvpStatus.WAITING)).exists():
        # One person, one place: the guest RSVP made with this address already holds one.
        raise RsvpConflictError(
            _(
                "You have already said yes to this mob as a guest with this email address; "
                "the link in that email lets you change or cancel it."
            ),
            code="already_rsvped_as_guest",
        )
    rsvp = Rsvp(
        mob=mob,
        user=user,
        pledge_minor=pledge_minor,
        currency=currency,
        nonce=secrets.token_urlsafe(24),
    )
    _place(rsvp)
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:
        # A second request by the same person won the race; the whole transaction (and
        # the place it took) rolls back.
        raise RsvpConflictError(
            _("You have already said yes to this mob."), code="already_rsvped"
        ) from None
    audit_record(actor=user, action=f"rsvp.{rsvp.status}", obj=rsvp)
    _confirmation(rsvp)
    _after_change(mob)
    return rsvp


def guest_url(rsvp: Rsvp) -> str:
    token = nonce_token(rsvp.nonce, salt=GUEST_SALT)
    return absolute_url("rsvps:guest_confirm", token=token)


@transaction.atomic
def rsvp_create_guest(
    *,
    mob: Mob,
    name: str,
    email: str,
    pledge_minor: int,
    currency: str,
    language: str = "",
) -> Rsvp:
    """A guest says yes with a name and an email; nothing counts until they confirm.

    ``language`` is the one they used on the site (else the chapter's): their emails speak it.
    """
    now = timezone.now()
    mob = Mob.objects.select_related("chapter").get(pk=mob.pk)
    _check_open(mob, now=now)
    check_pledge(mob=mob, pledge_minor=pledge_minor, currency=currency)
    email = email.strip()
    if Rsvp.objects.filter(mob=mob, guest_email__iexact=email, status__in=ACTIVE).exists():
        raise RsvpConflictError(
            _("This email address has already said yes to this mob."), code="already_rsvped"
        )
    try:
        with transaction.atomic():
            rsvp = Rsvp.objects.create(
                mob=mob,
                guest_name=name.strip(),
                guest_email=email,
                status=RsvpStatus.UNCONFIRMED,
                pledge_minor=pledge_minor,
                currency=currency,
                nonce=secrets.token_urlsafe(24),
                guest_language=language if language in dict(settings.LANGUAGES) else "",
            )
    except IntegrityError:
        raise RsvpConflictError(
            _("This email address has already said yes to this mob."), code="already_rsvped"
        ) from None
    email_enqueue(
        to=email,
        template="rsvps/guest_confirm",
        context={
            "recipient_name": rsvp.guest_name,
            "mob_title": mob.public_title(),
            "confirm_url": guest_url(rsvp),
            "pledge_minor": pledge_minor,
            "currency": currency,
        },
        language=rsvp.guest_email_language,
    )
    audit_record(actor=None, action="rsvp.guest", obj=rsvp)
    return rsvp


def guest_check(*, token: str) -> Rsvp:
    try:
        nonce = token_nonce(token, salt=GUEST_SALT, max_age=GUEST_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise GuestLinkError(_("This link has expired."), code="guest_link_expired") from None
    rsvp = (
        Rsvp.objects.select_related("mob__chapter").filter(nonce=nonce).first() if nonce else None
    )
    if rsvp is None:
        raise GuestLinkError(_("This link is not valid."), code="guest_link_invalid")
    return rsvp


@transaction.atomic
def rsvp_confirm_guest(*, token: str) -> Rsvp:
    """The guest follows the emailed link: their RSVP now takes a place or a queue spot.

    Single use: a second visit changes nothing and says so.
    """
    rsvp = guest_check(token=token)
    now = timezone.now()
    _lock_mob(rsvp.mob_id)
    rsvp = (
        Rsvp.objects.select_for_update(of=("self",)).select_related("mob__chapter").get(pk=rsvp.pk)
    )
    if rsvp.status != RsvpStatus.UNCONFIRMED:
        raise GuestLinkError(_("This RSVP is already confirmed."), code="guest_link_used")
    _check_open(rsvp.mob, now=now)
    # Only the owner of the address gets here, so only they learn that their account
    # has already said yes: one person, one place.
    if Rsvp.objects.filter(
        mob_id=rsvp.mob_id, user__email__iexact=rsvp.guest_email, status__in=ACTIVE
    ).exists():
        raise RsvpConflictError(
            _("Your account has already said yes to this mob; log in to see your RSVP."),
            code="already_rsvped",
        )
    _place(rsvp)
    rsvp.save()
    audit_record(actor=None, action=f"rsvp.{rsvp.status}", obj=rsvp)
    _confirmation(rsvp)
    _after_change(rsvp.mob)
    return rsvp


def _require_owner(rsvp: Rsvp, actor: User | None) -> None:
    from cashmob.rsvps.exceptions import RsvpPermissionError

    if actor is None or rsvp.user_id is None or rsvp.user_id != actor.pk:
        raise RsvpPermissionError(_("This is not your RSVP."), code="not_yours")


@transaction.atomic
def rsvp_change_pledge(*, rsvp: Rsvp, actor: User | None, pledge_minor: int, currency: str) -> Rsvp:
    if rsvp.user_id is not None:
        _require_owner(rsvp, actor)
    _lock_mob(rsvp.mob_id)
    rsvp = (
        Rsvp.objects.select_for_update(of=("self",)).select_related("mob__chapter").get(pk=rsvp.pk)
    )
    now = timezone.now()
    _check_open(rsvp.mob, now=now)
    if rsvp.status == RsvpStatus.CANCELLED:
        raise RsvpConflictError(_("This RSVP is cancelled."), code="rsvp_cancelled")
    check_pledge(mob=rsvp.mob, pledge_minor=pledge_minor, currency=currency)
    delta = pledge_minor - rsvp.pledge_minor
    if rsvp.status == RsvpStatus.CONFIRMED and delta:
        Mob.objects.filter(pk=rsvp.mob_id).update(
            pledged_total_minor=F("pledged_total_minor") + delta
        )
    rsvp.pledge_minor = pledge_minor
    rsvp.save(update_fields=["pledge_minor", "updated_at"])
    audit_record(actor=actor, action="rsvp.pledge", obj=rsvp, data={"delta": delta})
    return rsvp


@transaction.atomic
def rsvp_cancel(*, rsvp: Rsvp, actor: User | None) -> Rsvp:
    """Cancel until the mob starts; the first person waiting takes the freed place."""
    if rsvp.user_id is not None:
        _require_owner(rsvp, actor)
    now = timezone.now()
    mob = Mob.objects.select_related("chapter", "business").get(pk=rsvp.mob_id)
    if mob.starts_at is not None and mob.starts_at <= now:
        raise RsvpConflictError(_("This mob has already started."), code="mob_started")
    # Locked (the mob, then the RSVP), so neither a promotion nor a pledge change can
    # alter the status or the pledge between this read and the counters below.
    _lock_mob(mob.pk)
    previous, pledge_minor = (
        Rsvp.objects.select_for_update(of=("self",))
        .filter(pk=rsvp.pk)
        .values_list("status", "pledge_minor")
        .get()
    )
    updated = Rsvp.objects.filter(pk=rsvp.pk, status__in=ACTIVE).update(
        status=RsvpStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    if updated != 1:
        raise RsvpConflictError(_("This RSVP is already cancelled."), code="rsvp_cancelled")
    if previous == RsvpStatus.CONFIRMED:
        Mob.objects.filter(pk=mob.pk).update(
            rsvp_count=F("rsvp_count") - 1,
            pledged_total_minor=F("pledged_total_minor") - pledge_minor,
        )
    elif previous == RsvpStatus.WAITING:
        Mob.objects.filter(pk=mob.pk).update(waiting_count=F("waiting_count") - 1)
    rsvp.refresh_from_db()
    audit_record(actor=actor, action="rsvp.cancel", obj=rsvp, data={"was": previous})
    if previous == RsvpStatus.CONFIRMED and mob.status == MobStatus.PUBLISHED:
        waiting_list_promote(mob=mob)
    return rsvp


@transaction.atomic
def waiting_list_promote(*, mob: Mob) -> list[Rsvp]:
    """Give freed places to the people waiting, in the order they joined the list."""
    _lock_mob(mob.pk)
    promoted: list[Rsvp] = []
    while True:
        candidate = (
            Rsvp.objects.select_for_update(of=("self",))
            .select_related("user", "mob__chapter")
            .filter(mob=mob, status=RsvpStatus.WAITING)
            .order_by("queued_at", "id")
            .first()
        )
        if candidate is None:
            break
        if not _take_place(mob, candidate.pledge_minor, from_waiting_list=True):
            break
        now = timezone.now()  # read under the mob's row lock, as in _place
        Rsvp.objects.filter(pk=candidate.pk, status=RsvpStatus.WAITING).update(
            status=RsvpStatus.CONFIRMED,
            confirmed_at=now,
            wave=_choose_wave(mob),
            updated_at=now,
        )
        candidate.refresh_from_db()
        audit_record(actor=None, action="rsvp.promoted", obj=candidate)
        _confirmation(candidate)
        promoted.append(candidate)
    if promoted:
        _after_change(mob)
    return promoted


def waiting_position(*, rsvp: Rsvp) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if rsvp.status != RsvpStatus.WAITING or rsvp.queued_at is None:
        return None
    ahead = Rsvp.objects.filter(mob_id=rsvp.mob_id, status=RsvpStatus.WAITING).filter(
        Q(queued_at__lt=rsvp.queued_at) | Q(queued_at=rsvp.queued_at, id__lt=rsvp.id)
    )
    return ahead.count() + 1


@transaction.atomic
def rsvp_attach_guest_rsvps(*, user: User, email: str) -> int:
    """Give a new account the guest RSVPs made earlier with its verified address.

    What hung on the guest's RSVP follows it: their check-in (and so their spend reports)
    and the messages they were sent, so that nothing is sent twice and their own page
    (now the members' one) shows their day as it was.
    """
    attached = 0
    guest_rsvps = Rsvp.objects.filter(user__isnull=True, guest_email__iexact=email)
    # Mobs before RSVPs, as every change to a mob's RSVPs locks them (see _lock_mob).
    for mob_id in sorted(set(guest_rsvps.values_list("mob_id", flat=True))):
        _lock_mob(mob_id)
    for rsvp in guest_rsvps.select_for_update(of=("self",)):
        if Rsvp.objects.filter(mob_id=rsvp.mob_id, user=user, status__in=ACTIVE).exists():
            continue
        rsvp.user = user
        rsvp.save(update_fields=["user", "updated_at"])
        _attach_checkin(rsvp, user)
        _attach_notifications(rsvp, user)
        attached += 1
    return attached


def _attach_checkin(rsvp: Rsvp, user: User) -> None:
    from cashmob.checkin.models import CheckIn, SpendReport

    as_guest = CheckIn.objects.filter(rsvp=rsvp, user__isnull=True).first()
    if as_guest is None:
        return
    own = CheckIn.objects.filter(mob_id=rsvp.mob_id, user=user).first()
    if own is None:
        CheckIn.objects.filter(pk=as_guest.pk).update(user=user)
        return
    # Checked in twice (as a guest, and with the account): one person, one check-in.
    SpendReport.objects.filter(checkin=as_guest).update(checkin=own)
    as_guest.delete()
    Mob.objects.filter(pk=rsvp.mob_id).update(checkin_count=F("checkin_count") - 1)


def _attach_notifications(rsvp: Rsvp, user: User) -> None:
    from cashmob.notifications.models import Notification

    theirs = Notification.objects.filter(user=user).values("event_key")
    Notification.objects.filter(guest_rsvp=rsvp).exclude(event_key__in=theirs).update(
        user=user, guest_rsvp=None
    )
    Notification.objects.filter(guest_rsvp=rsvp).delete()  # the account had these already


def _require_feed_member(*, user: User, chapter: Chapter | None) -> None:
    if chapter is not None and not Membership.objects.filter(chapter=chapter, user=user).exists():
        raise RsvpPermissionError(
            _("Only the chapter's members have its calendar feed."), code="not_member"
        )


def calendar_feed_get_or_create(*, user: User, chapter: Chapter | None = None) -> CalendarFeed:
    """The person's current private feed address (made on first use): of their own mobs,
    or, for a member of ``chapter``, of the chapter's mobs."""
    _require_feed_member(user=user, chapter=chapter)
    feed = CalendarFeed.objects.filter(user=user, chapter=chapter, revoked_at__isnull=True).first()
    if feed is None:
        feed = CalendarFeed.objects.create(
            user=user, chapter=chapter, token=secrets.token_urlsafe(32)
        )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User, chapter: Chapter | None = None) -> CalendarFeed:
    """Stop the current feed address working and give a new one."""
    _require_feed_member(user=user, chapter=chapter)
    CalendarFeed.objects.filter(user=user, chapter=chapter, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return calendar_feed_get_or_create(user=user, chapter=chapter)


REMINDER_WINDOWS = (
    # (name, starts from, until): the reminder goes out once the mob is this close.
    ("day", timedelta(hours=24), timedelta(hours=2)),
    ("2h", timedelta(hours=2), timedelta(0)),
)
TIPPING_DEADLINE = timedelta(hours=48)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind confirmed participants the day before and two hours before; once each.

    Safe to run as often as wanted: each reminder has its own event key per mob and start
    time (a mob moved to another time is reminded of again).
    """
    from cashmob.mobs.services import _mob_context

    now = now or timezone.now()
    sent = 0
    for name, before, until in REMINDER_WINDOWS:
        mobs = Mob.objects.select_related("chapter", "business").filter(
            status=MobStatus.PUBLISHED,
            starts_at__gt=now + until,
            starts_at__lte=now + before,
        )
        for mob in mobs:
            if mob.starts_at is None:  # excluded by the query; keeps the type checker honest
                continue
            created = notify(
                users=_participants(mob),
                guests=rsvp_list_guests(mob=mob, confirmed_only=True),
                kind=Kind.REMINDER,
                # Per start time: a mob moved to a later time is reminded of again.
                event_key=f"mob:{mob.pk}:reminder:{name}:{int(mob.starts_at.timestamp())}",
                template="mobs/reminder",
                context={**_mob_context(mob), "when": name, "checkin_mob_id": mob.pk},
            )
            sent += len(created)
    return sent


def tipping_points_check_due(*, now: datetime | None = None) -> int:
    """Two days before a mob that has not reached its tipping point, ask the organisers
    to decide: go ahead or cancel. Once per mob.

    A mob published less than two days ahead gets half its time on sale first: one
    published the evening before is not declared short of people at once.
    """
    from cashmob.mobs.consent import _organisers

    now = now or timezone.now()
    mobs = Mob.objects.select_related("chapter").filter(
        status=MobStatus.PUBLISHED,
        tipping_point__isnull=False,
        rsvp_count__lt=F("tipping_point"),
        starts_at__gt=now,
        starts_at__lte=now + TIPPING_DEADLINE,
    )
    count = 0
    for mob in mobs:
        assert mob.starts_at is not None  # noqa: S101 - filtered above
        published = mob.published_at or mob.starts_at
        deadline = max(
            mob.starts_at - TIPPING_DEADLINE, published + (mob.starts_at - published) / 2
        )
        if now < deadline:
            continue
        from cashmob.core.models import AuditEntry

        if AuditEntry.objects.filter(
            object_type="mobs.mob", object_id=str(mob.pk), action="mob.tipping_missed"
        ).exists():
            continue  # told already: once per mob
        audit_record(
            actor=None, action="mob.tipping_missed", obj=mob, data={"count": mob.rsvp_count}
        )
        figures = {
            "mob_title": mob.public_title(),
            "count": mob.rsvp_count,
            "tipping_point": mob.tipping_point,
        }
        notify(
            users=_organisers(mob),
            kind=Kind.ACCOUNT,
            event_key=f"mob:{mob.pk}:tipping_missed",
            template="rsvps/tipping_missed",
            context={**figures, "dashboard_url": absolute_url("mobs:dashboard", slug=mob.slug)},
        )
        # Those who said yes, and the shop, hear it too: the organisers decide next.
        notify(
            users=_participants(mob),
            guests=rsvp_list_guests(mob=mob, confirmed_only=True),
            kind=Kind.CHANGE,
            event_key=f"mob:{mob.pk}:tipping_short",
            template="rsvps/tipping_short",
            context={**figures, "mob_url": mob_url(mob)},
        )
        if mob.business is not None and mob.business.contact_email:
            email_enqueue(
                to=mob.business.contact_email,
                template="rsvps/tipping_short",
                context={**figures, "mob_url": mob_url(mob)},
                language=business_language(mob.business),
            )
        count += 1
    return count
