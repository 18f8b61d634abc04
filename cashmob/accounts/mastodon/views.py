from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

DEFAULT_INSTANCE = "https://mastodon.social"


class MastodonOAuth2Adapter(OAuth2Adapter):
    """OAuth2 against one Mastodon instance, whose base URL is the app's ``api_base_url``."""

    provider_id = "mastodon"

    @property
    def instance_url(self) -> str:
        app = self.get_provider().app
        url = str(app.settings.get("api_base_url") or DEFAULT_INSTANCE).rstrip("/")
        if not url.startswith("https://"):
            raise ImproperlyConfigured("MASTODON_INSTANCE must be an https:// URL.")
        return url

    @property
    def authorize_url(self) -> str:
        return f"{self.instance_url}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{self.instance_url}/oauth/token"

    @property
    def profile_url(self) -> str:
        return f"{self.instance_url}/api/v1/accounts/verify_credentials"

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, headers={"Authorization": f"Bearer {token.token}"}
            )
            response.raise_for_status()
            extra_data = response.json()
        return self.get_provider().sociallogin_from_response(request, extra_data)


oauth2_login = OAuth2LoginView.adapter_view(MastodonOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(MastodonOAuth2Adapter)
