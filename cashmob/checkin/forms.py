"""Forms of the day: they check shapes only; every rule is in :mod:`cashmob.checkin.services`."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cashmob.checkin.receipts import MAX_BYTES


class MobCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown in the shop"),
        max_length=20,
        help_text=_("Six letters and digits, on the poster at the till."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Personal code"),
        max_length=300,
        help_text=_("Scan the mobber's QR code, or type the code printed under it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class WalkInForm(forms.Form):
    walk_in_name = forms.CharField(
        label=_("Walk-in's name"),
        max_length=80,
        help_text=_("Someone who came without signing up."),
    )
    # A new key each time the form is shown: sending it twice (a double tap, a retry)
    # adds the walk-in once.
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


class AboutForm(forms.Form):
    first_time = forms.TypedChoiceField(
        label=_("First time in this shop?"),
        choices=[("", _("Rather not say")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    met_count = forms.IntegerField(
        label=_("How many new people did you meet?"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("The house rule says three. Optional, just for fun."),
    )


class SpendReportForm(forms.Form):
    amount = forms.CharField(
        label=_("What you spent"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input--money"}
        ),
    )
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    receipt = forms.FileField(
        label=_("Receipt photo"),
        required=False,
        help_text=_("A photo of your receipt, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        # A new key for every form shown: a retried POST of this form repeats its key.
        initial.setdefault("idempotency_key", uuid.uuid4())
        initial.setdefault("currency", currency)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s, as on your receipt.") % {
            "currency": currency
        }

    def clean_receipt(self) -> Any:
        receipt = self.cleaned_data.get("receipt")
        if receipt and receipt.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The photo is too large: at most 5 MB."), code="receipt_too_large"
            )
        return receipt


class CorrectForm(forms.Form):
    """One report's correction. The day page shows one per report beside the new-report form,
    all with an amount: each takes its ids from its report, so that no two fields share one."""

    amount = forms.CharField(
        label=_("Corrected amount"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input--money"}
        ),
    )
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)

    def __init__(self, *args: Any, report_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_correct_{report_id}_%s")
        super().__init__(*args, **kwargs)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Count it")), ("reject", _("Reject it"))])


class OwnerConfirmForm(forms.Form):
    total = forms.CharField(
        label=_("Till total during the mob"),
        max_length=20,
        help_text=_("Everything your till took between the start and the end of the mob."),
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input--money"}
        ),
    )
    transaction_count = forms.IntegerField(
        label=_("Number of sales"), min_value=0, max_value=1_000_000, required=False
    )
