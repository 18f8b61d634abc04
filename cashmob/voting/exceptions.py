from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError, PermissionDeniedError


class VotingError(DomainError):
    pass


class VotingPermissionError(PermissionDeniedError):
    pass


class VotingClosedError(ConflictError):
    pass
