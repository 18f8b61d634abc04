"""Money as integer minor units plus an ISO 4217 code; no floats anywhere.

Formatting and parsing follow the currency's own number of decimals (0 for JPY, 2 for EUR)
and the viewer's locale, through Babel.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    format_currency,
    get_currency_name,
    get_currency_precision,
    list_currencies,
)
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

#: Currencies offered for chapters: the ones with a live ISO 4217 code Babel knows.
SUPPORTED_CURRENCIES: frozenset[str] = frozenset(list_currencies())


_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?|-?\.[0-9]{1,6}")
#: No amount anyone types has more digits before the decimal point than this.
MAX_DIGITS = 14


class MoneyError(ValueError):
    def __init__(self, message: object, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in SUPPORTED_CURRENCIES:
            raise MoneyError(_("Unknown currency."), code="unknown_currency")

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise MoneyError(_("Cannot add amounts in different currencies."), code="currency")
        return Money(self.amount_minor + other.amount_minor, self.currency)

    @property
    def decimal(self) -> Decimal:
        return minor_to_decimal(self.amount_minor, self.currency)

    @property
    def as_typed(self) -> str:
        """The amount as someone types it in the active language, for a form's initial
        value: ``20`` when whole, else ``20.50`` (``20,50`` in French); parse_amount
        reads both."""
        value = self.decimal
        places = 0 if value == value.to_integral_value() else currency_exponent(self.currency)
        return formats.number_format(value, decimal_pos=places, use_l10n=True)

    def format(self, locale: str | None = None, *, whole: bool = False) -> str:
        return format_money(self.amount_minor, self.currency, locale=locale, whole=whole)

    def __str__(self) -> str:
        return self.format()


def currency_exponent(currency: str) -> int:
    return get_currency_precision(currency)


def minor_to_decimal(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-currency_exponent(currency))


def _normalise_separators(text: str, *, decimals: int) -> str:
    """One decimal point and no grouping, whichever way the amount was written:
    "1,000.50" and "1.000,50" (grouping, then decimals), "20,50" (a decimal comma),
    "1,000" (a thousand: no currency here has three decimal places unless its code says
    so). Anything else is left as typed, to be refused as invalid or too precise."""
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        whole, _sep, fraction = text.rpartition(decimal)
        if re.fullmatch(rf"-?\d{{1,3}}(?:{re.escape(grouping)}\d{{3}})+", whole):
            return f"{whole.replace(grouping, '')}.{fraction}"
        return text
    for mark in (",", "."):
        if text.count(mark) > 1 and re.fullmatch(
            rf"-?\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", text
        ):
            return text.replace(mark, "")  # "1,000,000" or "1.000.000"
    if text.count(",") == 1:
        whole, fraction = text.split(",")
        if len(fraction) == 3 and decimals < 3 and whole.lstrip("-"):
            return whole + fraction  # "1,000"
        return f"{whole}.{fraction}"
    return text


def parse_amount(text: str | Decimal | int, currency: str) -> int:
    """Turn a user-typed amount ("20", "20.50", "20,50", "1,000.50") into minor units,
    exactly.

    Raises :class:`MoneyError` with code ``invalid`` / ``negative`` / ``too_precise``.
    """
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = _normalise_separators(
            text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", ""),
            decimals=currency_exponent(currency),
        )
        # Plain digits with at most one decimal point: no exponents ("1E+999999" would
        # cost seconds of CPU or overflow), no signs other than a leading minus.
        if not _AMOUNT.fullmatch(cleaned):
            raise MoneyError(_("Enter an amount such as 20 or 20.50."), code="invalid")
        value = Decimal(cleaned)
    if not value.is_finite():
        raise MoneyError(_("Enter an amount such as 20 or 20.50."), code="invalid")
    if value.adjusted() > MAX_DIGITS:
        raise MoneyError(_("This amount is far too large."), code="too_large")
    if value < 0:
        raise MoneyError(_("The amount cannot be negative."), code="negative")
    exponent = currency_exponent(currency)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            _("This currency has at most %(n)s decimal places.") % {"n": exponent},
            code="too_precise",
        )
    return int(scaled)


def _babel_locale(locale: str | None) -> str:
    code = (locale or translation.get_language() or "en").replace("-", "_")
    try:
        return str(Locale.parse(code))
    except (UnknownLocaleError, ValueError):
        return "en"


def format_money(
    amount_minor: int, currency: str, *, locale: str | None = None, whole: bool = False
) -> str:
    """Format for people: ``€20.00`` in English, ``20,00 €`` in French.

    ``whole`` drops the decimals when the amount is a whole number (big totals on the tally).
    """
    value = minor_to_decimal(amount_minor, currency)
    loc = _babel_locale(locale)
    if whole and value == value.to_integral_value():
        pattern = copy.copy(Locale.parse(loc).currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        return pattern.apply(value, loc, currency=currency, currency_digits=False)
    return format_currency(value, currency, locale=loc)


def currency_choices(locale: str | None = None) -> list[tuple[str, str]]:
    loc = _babel_locale(locale)
    common = ["EUR", "USD", "GBP", "CAD", "AUD", "SEK", "CHF", "NZD", "NOK", "DKK", "JPY"]
    rest = sorted(SUPPORTED_CURRENCIES - set(common))
    return [(c, f"{c} — {get_currency_name(c, locale=loc)}") for c in [*common, *rest]]
