from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobsConfig(AppConfig):
    name = "cashmob.mobs"
    label = "mobs"
    verbose_name = _("Mobs")
