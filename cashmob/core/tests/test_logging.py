"""Log lines never carry the key of a private link (a 4xx request log writes the path)."""

from __future__ import annotations

import logging

import pytest

from cashmob.core.logging import RedactPrivateLinks, redact


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/mobs/consent/eyJuIjoi:1x:abc/", "/mobs/consent/[hidden]/"),
        ("/day/owner/eyJuIjoi:1x:abc/scan/", "/day/owner/[hidden]/scan/"),
        ("/day/my-mob/guest/eyJuIjoi:1x:abc/report/3/", "/day/my-mob/guest/[hidden]/report/3/"),
        ("/rsvp/guest/tok:1x:abc/", "/rsvp/guest/[hidden]/"),
        ("/notifications/unsubscribe/guest/tok:1x/", "/notifications/unsubscribe/guest/[hidden]/"),
        ("/notifications/unsubscribe/tok:1x/", "/notifications/unsubscribe/[hidden]/"),
        ("/businesses/claim/tok:1x/", "/businesses/claim/[hidden]/"),
        ("/rsvp/feed/abcdef.ics", "/rsvp/feed/[hidden]"),
        ("/mobs/my-mob/dashboard/", "/mobs/my-mob/dashboard/"),
    ],
)
def test_redact_hides_the_key_of_each_private_link(path: str, shown: str) -> None:
    assert redact(f"Bad Request: {path}") == f"Bad Request: {shown}"


def test_the_request_log_goes_through_the_filter() -> None:
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Forbidden", "/day/x/guest/k:1/"),
        None,
    )
    assert RedactPrivateLinks().filter(record)
    assert record.getMessage() == "Forbidden: /day/x/guest/[hidden]/"
    from django.conf import settings

    console = settings.LOGGING["handlers"]["console"]
    assert "private_links" in console["filters"]


def test_a_refusal_is_logged_without_its_traceback() -> None:
    import logging
    import sys

    from django.core.exceptions import PermissionDenied

    from cashmob.core.logging import RefusalsWithoutTraceback

    try:
        raise PermissionDenied
    except PermissionDenied:
        refused = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: /x", None, sys.exc_info()
        )
    try:
        raise ValueError("a real fault")
    except ValueError:
        failed = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Error: /y", None, sys.exc_info()
        )
    keep = RefusalsWithoutTraceback()
    assert keep.filter(refused)
    assert keep.filter(failed)
    assert refused.exc_info is None
    assert failed.exc_info is not None
