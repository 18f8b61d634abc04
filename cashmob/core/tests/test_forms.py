"""The error summary's rule: every message is said once."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

from cashmob.core.forms import form_error_summary


class _OneField(forms.Form):
    code = forms.CharField(label="Code")


class _Several(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="Email")
    key = forms.CharField(widget=forms.HiddenInput)

    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("The whole form is wrong.")


def _render(form: forms.Form) -> str:
    return Template('{% include "includes/form.html" with form=form %}').render(
        Context({"form": form})
    )


def test_summary_of_a_one_field_form_is_empty_its_field_says_it() -> None:
    form = _OneField({"code": ""})
    assert not form_error_summary(form)
    html = _render(form)
    assert html.count("This field is required.") == 1
    assert "error-summary" not in html


def test_summary_lists_what_no_field_shows_and_links_to_the_fields_in_error() -> None:
    form = _Several({"name": "", "email": "not an address", "key": ""})
    summary = form_error_summary(form)
    assert summary.messages == ["The whole form is wrong.", "This field is required."]
    assert [field.name for field in summary.fields] == ["name", "email"]
    html = _render(form)
    assert html.count("The whole form is wrong.") == 1
    assert html.count("Enter a valid email address.") == 1
    assert '<a href="#id_email">Email</a>' in html


def test_unbound_form_has_no_summary() -> None:
    assert not form_error_summary(_Several())
