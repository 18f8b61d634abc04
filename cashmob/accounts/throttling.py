"""Login throttling glue between django-axes and django-allauth."""

from __future__ import annotations

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, str] | None = None) -> str | None:
    """The account a login attempt is for, normalised so case tricks do not dodge a lockout.

    allauth authenticates with ``email=...`` while its form field is ``login``; axes would
    otherwise see no username at all and lock (account, address) pairs keyed on nothing.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value:
        data = getattr(request, "data", None) or request.POST
        value = data.get("login") or data.get("email")
    return value.strip().lower() if value else None
