from __future__ import annotations

from cashmob.core.errors import DomainError


class UnsubscribeError(DomainError):
    pass
