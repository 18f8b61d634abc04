"""The admin lists the directory's records; claim invitations are read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.models import BusinessFollow, ClaimInvitation, Nomination
from cashmob.businesses.tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["business", "nomination", "businessfollow", "claiminvitation"])
def test_admin_changelists_load(admin_client_: Client, model: str) -> None:
    business = BusinessFactory()
    user = UserFactory()
    Nomination.objects.create(business=business, user=user, chapter=business.chapter)
    BusinessFollow.objects.create(business=business, user=user)
    ClaimInvitation.objects.create(business=business, email="a@b.example", nonce="n1")
    response = admin_client_.get(reverse(f"admin:businesses_{model}_changelist"))
    assert response.status_code == 200


def test_admin_claim_invitations_cannot_be_added_or_changed(admin_client_: Client) -> None:
    invitation = ClaimInvitation.objects.create(
        business=BusinessFactory(), email="a@b.example", nonce="secret-nonce"
    )
    assert admin_client_.get(reverse("admin:businesses_claiminvitation_add")).status_code == 403
    response = admin_client_.get(
        reverse("admin:businesses_claiminvitation_change", args=[invitation.pk])
    )
    assert response.status_code == 200
    assert b"secret-nonce" not in response.content
