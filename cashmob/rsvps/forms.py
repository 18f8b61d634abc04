from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cashmob.core.money import MoneyError, parse_amount
from cashmob.mobs.models import Mob


class PledgeForm(forms.Form):
    """A pledge typed in major units ("20", "25.50"), parsed exactly into minor units."""

    pledge = forms.CharField(
        label=_("Your pledge"),
        max_length=20,
        help_text=_("What you intend to spend at the shop, at least the mob's pledge."),
    )
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)

    def __init__(self, *args: Any, mob: Mob, **kwargs: Any) -> None:
        self.mob = mob
        kwargs["initial"] = dict(kwargs.get("initial") or {})
        kwargs["initial"].setdefault("currency", mob.currency)
        kwargs["initial"].setdefault("pledge", mob.pledge.as_typed)
        super().__init__(*args, **kwargs)
        self.fields["pledge"].widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "class": "input--money"}
        )

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].upper()
        if currency != self.mob.currency:
            raise forms.ValidationError(
                _("Pledge in %(currency)s, the currency of this mob."),
                params={"currency": self.mob.currency},
                code="wrong_currency",
            )
        return currency

    def clean_pledge(self) -> int:
        try:
            return parse_amount(self.cleaned_data["pledge"], self.mob.currency)
        except MoneyError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


class GuestRsvpForm(PledgeForm):
    name = forms.CharField(label=_("Your name"), max_length=80)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    field_order = ("name", "email", "pledge", "currency")

    def clean_name(self) -> str:
        from cashmob.core.validators import no_markup

        name = self.cleaned_data["name"].strip()
        no_markup(name)
        return name
