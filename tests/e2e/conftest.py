"""Fixtures of the end-to-end suite: the served product and a real Chromium (see support.py)."""

from __future__ import annotations

from .support import browser, browsing, page_recorder, playwright, server, viewport

__all__ = ["browser", "browsing", "page_recorder", "playwright", "server", "viewport"]
