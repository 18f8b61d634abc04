"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector + GIN), behind one API.

Each searchable table gets, by migration, an FTS5 external-content table kept in sync by
triggers on SQLite, or a GIN expression index on PostgreSQL. :func:`fts_filter` narrows a
queryset to rows matching the words typed, through that index, never by ``LIKE`` over
every row. User input is reduced to word tokens first, so no query syntax can be injected
and no input can make the search fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection, migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Model, QuerySet

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def search_terms(text: str) -> list[str]:
    """The words of a query, lower-cased, at most :data:`MAX_TERMS` of them."""
    return [w.lower() for w in WORD.findall(text or "")][:MAX_TERMS]


# Accented Latin letters and their plain forms, for PostgreSQL's translate(), which (unlike
# the unaccent extension) is immutable and so usable in an index, with no extension to
# install. SQLite's FTS5 tokenizer folds diacritics itself (remove_diacritics 2).
_ACCENTED = (
    "ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćČčĎďÈÉÊËèéêëĒēĖėĘęĚěÌÍÎÏìíîïĪīĮįŁł"
    "ÑñŃńŇňÒÓÔÕÖØòóôõöøŌōŐőŘřŚśŠšŞşŤťÙÚÛÜùúûüŪūŮůŰűÝýÿŹźŻżŽž"
)
_PLAIN = (
    "AAAAAAaaaaaaAaAaAaCcCcCcDdEEEEeeeeEeEeEeEeIIIIiiiiIiIiLl"
    "NnNnNnOOOOOOooooooOoOoRrSsSsSsTtUUUUuuuuUuUuUuYyyZzZzZz"
)


def fold_accents(text: str) -> str:
    """The same folding in Python, for the words typed."""
    return text.translate(str.maketrans(_ACCENTED, _PLAIN))


def _pg_document(fields: Sequence[str]) -> str:
    # The index and the query must use the very same expression for the index to apply.
    joined = " || ' ' || ".join(f"coalesce({f}, '')" for f in fields)
    return f"to_tsvector('simple'::regconfig, translate({joined}, '{_ACCENTED}', '{_PLAIN}'))"


def _sqlite_ops(table: str, fields: Sequence[str]) -> tuple[list[str], list[str]]:
    fts = f"{table}_fts"
    cols = ", ".join(fields)
    new_vals = ", ".join(f"new.{f}" for f in fields)
    old_vals = ", ".join(f"old.{f}" for f in fields)
    forward = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new_vals}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old_vals}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old_vals}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new_vals}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {fts}_ai",
        f"DROP TRIGGER IF EXISTS {fts}_ad",
        f"DROP TRIGGER IF EXISTS {fts}_au",
        f"DROP TABLE IF EXISTS {fts}",
    ]
    return forward, backward


def _pg_ops(table: str, fields: Sequence[str]) -> tuple[list[str], list[str]]:
    index = f"{table}_fts_idx"
    return (
        [f"CREATE INDEX {index} ON {table} USING gin (({_pg_document(fields)}))"],
        [f"DROP INDEX IF EXISTS {index}"],
    )


#: Every full-text index of the product: table → indexed columns.
SEARCH_INDEXES: dict[str, tuple[str, ...]] = {
    "businesses_business": ("name", "description", "city"),
    "chapters_chapter": ("name", "description", "city"),
}


def fts_ensure(*, using: str = "default", **kwargs: Any) -> list[str]:
    """Recreate any SQLite full-text trigger a migration dropped; return the tables fixed.

    SQLite migrations that change a table rebuild it (new table, copy, drop, rename), and
    dropping the old table drops its triggers, which would silently stop the index from
    following edits. Run after every ``migrate`` (post_migrate), this puts them back and
    rebuilds the index from the table.
    """
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return []
    fixed = []
    with conn.cursor() as cursor:
        for table, fields in SEARCH_INDEXES.items():
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN (%s, %s)",
                [table, f"{table}_fts"],
            )
            if cursor.fetchone()[0] != 2:
                continue  # not migrated that far yet
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name=%s "
                "AND name LIKE %s",
                [table, f"{table}_fts_%"],
            )
            if cursor.fetchone()[0] == 3:
                continue
            forward, _backward = _sqlite_ops(table, fields)
            for sql in forward[1:]:  # the virtual table itself survives
                cursor.execute(sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS "))
            fixed.append(table)
    return fixed


def fts_migration(table: str, fields: Sequence[str]) -> migrations.RunPython:
    """A migration operation that creates the full-text index for ``table`` on either DB."""

    def _run(schema_editor: BaseDatabaseSchemaEditor, *, forward: bool) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            fwd, back = _sqlite_ops(table, fields)
        elif vendor == "postgresql":
            fwd, back = _pg_ops(table, fields)
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            return
        for sql in fwd if forward else back:
            schema_editor.execute(sql)

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        _run(schema_editor, forward=True)

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        _run(schema_editor, forward=False)

    return migrations.RunPython(forwards, backwards, elidable=False)


def fts_filter[M: Model](queryset: QuerySet[M], text: str, *, fields: Sequence[str]) -> QuerySet[M]:
    """Rows of ``queryset`` whose indexed ``fields`` contain every word of ``text``.

    Words match as prefixes ("book" finds "bookshop"). An empty query matches nothing.
    """
    terms = search_terms(text)
    if not terms:
        return queryset.none()
    table = queryset.model._meta.db_table
    params: list[Any]
    if connection.vendor == "sqlite":
        match = " ".join(f'"{t}"*' for t in terms)
        where = f"{table}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s)"
        params = [match]
    else:
        tsquery = " & ".join(f"{fold_accents(t)}:*" for t in terms)
        where = f"{_pg_document([f'{table}.{f}' for f in fields])} @@ to_tsquery('simple', %s)"
        params = [tsquery]
    return queryset.extra(where=[where], params=params)  # noqa: S610 - terms are \w+ only
