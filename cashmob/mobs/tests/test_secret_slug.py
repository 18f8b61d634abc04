"""A secret mob's address names its city, never its shop, and keeps it after the reveal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.mobs.consent import consent_answer, consent_request_send
from cashmob.mobs.models import Consent, Mob
from cashmob.mobs.services import mob_plan, mob_publish, mob_reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed():  # type: ignore[no-untyped-def]
    """A mob at "Librairie des Canuts" titled after it, the shop's yes in hand."""
    chapter = ChapterFactory(city="Lyon")
    organiser = OrganiserFactory(chapter=chapter).user
    shop = BusinessFactory(chapter=chapter, name="Librairie des Canuts")
    mob = mob_plan(
        chapter=chapter,
        actor=organiser,
        title="Cash mob chez Librairie des Canuts",
        meeting_point="Place de la Croix-Rousse",
    )
    Mob.objects.filter(pk=mob.pk).update(business=shop)
    mob.refresh_from_db()
    start = timezone.now() + timedelta(days=10)
    request = consent_request_send(
        mob=mob, actor=organiser, slots=[(start, start + timedelta(hours=2))]
    )
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    return mob, organiser


def _words(text: str) -> set[str]:
    return {w for w in slugify(text).split("-") if len(w) > 3}


def test_a_secret_mobs_slug_names_the_city_not_the_shop(agreed) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = agreed
    assert "canuts" in mob.slug  # made from the title while planning
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    assert re.fullmatch(r"lyon-cash-mob-[0-9a-f]{6}", mob.slug), mob.slug
    assert not _words("Librairie des Canuts") & set(mob.slug.split("-"))
    assert mob.former_slug == "cash-mob-chez-librairie-des-canuts"


def test_a_mob_published_openly_keeps_its_slug(agreed) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = agreed
    slug = mob.slug
    mob = mob_publish(mob=mob, actor=organiser)
    assert mob.slug == slug
    assert mob.former_slug == ""


def test_the_reveal_keeps_the_address(agreed, client) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = agreed
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    url = mob.get_absolute_url()
    mob = mob_reveal(mob=mob, actor=organiser)
    assert mob.get_absolute_url() == url
    page = client.get(url)
    assert page.status_code == 200
    assert "Librairie des Canuts" in page.content.decode()


def test_the_old_address_leads_organisers_to_the_secret_mob_and_others_nowhere(
    agreed, client
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = agreed
    old = mob.get_absolute_url()
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    # Whoever guesses the old address must not learn which mob goes to the shop.
    assert client.get(old).status_code == 404
    client.force_login(organiser)
    response = client.get(old)
    assert response.status_code == 302  # depends on who asks: never cached as permanent
    assert response["Location"] == mob.get_absolute_url()
    dashboard = client.get(f"{old}dashboard/")
    assert dashboard["Location"] == f"{mob.get_absolute_url()}dashboard/"
    # Once the shop is revealed, old links work for everyone.
    mob_reveal(mob=mob, actor=organiser)
    client.logout()
    assert client.get(old)["Location"] == mob.get_absolute_url()


def test_a_new_mob_never_takes_a_secret_mobs_old_address(agreed) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = agreed
    old = mob.slug
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    assert mob.former_slug == old
    again = mob_plan(
        chapter=mob.chapter,
        actor=organiser,
        title="Cash mob chez Librairie des Canuts",
        meeting_point="Place de la Croix-Rousse",
    )
    assert again.slug not in {old, mob.slug}
    assert Mob.objects.filter(Q(slug=old) | Q(former_slug=old)).count() == 1
