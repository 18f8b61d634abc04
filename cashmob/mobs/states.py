"""The mob state machine: which status may follow which (DESIGN.md §3)."""

from __future__ import annotations

from cashmob.mobs.models import MobStatus

S = MobStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNING: frozenset({S.AWAITING_CONSENT, S.CANCELLED}),
    # The shop declines or proposes another time: back to planning, or ask again.
    S.AWAITING_CONSENT: frozenset({S.CONFIRMED, S.PLANNING, S.CANCELLED}),
    # The owner may change their mind until the mob is published.
    S.CONFIRMED: frozenset({S.PUBLISHED, S.AWAITING_CONSENT, S.PLANNING, S.CANCELLED}),
    S.PUBLISHED: frozenset({S.LIVE, S.CANCELLED}),
    S.LIVE: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.REPORTED}),
    S.REPORTED: frozenset(),
    S.CANCELLED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
