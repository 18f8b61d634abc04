from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cashmob.accounts.forms import ProfileForm
from cashmob.accounts.models import User
from cashmob.accounts.services import user_update_profile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)  # login_required lets only signed-in people through
    if request.method == "POST":
        # Validation writes the submitted values onto its instance; a separate copy keeps
        # request.user (shown in the page header) as saved when the form is rejected.
        form = ProfileForm(request.POST, instance=User.objects.get(pk=user.pk))
    else:
        form = ProfileForm(instance=user)
    if form.is_bound and form.is_valid():
        user = user_update_profile(user=form.instance, data=form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        # The profile language is the person's choice: drop an older switcher choice.
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    notification_fields = [form[name] for name in User.NOTIFICATION_FIELDS]
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "notification_fields": notification_fields},
    )
