"""Settings come from the environment with safe defaults; production refuses unsafe ones."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection, connections, transaction

from cashmob.core.tests.helpers import BASE_DIR, CASHMOB, child_env

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite pragmas apply to the SQLite database only"
)

PRINT_DATABASE = (
    "import json; from django.conf import settings; "
    "d = settings.DATABASES['default']; "
    "print(json.dumps({k: d.get(k) for k in ('ENGINE', 'NAME', 'HOST', 'PORT', 'USER')}))"
)


def _settings_in_child(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=BASE_DIR,
        env=child_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@sqlite_only
@pytest.mark.django_db
def test_sqlite_fresh_connection_applies_pragmas() -> None:
    """WAL, a busy timeout and foreign keys hold on every new connection, not only the first."""
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
        assert fresh.transaction_mode == "IMMEDIATE"
    finally:
        fresh.close()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_atomic_takes_write_lock_at_begin() -> None:
    """``transaction_mode=IMMEDIATE``: a transaction holds the write lock before it writes,
    so a second writer waits at BEGIN instead of failing half-way through its work."""
    with transaction.atomic():
        # Nothing written yet; another connection still cannot start a write transaction.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_settings_default_database_is_sqlite_in_data_dir(tmp_path) -> None:
    result = _settings_in_child(tmp_path)
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path.resolve() / "cashmob.sqlite3")


def test_settings_postgres_url_is_honoured(tmp_path) -> None:
    result = _settings_in_child(
        tmp_path, DATABASE_URL="postgres://mobber:s3cret@db.internal:6543/cashmob_prod"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "cashmob_prod",
        "HOST": "db.internal",
        "PORT": 6543,
        "USER": "mobber",
    }


def test_settings_production_without_secret_key_refuses_to_start(tmp_path) -> None:
    result = subprocess.run(  # noqa: S603
        [*CASHMOB, "check"],
        cwd=BASE_DIR,
        env=child_env(tmp_path, CASHMOB_ENV="production", ALLOWED_HOSTS="cashmob.example"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_settings_production_without_allowed_hosts_refuses_to_start(tmp_path) -> None:
    result = subprocess.run(  # noqa: S603
        [*CASHMOB, "check"],
        cwd=BASE_DIR,
        env=child_env(tmp_path, CASHMOB_ENV="production", SECRET_KEY="x" * 64),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_settings_production_passes_deploy_checks(tmp_path) -> None:
    """``cashmob check --deploy`` reports nothing, not even a warning, in production mode."""
    result = subprocess.run(  # noqa: S603
        [*CASHMOB, "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=child_env(
            tmp_path,
            CASHMOB_ENV="production",
            SECRET_KEY="k7#Qz9!vB2@mW4$xR8^pL1&nT6*yH3(jD5)sF0_gU-eC+aZ=oI|",
            ALLOWED_HOSTS="cashmob.example",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_cache_is_shared_through_the_database() -> None:
    """Rate limits kept in the cache hold across web processes: the cache is a table."""
    from django.core.cache import cache
    from django.db import connection

    cache.set("rate-limit-probe", 3, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cashmob_cache")
        assert cursor.fetchone()[0] >= 1
    assert cache.get("rate-limit-probe") == 3


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_migrate_gives_statistics_back_to_a_table_that_lost_them() -> None:
    """A rebuilt table in an analysed database would leave the planner guessing."""
    from django.core.management import call_command

    from cashmob.businesses.tests.factories import BusinessFactory

    BusinessFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'businesses_business'")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'businesses_business'")
        assert cursor.fetchone()[0] >= 1
