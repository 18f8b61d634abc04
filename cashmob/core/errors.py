"""Domain errors: a stable machine-readable code and a translatable message.

Services raise them; exactly one place turns them into an HTML response
(:func:`cashmob.core.views.domain_error_response`) and, once the API exists, one into JSON.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused an action. ``code`` is stable; ``message`` is for people."""

    status = 400

    def __init__(self, message: str | Promise, *, code: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class PermissionDeniedError(DomainError):
    status = 403


class ConflictError(DomainError):
    """The action clashes with the current state (already done, wrong status, full)."""

    status = 409
