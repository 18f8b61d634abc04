from __future__ import annotations

from typing import Any

from django import forms

from cashmob.accounts.models import User
from cashmob.chapters.models import Chapter


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ("display_name", "home_chapter", "language", *User.NOTIFICATION_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_chapter"].queryset = Chapter.objects.filter(  # type: ignore[attr-defined]
            status=Chapter.Status.ACTIVE
        ).order_by("name")
