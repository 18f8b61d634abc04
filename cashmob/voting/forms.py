from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cashmob.voting.models import Candidate, SlotAnswer


class BallotForm(forms.Form):
    choices = forms.ModelMultipleChoiceField(
        queryset=Candidate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Tick every shop you would support"),
        error_messages={"required": _("Tick at least one shop you would support.")},
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["choices"]
        field.queryset = Candidate.objects.filter(pk__in=[c.pk for c in candidates])  # type: ignore[attr-defined]
        names = {c.pk: c.business.name for c in candidates}
        field.label_from_instance = lambda c: names.get(c.pk, str(c))  # type: ignore[attr-defined]


class SlotAnswersForm(forms.Form):
    """One yes / if need be / no question per slot; field names are ``slot_<id>``."""

    def __init__(self, *args: Any, slots: list[Any], labels: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=labels[slot.pk],
                choices=SlotAnswer.Answer.choices,
                widget=forms.RadioSelect,
                required=True,
            )

    def answers(self) -> dict[int, str]:
        return {int(name.removeprefix("slot_")): value for name, value in self.cleaned_data.items()}


class PollCloseForm(forms.Form):
    """The organiser closes the date poll, taking the best slot or picking one."""

    # Shown beside the poll's own answers (fields slot_<pk>) and the dashboard's forms.
    prefix = "poll_close"

    slot = forms.TypedChoiceField(
        label=_("The mob's time"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("Leave unticked to take the best-rated slot."),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = choices  # type: ignore[attr-defined]
