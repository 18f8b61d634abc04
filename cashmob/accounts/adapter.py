"""How django-allauth creates people and sends them mail, Cashmob's way."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpRequest
from django.utils import translation

from cashmob.accounts.models import User
from cashmob.core.email import email_enqueue_rendered
from cashmob.core.languages import recipient_language


def active_language() -> str:
    """The supported language the current request is served in (the site default if none)."""
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def account_email_language(*, email: str) -> str:
    """The language of an account email to ``email`` (the site's one rule): its owner's
    profile language; for a stranger, the language of the page they asked from."""
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    user = address.user if address is not None else None
    if user is None:
        user = User.objects.filter(email__iexact=email).only("language").first()
    return recipient_language(user=user, known=active_language())


class AccountAdapter(DefaultAccountAdapter):
    def new_user(self, request: HttpRequest) -> User:
        """A new account (by email or social login) starts in the language of the sign-up page."""
        user = super().new_user(request)
        user.language = active_language()
        return user

    def login(self, request: HttpRequest, user: User) -> None:
        """Sign in, and speak the person's profile language from now on: the "signed in"
        message and the page after it then agree (as the middleware does on later pages).
        An explicit choice in the language switcher still wins."""
        super().login(request, user)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = recipient_language(user=user)
            translation.activate(language)
            request.LANGUAGE_CODE = language

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Write every account email in its recipient's language, not the sender's, and
        send it from the task queue: a mail server that is slow or down delays the
        message and never fails the sign-up or reset page."""
        with translation.override(account_email_language(email=email)):
            request = allauth_context.request
            ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
            ctx.update(context)
            message = self.render_mail(template_prefix, email, ctx)
        email_enqueue_rendered(message)


class ProviderNotConfiguredError(SocialApp.DoesNotExist, Http404):
    """A social login whose credentials are not set: a 404 for browsers, as allauth expects."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(
        self, request: HttpRequest, provider: str, client_id: str | None = None
    ) -> SocialApp:
        """Answer 404, not 500, at the login address of a provider that is switched off."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise ProviderNotConfiguredError(provider) from error

    def populate_user(
        self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]
    ) -> User:
        """Take the display name from the social profile, cut to what the profile allows."""
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or "").strip()
        if name and not user.display_name:
            max_length = User._meta.get_field("display_name").max_length or 80
            user.display_name = name[:max_length]
        return user
