"""Asking the shop: its consent is a hard gate before any mob is published.

The organiser sends a request; the shop answers on a private page reached through a
signed link (no account needed): accept one of the proposed slots, propose other times,
or decline with a reason. The shop may change its mind until the mob is published.

Once published, the mob moves only through the shop too: the organisers send new times
(kind ``RESCHEDULE``), the mob keeps the agreed time until the shop accepts one of them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.businesses.selectors import business_language
from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.core.audit import audit_record
from cashmob.core.email import email_enqueue
from cashmob.core.links import absolute_url, nonce_token, token_nonce
from cashmob.mobs.exceptions import ConsentLinkError, MobError, MobPermissionError, TransitionError
from cashmob.mobs.models import Consent, ConsentAnswer, ConsentRequest, Mob, MobStatus
from cashmob.mobs.services import MobBefore, mob_change_record, mob_reveal_schedule
from cashmob.mobs.shop_mail import shop_tell_after_party_withdrawn, shop_tell_moved
from cashmob.notifications.models import Kind
from cashmob.notifications.services import notify

if TYPE_CHECKING:
    from cashmob.accounts.models import User

CONSENT_SALT = "cashmob.mobs.consent"
CONSENT_LINK_DAYS = 21
OWNER_LINK_AFTER_MOB = timedelta(days=30)
MAX_CROWD = 5000
MAX_WAVES = 12


def consent_url(request: ConsentRequest) -> str:
    return absolute_url("mobs:consent", token=nonce_token(request.nonce, salt=CONSENT_SALT))


def expected_headcount(*, mob: Mob) -> int:
    """A fair guess of the crowd: poll "yes" answers, else a third of the chapter."""
    from cashmob.voting.models import SlotAnswer

    yes = (
        SlotAnswer.objects.filter(slot__poll__mob=mob, answer=SlotAnswer.Answer.YES)
        .values("user_id")
        .distinct()
        .count()
    )
    if yes:
        return yes
    members = mob.chapter.memberships.count()
    return max(1, members // 3)


def _organisers(mob: Mob) -> list[User]:
    from cashmob.accounts.models import User

    return list(
        User.objects.filter(
            memberships__chapter_id=mob.chapter_id,
            memberships__role__in=("organiser", "co_organiser"),
            is_active=True,
        )
    )


@transaction.atomic
def consent_request_send(
    *,
    mob: Mob,
    actor: User,
    slots: list[tuple[datetime, datetime]],
    message: str = "",
    kind: str = ConsentRequest.Kind.MOB,
) -> ConsentRequest:
    """Ask the mob's shop (or the after-party venue) to agree, by email with a private link.

    Sending again replaces the previous request: its link stops working. ``RESCHEDULE``
    asks the shop of a published mob for a new time: the mob stays as agreed (and the
    shop's day page keeps working) until the shop accepts one of the new times.
    """
    if not is_chapter_organiser(chapter=mob.chapter, user=actor):
        raise MobPermissionError(
            _("Only the chapter's organisers can contact the shop."), code="not_organiser"
        )
    mob = (
        Mob.objects.select_for_update(of=("self",))
        .select_related("chapter", "business")
        .get(pk=mob.pk)
    )
    is_after_party = kind == ConsentRequest.Kind.AFTER_PARTY
    is_reschedule = kind == ConsentRequest.Kind.RESCHEDULE
    business = mob.after_party_business if is_after_party else mob.business
    if business is None:
        raise MobError(_("Choose the shop first."), code="no_business")
    if not business.contact_email:
        raise MobError(
            _("%(name)s has no contact email. Add one to its profile first.")
            % {"name": business.name},
            code="no_contact_email",
        )
    if business.status == business.Status.EXCLUDED:
        raise MobError(_("This shop asked not to be mobbed."), code="excluded")
    if not slots:
        raise MobError(_("Propose at least one time."), code="no_slots", field="slots")
    now = timezone.now()
    for starts_at, ends_at in slots:
        if ends_at <= starts_at or starts_at <= now:
            raise MobError(
                _("Each proposed time must be in the future and end after it starts."),
                code="bad_slot",
                field="slots",
            )
    if is_after_party:
        if mob.status in (MobStatus.CANCELLED, MobStatus.CLOSED, MobStatus.REPORTED):
            raise TransitionError(_("This mob is over."), code="mob_over")
    elif is_reschedule:
        if not _movable(mob, now):
            raise TransitionError(
                _("Only a published mob that has not started yet can move to a new time."),
                code="not_published",
            )
        if (mob.starts_at, mob.ends_at) in slots:
            raise MobError(
                _("Propose times other than the one already agreed."),
                code="same_time",
                field="slots",
            )
    elif mob.status not in (MobStatus.PLANNING, MobStatus.AWAITING_CONSENT, MobStatus.CONFIRMED):
        raise TransitionError(
            _("The shop can only be asked before the mob is published."), code="already_published"
        )
    headcount = expected_headcount(mob=mob)
    if is_reschedule and mob.rsvp_count:
        # Once published, the people who said yes are the best guess of the crowd.
        headcount = mob.rsvp_count
    ConsentRequest.objects.filter(mob=mob, kind=kind, superseded=False).update(superseded=True)
    request = ConsentRequest.objects.create(
        moves_published=is_reschedule,
        mob=mob,
        business=business,
        kind=kind,
        nonce=secrets.token_urlsafe(24),
        sent_to=business.contact_email,
        sent_by=actor,
        expires_at=now + timedelta(days=CONSENT_LINK_DAYS),
        slots=[[s.isoformat(), e.isoformat()] for s, e in sorted(slots)],
        expected_headcount=headcount,
        pledge_minor=mob.pledge_minor,
        currency=mob.currency,
        message=message,
    )
    if is_after_party:
        Mob.objects.filter(pk=mob.pk).update(after_party_consent=Consent.PENDING)
    elif is_reschedule:
        pass  # The agreed time holds until the shop accepts a new one.
    else:
        # Asking again withdraws any earlier yes: status and consent move together so
        # the database's consent constraint holds at every instant.
        Mob.objects.filter(pk=mob.pk).update(
            status=MobStatus.AWAITING_CONSENT, business_consent=Consent.PENDING, consent_at=None
        )
    email_enqueue(
        to=business.contact_email,
        template="mobs/consent_request",
        context={
            "business_name": business.name,
            "chapter_name": mob.chapter.name,
            "organiser_name": actor.public_name,
            "mob_title": mob.title,
            "after_party": is_after_party,
            "reschedule": is_reschedule,
            "current_starts_at": mob.starts_at.isoformat() if mob.starts_at else "",
            "current_ends_at": mob.ends_at.isoformat() if mob.ends_at else "",
            "slots": request.slots,
            "time_zone": mob.chapter.time_zone,
            "expected_headcount": request.expected_headcount,
            "pledge_minor": mob.pledge_minor,
            "currency": mob.currency,
            "expected_total_minor": mob.pledge_minor * request.expected_headcount,
            "rsvp_count": mob.rsvp_count,
            "message": message,
            "consent_url": consent_url(request),
            "days": CONSENT_LINK_DAYS,
        },
        language=business_language(business),
    )
    audit_record(
        actor=actor,
        action="consent.request",
        obj=mob,
        data={"kind": kind, "business": business.pk, "slots": len(slots)},
    )
    return request


def consent_check(*, token: str) -> ConsentRequest:
    """The request a link names, if the link is genuine, current and not expired."""
    nonce = token_nonce(token, salt=CONSENT_SALT)
    if nonce is None:
        raise ConsentLinkError(_("This link is not valid."), code="consent_link_invalid")
    request = (
        ConsentRequest.objects.select_related(
            "mob__chapter", "business__owner", "business__chapter"
        )
        .filter(nonce=nonce)
        .first()
    )
    if request is None:
        raise ConsentLinkError(_("This link is not valid."), code="consent_link_invalid")
    consent_require_current(request)
    return request


def consent_require_current(request: ConsentRequest) -> None:
    """Refuse a request the organisers replaced since, or whose time to answer is over:
    the same for the emailed link and for the shop's owner signed in."""
    if request.superseded:
        raise ConsentLinkError(
            _("The organisers sent a newer request; use the link in their latest email."),
            code="consent_link_superseded",
        )
    if timezone.now() > request.expires_at:
        raise ConsentLinkError(
            _("This link has expired. Ask the organisers to send a new one."),
            code="consent_link_expired",
        )


def _movable(mob: Mob, now: datetime) -> bool:
    """A published mob that has not started: its time may still move, with the shop's yes."""
    return mob.status == MobStatus.PUBLISHED and mob.starts_at is not None and mob.starts_at > now


def consent_open_for_answers(request: ConsentRequest) -> bool:
    """Whether the shop may (still) answer this request on its page."""
    mob = request.mob
    if request.kind == ConsentRequest.Kind.AFTER_PARTY:
        return True
    if request.kind == ConsentRequest.Kind.RESCHEDULE:
        return _movable(mob, timezone.now())
    return mob.status in (MobStatus.AWAITING_CONSENT, MobStatus.CONFIRMED)


def _answerable(request: ConsentRequest) -> None:
    if consent_open_for_answers(request):
        return
    if request.kind == ConsentRequest.Kind.RESCHEDULE:
        raise ConsentLinkError(
            _("This mob has started or was cancelled, so its time can no longer change."),
            code="consent_closed",
        )
    if request.kind == ConsentRequest.Kind.MOB:
        raise ConsentLinkError(
            _(
                "This mob is already published, so its answer can no longer change here. "
                "Contact the organisers."
            ),
            code="consent_closed",
        )


@transaction.atomic
def consent_answer(
    *,
    request: ConsentRequest,
    answer: str,
    slot_index: int | None = None,
    max_crowd: int | None = None,
    arrival_waves: int = 1,
    tipping_point: int | None = None,
    notes_for_mobbers: str = "",
    proposed_times: str = "",
    decline_reason: str = "",
) -> ConsentRequest:
    """Record the shop's answer and move the mob accordingly.

    accept → the mob is confirmed at the chosen slot with the shop's limits;
    propose → it waits for the organisers to send new times;
    decline → it goes back to planning (pick another shop or time).

    For a new time asked of a published mob (``RESCHEDULE``): accept → the mob moves to
    the chosen slot, stays published with the shop's limits, and everyone taking part is
    told; propose or decline → the mob stays as agreed and the organisers are told.
    """
    # Mob first, then request: the same order as consent_request_send, so the two can
    # never wait on each other.
    Mob.objects.select_for_update(of=("self",)).filter(pk=request.mob_id).first()
    request = ConsentRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.superseded:
        raise ConsentLinkError(
            _("The organisers sent a newer request; use the link in their latest email."),
            code="consent_link_superseded",
        )
    mob = (
        Mob.objects.select_for_update(of=("self",)).select_related("chapter").get(pk=request.mob_id)
    )
    request.mob = mob
    _answerable(request)
    now = timezone.now()
    data: dict[str, Any] = {}
    mob_changes: dict[str, Any] = {}
    asked = request.kind
    is_after_party = asked == ConsentRequest.Kind.AFTER_PARTY
    is_reschedule = asked == ConsentRequest.Kind.RESCHEDULE
    times_only = is_after_party or is_reschedule
    # The after-party venue whose yes a new time withdraws, and the time it had agreed to.
    withdrawn_venue: tuple[int | None, datetime | None] | None = None

    if answer == Consent.ACCEPTED:
        if slot_index is None or not 0 <= slot_index < len(request.slots):
            raise MobError(_("Choose one of the proposed times."), code="no_slot", field="slot")
        starts_at = datetime.fromisoformat(request.slots[slot_index][0])
        ends_at = datetime.fromisoformat(request.slots[slot_index][1])
        if starts_at <= now:
            raise MobError(_("This time has already passed."), code="slot_past", field="slot")
        if not times_only:
            # The shop's limits come with the first yes; a new time keeps them.
            if max_crowd is not None and not 1 <= max_crowd <= MAX_CROWD:
                raise MobError(
                    _("Enter a maximum crowd between 1 and %(n)s.") % {"n": MAX_CROWD},
                    code="bad_capacity",
                    field="max_crowd",
                )
            if not 1 <= arrival_waves <= MAX_WAVES:
                raise MobError(
                    _("Enter between 1 and %(n)s arrival waves.") % {"n": MAX_WAVES},
                    code="bad_waves",
                    field="arrival_waves",
                )
            if tipping_point is not None and (
                tipping_point < 1 or (max_crowd is not None and tipping_point > max_crowd)
            ):
                raise MobError(
                    _("The minimum crowd must be at least 1 and not above the maximum."),
                    code="bad_tipping_point",
                    field="tipping_point",
                )
            if max_crowd is not None and max_crowd < mob.rsvp_count:
                raise MobError(
                    _("%(n)s people have already said yes; the maximum cannot be lower.")
                    % {"n": mob.rsvp_count},
                    code="capacity_below_rsvps",
                    field="max_crowd",
                )
        request.accepted_starts_at, request.accepted_ends_at = starts_at, ends_at
        # The owner's page stays reachable through the day and the results afterwards.
        request.expires_at = max(request.expires_at, ends_at + OWNER_LINK_AFTER_MOB)
        data = {
            "slot": [starts_at.isoformat(), ends_at.isoformat()],
            "max_crowd": max_crowd,
            "arrival_waves": arrival_waves,
            "tipping_point": tipping_point,
        }
        if is_after_party:
            mob_changes = {
                "after_party_consent": Consent.ACCEPTED,
                "after_party_starts_at": starts_at,
            }
        elif is_reschedule:
            data = {"slot": data["slot"], "reschedule": True}
            mob_changes = {"starts_at": starts_at, "ends_at": ends_at, "consent_at": now}
            if mob.reveal_at is not None and mob.starts_at and mob.reveal_at > now:
                # A secret shop stays secret for as long before the new time.
                mob_changes["reveal_at"] = mob.reveal_at + (starts_at - mob.starts_at)
            # The new yes replaces the old one: the shop's earlier link (and its day page)
            # leads to this request's from now on (see checkin.owner.owner_access).
            ConsentRequest.objects.filter(
                mob=mob, kind=ConsentRequest.Kind.MOB, superseded=False
            ).update(superseded=True)
            request.kind = ConsentRequest.Kind.MOB
            if mob.after_party_business_id is not None:
                # The after-party venue agreed (or was asked) about another day: its answer
                # no longer holds, and the organisers ask it again if they want one.
                ConsentRequest.objects.filter(
                    mob=mob, kind=ConsentRequest.Kind.AFTER_PARTY, superseded=False
                ).update(superseded=True)
                if mob.after_party_consent == Consent.ACCEPTED:
                    withdrawn_venue = (mob.after_party_business_id, mob.after_party_starts_at)
                mob_changes.update(
                    after_party_consent=Consent.NOT_ASKED, after_party_starts_at=None
                )
                data["after_party_withdrawn"] = True
        else:
            mob_changes = {
                "status": MobStatus.CONFIRMED,
                "business_consent": Consent.ACCEPTED,
                "consent_at": now,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "capacity": max_crowd,
                "arrival_waves": arrival_waves,
                "tipping_point": tipping_point,
                "notes_for_mobbers": notes_for_mobbers,
            }
    elif answer == Consent.PROPOSED:
        if not proposed_times.strip():
            raise MobError(
                _("Say which times would suit you."), code="no_times", field="proposed_times"
            )
        request.proposed_times = proposed_times
        data = {"proposed_times": proposed_times}
        if is_after_party:
            mob_changes = {"after_party_consent": Consent.PROPOSED}
        elif is_reschedule:
            mob_changes = {}  # The mob keeps the time already agreed.
        else:
            mob_changes = {
                "status": MobStatus.AWAITING_CONSENT,
                "business_consent": Consent.PROPOSED,
                "consent_at": None,
            }
    elif answer == Consent.DECLINED:
        request.decline_reason = decline_reason
        data = {"reason": decline_reason}
        if is_after_party:
            mob_changes = {"after_party_consent": Consent.DECLINED}
        elif is_reschedule:
            mob_changes = {}  # The mob keeps the time already agreed.
        else:
            mob_changes = {
                "status": MobStatus.PLANNING,
                "business_consent": Consent.DECLINED,
                "consent_at": None,
            }
    else:
        raise MobError(_("Choose an answer."), code="bad_answer", field="answer")

    previous = mob.status
    before = MobBefore.of(mob)
    request.answer = answer
    request.answered_at = now
    request.save()
    ConsentAnswer.objects.create(request=request, answer=answer, data=data)
    Mob.objects.filter(pk=mob.pk).update(**mob_changes, updated_at=now)
    mob.refresh_from_db()
    audit_record(
        actor=None,
        action=f"consent.{answer}",
        obj=mob,
        data={"kind": asked, "from": previous, "to": mob.status, **data},
    )
    if is_reschedule and answer == Consent.ACCEPTED:
        moved = {"starts_at": mob.starts_at, "ends_at": mob.ends_at}
        mob_change_record(mob=mob, actor=None, changes=moved, previous=before)
        mob_reveal_schedule(mob=mob)
        shop_tell_moved(mob=mob, previous_starts_at=before.starts_at)
        if withdrawn_venue is not None and withdrawn_venue[0] is not None:
            from cashmob.businesses.models import Business

            shop_tell_after_party_withdrawn(
                mob=mob,
                venue=Business.objects.get(pk=withdrawn_venue[0]),
                agreed_starts_at=withdrawn_venue[1],
                reason="moved",
            )
    notify(
        users=_organisers(mob),
        kind=Kind.ACCOUNT,
        event_key=f"consent:{request.pk}:{ConsentAnswer.objects.filter(request=request).count()}",
        template="mobs/consent_answered",
        context={
            "business_name": request.business.name,
            "mob_title": mob.title,
            "answer": answer,
            "after_party": is_after_party,
            "reschedule": is_reschedule,
            "after_party_withdrawn": bool(data.get("after_party_withdrawn")),
            "starts_at": mob.starts_at.isoformat() if mob.starts_at else "",
            "ends_at": mob.ends_at.isoformat() if mob.ends_at else "",
            "time_zone": mob.chapter.time_zone,
            "proposed_times": proposed_times,
            "decline_reason": decline_reason,
            "dashboard_url": absolute_url("mobs:dashboard", slug=mob.slug),
        },
    )
    return request


def consent_current(*, mob: Mob, kind: str = ConsentRequest.Kind.MOB) -> ConsentRequest | None:
    return (
        ConsentRequest.objects.filter(mob=mob, kind=kind, superseded=False)
        .filter(Q(expires_at__gt=timezone.now()) | Q(answer=Consent.ACCEPTED))
        .first()
    )
