"""Work that falls due with time: closing votes, reminders, reveals, retries.

``cashmob tick`` runs :func:`run_due_jobs` once, or every minute with ``--loop`` (as
``cashmob run`` does). Every job is idempotent, so running it twice, or from two
machines, does no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

logger = logging.getLogger(__name__)


def _jobs() -> list[tuple[str, Callable[..., int]]]:
    from cashmob.checkin.services import mobs_close_due, mobs_report_due, mobs_start_due
    from cashmob.mobs.models import Mob, MobStatus
    from cashmob.mobs.services import mob_reveal
    from cashmob.notifications.services import notification_retry_unsent
    from cashmob.rsvps.services import reminders_send_due, tipping_points_check_due
    from cashmob.voting.services import date_poll_close_due, shop_vote_close_due

    def reveals_due(now: datetime) -> int:
        # The reveal task is scheduled at publishing; this sweep catches a reveal whose
        # task was lost. mob_reveal notifies once per mob whatever calls it.
        due = Mob.objects.select_related("chapter", "business").filter(
            status=MobStatus.PUBLISHED,
            reveal_at__lte=now,
            starts_at__gt=now - timedelta(hours=12),
        )
        for mob in due:
            mob_reveal(mob=mob, actor=None)
        return len(due)

    def prune_task_results(now: datetime) -> int:
        # Finished tasks keep their arguments, and account emails (a password reset
        # link) travel as arguments: keep them a day, failures a week for a look.
        from django.core.management import call_command
        from django.tasks import task_backends
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        if not isinstance(task_backends["default"], DatabaseBackend):
            return 0  # tasks run at once (tests): nothing is stored
        before = DBTaskResult.objects.count()
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=1,
            failed_min_age_days=7,
            verbosity=0,
        )
        return before - DBTaskResult.objects.count()

    return [
        ("reveals", reveals_due),
        ("close votes", lambda now: shop_vote_close_due(now=now)),
        ("close date polls", lambda now: date_poll_close_due(now=now)),
        ("reminders", lambda now: reminders_send_due(now=now)),
        ("tipping points", lambda now: tipping_points_check_due(now=now)),
        ("retry notifications", lambda now: notification_retry_unsent()),
        ("start mobs", lambda now: mobs_start_due(now=now)),
        ("close mobs", lambda now: mobs_close_due(now=now)),
        ("report mobs", lambda now: mobs_report_due(now=now)),
        ("prune task results", prune_task_results),
    ]


def run_due_jobs(*, now: datetime | None = None) -> dict[str, int]:
    """Run every job once; one failing job does not stop the others."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for name, job in _jobs():
        try:
            done[name] = job(now)
        except Exception:
            logger.exception("scheduled job %r failed", name)
            done[name] = -1
    return done
