"""The one notification module every feature uses.

``notify`` records one :class:`Notification` per recipient who wants this kind of
message, and queues delivery after the transaction commits. Delivery is by email today;
a channel is a function of the notification, so others can be added beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.core.email import Message, email_attachments, email_render
from cashmob.core.languages import recipient_language
from cashmob.core.links import absolute_url, nonce_token, token_nonce
from cashmob.notifications.models import PREFERENCE_FIELD, Kind, Notification

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.rsvps.models import Rsvp

MAX_ATTEMPTS = 5


def wants(user: User, kind: str) -> bool:
    field = PREFERENCE_FIELD.get(kind)
    return user.is_active and (field is None or bool(getattr(user, field)))


@transaction.atomic
def notify(
    *,
    users: Iterable[User],
    kind: Kind | str,
    event_key: str,
    template: str,
    context: dict[str, Any],
    guests: Iterable[Rsvp] = (),
) -> list[Notification]:
    """Tell ``users`` (and ``guests``: RSVPs made without an account) about an event, once
    each, in their own language (a guest's is their chapter's).

    Members who switched this kind off, and guests who unsubscribed, are skipped. Calling
    it again for the same ``event_key`` creates nothing new and sends nothing twice.
    """
    recipients = {u.pk: u for u in users if wants(u, kind)}
    guest_ids = {r.pk for r in guests if r.user_id is None and r.guest_muted_at is None}
    if not recipients and not guest_ids:
        return []
    already = (
        Notification.objects.filter(event_key=event_key)
        .filter(Q(user_id__in=recipients) | Q(guest_rsvp_id__in=guest_ids))
        .values_list("user_id", "guest_rsvp_id")
    )
    known_users = {user_id for user_id, _rsvp_id in already if user_id}
    known_guests = {rsvp_id for _user_id, rsvp_id in already if rsvp_id}
    common = {"kind": kind, "event_key": event_key, "template": template, "context": context}
    fresh = [Notification(user_id=pk, **common) for pk in recipients if pk not in known_users]
    fresh += [Notification(guest_rsvp_id=pk, **common) for pk in guest_ids - known_guests]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(event_key=event_key, sent_at__isnull=True).filter(
            Q(user_id__in=[n.user_id for n in fresh if n.user_id])
            | Q(guest_rsvp_id__in=[n.guest_rsvp_id for n in fresh if n.guest_rsvp_id])
        )
    )
    ids = [n.pk for n in created]
    if ids:
        from cashmob.notifications.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(notification_ids=ids))
    return created


@dataclass(frozen=True)
class Recipient:
    """Where a notification goes and how it speaks: a member, or a guest's RSVP."""

    email: str
    name: str
    language: str
    unsubscribe_url: str


def _recipient(notification: Notification) -> Recipient:
    member, rsvp = notification.user, notification.guest_rsvp
    if member is not None:
        return Recipient(
            email=member.email,
            name=member.public_name,
            language=recipient_language(user=member),
            unsubscribe_url=unsubscribe_url(user=member, kind=notification.kind),
        )
    if rsvp is None:  # excluded by the notifications_one_recipient constraint
        raise ValueError(f"notification {notification.pk} has no recipient")
    return Recipient(
        email=rsvp.guest_email,
        name=rsvp.guest_name,
        language=rsvp.guest_email_language,
        unsubscribe_url=guest_unsubscribe_url(rsvp=rsvp),
    )


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if it has not been sent; return whether it was sent now.

    The row is claimed with a conditional update first, so two workers running the same
    task cannot both send it.
    """
    notification = (
        Notification.objects.select_related("user", "guest_rsvp__mob__chapter")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.sent_at is not None:
        return False
    if notification.guest_rsvp is not None and notification.guest_rsvp.guest_muted_at:
        # The guest unsubscribed after the message was queued: never send it, nor retry.
        Notification.objects.filter(pk=notification.pk).update(
            attempts=MAX_ATTEMPTS, last_error="The guest unsubscribed."
        )
        return False
    recipient = _recipient(notification)
    claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=notification.attempts + 1
    )
    if claimed != 1:
        return False
    context = {
        "recipient_name": recipient.name,
        "unsubscribe_url": recipient.unsubscribe_url,
        **notification.context,
    }
    if notification.guest_rsvp is not None and "checkin_url" in context:
        from cashmob.checkin.guests import guest_day_url

        # A guest's check-in page is their private day link, not the members' page.
        context["checkin_url"] = guest_day_url(notification.guest_rsvp)
    personal = _personal_checkin(
        notification=notification, mob_id=notification.context.get("checkin_mob_id")
    )
    if personal is not None:
        context["personal_code"] = personal[0]
    try:
        subject, text, html = email_render(
            template=notification.template, context=context, language=recipient.language
        )
        unsubscribe = recipient.unsubscribe_url
        headers = {}
        if unsubscribe:
            # RFC 8058 one-click unsubscribe: mail clients POST to the address.
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        message = Message(
            subject=subject,
            body=text,
            to=[recipient.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        for name, data, mimetype in email_attachments(
            notification.context, language=recipient.language
        ):
            message.attach(name, data, mimetype)
        if personal is not None:
            message.attach("check-in-code.png", personal[1], "image/png")
        message.send()
    except Exception as error:
        # Release the claim so a retry can send it; keep the reason for the admin.
        Notification.objects.filter(pk=notification.pk).update(
            sent_at=None, last_error=str(error)[:500]
        )
        raise
    return True


def _personal_checkin(
    *, notification: Notification, mob_id: int | None
) -> tuple[str, bytes] | None:
    """The recipient's own check-in code for a mob and its QR image, if they are going."""
    if not mob_id:
        return None
    import io

    import segno

    from cashmob.checkin import codes
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    guest = notification.guest_rsvp
    if guest is not None:
        rsvp = guest if guest.mob_id == mob_id and guest.status == RsvpStatus.CONFIRMED else None
    else:
        rsvp = (
            Rsvp.objects.select_related("mob")
            .filter(user=notification.user, mob_id=mob_id, status=RsvpStatus.CONFIRMED)
            .first()
        )
    if rsvp is None:
        return None
    image = io.BytesIO()
    segno.make(codes.personal_qr_payload(rsvp.mob, rsvp), error="m").save(
        image, kind="png", scale=6, border=2
    )
    return codes.personal_code(rsvp), image.getvalue()


def notification_retry_unsent(*, older_than_seconds: int = 300) -> int:
    """Queue again the notifications whose delivery failed; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.filter(
            sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:1000]
    )
    if ids:
        from cashmob.notifications.tasks import deliver_notifications

        deliver_notifications.enqueue(notification_ids=ids)
    return len(ids)


UNSUBSCRIBE_SALT = "cashmob.notifications.unsubscribe"


def unsubscribe_url(*, user: User, kind: str) -> str:
    """A signed address that switches this kind of message off, with no login needed.

    Messages a person cannot switch off (about their own actions) have none.
    """
    if kind not in PREFERENCE_FIELD:
        return ""
    token = signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)
    return absolute_url("notifications:unsubscribe", token=token)


def unsubscribe_apply(*, token: str) -> tuple[User, str]:
    """Switch off the kind of message the signed token names; harmless to repeat."""
    from cashmob.accounts.models import User
    from cashmob.notifications.exceptions import UnsubscribeError

    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise UnsubscribeError(
            _("This unsubscribe link is not valid."), code="unsubscribe_invalid"
        ) from None
    kind = payload.get("k") if isinstance(payload, dict) else None
    field = PREFERENCE_FIELD.get(kind or "")
    pk = payload.get("u") if isinstance(payload, dict) else None
    user = User.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if field is None or user is None:
        raise UnsubscribeError(_("This unsubscribe link is not valid."), code="unsubscribe_invalid")
    User.objects.filter(pk=user.pk).update(**{field: False})
    user.refresh_from_db()
    return user, str(kind)


GUEST_UNSUBSCRIBE_SALT = "cashmob.notifications.guest_unsubscribe"


def guest_unsubscribe_url(*, rsvp: Rsvp) -> str:
    """A signed address that stops every email about this mob to a guest (no account)."""
    token = nonce_token(rsvp.nonce, salt=GUEST_UNSUBSCRIBE_SALT, key="g")
    return absolute_url("notifications:guest_unsubscribe", token=token)


def guest_unsubscribe_apply(*, token: str) -> Rsvp:
    """Stop the emails the signed token names; harmless to repeat."""
    from cashmob.notifications.exceptions import UnsubscribeError
    from cashmob.rsvps.models import Rsvp

    nonce = token_nonce(token, salt=GUEST_UNSUBSCRIBE_SALT, key="g")
    rsvp = Rsvp.objects.select_related("mob").filter(nonce=nonce, user__isnull=True).first()
    if not nonce or rsvp is None:
        raise UnsubscribeError(_("This unsubscribe link is not valid."), code="unsubscribe_invalid")
    Rsvp.objects.filter(pk=rsvp.pk, guest_muted_at__isnull=True).update(
        guest_muted_at=timezone.now()
    )
    rsvp.refresh_from_db()
    return rsvp
