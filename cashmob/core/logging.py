"""Logging that never writes a private link's key.

Links to a shop's consent and day pages, a guest's day page, a claim, an unsubscribe or a
calendar feed carry a signed key in their path: whoever reads a log line with it could
act for its holder. Request logs (a 4xx writes the path) go through this filter.
"""

from __future__ import annotations

import logging
import re

_KEYED_PATH = re.compile(r"/(consent|owner|guest|claim|unsubscribe|feed)/(?!guest/)[^/\s?\"']+")


def redact(text: str) -> str:
    return _KEYED_PATH.sub(r"/\1/[hidden]", text)


class RedactPrivateLinks(logging.Filter):
    """Rewrite a record's message with the keys of private links hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


class RefusalsWithoutTraceback(logging.Filter):
    """A 403 is an answer, not a fault: log its line, not the traceback behind it."""

    def filter(self, record: logging.LogRecord) -> bool:
        from django.core.exceptions import PermissionDenied

        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
