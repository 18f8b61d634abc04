from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError, PermissionDeniedError


class RsvpError(DomainError):
    pass


class RsvpConflictError(ConflictError):
    pass


class RsvpPermissionError(PermissionDeniedError):
    pass


class GuestLinkError(DomainError):
    status = 410
