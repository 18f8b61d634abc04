"""Owners claim a profile through a private link emailed to the shop: signed, expiring, once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.models import Business, ClaimInvitation
from cashmob.businesses.services import CLAIM_SALT, claim_invite
from cashmob.businesses.tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db(transaction=True)


def request_claim(client: Client, business: Business) -> Any:
    return client.post(reverse("businesses:claim_request", kwargs={"slug": business.slug}))


def emailed_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://\S+/shops/claim/[^/\s]+/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return urlsplit(match.group(0)).path


def test_claim_request_emails_the_shop_a_private_link(client: Client) -> None:
    business = BusinessFactory(contact_email="hello@shop.example", name="Fleurs de Saône")
    response = request_claim(client, business)
    assert response.status_code == 302
    assert response["Location"] == business.get_absolute_url()
    assert mail.outbox[0].to == ["hello@shop.example"]
    assert "Fleurs de Saône" in mail.outbox[0].subject
    html = mail.outbox[0].alternatives[0][0]
    assert "/shops/claim/" in html
    assert ClaimInvitation.objects.filter(business=business).count() == 1


def test_claim_request_twice_within_the_hour_is_refused(client: Client) -> None:
    business = BusinessFactory()
    request_claim(client, business)
    response = request_claim(client, business)
    assert response.status_code == 429
    assert len(mail.outbox) == 1


def test_claim_request_without_contact_email_is_refused(client: Client) -> None:
    business = BusinessFactory(contact_email="")
    response = request_claim(client, business)
    assert response.status_code == 400
    assert b'data-error-code="no_contact_email"' in response.content
    assert not mail.outbox


def test_claim_landing_anonymous_is_asked_to_log_in_and_comes_back(client: Client) -> None:
    business = BusinessFactory()
    request_claim(client, business)
    link = emailed_link()
    response = client.get(link)
    assert response.status_code == 200
    content = response.content.decode()
    assert business.name in content
    assert f"{reverse('account_login')}?next=" in content
    post = client.post(link)
    assert post.status_code == 302
    assert post["Location"].startswith(reverse("account_login"))
    business.refresh_from_db()
    assert business.owner is None


def test_claim_accept_makes_the_user_the_owner_once(client: Client) -> None:
    business = BusinessFactory()
    request_claim(client, business)
    link = emailed_link()
    owner = UserFactory()
    client.force_login(owner)
    response = client.post(link)
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.owner == owner
    assert business.claimed_at is not None
    # The owner may now edit the profile.
    assert client.get(reverse("businesses:edit", kwargs={"slug": business.slug})).status_code == 200


def test_claim_link_reused_is_refused_and_changes_nothing(client: Client) -> None:
    business = BusinessFactory()
    request_claim(client, business)
    link = emailed_link()
    first = UserFactory()
    client.force_login(first)
    client.post(link)
    client.force_login(UserFactory())
    assert client.get(link).status_code == 400
    response = client.post(link)
    assert response.status_code == 400
    assert b'data-error-code="claim_used"' in response.content
    business.refresh_from_db()
    assert business.owner == first


def test_claim_link_forged_is_refused(client: Client) -> None:
    business = BusinessFactory()
    forged = signing.dumps({"n": "guessed"}, salt="another-salt")
    client.force_login(UserFactory())
    for method in (client.get, client.post):
        response = method(reverse("businesses:claim", kwargs={"token": forged}))
        assert response.status_code == 400
        assert b'data-error-code="claim_invalid"' in response.content
    business.refresh_from_db()
    assert business.owner is None


def test_claim_link_with_an_unknown_nonce_is_refused(client: Client) -> None:
    token = signing.dumps({"n": "no-such-nonce"}, salt=CLAIM_SALT, compress=True)
    response = client.get(reverse("businesses:claim", kwargs={"token": token}))
    assert response.status_code == 400


def test_claim_link_expired_is_refused(client: Client) -> None:
    business = BusinessFactory()
    request_claim(client, business)
    link = emailed_link()
    client.force_login(UserFactory())
    later = signing.time.time() + timedelta(days=8).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(link)
    assert response.status_code == 400
    assert b'data-error-code="claim_expired"' in response.content
    business.refresh_from_db()
    assert business.owner is None
    assert ClaimInvitation.objects.get().used_at is None


def test_claim_of_an_already_claimed_shop_cannot_be_requested(client: Client) -> None:
    business = BusinessFactory(owner=UserFactory())
    response = request_claim(client, business)
    assert response.status_code == 409
    assert not mail.outbox


def test_claim_invite_from_the_service_sends_after_commit() -> None:
    business = BusinessFactory()
    claim_invite(business=business, requested_by=None)
    assert len(mail.outbox) == 1


def test_business_update_contact_email_by_the_nominator_is_refused() -> None:
    """The contact address gets the claim link and consent requests: only owner or staff."""
    from cashmob.businesses.exceptions import BusinessPermissionError
    from cashmob.businesses.services import business_update
    from cashmob.businesses.tests.factories import BusinessFactory
    from cashmob.chapters.tests.factories import MembershipFactory

    nominator = MembershipFactory().user
    business = BusinessFactory(nominated_by=nominator, contact_email="shop@example.org")
    with pytest.raises(BusinessPermissionError) as excinfo:
        business_update(
            business=business, actor=nominator, data={"contact_email": "me@evil.example"}
        )
    assert excinfo.value.code == "contact_email_locked"
    business.refresh_from_db()
    assert business.contact_email == "shop@example.org"
    business_update(business=business, actor=nominator, data={"opening_hours": "Tue-Sat 10-19"})
    business.refresh_from_db()
    assert business.opening_hours == "Tue-Sat 10-19"
