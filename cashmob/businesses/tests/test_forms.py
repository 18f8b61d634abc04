"""Form-level validation of the directory's forms, without the views."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cashmob.businesses.forms import BBoxForm, NominationForm, SearchForm
from cashmob.businesses.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def test_nomination_form_rounds_coordinates_to_six_places() -> None:
    form = NominationForm(form_data(latitude="45.77412345678", longitude="4.832812345"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] == Decimal("45.774123")
    assert form.cleaned_data["longitude"] == Decimal("4.832812")


def test_nomination_form_checklist_answers_become_booleans() -> None:
    form = NominationForm(form_data(gives_back="no"))
    assert form.is_valid(), form.errors
    data = form.business_data()
    assert data["locally_owned"] is True
    assert data["gives_back"] is False
    assert "reason" not in data


def test_nomination_form_every_checklist_answer_is_required() -> None:
    data = form_data()
    for field in ("locally_owned", "independent", "items_within_pledge", "can_take_crowd"):
        del data[field]
    form = NominationForm(data)
    assert not form.is_valid()
    assert {"locally_owned", "independent", "items_within_pledge", "can_take_crowd"} <= set(
        form.errors
    )


@pytest.mark.parametrize("field", ["postcode", "contact_phone", "opening_hours"])
def test_nomination_form_refuses_markup_in_short_fields(field: str) -> None:
    form = NominationForm(form_data(**{field: "<a href=x>hi</a>"}))
    assert not form.is_valid()
    assert field in form.errors


def test_search_form_defaults() -> None:
    form = SearchForm({})
    assert form.is_valid()
    assert form.near is None
    assert form.radius_km == SearchForm.DEFAULT_RADIUS_KM
    assert form.page_number == 1


def test_search_form_radius_is_capped() -> None:
    form = SearchForm({"lat": "45", "lng": "4", "radius": "5000"})
    assert not form.is_valid()
    assert "radius" in form.errors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4.7,45.7,4.9,45.8", (4.7, 45.7, 4.9, 45.8)),
        ("-200,-95,200,95", (-180.0, -90.0, 180.0, 90.0)),
        ("179.5,-17.5,180.5,-16.5", (179.5, -17.5, -179.5, -16.5)),
    ],
)
def test_bbox_form_normalises(raw: str, expected: tuple[float, ...]) -> None:
    form = BBoxForm({"bbox": raw})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bbox"] == pytest.approx(expected)


@pytest.mark.parametrize("value", ["1e22", "-1e30", "99999999999999999999999999"])
def test_nomination_form_huge_coordinates_are_field_errors(value: str) -> None:
    form = NominationForm(form_data(latitude=value, longitude=value))
    assert not form.is_valid()
    assert {"latitude", "longitude"} <= set(form.errors)
