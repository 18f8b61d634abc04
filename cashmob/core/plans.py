"""What the database does with a query: its plan, and whether it reads a whole table.

Used by the tests and the benchmark suite to prove that hot reads stay index-backed as
the data grows, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connections


def query_plan(sql: str, params: Sequence[Any] = (), *, using: str = "default") -> list[str]:
    """The database's plan for ``sql``, one line per step."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN {sql}", params)
        return [str(row[0]) for row in cursor.fetchall()]


def full_table_scans(plan: Sequence[str], table: str) -> list[str]:
    """The steps of ``plan`` that read every row of ``table`` rather than an index."""
    sqlite_scan = re.compile(rf"^SCAN {re.escape(table)}(?: AS \w+)?$")
    pg_scan = re.compile(rf"Seq Scan on {re.escape(table)}\b")
    return [step for step in plan if sqlite_scan.match(step.strip()) or pg_scan.search(step)]
