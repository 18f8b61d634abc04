"""The rotation: a shop has one mob at a time, then rests for the chapter's cool-down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cashmob.businesses.models import Business
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.mobs.exceptions import ShopUnavailableError
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.rotation import business_check_available, rotation_get
from cashmob.mobs.services import mob_cancel, mob_choose_business, mob_transition
from cashmob.mobs.tests.dashboard import dashboard_data
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory
from cashmob.voting.exceptions import VotingError
from cashmob.voting.services import shop_vote_open

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def chapter():  # type: ignore[no-untyped-def]
    return ChapterFactory(cooldown_days=90)


@pytest.fixture
def organiser(chapter):  # type: ignore[no-untyped-def]
    return OrganiserFactory(chapter=chapter).user


def _planning(chapter) -> Mob:  # type: ignore[no-untyped-def]
    return MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)


@pytest.mark.parametrize(
    "status",
    [
        MobStatus.PLANNING,
        MobStatus.AWAITING_CONSENT,
        MobStatus.CONFIRMED,
        MobStatus.PUBLISHED,
        MobStatus.LIVE,
    ],
)
def test_mob_choose_business_refuses_a_shop_another_mob_holds(chapter, organiser, status) -> None:  # type: ignore[no-untyped-def]
    shop = BusinessFactory(chapter=chapter, name="Books on Main")
    PublishedMobFactory(chapter=chapter, business=shop, status=status)
    mob = _planning(chapter)
    with pytest.raises(ShopUnavailableError) as caught:
        mob_choose_business(mob=mob, actor=organiser, business=shop)
    assert caught.value.code == "shop_taken"
    assert "Books on Main already has a cash mob on its way" in caught.value.message
    mob.refresh_from_db()
    assert mob.business is None


def test_mob_choose_business_refuses_a_shop_resting_after_its_last_mob(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    shop = BusinessFactory(chapter=chapter, last_mobbed_at=NOW - timedelta(days=30), mob_count=1)
    mob = _planning(chapter)
    with pytest.raises(ShopUnavailableError) as caught:
        mob_choose_business(mob=mob, actor=organiser, business=shop)
    assert caught.value.code == "shop_cooling_down"
    # Mobbed 30 days ago, 90 days of rest: free again 60 days from now.
    assert "rests until 9 August 2026" in caught.value.message
    mob.refresh_from_db()
    assert mob.business is None


def test_mob_choose_business_accepts_a_shop_once_its_rest_is_over(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    shop = BusinessFactory(chapter=chapter, last_mobbed_at=NOW - timedelta(days=91), mob_count=1)
    mob = mob_choose_business(mob=_planning(chapter), actor=organiser, business=shop)
    assert mob.business == shop


def test_a_mob_may_choose_the_shop_it_already_holds_again(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    shop = BusinessFactory(chapter=chapter)
    mob = mob_choose_business(mob=_planning(chapter), actor=organiser, business=shop)
    assert mob_choose_business(mob=mob, actor=organiser, business=shop).business == shop


def test_a_cancelled_mob_frees_its_shop(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    shop = BusinessFactory(chapter=chapter)
    first = PublishedMobFactory(chapter=chapter, business=shop)
    mob_cancel(mob=first, actor=organiser, reason="The street is closed for works")
    mob = mob_choose_business(mob=_planning(chapter), actor=organiser, business=shop)
    assert mob.business == shop


def test_a_closed_mob_puts_its_shop_on_cool_down(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    shop = BusinessFactory(chapter=chapter)
    held = PublishedMobFactory(
        chapter=chapter,
        business=shop,
        starts_at=NOW - timedelta(hours=3),
        ends_at=NOW - timedelta(hours=1),
    )
    mob_transition(mob=held, to=MobStatus.LIVE, actor=None)
    mob_transition(mob=held, to=MobStatus.CLOSED, actor=None)
    with pytest.raises(ShopUnavailableError) as caught:
        business_check_available(business=Business.objects.get(pk=shop.pk))
    assert caught.value.code == "shop_cooling_down"


def test_the_database_refuses_a_second_active_mob_at_one_shop(chapter) -> None:  # type: ignore[no-untyped-def]
    """Whatever the path (admin, shell, a script writing rows), one active mob per shop."""
    shop = BusinessFactory(chapter=chapter)
    PublishedMobFactory(chapter=chapter, business=shop)
    with pytest.raises(IntegrityError), transaction.atomic():
        MobFactory(chapter=chapter, business=shop)
    # Held and cancelled mobs do not count.
    PublishedMobFactory(chapter=chapter, business=shop, status=MobStatus.REPORTED)
    PublishedMobFactory(chapter=chapter, business=shop, status=MobStatus.CANCELLED)
    assert Mob.objects.filter(business=shop).count() == 3


def test_rotation_offers_free_shops_first_and_marks_the_others(chapter) -> None:  # type: ignore[no-untyped-def]
    free = BusinessFactory(chapter=chapter, name="A free shop")
    mobbed_long_ago = BusinessFactory(
        chapter=chapter, name="B mobbed long ago", last_mobbed_at=NOW - timedelta(days=400)
    )
    Business.objects.filter(pk=mobbed_long_ago.pk).update(mob_count=1)
    taken = BusinessFactory(chapter=chapter, name="C taken")
    upcoming = PublishedMobFactory(chapter=chapter, business=taken)
    resting = BusinessFactory(
        chapter=chapter, name="D resting", last_mobbed_at=NOW - timedelta(days=10), mob_count=1
    )
    BusinessFactory(chapter=chapter, status=Business.Status.EXCLUDED)
    mob = _planning(chapter)
    rotation = rotation_get(chapter=chapter, mob=mob)
    assert [b.pk for b in rotation.available] == [free.pk, mobbed_long_ago.pk]
    assert [b.pk for b in rotation.unavailable] == [taken.pk, resting.pk]
    marks = {b.pk: (b.taken, b.cooling) for b in rotation.unavailable}
    assert marks == {taken.pk: (True, False), resting.pk: (False, True)}
    by_pk = {b.pk: b for b in rotation.unavailable}
    assert by_pk[taken.pk].taken_starts_at == upcoming.starts_at
    assert by_pk[resting.pk].free_from == NOW + timedelta(days=80)


def test_dashboard_does_not_offer_taken_or_resting_shops(client, chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    free = BusinessFactory(chapter=chapter, name="Free Books")
    taken = BusinessFactory(chapter=chapter, name="Taken Toys")
    PublishedMobFactory(chapter=chapter, business=taken)
    BusinessFactory(chapter=chapter, name="Resting Records", last_mobbed_at=NOW - timedelta(days=5))
    mob = _planning(chapter)
    client.force_login(organiser)
    page = client.get(f"/mobs/{mob.slug}/dashboard/").content.decode()
    options = page[page.index('name="choose_shop-business"') : page.index("Choose this shop")]
    assert f'value="{free.pk}"' in options
    assert "Free Books (never mobbed)" in options
    assert "Taken Toys" not in options
    assert "Resting Records" not in options
    assert "2 shops are not available now" in page
    assert "a mob is on its way" in page
    assert "mobbed recently, rests until" in page
    # Posting a taken shop anyway is refused on the field, and changes nothing.
    response = client.post(
        f"/mobs/{mob.slug}/dashboard/choose_shop/",
        dashboard_data("choose_shop", {"business": str(taken.pk)}),
    )
    assert response.status_code == 400
    mob.refresh_from_db()
    assert mob.business is None


def test_shop_vote_open_refuses_a_shortlist_with_a_taken_shop(chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    shops = [BusinessFactory(chapter=chapter) for _ in range(2)]
    taken = BusinessFactory(chapter=chapter)
    PublishedMobFactory(chapter=chapter, business=taken)
    with pytest.raises(VotingError) as caught:
        shop_vote_open(
            mob=_planning(chapter),
            actor=organiser,
            closes_at=timezone.now() + timedelta(days=3),
            business_ids=[shops[0].pk, taken.pk],
        )
    assert caught.value.code == "ineligible_candidate"
