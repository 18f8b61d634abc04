"""What every email about a mob says of its time and place, whoever it is written to
(participants: :mod:`cashmob.mobs.services`; the shop: :mod:`cashmob.mobs.shop_mail`).

Times travel as ISO 8601 strings (task payloads are JSON) with the chapter's zone; the
templates write them through the ``cashmob`` time tags.
"""

from __future__ import annotations

from typing import Any

from cashmob.mobs.models import Mob


def mob_time_context(mob: Mob) -> dict[str, Any]:
    return {
        "chapter_name": mob.chapter.name,
        "starts_at": mob.starts_at.isoformat() if mob.starts_at else "",
        "ends_at": mob.ends_at.isoformat() if mob.ends_at else "",
        "time_zone": mob.chapter.time_zone,
        "meeting_point": mob.meeting_point,
    }
