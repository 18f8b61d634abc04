"""Sign in with a Mastodon account on the instance set in ``MASTODON_INSTANCE``.

django-allauth ships no Mastodon provider; this one follows the layout of allauth's own
OAuth2 providers (``provider.py``, ``views.py``, ``urls.py``) so the registry finds it.
"""
