"""Forms of the business directory: they validate input and nothing else.

Business rules (eligibility, duplicates, rate limits, permissions) stay in the services;
the forms reject what is malformed so that nothing malformed reaches them.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cashmob.businesses import geocoding
from cashmob.businesses.models import Business, Nomination
from cashmob.businesses.selectors import MAX_RADIUS_KM
from cashmob.businesses.services import CHECKLIST_FIELDS, EDITABLE_FIELDS
from cashmob.core.validators import no_markup

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

SIX_PLACES = Decimal("0.000001")
YES_NO = (("yes", _("Yes")), ("no", _("No")))

CHECKLIST_QUESTIONS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "locally_owned": (
        _("Is it locally owned?"),
        _("The owner lives and works in the area."),
    ),
    "independent": (
        _("Is it independent, not a chain or franchise?"),
        "",
    ),
    "items_within_pledge": (
        _("Can a mobber buy something for the pledge (about 20)?"),
        "",
    ),
    "can_take_crowd": (
        _("Can it take a crowd?"),
        _("Think of thirty people arriving within the hour, perhaps in waves."),
    ),
    "gives_back": (
        _("Does it give back to its community?"),
        _("Welcome but not required: local suppliers, events, charity, a friendly corner."),
    ),
}


def _yes_no(value: str) -> bool:
    return value == "yes"


class CoordinateField(forms.DecimalField):
    """Latitude or longitude, typed or set by the map; rounded to six places (~10 cm)."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
        )
        super().__init__(min_value=-limit, max_value=limit, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        number = super().to_python(value)
        if number is None:
            return None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if abs(number) > 180:
            return number  # out of range: the field's limits say so, rounding could not
        return number.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)


class PositionMixin(forms.Form):
    latitude = CoordinateField(
        limit=90,
        label=_("Latitude"),
        help_text=_("From -90 to 90, e.g. 45.7641"),
        error_messages={"required": _("Click the map or type the latitude.")},
    )
    longitude = CoordinateField(
        limit=180,
        label=_("Longitude"),
        help_text=_("From -180 to 180, e.g. 4.8357"),
        error_messages={"required": _("Click the map or type the longitude.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With a geocoder, an empty position is looked up from the address instead.
        optional = geocoding.geocoding_enabled()
        self.fields["latitude"].required = not optional
        self.fields["longitude"].required = not optional

    def clean_position(self, cleaned: dict[str, Any], *, address: str) -> None:
        if "latitude" in self.errors or "longitude" in self.errors:
            return
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if lat is not None and lng is not None:
            return
        if (lat is None) != (lng is None):
            self.add_error(
                "latitude" if lat is None else "longitude",
                _("Give both the latitude and the longitude."),
            )
            return
        found = geocoding.geocode(address) if address else None
        if found is not None:
            cleaned["latitude"], cleaned["longitude"] = found
            return
        self.add_error(
            "latitude",
            _("We could not find this address on the map. Click the map or type the coordinates."),
        )


class BusinessFieldsForm(PositionMixin, forms.ModelForm[Business]):
    class Meta:
        model = Business
        fields: tuple[str, ...] = (
            "name",
            "category",
            "address",
            "postcode",
            "city",
            "country",
            "website",
            "contact_email",
            "contact_phone",
            "opening_hours",
            "price_range",
            "accessibility_notes",
            "transport_notes",
            "description",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 2}),
            "transport_notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "contact_email": _(
                "The shop's own address. The owner can claim the profile through a link sent there."
            ),
            "opening_hours": _("For example: Tue-Sat 10:00-19:00"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("postcode", "contact_phone", "opening_hours"):
            if name in self.fields:
                self.fields[name].validators.append(no_markup)
        self.order_fields([*self.Meta.fields[:6], "latitude", "longitude"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        address = " ".join(
            str(cleaned.get(f) or "") for f in ("address", "postcode", "city", "country")
        ).strip()
        self.clean_position(cleaned, address=address)
        return cleaned

    def _post_clean(self) -> None:
        # The position fields are the form's own; give the model-level validation the
        # cleaned values so that the database constraint is checked, not bypassed.
        for field in ("latitude", "longitude"):
            value = self.cleaned_data.get(field)
            if value is not None:
                setattr(self.instance, field, value)
        super()._post_clean()  # type: ignore[misc]

    def business_data(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in (*self.Meta.fields, "latitude", "longitude")
        }


class NominationForm(BusinessFieldsForm):
    """Everything a member tells about a shop they nominate, and about themselves."""

    reason = forms.CharField(
        label=_("Why this shop?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What makes it worth keeping? Shown to the chapter."),
    )
    interest = forms.ChoiceField(
        label=_("Your personal interest in the shop"),
        choices=Nomination.Interest.choices,
        initial=Nomination.Interest.NONE,
        help_text=_("Declared interests are shown to the chapter, so the vote stays fair."),
    )
    interest_note = forms.CharField(
        label=_("Details of the interest"), max_length=300, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in CHECKLIST_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                help_text=help_text,
                choices=YES_NO,
                coerce=_yes_no,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no.")},
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        interest = cleaned.get("interest")
        if interest and interest != Nomination.Interest.NONE and not cleaned.get("interest_note"):
            self.add_error("interest_note", _("Say briefly what your interest is."))
        return cleaned

    def business_data(self) -> dict[str, Any]:
        data = super().business_data()
        data.update({f: self.cleaned_data[f] for f in CHECKLIST_FIELDS})
        return data

    @property
    def shop_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in (*BusinessFieldsForm.Meta.fields, "latitude", "longitude")]

    @property
    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in CHECKLIST_FIELDS]

    @property
    def nominator_fields(self) -> list[forms.BoundField]:
        return [self["reason"], self["interest"], self["interest_note"]]


class BusinessEditForm(BusinessFieldsForm):
    """The owner's (or an organiser's) edit of the shop's profile. The country is fixed."""

    class Meta(BusinessFieldsForm.Meta):
        fields = tuple(f for f in BusinessFieldsForm.Meta.fields if f in EDITABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial.setdefault("latitude", self.instance.latitude)
            self.initial.setdefault("longitude", self.instance.longitude)

    def clean(self) -> dict[str, Any]:
        forms.ModelForm.clean(self)
        cleaned = self.cleaned_data
        address = (
            " ".join(str(cleaned.get(f) or "") for f in ("address", "postcode", "city"))
            + f" {self.instance.country}"
        )
        self.clean_position(cleaned, address=address.strip())
        return cleaned


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (only moderators see it)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand: no chapter will be able to choose this shop again."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class SearchForm(forms.Form):
    """The search page's filters, all optional; bad values become field errors."""

    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Any category")), *Business.Category.choices],
        required=False,
    )
    chapter = forms.SlugField(label=_("Chapter"), max_length=80, required=False)
    lat = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    radius = forms.FloatField(
        label=_("Within (km)"),
        max_value=MAX_RADIUS_KM,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    page = forms.IntegerField(min_value=1, max_value=1000, required=False, widget=forms.HiddenInput)

    DEFAULT_RADIUS_KM = 5.0

    def __init__(
        self, *args: Any, chapter_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if chapter_choices is not None:
            self.fields["chapter"] = forms.ChoiceField(
                label=_("Chapter"),
                choices=[("", _("All chapters")), *chapter_choices],
                required=False,
            )

    def clean_radius(self) -> float | None:
        radius = self.cleaned_data.get("radius")
        if radius is not None and radius <= 0:
            raise ValidationError(_("The distance must be more than 0 km."), code="min_value")
        return radius

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if "lat" in self.errors or "lng" in self.errors:
            return cleaned
        if (lat is None) != (lng is None):
            missing = "lng" if lng is None else "lat"
            self.add_error(missing, _("Give both the latitude and the longitude."))
        return cleaned

    @property
    def near(self) -> tuple[float, float] | None:
        lat, lng = self.cleaned_data.get("lat"), self.cleaned_data.get("lng")
        if lat is None or lng is None:
            return None
        return lat, lng

    @property
    def radius_km(self) -> float:
        return self.cleaned_data.get("radius") or self.DEFAULT_RADIUS_KM

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


class BBoxForm(forms.Form):
    """``bbox=west,south,east,north`` as Leaflet's ``getBounds().toBBoxString()`` writes it."""

    bbox = forms.CharField(max_length=200)
    q = forms.CharField(max_length=200, required=False)
    category = forms.ChoiceField(choices=[("", ""), *Business.Category.choices], required=False)

    def clean_bbox(self) -> tuple[float, float, float, float]:
        raw = self.cleaned_data["bbox"]
        try:
            west, south, east, north = (float(part) for part in raw.split(","))
        except ValueError:
            raise ValidationError(_("Expected west,south,east,north."), code="invalid") from None
        values = (west, south, east, north)
        if not all(math.isfinite(v) for v in values):  # NaN, inf, 1e400
            raise ValidationError(_("Expected west,south,east,north."), code="invalid")
        south, north = max(-90.0, south), min(90.0, north)
        if south > north:
            raise ValidationError(_("South must not be north of north."), code="invalid")
        # A map panned round the world reports longitudes beyond ±180; a view wider than
        # the world is the whole world.
        if east - west >= 360:
            west, east = -180.0, 180.0
        else:
            west = (west + 180) % 360 - 180
            east = (east + 180) % 360 - 180
        return west, south, east, north
