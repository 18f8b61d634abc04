from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cashmob.accounts.forms import ProfileForm
from cashmob.accounts.services import user_update_profile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = user_update_profile(user=request.user, data=form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        # The profile language is the person's choice: drop an older switcher choice.
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(request, "accounts/profile.html", {"form": form})
