from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError, PermissionDeniedError


class ChapterError(DomainError):
    pass


class ChapterPermissionError(PermissionDeniedError):
    pass


class ChapterConflictError(ConflictError):
    pass
