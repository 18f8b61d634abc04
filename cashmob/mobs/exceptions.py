from __future__ import annotations

from cashmob.core.errors import ConflictError, DomainError, PermissionDeniedError


class MobError(DomainError):
    pass


class TransitionError(ConflictError):
    """The mob is not in a status from which this step is allowed."""


class ConsentRequiredError(ConflictError):
    """The business has not accepted; the mob cannot go ahead."""


class MobPermissionError(PermissionDeniedError):
    pass


class ConsentLinkError(DomainError):
    """A shop's private link that is forged, superseded, expired or no longer usable."""

    status = 410


class ShopUnavailableError(ConflictError):
    """The shop cannot have this mob: another mob holds it, or it is resting after one."""
