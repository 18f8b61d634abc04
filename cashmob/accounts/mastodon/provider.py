from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from cashmob.accounts.mastodon.views import MastodonOAuth2Adapter


class MastodonAccount(ProviderAccount):
    def get_profile_url(self) -> str | None:
        return self.account.extra_data.get("url")

    def get_avatar_url(self) -> str | None:
        return self.account.extra_data.get("avatar")

    def to_str(self) -> str:
        data = self.account.extra_data
        return data.get("display_name") or data.get("acct") or super().to_str()


class MastodonProvider(OAuth2Provider):
    id = "mastodon"
    name = "Mastodon"
    account_class = MastodonAccount
    oauth2_adapter_class = MastodonOAuth2Adapter
    # Mastodon 4.3+ supports PKCE; older instances ignore the extra parameters.
    pkce_enabled_default = True

    def get_default_scope(self) -> list[str]:
        return ["read:accounts"]

    def extract_uid(self, data: dict[str, Any]) -> str:
        # Account ids are only unique within one instance: qualify them with its host,
        # so switching MASTODON_INSTANCE can never map a stranger onto an existing user.
        host = urlsplit(data["url"]).netloc
        return f"{data['id']}@{host}"

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        # verify_credentials carries no email address: sign-up asks for one and verifies it.
        return {
            "username": data.get("username"),
            "name": data.get("display_name") or data.get("username"),
        }


provider_classes = [MastodonProvider]
