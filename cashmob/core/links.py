"""Absolute addresses, for what leaves the site: emails, calendar files, QR codes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs: Any) -> str:
    """The full address of a page, on the site's public address (``SITE_URL``)."""
    return settings.SITE_URL + reverse(viewname, kwargs=kwargs or None)
