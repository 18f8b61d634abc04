from __future__ import annotations

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from cashmob.accounts.mastodon.provider import MastodonProvider

urlpatterns = default_urlpatterns(MastodonProvider)
