from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Serve a signed-in person in the language of their profile.

    An explicit choice in the language switcher (the language cookie) still wins, so a
    visitor can look at a page in another language without editing their profile.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
