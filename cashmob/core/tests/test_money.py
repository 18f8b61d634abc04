"""Money: integer minor units, exact parsing, formatting in the viewer's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashmob.core.money import Money, MoneyError, format_money, parse_amount


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("20", "EUR", 2000),
        ("20.5", "EUR", 2050),
        ("20,50", "EUR", 2050),
        (" 1 234.56 ", "EUR", 123456),
        ("200", "SEK", 20000),
        ("2000", "JPY", 2000),
        (".5", "USD", 50),
        (Decimal("3.10"), "USD", 310),
        (7, "EUR", 700),
        # Thousands, however they are grouped.
        ("1,000", "USD", 100000),
        ("1,000.50", "USD", 100050),
        ("1.000,50", "EUR", 100050),
        ("1,000,000", "JPY", 1000000),
        ("1.250.000", "SEK", 125000000),
    ],
)
def test_parse_amount_is_exact(text: object, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", "invalid"),
        ("", "invalid"),
        ("1E+999999", "invalid"),
        ("1e3", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("20.0.1", "invalid"),
        ("1,00,0", "invalid"),
        ("12,34.5", "invalid"),
        ("+20", "invalid"),
        ("-5", "negative"),
        ("20.001", "too_precise"),
        ("1" * 16, "invalid"),
    ],
)
def test_parse_amount_refuses_bad_input_with_a_code(text: str, code: str) -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse_amount(text, "EUR")
    assert excinfo.value.code == code


def test_parse_amount_refuses_decimals_in_a_currency_without_them() -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse_amount("20.5", "JPY")
    assert excinfo.value.code == "too_precise"


@given(st.integers(min_value=0, max_value=10**13))
def test_parse_amount_round_trips_minor_units(minor: int) -> None:
    """Any amount shown as a decimal parses back to the same integer, no float involved."""
    text = str(Money(minor, "EUR").decimal)
    assert parse_amount(text, "EUR") == minor


def test_format_money_follows_the_language() -> None:
    assert format_money(2000, "EUR", locale="en") == "€20.00"
    assert format_money(2000, "EUR", locale="fr") == "20,00\u00a0€"
    assert format_money(590000, "USD", locale="en", whole=True) == "$5,900"
    assert format_money(590050, "USD", locale="en", whole=True) == "$5,900.50"


def test_money_refuses_mixing_currencies() -> None:
    with pytest.raises(MoneyError):
        Money(100, "EUR") + Money(100, "USD")
    assert (Money(100, "EUR") + Money(250, "EUR")).amount_minor == 350
