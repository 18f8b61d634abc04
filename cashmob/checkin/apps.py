from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    name = "cashmob.checkin"
    label = "checkin"
    verbose_name = _("The day of the mob")
