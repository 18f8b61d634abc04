"""What the organiser dashboard's forms post."""

from __future__ import annotations

from typing import Any


def dashboard_data(action: str, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of the dashboard's ``action`` form: each form has its own prefix, the name of
    its action, so that the forms sharing the page never share a field name or an id."""
    return {f"{action}-{name}": value for name, value in data.items()}
