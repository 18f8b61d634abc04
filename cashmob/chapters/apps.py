from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChaptersConfig(AppConfig):
    name = "cashmob.chapters"
    label = "chapters"
    verbose_name = _("Chapters")
