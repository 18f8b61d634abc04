"""The one notification module every feature uses.

``notify`` records one :class:`Notification` per recipient who wants this kind of
message, and queues delivery after the transaction commits. Delivery is by email today;
a channel is a function of the notification, so others can be added beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.core.email import email_attachments, email_render
from cashmob.notifications.models import PREFERENCE_FIELD, Kind, Notification

if TYPE_CHECKING:
    from cashmob.accounts.models import User

MAX_ATTEMPTS = 5


def wants(user: User, kind: str) -> bool:
    field = PREFERENCE_FIELD.get(kind)
    return user.is_active and (field is None or bool(getattr(user, field)))


def notify(
    *,
    users: Iterable[User],
    kind: Kind | str,
    event_key: str,
    template: str,
    context: dict[str, Any],
) -> list[Notification]:
    """Tell ``users`` about an event, once each, in their own language.

    Recipients who switched this kind off are skipped. Calling it again for the same
    ``event_key`` creates nothing new and sends nothing twice.
    """
    recipients = {u.pk: u for u in users if wants(u, kind)}
    if not recipients:
        return []
    already = set(
        Notification.objects.filter(user_id__in=recipients, event_key=event_key).values_list(
            "user_id", flat=True
        )
    )
    fresh = [
        Notification(user_id=pk, kind=kind, event_key=event_key, template=template, context=context)
        for pk in recipients
        if pk not in already
    ]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(
            user_id__in=[n.user_id for n in fresh], event_key=event_key, sent_at__isnull=True
        )
    )
    ids = [n.pk for n in created]
    if ids:
        from cashmob.notifications.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(notification_ids=ids))
    return created


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if it has not been sent; return whether it was sent now.

    The row is claimed with a conditional update first, so two workers running the same
    task cannot both send it.
    """
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.sent_at is not None:
        return False
    user = notification.user
    claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=notification.attempts + 1
    )
    if claimed != 1:
        return False
    context = {
        "recipient_name": user.public_name,
        "unsubscribe_url": unsubscribe_url(user=user, kind=notification.kind),
        **notification.context,
    }
    personal = _personal_checkin(user=user, mob_id=notification.context.get("checkin_mob_id"))
    if personal is not None:
        context["personal_code"] = personal[0]
    try:
        subject, text, html = email_render(
            template=notification.template, context=context, language=user.language
        )
        unsubscribe = unsubscribe_url(user=user, kind=notification.kind)
        headers = {}
        if unsubscribe:
            # RFC 8058 one-click unsubscribe: mail clients POST to the address.
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[user.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        for name, data, mimetype in email_attachments(notification.context):
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


def _personal_checkin(*, user: User, mob_id: int | None) -> tuple[str, bytes] | None:
    """The recipient's own check-in code for a mob and its QR image, if they are going."""
    if not mob_id:
        return None
    import io

    import segno

    from cashmob.checkin import codes
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    rsvp = (
        Rsvp.objects.select_related("mob")
        .filter(mob_id=mob_id, user=user, status=RsvpStatus.CONFIRMED)
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
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})


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
    user = User.objects.filter(pk=payload.get("u") if isinstance(payload, dict) else None).first()
    if field is None or user is None:
        raise UnsubscribeError(_("This unsubscribe link is not valid."), code="unsubscribe_invalid")
    User.objects.filter(pk=user.pk).update(**{field: False})
    user.refresh_from_db()
    return user, str(kind)
