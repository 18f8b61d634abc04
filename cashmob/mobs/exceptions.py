from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError


class MobError(DomainError):
    pass


class TransitionError(ConflictError):
    """The mob is not in a status from which this step is allowed."""


class ConsentRequiredError(ConflictError):
    """The business has not accepted; the mob cannot go ahead."""
