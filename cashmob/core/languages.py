"""Which language speaks to someone: one rule for every email, and for the pages its links
lead to, so that a message and the page it opens never disagree.

The rule: the recipient's own language where it is known (their profile's; a guest's, the
one they used on the site), else their chapter's, else the site's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

if TYPE_CHECKING:
    from collections.abc import Iterable


class _HasLanguage(Protocol):
    language: str


def _supported(code: str) -> str:
    """``code`` if the site speaks it (or a variant of it), else ""."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return ""


def recipient_language(
    *,
    user: _HasLanguage | None = None,
    known: str = "",
    chapter: _HasLanguage | None = None,
) -> str:
    """The language of a message to ``user`` (or to someone with no account, whose own
    language is ``known`` if they told us), about ``chapter``.

    Every email picks its language here, and so does every page reached from an emailed
    link (:func:`page_language_activate`).
    """
    candidates: Iterable[str] = (
        user.language if user is not None else "",
        known,
        chapter.language if chapter is not None else "",
    )
    for candidate in candidates:
        supported = _supported(candidate)
        if supported:
            return supported
    return settings.LANGUAGE_CODE


def page_language_activate(request: HttpRequest, language: str) -> None:
    """Serve a page reached from an emailed link in the language its email spoke.

    An explicit choice in the language switcher (the language cookie) still wins, as it
    does for signed-in people (see ``accounts.middleware``).
    """
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
