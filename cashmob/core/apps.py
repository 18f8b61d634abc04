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
        post_migrate.connect(_refresh_planner_statistics, sender=self)


def _ensure_search_indexes(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from cashmob.core.search import fts_ensure

    fts_ensure(using=using)


def _ensure_cache_table(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """The database cache's table comes with ``migrate`` (it is not a model's): every
    command that migrates, ``cashmob run`` and the test databases included, has it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def _refresh_planner_statistics(
    sender: AppConfig, using: str = "default", **kwargs: object
) -> None:
    """On SQLite, give statistics back to tables a migration rebuilt.

    A database that was analysed keeps statistics per table; a migration that rebuilds a
    table (SQLite's way to alter it) drops that table's, and the planner, comparing a
    table it knows with one it does not, can then read a million rows for a page. Tables
    never analysed are left to the planner's defaults.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='sqlite_stat1'")
        if cursor.fetchone() is None:
            return
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
            "AND name NOT IN (SELECT tbl FROM sqlite_stat1)"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
