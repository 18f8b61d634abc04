from __future__ import annotations

import logging

from django.tasks import task

from cashmob.notifications.services import notification_deliver

logger = logging.getLogger(__name__)


@task()
def deliver_notifications(*, notification_ids: list[int]) -> int:
    """Deliver each notification; one failure does not stop the others."""
    sent = 0
    failed = 0
    for notification_id in notification_ids:
        try:
            sent += notification_deliver(notification_id=notification_id)
        except Exception:
            failed += 1
            logger.exception("notification %s failed", notification_id)
    if failed:
        raise RuntimeError(f"{failed} notification(s) failed; they will be retried")
    return sent
