from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cashmob.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_search_indexes, sender=self)
        post_migrate.connect(_ensure_cache_table, sender=self)


def _ensure_search_indexes(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from cashmob.core.search import fts_ensure

    fts_ensure(using=using)


def _ensure_cache_table(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """The database cache's table comes with ``migrate`` (it is not a model's): every
    command that migrates, ``cashmob run`` and the test databases included, has it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
