"""The audit log: every state change of a domain object writes one entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cashmob.core.models import AuditEntry

if TYPE_CHECKING:
    from django.db.models import Model

    from cashmob.accounts.models import User


def audit_record(
    *, actor: User | None, action: str, obj: Model, data: dict[str, Any] | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
