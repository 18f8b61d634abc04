"""A shop owner signs in and finds its shop: the organisers' request, answered right there."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .support import Browsing, check_a11y, screenshot

OWNER = "owner@demo.cashmob.org"

_ASK = """
import json
from datetime import timedelta
from django.utils import timezone
from cashmob.accounts.models import User
from cashmob.businesses.models import Business
from cashmob.chapters.models import Chapter, Membership
from cashmob.mobs.consent import consent_request_send
from cashmob.mobs.models import Mob
from cashmob.businesses.tests.factories import BusinessFactory
owner = User.objects.get(email="owner@demo.cashmob.org")
# The owner's bookshop has its mob under way (one mob per shop): the owner also runs a
# second Lyon shop, free to be asked, so My shop first lists both.
shop = Business.objects.filter(owner=owner, slug=f"shop-{SLUG}").first() or BusinessFactory(
    chapter=Chapter.objects.get(slug="lyon"), owner=owner, slug=f"shop-{SLUG}",
    name=f"Atelier {SLUG}", city="Lyon")
organiser = User.objects.get(email="organiser@demo.cashmob.org")
Membership.objects.update_or_create(
    chapter=shop.chapter, user=organiser, defaults={"role": "organiser"})
start = (timezone.now() + timedelta(days=12)).replace(minute=0, second=0, microsecond=0)
mob, _ = Mob.objects.get_or_create(slug=SLUG, defaults=dict(
    chapter=shop.chapter, business=shop, title=TITLE, meeting_point="Place de la Croix-Rousse",
    pledge_minor=shop.chapter.default_pledge_minor, currency=shop.chapter.currency,
    created_by=organiser))
slots = [(start, start + timedelta(hours=2))]
request = consent_request_send(mob=mob, actor=organiser, slots=slots)
print(json.dumps({"pk": request.pk, "shop": shop.slug, "name": shop.name}))
"""

_STATE = """
import json
from cashmob.mobs.models import ConsentRequest
request = ConsentRequest.objects.select_related("mob").get(pk=PK)
print(json.dumps({"answer": request.answer, "status": request.mob.status,
                  "capacity": request.mob.capacity}))
"""


@pytest.mark.e2e
def test_the_demo_owner_answers_a_request_from_my_shop(browsing: Browsing, viewport: dict) -> None:
    tag = f"myshop{viewport['width']}"
    title = f"Mob {tag}"
    asked = browsing.server.shell(f"SLUG = {tag!r}\nTITLE = {title!r}\n{_ASK}")
    shop = asked["shop"]
    page = browsing.signed_in(OWNER, viewport=viewport)
    # The header leads an owner to its shop: no emailed link needed (inside Menu on phones).
    menu = page.get_by_role("banner").locator("details.nav-menu")
    if not page.locator('.site-nav a[href="/my-shop/"]').is_visible():
        menu.locator(":scope > summary").click()
    page.locator('.site-nav a[href="/my-shop/"]').click()
    # Two shops: a list first, the bookshop's mob under way, then the shop that is asked.
    expect(page).to_have_url(re.compile(r"/my-shop/$"))
    expect(page.locator('a[href="/my-shop/librairie-des-canuts/"]')).to_be_visible()
    check_a11y(page)
    page.locator(f'a[href="/my-shop/{shop}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/my-shop/{shop}/$"))
    card = page.locator(f'[data-request="{asked["pk"]}"]')
    expect(card).to_contain_text(title)
    check_a11y(page)
    screenshot(page, f"my-shop-{'phone' if viewport['width'] < 500 else 'desktop'}")

    card.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/my-shop/{shop}/requests/{asked['pk']}/$"))
    accept = page.locator('form:has(input[name="answer"][value="accepted"])')
    accept.locator('input[name="max_crowd"]').fill("40")
    accept.locator('button[type="submit"]').click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/my-shop/{shop}/requests/{asked['pk']}/$"))
    state = browsing.server.shell(f"PK = {json.dumps(asked['pk'])}\n{_STATE}")
    assert state == {"answer": "accepted", "status": "confirmed", "capacity": 40}
    check_a11y(page)
    # Back in My shop, the request shows the shop's answer, still changeable.
    page.locator(f'a[href="/my-shop/{shop}/"]').first.click()
    expect(page.locator(f'[data-request="{asked["pk"]}"] .badge')).to_have_class(
        re.compile("badge--published")
    )
