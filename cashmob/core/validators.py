from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_MARKUP = re.compile(r"<[^>]*>|[<>]")


@deconstructible
class NoMarkupValidator:
    """Refuse HTML or angle brackets in short plain-text fields such as names."""

    message = _("Use plain text here: HTML and angle brackets are not allowed.")
    code = "markup"

    def __call__(self, value: str) -> None:
        if _MARKUP.search(value or ""):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoMarkupValidator)

    def __hash__(self) -> int:
        return hash(self.code)


no_markup = NoMarkupValidator()
