"""Forms for chapter pages: they check and normalise input; services decide what happens."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cashmob.chapters.models import Chapter, Membership, time_zone_choices
from cashmob.core.money import Money, MoneyError, currency_choices, parse_amount
from cashmob.core.validators import no_markup

#: The highest default pledge and pledge cap a chapter may set, in minor units (the model's
#: bounds).
MAX_PLEDGE_MINOR = 10_000_000
MAX_PLEDGE_CAP_MINOR = 100_000_000

HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_]{1,30})$")
MASTODON_RE = re.compile(
    r"^@?(?P<user>[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*)"
    r"@(?P<instance>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$"
)
HASHTAG_RE = re.compile(r"^#?(\w{1,50})$")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    """Choices computed per request: translated labels, live currency and zone lists."""
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


class ChapterSearchForm(forms.Form):
    """The directory's search box and country filter (a GET form; never invalid for long)."""

    q = forms.CharField(
        label=_("Search chapters"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("City, neighbourhood or name")}
        ),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, country_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(countries)
        _set_choices(
            self,
            "country",
            [("", _("All countries")), *((code, names.get(code, code)) for code in country_codes)],
        )

    def cleaned_or_empty(self) -> tuple[str, str]:
        """``(query, country)``; an invalid filter (unknown country) falls back to none."""
        if self.is_valid():
            return self.cleaned_data["q"], self.cleaned_data["country"]
        return _text(self.data.get("q"))[:200], ""


AMOUNT_WIDGET_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}


class PledgeMixin(forms.Form):
    """Amounts typed in major units ("20", "20.50") and parsed exactly in the form's currency.

    ``clean`` puts each amount's minor units (an int) into ``cleaned_data`` under the
    model's name (``default_pledge`` becomes ``default_pledge_minor``).
    """

    #: form field -> (model field, the largest value in minor units)
    amount_fields: dict[str, tuple[str, int]] = {
        "default_pledge": ("default_pledge_minor", MAX_PLEDGE_MINOR)
    }

    default_pledge = forms.CharField(
        label=_("Default pledge"),
        max_length=20,
        help_text=_("What each mobber is asked to spend, e.g. 20 or 20.50."),
        widget=forms.TextInput(attrs=AMOUNT_WIDGET_ATTRS),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        currency = cleaned.get("currency")
        for name, (target, maximum) in self.amount_fields.items():
            text = cleaned.get(name)
            if not (currency and text):
                continue
            try:
                minor = parse_amount(text, currency)
            except MoneyError as error:
                self.add_error(name, str(error.message))
                continue
            if minor <= 0:
                self.add_error(name, _("The amount must be more than zero."))
            elif minor > maximum:
                self.add_error(name, _("This amount is too high."))
            else:
                cleaned[target] = minor
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The cleaned values under the names the chapter services know."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.amount_fields}


class ChapterSettingsForm(PledgeMixin, forms.Form):
    """Everything an organiser can change about the chapter."""

    amount_fields = {
        **PledgeMixin.amount_fields,
        "max_pledge": ("max_pledge_minor", MAX_PLEDGE_CAP_MINOR),
    }

    name = forms.CharField(label=_("Name"), max_length=120, validators=[no_markup])
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are, where you meet, what kind of shops you look for."),
    )
    currency = forms.ChoiceField(label=_("Currency"))
    max_pledge = forms.CharField(
        label=_("Largest pledge"),
        max_length=20,
        help_text=_("Pledges above this are refused; spend reports above it wait for review."),
        widget=forms.TextInput(attrs=AMOUNT_WIDGET_ATTRS),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), help_text=_("Mob times are shown in this zone.")
    )
    language = forms.ChoiceField(label=_("Language"))
    house_rules = forms.CharField(
        label=_("House rules"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on every mob page, e.g. spend your pledge, meet three new people."),
    )
    hashtag = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=100,
        help_text=_("For example #cashmob #lyon"),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=300, assume_scheme="https"
    )
    facebook_url = forms.URLField(
        label=_("Facebook page"), required=False, max_length=300, assume_scheme="https"
    )
    x_handle = forms.CharField(
        label=_("X handle"), required=False, max_length=31, help_text=_("For example @cashmoblyon")
    )
    instagram_handle = forms.CharField(
        label=_("Instagram handle"),
        required=False,
        max_length=31,
        help_text=_("For example @cashmoblyon"),
    )
    mastodon_handle = forms.CharField(
        label=_("Mastodon handle"),
        required=False,
        max_length=120,
        help_text=_("For example @cashmob@mastodon.social"),
    )
    cooldown_days = forms.IntegerField(
        label=_("Cool-down after a mob (days)"),
        min_value=0,
        max_value=3650,
        help_text=_("A shop mobbed more recently than this cannot be chosen for another mob yet."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_("Where the chapter's map opens, e.g. 45.764043"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
        help_text=_("For example 4.835659"),
    )

    field_order = [
        "name",
        "description",
        "currency",
        "default_pledge",
        "max_pledge",
        "time_zone",
        "language",
        "house_rules",
        "hashtag",
        "website",
        "facebook_url",
        "x_handle",
        "instagram_handle",
        "mastodon_handle",
        "cooldown_days",
        "latitude",
        "longitude",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "currency", currency_choices())
        _set_choices(self, "time_zone", time_zone_choices())
        _set_choices(self, "language", settings.LANGUAGES)

    @classmethod
    def initial_for(cls, chapter: Chapter) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(chapter, name)
            for name in cls.base_fields
            if name not in cls.amount_fields and hasattr(chapter, name)
        }
        for name, (target, _maximum) in cls.amount_fields.items():
            initial[name] = Money(getattr(chapter, target), chapter.currency).as_typed
        for handle in ("x_handle", "instagram_handle"):
            if initial[handle]:
                initial[handle] = "@" + initial[handle]
        return initial

    def _clean_handle(self, name: str) -> str:
        value = _text(self.cleaned_data.get(name))
        if not value:
            return ""
        match = HANDLE_RE.match(value)
        if match is None:
            raise forms.ValidationError(
                _("Use 1 to 30 letters, digits or underscores, e.g. @cashmoblyon."),
                code="handle",
            )
        return match.group(1)

    def clean_x_handle(self) -> str:
        return self._clean_handle("x_handle")

    def clean_instagram_handle(self) -> str:
        return self._clean_handle("instagram_handle")

    def clean_mastodon_handle(self) -> str:
        value = _text(self.cleaned_data.get("mastodon_handle"))
        if not value:
            return ""
        match = MASTODON_RE.match(value)
        if match is None:
            raise forms.ValidationError(
                _("Use the full address, e.g. @cashmob@mastodon.social."), code="mastodon"
            )
        return f"@{match['user']}@{match['instance'].lower()}"

    def clean_hashtag(self) -> str:
        tags = []
        for word in _text(self.cleaned_data.get("hashtag")).split():
            match = HASHTAG_RE.match(word)
            if match is None:
                raise forms.ValidationError(
                    _("Write hashtags as words separated by spaces, e.g. #cashmob #lyon."),
                    code="hashtag",
                )
            tags.append("#" + match.group(1))
        return " ".join(tags)

    def clean_facebook_url(self) -> str:
        value = self.cleaned_data.get("facebook_url") or ""
        host = re.sub(r"^https?://", "", value).split("/", 1)[0].split(":", 1)[0].lower()
        if value and not (host in {"facebook.com", "fb.com"} or host.endswith(".facebook.com")):
            raise forms.ValidationError(
                _("Enter the address of a Facebook page (facebook.com/...)."), code="facebook"
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # PledgeMixin.clean: always a dict
        pledge, cap = cleaned.get("default_pledge_minor"), cleaned.get("max_pledge_minor")
        if pledge is not None and cap is not None and pledge > cap:
            self.add_error("default_pledge", _("The default pledge is above the largest pledge."))
            del cleaned["default_pledge_minor"]
        has_lat = cleaned.get("latitude") is not None
        has_lng = cleaned.get("longitude") is not None
        if (
            has_lat != has_lng
            and not self.has_error("latitude")
            and not self.has_error("longitude")
        ):
            self.add_error(
                "longitude" if has_lat else "latitude",
                _("Give both latitude and longitude, or neither."),
            )
        return cleaned


class ChapterRequestForm(PledgeMixin, forms.Form):
    """Ask moderators for a new chapter."""

    name = forms.CharField(
        label=_("Chapter name"),
        max_length=120,
        validators=[no_markup],
        help_text=_("For example Cash Mob Lyon, or Cash Mob Croix-Rousse for a neighbourhood."),
    )
    city = forms.CharField(label=_("City"), max_length=120, validators=[no_markup])
    country = forms.ChoiceField(label=_("Country"))
    time_zone = forms.ChoiceField(label=_("Time zone"))
    currency = forms.ChoiceField(label=_("Currency"))
    language = forms.ChoiceField(label=_("Language"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are, where you meet, what kind of shops you look for."),
    )

    field_order = [
        "name",
        "city",
        "country",
        "time_zone",
        "currency",
        "default_pledge",
        "language",
        "description",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "country", [("", _("Choose a country")), *countries])
        _set_choices(self, "currency", currency_choices())
        _set_choices(self, "time_zone", [("", _("Choose a time zone")), *time_zone_choices()])
        _set_choices(self, "language", settings.LANGUAGES)


class MembershipRoleForm(forms.Form):
    """One row of the members page: whose role becomes what."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ChapterRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the person who asked for the chapter."),
        validators=[RegexValidator(r"\S", message=_("Give a reason."))],
    )
