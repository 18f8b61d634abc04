"""Error pages keep the site's look: a stale form, a refused host, a missing page, a crash."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_sent_without_its_token_gets_the_sites_expired_form_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"login": "a@example.org", "password": "x"},
        HTTP_REFERER="http://testserver/accounts/login/?next=/rsvp/mine/",
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page
    assert 'href="http://testserver/accounts/login/?next=/rsvp/mine/"' in page  # back to it
    elsewhere = client.post("/accounts/login/", {}, HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in elsewhere.content.decode()
    assert "css/cashmob" in page


def test_a_refused_host_name_gets_the_standalone_bad_request_page(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This request could not be understood" in page
    assert "css/cashmob" in page


def test_server_error_page_is_standalone_and_styled() -> None:
    from django.test import RequestFactory

    from cashmob.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "css/cashmob" in page


def test_a_missing_page_is_in_the_sites_look(client: Client) -> None:
    missing = client.get("/shops/no-such-shop/")
    assert missing.status_code == 404
    assert "css/cashmob" in missing.content.decode()
