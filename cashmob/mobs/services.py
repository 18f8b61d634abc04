"""Writes on mobs. Every status change goes through :func:`mob_transition`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.core.audit import audit_record
from cashmob.mobs.exceptions import ConsentRequiredError, TransitionError
from cashmob.mobs.models import CONSENTED_STATUSES, Consent, Mob, MobStatus
from cashmob.mobs.states import can_transition

if TYPE_CHECKING:
    from cashmob.accounts.models import User


@transaction.atomic
def mob_transition(
    *,
    mob: Mob,
    to: MobStatus,
    actor: User | None,
    extra: dict[str, Any] | None = None,
    reason: str = "",
) -> Mob:
    """Move ``mob`` to status ``to`` if the state machine allows it.

    Race-safe without a lock: the update is conditional on the status read, so of two
    concurrent transitions from the same status exactly one applies and the other gets
    ``TransitionError``. Consent is checked here and, whatever the path, by the database.
    """
    current = Mob.objects.filter(pk=mob.pk).values_list("status", "business_consent").first()
    if current is None:
        raise TransitionError(_("This mob no longer exists."), code="mob_missing")
    status, consent = current
    if not can_transition(status, to):
        raise TransitionError(
            _("A mob that is “%(current)s” cannot become “%(target)s”.")
            % {"current": MobStatus(status).label, "target": MobStatus(to).label},
            code="invalid_transition",
        )
    if to in CONSENTED_STATUSES and consent != Consent.ACCEPTED:
        raise ConsentRequiredError(
            _("The business has not accepted this mob yet, so it cannot go ahead."),
            code="consent_required",
        )
    now = timezone.now()
    changes: dict[str, Any] = {"status": to, **(extra or {})}
    if to == MobStatus.PUBLISHED:
        changes["published_at"] = now
    if to == MobStatus.CANCELLED:
        changes["cancelled_at"] = now
        changes["cancel_reason"] = reason
    updated = Mob.objects.filter(pk=mob.pk, status=status).update(**changes, updated_at=now)
    if updated != 1:
        raise TransitionError(
            _("Someone else changed this mob at the same moment. Reload and try again."),
            code="concurrent_change",
        )
    audit_record(
        actor=actor,
        action=f"mob.{to}",
        obj=mob,
        data={"from": status, "to": str(to), **({"reason": reason} if reason else {})},
    )
    mob.refresh_from_db()
    return mob


def mob_cancel(*, mob: Mob, actor: User | None, reason: str) -> Mob:
    return mob_transition(mob=mob, to=MobStatus.CANCELLED, actor=actor, reason=reason)


def mob_publish(*, mob: Mob, actor: User | None) -> Mob:
    return mob_transition(mob=mob, to=MobStatus.PUBLISHED, actor=actor)
