"""Geocoding is pluggable, off by default, and never needs the network in tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from unittest import mock
from urllib.error import URLError

import pytest

from cashmob.businesses import geocoding
from cashmob.businesses.forms import NominationForm
from cashmob.businesses.tests.test_views import form_data

HTTP = "cashmob.businesses.geocoding._http_get_json"


def test_geocode_is_off_by_default_and_makes_no_request(settings: Any) -> None:
    settings.GEOCODER = ""
    with mock.patch(HTTP) as http:
        assert geocoding.geocode("12 rue d'Austerlitz, Lyon") is None
    http.assert_not_called()


def test_geocode_with_nominatim_parses_the_first_result(settings: Any) -> None:
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_URL = "https://geocoder.example/search"
    with mock.patch(HTTP, return_value=[{"lat": "45.7741234", "lon": "4.8328"}]) as http:
        assert geocoding.geocode("12 rue d'Austerlitz,\n Lyon") == (
            Decimal("45.774123"),
            Decimal("4.832800"),
        )
    url = http.call_args.args[0]
    assert url.startswith("https://geocoder.example/search?q=12+rue+d%27Austerlitz%2C+Lyon")
    assert "Cashmob" in http.call_args.kwargs["headers"]["User-Agent"]


@pytest.mark.parametrize(
    "answer", [[], {}, [{"lat": "x", "lon": "1"}], [{"lat": "95", "lon": "1"}], ["oops"]]
)
def test_geocode_unusable_answers_are_none(settings: Any, answer: object) -> None:
    settings.GEOCODER = "nominatim"
    with mock.patch(HTTP, return_value=answer):
        assert geocoding.geocode("Somewhere") is None


@pytest.mark.parametrize("error", [URLError("down"), TimeoutError(), ValueError("bad json")])
def test_geocode_failures_are_none_not_errors(settings: Any, error: Exception) -> None:
    settings.GEOCODER = "nominatim"
    with mock.patch(HTTP, side_effect=error):
        assert geocoding.geocode("Somewhere") is None


@pytest.mark.django_db
def test_nomination_form_geocodes_an_empty_position(settings: Any) -> None:
    settings.GEOCODER = "nominatim"
    with mock.patch(HTTP, return_value=[{"lat": "45.77", "lon": "4.83"}]):
        form = NominationForm(form_data(latitude="", longitude=""))
        assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] == Decimal("45.770000")


@pytest.mark.django_db
def test_nomination_form_address_not_found_is_a_field_error(settings: Any) -> None:
    settings.GEOCODER = "nominatim"
    with mock.patch(HTTP, return_value=[]):
        form = NominationForm(form_data(latitude="", longitude=""))
        assert not form.is_valid()
    assert "latitude" in form.errors


@pytest.mark.django_db
def test_nomination_form_without_geocoder_requires_a_position(settings: Any) -> None:
    settings.GEOCODER = ""
    form = NominationForm(form_data(latitude="", longitude=""))
    assert not form.is_valid()
    assert {"latitude", "longitude"} <= set(form.errors)
