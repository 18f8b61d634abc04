"""Nominating a shop: eligibility, membership, duplicates merged, rate limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.exceptions import (
    BusinessConflictError,
    BusinessError,
    BusinessPermissionError,
    NominationLimitError,
)
from cashmob.businesses.models import Business, Nomination
from cashmob.businesses.services import business_nominate, normalise_name, website_key_of
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.models import Chapter
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def shop(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Librairie des Canuts",
        "description": "Independent bookshop with a children's corner",
        "category": Business.Category.BOOKS,
        "address": "12 rue d'Austerlitz",
        "city": "Lyon",
        "postcode": "69004",
        "country": "FR",
        "latitude": Decimal("45.774100"),
        "longitude": Decimal("4.832800"),
        "website": "https://canuts-livres.example",
        "contact_email": "bonjour@canuts-livres.example",
        "locally_owned": True,
        "independent": True,
        "items_within_pledge": True,
        "can_take_crowd": True,
        "gives_back": False,
    }
    data.update(overrides)
    return data


@pytest.fixture
def chapter() -> Chapter:
    return ChapterFactory(city="Lyon")


def member(chapter: Chapter, **kwargs: Any):  # type: ignore[no-untyped-def]
    return MembershipFactory(chapter=chapter, **kwargs).user


def test_business_nominate_creates_a_nominated_business(chapter: Chapter) -> None:
    user = member(chapter)
    result = business_nominate(user=user, chapter=chapter, data=shop(), reason="Lovely staff")
    assert not result.merged
    assert result.business.status == Business.Status.NOMINATED
    assert result.business.nominated_by == user
    assert result.business.nomination_count == 1
    assert result.nomination.reason == "Lovely staff"


def test_business_nominate_by_a_non_member_is_refused(chapter: Chapter) -> None:
    with pytest.raises(BusinessPermissionError) as excinfo:
        business_nominate(user=UserFactory(), chapter=chapter, data=shop())
    assert excinfo.value.code == "not_member"
    assert not Business.objects.exists()


def test_business_nominate_by_an_unverified_member_is_refused(chapter: Chapter) -> None:
    user = member(chapter, user=UserFactory(verified=False))
    with pytest.raises(BusinessPermissionError) as excinfo:
        business_nominate(user=user, chapter=chapter, data=shop())
    assert excinfo.value.code == "not_verified"


def test_business_nominate_with_a_missing_checklist_answer_is_refused(chapter: Chapter) -> None:
    with pytest.raises(BusinessError) as excinfo:
        business_nominate(user=member(chapter), chapter=chapter, data=shop(can_take_crowd=None))
    assert excinfo.value.code == "checklist_incomplete"
    assert excinfo.value.field == "can_take_crowd"
    assert not Business.objects.exists()


@pytest.mark.parametrize("field", ["locally_owned", "independent", "items_within_pledge"])
def test_business_nominate_of_an_ineligible_shop_is_refused(chapter: Chapter, field: str) -> None:
    """A chain, a franchise or a shop selling only expensive items cannot be nominated."""
    with pytest.raises(BusinessError) as excinfo:
        business_nominate(user=member(chapter), chapter=chapter, data=shop(**{field: False}))
    assert excinfo.value.code == "not_eligible"
    assert not Business.objects.exists()


def test_business_nominate_same_website_merges_into_one_business(chapter: Chapter) -> None:
    first = business_nominate(user=member(chapter), chapter=chapter, data=shop())
    second = business_nominate(
        user=member(chapter),
        chapter=chapter,
        data=shop(name="Canuts Bookshop", website="http://www.canuts-livres.example/"),
        interest=Nomination.Interest.FRIEND,
        interest_note="My cousin works there",
    )
    assert second.merged
    assert second.business == first.business
    assert Business.objects.count() == 1
    assert second.business.nomination_count == 2
    assert second.nomination.interest == Nomination.Interest.FRIEND


def test_business_nominate_same_name_nearby_merges(chapter: Chapter) -> None:
    business_nominate(user=member(chapter), chapter=chapter, data=shop(website=""))
    again = business_nominate(
        user=member(chapter),
        chapter=chapter,
        data=shop(
            name="LIBRAIRIE DES CANUTS!",
            website="",
            latitude=Decimal("45.775000"),
            longitude=Decimal("4.833000"),
        ),
    )
    assert again.merged
    assert Business.objects.count() == 1


def test_business_nominate_same_name_far_away_is_another_shop(chapter: Chapter) -> None:
    business_nominate(user=member(chapter), chapter=chapter, data=shop(website=""))
    other = business_nominate(
        user=member(chapter),
        chapter=chapter,
        data=shop(website="", latitude=Decimal("45.750000"), longitude=Decimal("4.850000")),
    )
    assert not other.merged
    assert Business.objects.count() == 2


def test_business_nominate_twice_by_the_same_person_is_refused(chapter: Chapter) -> None:
    user = member(chapter)
    business_nominate(user=user, chapter=chapter, data=shop())
    with pytest.raises(BusinessConflictError) as excinfo:
        business_nominate(user=user, chapter=chapter, data=shop())
    assert excinfo.value.code == "already_nominated"
    assert Nomination.objects.count() == 1


def test_business_nominate_an_excluded_shop_is_refused(chapter: Chapter) -> None:
    BusinessFactory(
        chapter=chapter, website="https://canuts-livres.example", status=Business.Status.EXCLUDED
    )
    with pytest.raises(BusinessConflictError) as excinfo:
        business_nominate(user=member(chapter), chapter=chapter, data=shop())
    assert excinfo.value.code == "excluded"


def test_business_nominate_is_rate_limited_per_user(chapter: Chapter, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASHMOB_NOMINATIONS_PER_USER_PER_DAY = 2
    user = member(chapter)
    for n in range(2):
        business_nominate(
            user=user,
            chapter=chapter,
            data=shop(name=f"Shop {n}", website="", latitude=Decimal(45 + n)),
        )
    with pytest.raises(NominationLimitError) as excinfo:
        business_nominate(user=user, chapter=chapter, data=shop(name="Third", website=""))
    assert excinfo.value.code == "rate_limited_user"
    assert Business.objects.count() == 2


def test_business_nominate_is_rate_limited_per_chapter(chapter: Chapter, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASHMOB_NOMINATIONS_PER_CHAPTER_PER_HOUR = 2
    for n in range(2):
        business_nominate(
            user=member(chapter),
            chapter=chapter,
            data=shop(name=f"Shop {n}", website="", latitude=Decimal(45 + n)),
        )
    with pytest.raises(NominationLimitError) as excinfo:
        business_nominate(user=member(chapter), chapter=chapter, data=shop(website=""))
    assert excinfo.value.code == "rate_limited_chapter"


def test_normalise_name_ignores_case_accents_and_articles() -> None:
    assert normalise_name("Le Café  Müller!") == normalise_name("cafe muller")


def test_website_key_ignores_scheme_www_case_and_slashes() -> None:
    assert website_key_of("http://www.Shop.example/") == website_key_of("shop.example")
    assert website_key_of("") == ""


def test_website_key_kept_by_the_database_matches_the_one_searched_for() -> None:
    shop = BusinessFactory(website="HTTPS://www.Example.org/Our-Shop/")
    shop.refresh_from_db()
    assert shop.website_key == website_key_of("example.org/our-shop")


def test_duplicate_by_website_found_among_many_shops_on_the_same_host() -> None:
    """Small shops often have a page on one big site: the exact page decides, through an
    index, however many other shops share the host."""
    from decimal import Decimal

    from cashmob.businesses.services import business_find_duplicate

    for n in range(30):
        BusinessFactory(website=f"https://facebook.com/shop{n}")
    wanted = BusinessFactory(website="https://www.facebook.com/la-bonne-adresse/")
    found = business_find_duplicate(
        name="Something else entirely",
        website="facebook.com/La-Bonne-Adresse",
        latitude=Decimal("10"),
        longitude=Decimal("10"),
    )
    assert found == wanted
