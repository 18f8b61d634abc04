"""Entry point of the stream process: ``uvicorn cashmob.live.asgi:app`` (``cashmob run``
starts it). Django is set up for its settings and ORM only; no Django request handling."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from cashmob.live.app import build_app  # noqa: E402

app = build_app()
