"""The directory's pages: nominate, business page, follow, edit, exclude, search and map."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.models import Business, BusinessFollow, Nomination
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.models import Chapter
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.tests.factories import PublishedMobFactory, ReportedMobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter() -> Chapter:
    return ChapterFactory(
        slug="lyon", city="Lyon", latitude=Decimal("45.764043"), longitude=Decimal("4.835659")
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Librairie des Canuts",
        "category": Business.Category.BOOKS,
        "address": "12 rue d'Austerlitz",
        "postcode": "69004",
        "city": "Lyon",
        "country": "FR",
        "latitude": "45.7741",
        "longitude": "4.8328",
        "website": "https://canuts-livres.example",
        "contact_email": "bonjour@canuts-livres.example",
        "contact_phone": "",
        "opening_hours": "Tue-Sat 10:00-19:00",
        "price_range": "2",
        "accessibility_notes": "",
        "transport_notes": "Metro Croix-Rousse",
        "description": "Independent bookshop with a children's corner",
        "locally_owned": "yes",
        "independent": "yes",
        "items_within_pledge": "yes",
        "can_take_crowd": "yes",
        "gives_back": "no",
        "reason": "Lovely staff",
        "interest": "none",
        "interest_note": "",
    }
    data.update(overrides)
    return data


def login_member(client: Client, chapter: Chapter, **kwargs: Any):  # type: ignore[no-untyped-def]
    user = MembershipFactory(chapter=chapter, **kwargs).user
    client.force_login(user)
    return user


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def nominate_url(chapter: Chapter) -> str:
    return reverse("businesses:nominate", kwargs={"chapter_slug": chapter.slug})


# --- Nominating -------------------------------------------------------------------------------


def test_nominate_page_anonymous_is_sent_to_log_in(client: Client, chapter: Chapter) -> None:
    response = client.get(nominate_url(chapter))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_nominate_page_member_sees_the_form(client: Client, chapter: Chapter) -> None:
    login_member(client, chapter)
    response = client.get(nominate_url(chapter))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="locally_owned"' in content
    assert 'type="radio"' in content
    assert 'name="latitude"' in content


def test_nominate_valid_post_creates_the_shop_and_redirects(
    client: Client, chapter: Chapter
) -> None:
    user = login_member(client, chapter)
    response = client.post(nominate_url(chapter), form_data())
    business = Business.objects.get()
    assert response.status_code == 302
    assert response["Location"] == business.get_absolute_url()
    assert business.nominated_by == user
    assert business.latitude == Decimal("45.774100")
    assert business.independent is True
    assert business.gives_back is False
    assert Nomination.objects.get().reason == "Lovely staff"
    assert any("is nominated" in m for m in messages_of(response))


def test_nominate_duplicate_is_merged_and_said_so(client: Client, chapter: Chapter) -> None:
    existing = BusinessFactory(
        chapter=chapter, name="Librairie des Canuts", website="https://canuts-livres.example"
    )
    login_member(client, chapter)
    response = client.post(
        nominate_url(chapter), form_data(name="Canuts", website="http://www.canuts-livres.example/")
    )
    assert response.status_code == 302
    assert response["Location"] == existing.get_absolute_url()
    assert Business.objects.count() == 1
    assert (
        "Librairie des Canuts was already listed — we added your nomination to it."
        in messages_of(response)
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "-180.5"}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"latitude": "NaN"}, "latitude"),
        ({"latitude": ""}, "latitude"),
        ({"country": "XX"}, "country"),
        ({"name": "x" * 121}, "name"),
        ({"description": "x" * 4001}, "description"),
        ({"name": "<b>Best</b> shop"}, "name"),
        ({"city": "<script>alert(1)</script>"}, "city"),
        ({"can_take_crowd": ""}, "can_take_crowd"),
        ({"independent": "maybe"}, "independent"),
        ({"website": "not a url at all"}, "website"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"interest": "friend", "interest_note": ""}, "interest_note"),
        ({"interest": "bribe"}, "interest"),
    ],
)
def test_nominate_invalid_input_is_a_field_error_and_saves_nothing(
    client: Client, chapter: Chapter, overrides: dict[str, str], field: str
) -> None:
    login_member(client, chapter)
    response = client.post(nominate_url(chapter), form_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Business.objects.exists()
    assert not Nomination.objects.exists()


def test_nominate_ineligible_shop_shows_the_service_error_on_its_field(
    client: Client, chapter: Chapter
) -> None:
    login_member(client, chapter)
    response = client.post(nominate_url(chapter), form_data(independent="no"))
    assert response.status_code == 400
    assert "independent" in response.context["form"].errors
    assert not Business.objects.exists()


def test_nominate_by_a_non_member_is_refused_on_the_form(client: Client, chapter: Chapter) -> None:
    client.force_login(UserFactory())
    response = client.post(nominate_url(chapter), form_data())
    assert response.status_code == 403
    assert response.context["form"].non_field_errors()
    assert not Business.objects.exists()


def test_nominate_over_the_user_limit_is_429(
    client: Client, chapter: Chapter, settings: Any
) -> None:
    settings.CASHMOB_NOMINATIONS_PER_USER_PER_DAY = 1
    login_member(client, chapter)
    assert client.post(nominate_url(chapter), form_data()).status_code == 302
    response = client.post(
        nominate_url(chapter),
        form_data(name="Fromagerie", website="", latitude="45.70", longitude="4.80"),
    )
    assert response.status_code == 429
    assert Business.objects.count() == 1


def test_nominate_twice_the_same_shop_is_a_conflict(client: Client, chapter: Chapter) -> None:
    login_member(client, chapter)
    client.post(nominate_url(chapter), form_data())
    response = client.post(nominate_url(chapter), form_data())
    assert response.status_code == 409
    assert Nomination.objects.count() == 1


def test_nominate_start_goes_to_the_home_chapter(client: Client, chapter: Chapter) -> None:
    client.force_login(UserFactory(home_chapter=chapter))
    response = client.get(reverse("businesses:nominate_start"))
    assert response["Location"] == nominate_url(chapter)


def test_nominate_in_an_unknown_chapter_is_404(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("businesses:nominate", kwargs={"chapter_slug": "nowhere"}))
    assert response.status_code == 404


# --- The business page ------------------------------------------------------------------------


def test_detail_shows_never_mobbed_and_a_map_fallback(client: Client) -> None:
    business = BusinessFactory(mob_count=0)
    response = client.get(business.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Never mobbed yet" in content
    assert "openstreetmap.org/?mlat=" in content


def test_detail_marks_a_shop_on_cool_down(client: Client) -> None:
    business = BusinessFactory(mob_count=1, last_mobbed_at=timezone.now() - timedelta(days=10))
    response = client.get(business.get_absolute_url())
    assert response.context["profile"].cooldown_until is not None
    assert "it rests until" in response.content.decode()


def test_detail_conflicts_of_interest_are_shown_to_the_chapter_only(client: Client) -> None:
    business = BusinessFactory()
    nominator = MembershipFactory(chapter=business.chapter).user
    Nomination.objects.create(
        business=business,
        user=nominator,
        chapter=business.chapter,
        interest=Nomination.Interest.FRIEND,
        interest_note="My cousin runs it",
    )
    assert "My cousin runs it" not in client.get(business.get_absolute_url()).content.decode()
    login_member(client, business.chapter)
    assert "My cousin runs it" in client.get(business.get_absolute_url()).content.decode()


def test_detail_query_count_is_pinned(client: Client, django_assert_max_num_queries: Any) -> None:
    business = BusinessFactory()
    # One mob on its way (a shop has one at a time), several held before.
    PublishedMobFactory(business=business)
    for _ in range(5):
        ReportedMobFactory(business=business)
    for _ in range(5):
        user = MembershipFactory(chapter=business.chapter).user
        Nomination.objects.create(business=business, user=user, chapter=business.chapter)
        BusinessFollow.objects.create(business=business, user=user)
    login_member(client, business.chapter)
    with django_assert_max_num_queries(12):
        response = client.get(business.get_absolute_url())
    assert response.status_code == 200


def test_detail_of_a_removed_shop_is_404(client: Client) -> None:
    business = BusinessFactory(status=Business.Status.REMOVED)
    assert client.get(business.get_absolute_url()).status_code == 404


# --- Following --------------------------------------------------------------------------------


def test_follow_and_unfollow(client: Client) -> None:
    business = BusinessFactory()
    user = UserFactory()
    client.force_login(user)
    url = reverse("businesses:follow", kwargs={"slug": business.slug})
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice is harmless
    assert BusinessFollow.objects.filter(business=business, user=user).count() == 1
    client.post(url, {"action": "unfollow"})
    assert not BusinessFollow.objects.exists()


def test_follow_anonymous_is_sent_to_log_in(client: Client) -> None:
    business = BusinessFactory()
    response = client.post(reverse("businesses:follow", kwargs={"slug": business.slug}))
    assert response.status_code == 302
    assert not BusinessFollow.objects.exists()


def test_follow_by_get_is_not_allowed(client: Client) -> None:
    business = BusinessFactory()
    client.force_login(UserFactory())
    response = client.get(reverse("businesses:follow", kwargs={"slug": business.slug}))
    assert response.status_code == 405


# --- Editing: permissions per role ------------------------------------------------------------


def edit_url(business: Business) -> str:
    return reverse("businesses:edit", kwargs={"slug": business.slug})


def edit_data(business: Business, **overrides: str) -> dict[str, str]:
    data = {
        "name": business.name,
        "category": business.category,
        "address": business.address,
        "postcode": business.postcode,
        "city": business.city,
        "latitude": str(business.latitude),
        "longitude": str(business.longitude),
        "website": "",
        "contact_email": business.contact_email,
        "contact_phone": "",
        "opening_hours": "",
        "price_range": "",
        "accessibility_notes": "",
        "transport_notes": "",
        "description": "",
    }
    data.update(overrides)
    return data


def _role_user(role: str, business: Business):  # type: ignore[no-untyped-def]
    if role == "anonymous":
        return None
    if role == "member":
        return MembershipFactory(chapter=business.chapter).user
    if role == "organiser":
        return OrganiserFactory(chapter=business.chapter).user
    if role == "owner":
        return business.owner
    return UserFactory(is_staff=True)  # moderator


@pytest.mark.parametrize(
    ("role", "claimed", "expected"),
    [
        ("anonymous", True, 302),
        ("member", True, 403),
        ("organiser", True, 403),
        ("owner", True, 200),
        ("moderator", True, 200),
        ("anonymous", False, 302),
        ("member", False, 403),
        ("organiser", False, 200),
        ("moderator", False, 200),
    ],
)
def test_edit_page_permissions_per_role(
    client: Client, role: str, claimed: bool, expected: int
) -> None:
    business = BusinessFactory(owner=UserFactory() if claimed else None)
    user = _role_user(role, business)
    if user is not None:
        client.force_login(user)
    assert client.get(edit_url(business)).status_code == expected
    response = client.post(edit_url(business), edit_data(business, name="Renamed"))
    assert response.status_code == (302 if expected == 200 else expected)
    business.refresh_from_db()
    assert (business.name == "Renamed") is (expected == 200)


def test_edit_invalid_input_changes_nothing(client: Client) -> None:
    owner = UserFactory()
    business = BusinessFactory(owner=owner, name="Original")
    client.force_login(owner)
    response = client.post(edit_url(business), edit_data(business, name="<i>x</i>", latitude="99"))
    assert response.status_code == 400
    assert {"name", "latitude"} <= set(response.context["form"].errors)
    business.refresh_from_db()
    assert business.name == "Original"


def test_edit_by_the_nominator_of_an_unclaimed_shop(client: Client) -> None:
    nominator = UserFactory()
    business = BusinessFactory(nominated_by=nominator)
    client.force_login(nominator)
    client.post(edit_url(business), edit_data(business, opening_hours="Mon-Fri 9-18"))
    business.refresh_from_db()
    assert business.opening_hours == "Mon-Fri 9-18"


# --- Excluding --------------------------------------------------------------------------------


def exclude_url(business: Business) -> str:
    return reverse("businesses:exclude", kwargs={"slug": business.slug})


@pytest.mark.parametrize(
    ("role", "expected"),
    [("member", 403), ("organiser", 403), ("owner", 200), ("moderator", 200)],
)
def test_exclude_page_permissions_per_role(client: Client, role: str, expected: int) -> None:
    business = BusinessFactory(owner=UserFactory())
    client.force_login(_role_user(role, business))
    assert client.get(exclude_url(business)).status_code == expected
    client.post(exclude_url(business), {"confirm": "on"})
    business.refresh_from_db()
    assert (business.status == Business.Status.EXCLUDED) is (expected == 200)


def test_exclude_needs_the_confirmation(client: Client) -> None:
    owner = UserFactory()
    business = BusinessFactory(owner=owner)
    client.force_login(owner)
    response = client.post(exclude_url(business), {"reason": "Too small"})
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    business.refresh_from_db()
    assert business.status == Business.Status.ACTIVE


def test_exclude_confirmed_by_the_owner(client: Client) -> None:
    owner = UserFactory()
    business = BusinessFactory(owner=owner)
    client.force_login(owner)
    response = client.post(exclude_url(business), {"confirm": "on", "reason": "Too small"})
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.status == Business.Status.EXCLUDED


# --- Search -----------------------------------------------------------------------------------


def search(client: Client, **params: Any) -> Any:
    return client.get(reverse("businesses:search"), params)


def test_search_by_words(client: Client) -> None:
    match = BusinessFactory(name="Disquaire Saint-Jean", description="vinyl records")
    BusinessFactory(name="Fromagerie", description="cheese")
    response = search(client, q="vinyl")
    assert [h.business for h in response.context["hits"]] == [match]


def test_search_near_sorts_by_distance_and_shows_it(client: Client) -> None:
    far = BusinessFactory(name="Far", latitude=Decimal("45.7800"), longitude=Decimal("4.8400"))
    near = BusinessFactory(name="Near", latitude=Decimal("45.7642"), longitude=Decimal("4.8358"))
    BusinessFactory(name="Paris", latitude=Decimal("48.8566"), longitude=Decimal("2.3522"))
    response = search(client, lat="45.7640", lng="4.8357", radius="5")
    assert [h.business for h in response.context["hits"]] == [near, far]
    assert " km" in response.content.decode() or " m<" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "abc", "lng": "4.8"}, "lat"),
        ({"lat": "91", "lng": "4.8"}, "lat"),
        ({"lat": "45", "lng": "181"}, "lng"),
        ({"lat": "45", "lng": "4.8", "radius": "0"}, "radius"),
        ({"lat": "45", "lng": "4.8", "radius": "-3"}, "radius"),
        ({"lat": "45", "lng": "4.8", "radius": "nan"}, "radius"),
        ({"lat": "45"}, "lng"),
        ({"category": "weapons"}, "category"),
        ({"page": "0"}, "page"),
    ],
)
def test_search_bad_parameters_are_form_errors_not_500(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = search(client, **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_search_is_paginated(client: Client) -> None:
    for n in range(25):
        BusinessFactory(name=f"Shop {n:02d}", category=Business.Category.WINE)
    first = search(client, category="wine")
    assert len(first.context["hits"]) == 20
    assert first.context["has_next"]
    second = search(client, category="wine", page="2")
    assert len(second.context["hits"]) == 5
    assert not second.context["has_next"]


def test_search_by_chapter(client: Client, chapter: Chapter) -> None:
    mine = BusinessFactory(chapter=chapter)
    BusinessFactory()
    response = search(client, chapter=chapter.slug)
    assert [h.business for h in response.context["hits"]] == [mine]


def test_search_page_query_count_is_pinned(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        BusinessFactory(
            name=f"Book shop {n}",
            latitude=Decimal("45.7640") + n / Decimal(10000),
            longitude=Decimal("4.8357"),
        )
    with django_assert_max_num_queries(4):
        response = search(client, q="book", lat="45.764", lng="4.8357", radius="10")
    assert len(response.context["hits"]) == 20


# --- Map --------------------------------------------------------------------------------------


def test_map_page_links_to_the_list(client: Client) -> None:
    response = client.get(reverse("businesses:map"))
    assert response.status_code == 200
    assert reverse("businesses:search") in response.content.decode()


def test_map_data_returns_shops_and_upcoming_mobs_in_the_box(client: Client) -> None:
    inside = BusinessFactory(latitude=Decimal("45.76"), longitude=Decimal("4.83"))
    BusinessFactory(latitude=Decimal("48.85"), longitude=Decimal("2.35"))
    secret_shop = BusinessFactory(latitude=Decimal("45.75"), longitude=Decimal("4.84"))
    mob = PublishedMobFactory(business=inside)
    PublishedMobFactory(business=secret_shop, reveal_at=timezone.now() + timedelta(days=1))
    response = client.get(reverse("businesses:map_data"), {"bbox": "4.7,45.7,4.9,45.8"})
    assert response.status_code == 200
    data = response.json()
    assert sorted(s["url"] for s in data["shops"]) == sorted(
        [inside.get_absolute_url(), secret_shop.get_absolute_url()]
    )
    assert [m["url"] for m in data["mobs"]] == [mob.get_absolute_url()]


def test_map_data_gives_each_mobs_time_in_its_chapters_zone(client: Client, time_machine) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    # The map lists upcoming mobs: the clock is set before this one, whatever today is.
    time_machine.move_to(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    shop = BusinessFactory(latitude=Decimal("45.76"), longitude=Decimal("4.83"))
    starts = datetime(2027, 1, 9, 17, 0, tzinfo=UTC)  # 18:00 in Paris
    PublishedMobFactory(
        business=shop,
        chapter__time_zone="Europe/Paris",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    data = client.get(reverse("businesses:map_data"), {"bbox": "4.7,45.7,4.9,45.8"}).json()
    [mob] = data["mobs"]
    assert mob["when"] == "Saturday, 9 January 2027, 18:00–20:00 CET"


def test_map_data_across_the_antimeridian(client: Client) -> None:
    east = BusinessFactory(latitude=Decimal("-17.0"), longitude=Decimal("179.9"))
    west = BusinessFactory(latitude=Decimal("-17.0"), longitude=Decimal("-179.9"))
    response = client.get(reverse("businesses:map_data"), {"bbox": "179.5,-17.5,180.5,-16.5"})
    assert {s["url"] for s in response.json()["shops"]} == {
        east.get_absolute_url(),
        west.get_absolute_url(),
    }


def test_map_data_is_capped_and_has_no_n_plus_one(
    client: Client, settings: Any, django_assert_max_num_queries: Any, monkeypatch: Any
) -> None:
    from cashmob.businesses import selectors

    monkeypatch.setattr(selectors, "MAP_MAX_ITEMS", 5)
    monkeypatch.setattr(
        selectors.business_list_in_bbox, "__kwdefaults__", {"limit": 5}, raising=False
    )
    monkeypatch.setattr(
        selectors.mob_list_upcoming_in_bbox, "__kwdefaults__", {"limit": 5}, raising=False
    )
    for _ in range(8):
        PublishedMobFactory(business=BusinessFactory())
    with django_assert_max_num_queries(2):
        response = client.get(reverse("businesses:map_data"), {"bbox": "-180,-90,180,90"})
    data = response.json()
    assert len(data["shops"]) == 5
    assert len(data["mobs"]) == 5
    assert data["truncated"]


@pytest.mark.parametrize(
    "bbox", ["", "x", "1,2,3", "1,2,3,4,5", "0,10,1,5", "nan,0,1,1", "inf,1,2,3", "1e400,0,1,1"]
)
def test_map_data_bad_bbox_is_400(client: Client, bbox: str) -> None:
    response = client.get(reverse("businesses:map_data"), {"bbox": bbox})
    assert response.status_code == 400


def test_map_page_opens_on_the_home_chapter(client: Client, chapter: Chapter) -> None:
    client.force_login(UserFactory(home_chapter=chapter))
    response = client.get(reverse("businesses:map"))
    assert response.context["map_settings"]["center"] == [45.764043, 4.835659]


def test_nominate_start_with_a_malformed_chapter_is_not_a_server_error(client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/shops/nominate/?chapter=a%20b")
    assert response.status_code == 302
    assert response["Location"].endswith("/chapters/")


def test_map_data_filters_shops_and_mobs_by_words_and_category(client: Client) -> None:
    records = BusinessFactory(
        name="Vinyl Attic",
        category=Business.Category.MUSIC,
        latitude=Decimal("45.76"),
        longitude=Decimal("4.83"),
    )
    BusinessFactory(
        name="Boulangerie",
        category=Business.Category.CAFE,
        latitude=Decimal("45.761"),
        longitude=Decimal("4.831"),
    )
    mob = PublishedMobFactory(business=records)
    box = {"bbox": "4.7,45.7,4.9,45.8"}
    url = reverse("businesses:map_data")
    by_word = client.get(url, {**box, "q": "vinyl"}).json()
    assert [s["name"] for s in by_word["shops"]] == ["Vinyl Attic"]
    assert [m["url"] for m in by_word["mobs"]] == [mob.get_absolute_url()]
    by_category = client.get(url, {**box, "category": "cafe"}).json()
    assert [s["name"] for s in by_category["shops"]] == ["Boulangerie"]
    assert by_category["mobs"] == []
    assert client.get(url, {**box, "category": "spaceships"}).status_code == 400


def test_map_page_filter_works_without_javascript_by_leading_to_the_list(client: Client) -> None:
    page = client.get(reverse("businesses:map")).content.decode()
    assert f'action="{reverse("businesses:search")}"' in page
    assert 'name="q"' in page
    assert 'name="category"' in page


def test_map_page_opens_on_the_position_the_visitor_shared(
    client: Client, chapter: Chapter
) -> None:
    client.cookies["cashmob_near"] = "55.6_13.0"
    response = client.get(reverse("businesses:map"))
    assert response.context["map_settings"]["center"] == [55.6, 13.0]


def test_map_page_opens_on_the_chapter_the_time_zone_suggests(client: Client) -> None:
    from cashmob.chapters.tests.factories import ChapterFactory

    ChapterFactory(latitude="45.764043", longitude="4.835659")
    malmo = ChapterFactory(
        country="SE", time_zone="Europe/Stockholm", latitude="55.604981", longitude="13.003822"
    )
    client.cookies["cashmob_tz"] = "Europe/Stockholm"
    config = client.get(reverse("businesses:map")).context["map_settings"]
    assert config["center"] == [float(malmo.latitude), float(malmo.longitude)]


def test_map_page_fits_every_chapter_when_none_is_suggested(client: Client) -> None:
    """No clue points to a chapter (Tokyo): the map shows them all, not a default city."""
    from cashmob.chapters.tests.factories import ChapterFactory

    ChapterFactory(latitude="45.764043", longitude="4.835659")
    ChapterFactory(country="US", latitude="42.886447", longitude="-78.878369")
    client.cookies["cashmob_tz"] = "Asia/Tokyo"
    config = client.get(reverse("businesses:map"), HTTP_ACCEPT_LANGUAGE="ja").context[
        "map_settings"
    ]
    assert config["bounds"] == [[42.886447, -78.878369], [45.764043, 4.835659]]


def test_map_page_with_no_chapter_at_all_shows_the_world(client: Client) -> None:
    config = client.get(reverse("businesses:map"), HTTP_ACCEPT_LANGUAGE="ja").context[
        "map_settings"
    ]
    assert config["zoom"] == 2
