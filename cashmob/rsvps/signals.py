"""Glue to allauth: signals only call services."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def attach_guest_rsvps(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    from cashmob.rsvps.services import rsvp_attach_guest_rsvps

    rsvp_attach_guest_rsvps(user=email_address.user, email=email_address.email)
