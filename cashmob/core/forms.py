"""Helpers shared by the forms of every app."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ErrorSummary:
    """What a form's error summary lists: ``messages`` shown at no field, and ``fields`` to
    link to, each showing its own message."""

    messages: list[str]
    fields: list[forms.BoundField]

    def __bool__(self) -> bool:
        return bool(self.messages or self.fields)


def form_error_summary(form: forms.BaseForm) -> ErrorSummary:
    """One rule for every form: a message is said once. The summary lists the errors that no
    field shows (the form's own, and those of hidden fields); a field's error stays at its
    field, which the summary links to by name when the form has several fields. A one-field
    form in error has no summary: its message sits right at the field."""
    if not form.is_bound or not form.errors:
        return ErrorSummary(messages=[], fields=[])
    messages = [str(error) for error in form.non_field_errors()]
    for field in form.hidden_fields():
        messages += [str(error) for error in field.errors]
    visible = form.visible_fields()
    in_error = [field for field in visible if field.errors] if len(visible) > 1 else []
    return ErrorSummary(messages=messages, fields=in_error)
