from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "cashmob.voting"
    label = "voting"
    verbose_name = _("Votes and date polls")
