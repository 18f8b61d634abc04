"""Email as a background task: every message has a text and an HTML part rendered from
templates in the recipient's language, and is sent through Django's configured backend.

Callers use :func:`email_enqueue`, which queues the task only once the surrounding
transaction commits, so nobody is emailed about something that was rolled back.

Templates for a message named ``NAME`` live at ``email/NAME.subject.txt`` (one line),
``email/NAME.txt`` and ``email/NAME.html``.
"""

from __future__ import annotations

import email.policy
from collections.abc import Mapping, Sequence
from email.message import EmailMessage as PyEmailMessage
from email.policy import Policy
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation


class Message(EmailMultiAlternatives):
    """A message whose header lines are only folded past RFC 5322's 998 characters.

    The default policies fold at 78, and a long address then turns a header such as
    ``List-Unsubscribe: <https://...>`` into encoded words that mail clients ignore,
    which silently breaks one-click unsubscribe.
    """

    def message(self, *, policy: Policy | None = email.policy.default) -> PyEmailMessage:
        base = policy or email.policy.default
        return super().message(policy=base.clone(max_line_length=998))


def email_render(
    *, template: str, context: Mapping[str, Any], language: str
) -> tuple[str, str, str]:
    """Return ``(subject, text, html)`` of message ``template`` rendered in ``language``."""
    context = {"site_url": settings.SITE_URL, "LANGUAGE_CODE": language, **context}
    with translation.override(language):
        # A subject is plain text: "Smith & Sons" stays so, never "Smith &amp; Sons".
        subject_template = Engine.get_default().get_template(f"email/{template}.subject.txt")
        subject_lines = subject_template.render(Context(context, autoescape=False))
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    # A header line never spans lines: templates may end with a newline.
    return " ".join(subject_lines.split()), text, html


def email_attachments(context: Mapping[str, Any], *, language: str) -> list[tuple[str, bytes, str]]:
    """Files a message carries, named by primitive keys of its context, in ``language``.

    ``attach_ics_mob_id``: the mob's calendar file, built when the message is sent, so
    it carries the mob's latest time and place.
    """
    attachments: list[tuple[str, bytes, str]] = []
    mob_id = context.get("attach_ics_mob_id")
    if mob_id:
        from cashmob.mobs.models import Mob
        from cashmob.rsvps.calendar import CONTENT_TYPE, calendar_bytes

        mob = Mob.objects.select_related("chapter", "business").filter(pk=mob_id).first()
        if mob is not None and mob.starts_at is not None:
            with translation.override(language):
                data = calendar_bytes([mob], name=mob.public_title())
            attachments.append(("cashmob.ics", data, CONTENT_TYPE))
    return attachments


def _send(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    from_email: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> int:
    """Send one message with its text and HTML parts; return how many were sent."""
    message = Message(
        subject=subject,
        body=text,
        from_email=from_email or None,
        to=list(to),
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    for name, data, mimetype in attachments or []:
        message.attach(name, data, mimetype)
    return message.send()


@task(queue_name="default")
def send_templated_email(
    *, to: list[str], template: str, context: dict[str, Any], language: str
) -> int:
    """Render and send one message; return how many were sent (0 or 1).

    Takes primitive arguments only, so that the queued row is plain JSON. Sending the same
    message twice is the only harm a retry can do, and the backend reports failures by
    raising, which marks the task failed in the queue.
    """
    subject, text, html = email_render(template=template, context=context, language=language)
    return _send(
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=email_attachments(context, language=language),
    )


@task(queue_name="default")
def send_rendered_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    from_email: str = "",
    headers: dict[str, str] | None = None,
) -> int:
    """Send a message rendered by the caller (allauth's account emails); 0 or 1 sent."""
    return _send(
        to=to, subject=subject, text=text, html=html, from_email=from_email, headers=headers
    )


def email_enqueue_rendered(message: EmailMultiAlternatives) -> None:
    """Queue an already rendered message once the current transaction commits.

    A slow or unreachable mail server then delays the message, never the page.
    """
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
    )
    to = [str(address) for address in message.to]
    subject, text = str(message.subject), str(message.body)
    from_email = str(message.from_email or "")
    headers = {str(k): str(v) for k, v in (message.extra_headers or {}).items()}
    transaction.on_commit(
        lambda: send_rendered_email.enqueue(
            to=to,
            subject=subject,
            text=text,
            html=str(html),
            from_email=from_email,
            headers=headers,
        )
    )


def email_enqueue(
    *,
    to: str | Sequence[str],
    template: str,
    context: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> None:
    """Queue message ``template`` for ``to`` once the current transaction commits.

    ``context`` must be JSON-serialisable (ids, strings, numbers): the worker renders the
    templates later, in another process. ``language`` defaults to the site's language;
    pass the recipient's, as :func:`cashmob.core.languages.recipient_language` picks it.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    payload = dict(context or {})
    lang = language or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            to=recipients, template=template, context=payload, language=lang
        )
    )
