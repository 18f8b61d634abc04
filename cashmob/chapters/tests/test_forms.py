"""The chapter forms: exact pledges, social handles, hashtags and positions."""

from __future__ import annotations

from typing import Any

import pytest

from cashmob.chapters.forms import ChapterSettingsForm
from cashmob.chapters.tests.factories import ChapterFactory


def _data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Cash Mob Lyon",
        "currency": "EUR",
        "default_pledge": "20",
        "max_pledge": "1000",
        "time_zone": "Europe/Paris",
        "language": "fr",
        "cooldown_days": "180",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("currency", "typed", "minor"),
    [
        ("EUR", "20", 2000),
        ("EUR", "20.50", 2050),
        ("EUR", "20,5", 2050),
        ("EUR", " 0.10 ", 10),
        ("JPY", "2000", 2000),
        ("KWD", "1.234", 1234),
    ],
)
def test_settings_form_parses_the_pledge_exactly(currency: str, typed: str, minor: int) -> None:
    form = ChapterSettingsForm(_data(currency=currency, default_pledge=typed, max_pledge="5000"))
    assert form.is_valid(), form.errors
    assert form.service_data()["default_pledge_minor"] == minor
    assert "default_pledge" not in form.service_data()
    assert "max_pledge" not in form.service_data()


def test_settings_form_never_rounds_a_pledge() -> None:
    """0.1 + 0.2 style float errors cannot happen: too many decimals is an error."""
    form = ChapterSettingsForm(_data(default_pledge="20.001"))
    assert not form.is_valid()
    assert "default_pledge" in form.errors


@pytest.mark.parametrize("handle", ["cashmob", "@cashmob", "cash_mob_2011", "@" + "a" * 30])
def test_settings_form_accepts_x_and_instagram_handles(handle: str) -> None:
    form = ChapterSettingsForm(_data(x_handle=handle, instagram_handle=handle))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["x_handle"] == handle.lstrip("@")


@pytest.mark.parametrize("handle", ["cash mob", "cash-mob", "@@cashmob", "a" * 31, "<b>x</b>"])
def test_settings_form_refuses_bad_handles(handle: str) -> None:
    form = ChapterSettingsForm(_data(x_handle=handle, instagram_handle=handle))
    assert not form.is_valid()
    assert {"x_handle", "instagram_handle"} <= set(form.errors)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("@cashmob@mastodon.social", "@cashmob@mastodon.social"),
        ("cashmob@Mastodon.Social", "@cashmob@mastodon.social"),
        ("@cash.mob@eupolicy.social", "@cash.mob@eupolicy.social"),
    ],
)
def test_settings_form_normalises_mastodon_handles(typed: str, stored: str) -> None:
    form = ChapterSettingsForm(_data(mastodon_handle=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mastodon_handle"] == stored


@pytest.mark.parametrize(
    "handle", ["@cashmob", "cashmob@", "@cashmob@localhost", "@cash mob@x.org", "https://x.org/@a"]
)
def test_settings_form_refuses_bad_mastodon_handles(handle: str) -> None:
    form = ChapterSettingsForm(_data(mastodon_handle=handle))
    assert not form.is_valid()
    assert "mastodon_handle" in form.errors


def test_settings_form_normalises_hashtags() -> None:
    form = ChapterSettingsForm(_data(hashtag="cashmob  #Lyon #croixrousse"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hashtag"] == "#cashmob #Lyon #croixrousse"


def test_settings_form_accepts_a_facebook_page_only() -> None:
    ok = ChapterSettingsForm(_data(facebook_url="https://www.facebook.com/cashmoblyon"))
    bad = ChapterSettingsForm(_data(facebook_url="https://facebook.com.evil.example/x"))
    assert ok.is_valid(), ok.errors
    assert "facebook_url" in bad.errors


@pytest.mark.django_db
def test_settings_form_initial_shows_handles_with_their_at_sign() -> None:
    chapter = ChapterFactory(x_handle="cashmoblyon", default_pledge_minor=2050)
    initial = ChapterSettingsForm.initial_for(chapter)
    assert initial["x_handle"] == "@cashmoblyon"
    assert initial["default_pledge"] == "20.50"


def test_an_amount_as_typed_drops_whole_decimals_and_speaks_the_language() -> None:
    from django.utils import translation

    from cashmob.core.money import Money

    assert Money(2000, "EUR").as_typed == "20"
    assert Money(2000, "JPY").as_typed == "2000"
    assert Money(1995, "USD").as_typed == "19.95"
    with translation.override("fr"):
        assert Money(2050, "EUR").as_typed == "20,50"  # what a French visitor types
        assert Money(2000, "EUR").as_typed == "20"


def test_settings_form_refuses_a_default_pledge_above_the_largest_pledge() -> None:
    form = ChapterSettingsForm(_data(default_pledge="50", max_pledge="40"))
    assert not form.is_valid()
    assert "default_pledge" in form.errors
    assert "default_pledge_minor" not in form.cleaned_data
