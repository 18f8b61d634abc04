"""Helpers for tests that start real Cashmob processes."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CASHMOB = [sys.executable, "-m", "cashmob"]

#: Variables a child process must not inherit from the test runner's environment.
_RESET = (
    "DATABASE_URL",
    "CASHMOB_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "TASKS_BACKEND",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "PORT",
    "CASHMOB_HOST",
    "WEB_WORKERS",
)


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child ``cashmob`` process with its own data folder."""
    env = {k: v for k, v in os.environ.items() if k not in _RESET}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CASHMOB_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH", "")])),
    )
    env.update(extra)
    return env


def database_url(settings_dict: dict) -> str:
    """A ``DATABASE_URL`` naming the database of ``settings_dict`` (the test database)."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if user else ""
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"
    raise NotImplementedError(engine)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
