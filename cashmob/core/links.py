"""Links that leave the site: absolute addresses (emails, calendar files, QR codes) and
the signed keys of private links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse


def absolute_url(viewname: str, **kwargs: Any) -> str:
    """The full address of a page, on the site's public address (``SITE_URL``)."""
    return settings.SITE_URL + reverse(viewname, kwargs=kwargs or None)


def nonce_token(nonce: str, *, salt: str, key: str = "n") -> str:
    """The signed key of a private link: it names one row by its random ``nonce``."""
    return signing.dumps({key: nonce}, salt=salt, compress=True)


def token_nonce(
    token: str, *, salt: str, key: str = "n", max_age: timedelta | int | None = None
) -> str | None:
    """The nonce a private link's key names, or None for a forged or malformed key.

    With ``max_age``, an older key raises :class:`django.core.signing.SignatureExpired`, so
    that callers can tell "expired" from "not valid".
    """
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    nonce = payload.get(key) if isinstance(payload, dict) else None
    return nonce if isinstance(nonce, str) and nonce else None
