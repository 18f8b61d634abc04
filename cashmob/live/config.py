"""Where the live stream is served; read when needed, never at import time."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULT_PORT = 8001
DEFAULT_TICK = 1.0


def stream_base() -> str:
    """``LIVE_STREAM_URL``: the stream's origin or path prefix; empty means same host."""
    return str(getattr(settings, "LIVE_STREAM_URL", "") or os.environ.get("LIVE_STREAM_URL", ""))


def stream_port() -> int:
    return int(getattr(settings, "LIVE_PORT", 0) or os.environ.get("LIVE_PORT") or DEFAULT_PORT)


def tick_seconds() -> float:
    return float(os.environ.get("LIVE_TICK_SECONDS") or DEFAULT_TICK)
