from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError, PermissionDeniedError


class BusinessError(DomainError):
    pass


class BusinessPermissionError(PermissionDeniedError):
    pass


class NominationLimitError(DomainError):
    status = 429


class ClaimError(DomainError):
    """A claim link that is expired, forged, already used or otherwise unusable."""


class BusinessConflictError(ConflictError):
    pass
