from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessesConfig(AppConfig):
    name = "cashmob.businesses"
    label = "businesses"
    verbose_name = _("Businesses")
