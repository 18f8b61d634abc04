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


def test_admin_cannot_change_a_shops_owner_contact_or_status(admin_client_: Client) -> None:
    owner = UserFactory()
    business = BusinessFactory(owner=owner, contact_email="hello@shop.example")
    url = reverse("admin:businesses_business_change", args=[business.pk])
    page = admin_client_.get(url).content.decode()
    for field in ("owner", "contact_email", "status"):
        assert f'name="{field}"' not in page, field
    admin_client_.post(
        url,
        {
            "name": business.name,
            "owner": str(UserFactory().pk),
            "status": "removed",
            "contact_email": "thief@example.org",
        },
    )
    business.refresh_from_db()
    assert (business.owner_id, business.contact_email, business.status) == (
        owner.pk,
        "hello@shop.example",
        "active",
    )


def test_admin_exclude_action_goes_through_the_service(admin_client_: Client) -> None:
    from cashmob.core.models import AuditEntry
    from cashmob.mobs.tests.factories import MobFactory

    business = BusinessFactory()
    planned = MobFactory(chapter=business.chapter, business=business)
    admin_client_.post(
        reverse("admin:businesses_business_changelist"),
        {"action": "exclude_selected", "_selected_action": [str(business.pk)]},
    )
    business.refresh_from_db()
    planned.refresh_from_db()
    assert business.status == "excluded"
    assert planned.business is None  # the service's rule: a planned mob chooses again
    assert AuditEntry.objects.filter(action="business.exclude", object_id=str(business.pk)).exists()
