from __future__ import annotations

from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialToken
from django.test import Client, RequestFactory
from django.urls import reverse

from cashmob.accounts.mastodon.views import MastodonOAuth2Adapter
from config.settings import _social_providers

pytestmark = pytest.mark.django_db

INSTANCE = "https://mobs.example.social"
CREDENTIALS = {
    "FACEBOOK_CLIENT_ID": "fb-id",
    "FACEBOOK_CLIENT_SECRET": "fb-secret",
    "TWITTER_CLIENT_ID": "x-id",
    "TWITTER_CLIENT_SECRET": "x-secret",
    "MASTODON_CLIENT_ID": "masto-id",
    "MASTODON_CLIENT_SECRET": "masto-secret",
    "MASTODON_INSTANCE": INSTANCE,
}
VERIFY_CREDENTIALS = {
    "id": "109876543210",
    "username": "ada",
    "acct": "ada",
    "display_name": "Ada Mobber",
    "url": f"{INSTANCE}/@ada",
    "avatar": f"{INSTANCE}/avatars/ada.png",
}


@pytest.fixture
def no_social_env(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    settings.SOCIALACCOUNT_PROVIDERS = _social_providers()


@pytest.fixture
def social_env(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = _social_providers()


def provider_ids(rf: RequestFactory) -> set[str]:
    request = rf.get("/")
    return {provider.id for provider in get_adapter(request).list_providers(request)}


def json_response(payload: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = requests.compat.json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return response


@pytest.mark.usefixtures("no_social_env")
def test_social_without_credentials_has_no_providers(rf: RequestFactory) -> None:
    """With no client id and secret in the environment, no social login is switched on."""
    assert provider_ids(rf) == set()


@pytest.mark.usefixtures("no_social_env")
def test_social_without_credentials_login_page_has_no_buttons(client: Client) -> None:
    """The login page offers no social buttons when no provider is configured."""
    page = client.get(reverse("account_login")).content.decode()

    for provider in ("facebook", "twitter_oauth2", "mastodon"):
        assert f"/accounts/{provider}/login/" not in page


@pytest.mark.usefixtures("no_social_env")
def test_social_without_credentials_login_url_is_not_found(client: Client) -> None:
    """An unconfigured provider's login address answers 404, not a half-configured flow."""
    response = client.post(reverse("mastodon_login"))

    assert response.status_code == 404


@pytest.mark.usefixtures("social_env")
def test_social_with_credentials_lists_three_providers(rf: RequestFactory) -> None:
    """With credentials set, Facebook, X (OAuth2) and Mastodon are offered."""
    assert provider_ids(rf) == {"facebook", "twitter_oauth2", "mastodon"}


@pytest.mark.usefixtures("social_env")
def test_social_with_credentials_login_page_links_providers(client: Client) -> None:
    """The login page links to each configured provider."""
    page = client.get(reverse("account_login")).content.decode()

    for provider in ("facebook", "twitter_oauth2", "mastodon"):
        assert reverse(f"{provider}_login") in page


@pytest.mark.usefixtures("social_env")
def test_mastodon_login_redirects_to_instance_authorize_url(client: Client) -> None:
    """Starting a Mastodon login sends the browser to the configured instance's authorize page."""
    response = client.post(reverse("mastodon_login"))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{INSTANCE}/oauth/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == ["masto-id"]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["read:accounts"]
    assert query["redirect_uri"] == ["http://testserver/accounts/mastodon/login/callback/"]
    assert query["state"]
    assert query["code_challenge_method"] == ["S256"]


@pytest.mark.usefixtures("social_env")
def test_mastodon_adapter_uses_instance_endpoints(rf: RequestFactory) -> None:
    """Token and profile endpoints live on the configured instance."""
    adapter = MastodonOAuth2Adapter(rf.get("/"))

    assert adapter.access_token_url == f"{INSTANCE}/oauth/token"
    assert adapter.profile_url == f"{INSTANCE}/api/v1/accounts/verify_credentials"


@pytest.mark.usefixtures("social_env")
def test_mastodon_complete_login_parses_verify_credentials(rf: RequestFactory) -> None:
    """verify_credentials becomes a social login keyed by account id and instance host."""
    request = rf.get("/")
    adapter = MastodonOAuth2Adapter(request)
    app = adapter.get_provider().app

    with mock.patch.object(
        requests.Session, "get", return_value=json_response(VERIFY_CREDENTIALS)
    ) as remote:
        login = adapter.complete_login(request, app, SocialToken(token="t0k3n"))

    remote.assert_called_once_with(
        f"{INSTANCE}/api/v1/accounts/verify_credentials",
        headers={"Authorization": "Bearer t0k3n"},
    )
    assert login.account.provider == "mastodon"
    assert login.account.uid == "109876543210@mobs.example.social"
    assert login.account.extra_data["username"] == "ada"
    assert login.user.display_name == "Ada Mobber"
    assert login.account.get_provider_account().to_str() == "Ada Mobber"


@pytest.mark.usefixtures("social_env")
def test_mastodon_callback_without_email_asks_for_one(client: Client) -> None:
    """Mastodon gives no email address: after the round trip the person is asked for one."""
    start = client.post(reverse("mastodon_login"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    token = json_response({"access_token": "t0k3n", "token_type": "Bearer"})

    with (
        mock.patch.object(requests.Session, "request", return_value=token) as token_call,
        mock.patch.object(requests.Session, "get", return_value=json_response(VERIFY_CREDENTIALS)),
    ):
        response = client.get(reverse("mastodon_callback"), {"code": "abc", "state": state})

    assert token_call.call_args.args[:2] == ("POST", f"{INSTANCE}/oauth/token")
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    assert "_auth_user_id" not in client.session
