from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RsvpsConfig(AppConfig):
    name = "cashmob.rsvps"
    label = "rsvps"
    verbose_name = _("RSVPs and pledges")

    def ready(self) -> None:
        # Guest RSVPs join the account made later with the same, verified address.
        from cashmob.rsvps import signals  # noqa: F401
