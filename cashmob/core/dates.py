"""Date patterns that read naturally in each language.

Templates and emails name a pattern in English (``"l j F Y, H:i"``); each language gives
its own version through the catalogs (German "Samstag, 12. Dezember 2026, 11:00",
Swedish "lördag 12 december 2026 kl. 11:00"). Patterns not listed here are used as given.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

#: The English pattern → the same, translated per language. Keep the context: translators
#: see "date format" and write Django date-format characters, not words.
PATTERNS = {
    "l j F Y, H:i": pgettext_lazy("date format", "l j F Y, H:i"),
    "j F Y, H:i": pgettext_lazy("date format", "j F Y, H:i"),
    "l j F, H:i": pgettext_lazy("date format", "l j F, H:i"),
    "j F, H:i": pgettext_lazy("date format", "j F, H:i"),
    "l j F Y": pgettext_lazy("date format", "l j F Y"),
    "l j F": pgettext_lazy("date format", "l j F"),
    "D j M, H:i": pgettext_lazy("date format", "D j M, H:i"),
    "j M, H:i": pgettext_lazy("date format", "j M, H:i"),
    "j M Y": pgettext_lazy("date format", "j M Y"),
    "M": pgettext_lazy("date format", "M"),
}


def localized_pattern(pattern: str) -> str:
    """``pattern`` in the active language's own wording."""
    translated = PATTERNS.get(pattern)
    return str(translated) if translated is not None else pattern
