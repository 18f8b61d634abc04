from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives


def html_part(message: EmailMessage) -> str:
    """The HTML alternative of a sent email (fails the test if there is none)."""
    assert isinstance(message, EmailMultiAlternatives), "no HTML part"
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(content, str)
    return content


def text_part(message: EmailMessage) -> str:
    assert isinstance(message.body, str)
    return message.body
