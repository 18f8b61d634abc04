from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError, PermissionDeniedError


class CheckinError(DomainError):
    """A check-in, spend report or confirmation refused by a rule of the day."""


class CheckinConflictError(ConflictError):
    """Outside the mob's window, or the report is no longer in a state to change."""


class CheckinPermissionError(PermissionDeniedError):
    pass
