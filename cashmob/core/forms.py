"""Helpers shared by the forms of every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django import forms

    from cashmob.core.errors import DomainError


def form_add_error(
    form: forms.BaseForm,
    error: DomainError | ValidationError,
    *,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Show a service's refusal (or a model's validation error) on the form: on the field it
    names when the form has that field, else at the top of the form.

    ``fields`` maps a model field to the form field that edits it (``pledge_minor`` is typed
    in ``pledge``).
    """
    names = fields or {}

    def target(field: str | None) -> str | None:
        name = names.get(field or "", field)
        return name if name in form.fields else None

    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(target(field), errors)
        else:
            form.add_error(None, error)
        return
    form.add_error(target(error.field), str(error.message))
