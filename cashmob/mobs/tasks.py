"""Background steps of a mob's life. Thin: they take ids and call services."""

from __future__ import annotations

from django.tasks import task

from cashmob.mobs.models import Mob


@task()
def reveal_mob(*, mob_id: int) -> bool:
    """Reveal a secret shop at its reveal time; harmless if already revealed or cancelled.

    Does nothing before the mob's current reveal time (a mob moved later has another task
    queued for its new reveal time).
    """
    from cashmob.mobs.services import mob_reveal

    mob = Mob.objects.select_related("chapter", "business").filter(pk=mob_id).first()
    if mob is None:
        return False
    mob_reveal(mob=mob, actor=None, due_only=True)
    return True
