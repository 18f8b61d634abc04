"""My shop: a signed-in owner reaches its requests, mobs, day pages and till totals, and
nobody else does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import OrganiserFactory
from cashmob.checkin.owner import owner_access
from cashmob.checkin.tests.factories import owner_request
from cashmob.mobs.consent import consent_request_send
from cashmob.mobs.models import Consent, ConsentAnswer, ConsentRequest, Mob, MobStatus
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory, ReportedMobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(datetime(2026, 6, 10, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return UserFactory(language="en")


@pytest.fixture
def shop(owner):  # type: ignore[no-untyped-def]
    return BusinessFactory(owner=owner, name="Les Mots Passants", chapter__language="en")


def _ask(shop) -> ConsentRequest:  # type: ignore[no-untyped-def]
    mob = MobFactory(business=shop, title="Spring mob")
    organiser = OrganiserFactory(chapter=shop.chapter).user
    start = timezone.now() + timedelta(days=8)
    return consent_request_send(
        mob=mob, actor=organiser, slots=[(start, start + timedelta(hours=2))]
    )


def _area(shop) -> str:  # type: ignore[no-untyped-def]
    return reverse("checkin:my_shop_detail", kwargs={"slug": shop.slug})


def test_my_shop_needs_an_account(client, shop) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_area(shop))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_someone_elses_shop_is_forbidden(client, shop) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    assert client.get(_area(shop)).status_code == 403


def test_an_unknown_shop_is_not_found(client, owner) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    url = reverse("checkin:my_shop_detail", kwargs={"slug": "no-such-shop"})
    assert client.get(url).status_code == 404


def test_another_shops_request_is_not_reachable_through_mine(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    other = _ask(BusinessFactory())
    client.force_login(owner)
    url = reverse("checkin:my_shop_request", kwargs={"slug": shop.slug, "pk": other.pk})
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    mine = _ask(shop)
    url = reverse("checkin:my_shop_request", kwargs={"slug": shop.slug, "pk": mine.pk})
    assert client.get(url).status_code == 403


def test_my_shop_opens_the_only_shop_and_lists_several(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    response = client.get(reverse("checkin:my_shop"))
    assert response.status_code == 302
    assert response["Location"] == _area(shop)
    second = BusinessFactory(owner=owner, name="Chez Paul")
    page = client.get(reverse("checkin:my_shop")).content.decode()
    assert _area(shop) in page
    assert _area(second) in page


def test_someone_with_no_shop_is_told_how_to_claim_one(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(language="en"))
    page = client.get(reverse("checkin:my_shop")).content.decode()
    assert "No shop is linked to your account." in page


def test_my_shop_lists_requests_upcoming_and_past_mobs_with_day_pages(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    # A shop has one mob on its way at a time: the request to answer is to move that mob.
    upcoming = PublishedMobFactory(business=shop, title="Summer mob", rsvp_count=12, capacity=40)
    day_request, _token = owner_request(upcoming)
    later = (upcoming.starts_at + timedelta(days=2), upcoming.ends_at + timedelta(days=2))
    waiting = consent_request_send(
        mob=upcoming,
        actor=OrganiserFactory(chapter=shop.chapter).user,
        slots=[later],
        kind=ConsentRequest.Kind.RESCHEDULE,
    )
    past = ReportedMobFactory(business=shop, title="Winter mob")
    owner_request(past)
    PublishedMobFactory(title="Somebody else's mob")  # another shop's
    client.force_login(owner)
    page = client.get(_area(shop)).content.decode()
    assert f'data-request="{waiting.pk}"' in page
    assert reverse("checkin:my_shop_request", kwargs={"slug": shop.slug, "pk": waiting.pk}) in page
    assert "Summer mob" in page
    assert "12 people going / 40" in page
    day_url = page.split('data-mob="' + upcoming.slug)[1].split('class="button" href="')[1]
    token = day_url.split('"', 1)[0].rstrip("/").rsplit("/", 1)[-1]
    assert owner_access(token=token) == day_request
    assert "Winter mob" in page
    # Each public mob links to its own page (its results, once closed).
    assert f'<a href="{past.get_absolute_url()}">Winter mob</a>' in page
    assert f'<a href="{upcoming.get_absolute_url()}">Summer mob</a>' in page
    assert "€912.30" in page  # the till total the shop confirmed
    assert "Somebody else's mob" not in page


def test_a_request_answered_elsewhere_or_replaced_leaves_the_list(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    declined = _ask(shop)
    ConsentRequest.objects.filter(pk=declined.pk).update(answer=Consent.DECLINED)
    client.force_login(owner)
    assert f'data-request="{declined.pk}"' not in client.get(_area(shop)).content.decode()


def test_the_owner_answers_a_request_in_my_shop(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    request = _ask(shop)
    client.force_login(owner)
    url = reverse("checkin:my_shop_request", kwargs={"slug": shop.slug, "pk": request.pk})
    page = client.get(url).content.decode()
    assert "May a crowd come and shop at Les Mots Passants?" in page
    assert _area(shop) in page  # the way back to My shop
    response = client.post(
        url, {"answer": "accepted", "slot": "0", "max_crowd": "40", "arrival_waves": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    request.refresh_from_db()
    mob = Mob.objects.get(pk=request.mob_id)
    assert (request.answer, mob.status, mob.capacity) == ("accepted", MobStatus.CONFIRMED, 40)
    # The same service as the emailed link: the answer is recorded and the organisers told.
    assert ConsentAnswer.objects.filter(request=request, answer="accepted").exists()


def test_a_bad_answer_in_my_shop_is_a_field_error(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    request = _ask(shop)
    client.force_login(owner)
    url = reverse("checkin:my_shop_request", kwargs={"slug": shop.slug, "pk": request.pk})
    response = client.post(url, {"answer": "proposed", "proposed_times": ""})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.answer == Consent.PENDING


def test_a_replaced_request_cannot_be_answered_in_my_shop(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    request = _ask(shop)
    ConsentRequest.objects.filter(pk=request.pk).update(superseded=True)
    client.force_login(owner)
    url = reverse("checkin:my_shop_request", kwargs={"slug": shop.slug, "pk": request.pk})
    response = client.post(url, {"answer": "declined"})
    assert response.status_code == 410
    assert "newer request" in response.content.decode()
    request.refresh_from_db()
    assert request.answer == Consent.PENDING


def test_past_mobs_come_a_page_at_a_time(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    for n in range(12):
        ReportedMobFactory(
            business=shop,
            title=f"Past mob {n:02}",
            starts_at=timezone.now() - timedelta(days=30 + n),
        )
    client.force_login(owner)
    first = client.get(_area(shop)).content.decode()
    assert "Past mob 00" in first
    assert "Past mob 09" in first
    assert "Past mob 10" not in first
    assert "?page=2" in first
    second = client.get(_area(shop) + "?page=2").content.decode()
    assert "Past mob 10" in second
    assert "Past mob 11" in second
    assert "Past mob 00" not in second


def test_my_shop_query_count_does_not_grow_with_mobs(
    client, owner, shop, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _ask(shop)  # the one mob on its way (a shop has one at a time)
    for _ in range(3):
        owner_request(ReportedMobFactory(business=shop))
    client.force_login(owner)
    # session, user, the shop, its requests, upcoming mobs, past count, past page, their
    # accepted requests, how many shops the owner has (the "all my shops" link), and the
    # header's "My shop" check.
    with django_assert_num_queries(10):
        client.get(_area(shop))
    for _ in range(5):
        owner_request(ReportedMobFactory(business=shop))
    with django_assert_num_queries(10):
        client.get(_area(shop))


def test_the_header_shows_my_shop_to_owners_only(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    link = f'href="{reverse("checkin:my_shop")}"'
    client.force_login(owner)
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory())
    assert link not in client.get(reverse("home")).content.decode()
    client.logout()
    assert link not in client.get(reverse("home")).content.decode()


def test_the_shop_page_links_its_owner_to_my_shop(client, owner, shop) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    assert _area(shop) in client.get(shop.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert _area(shop) not in client.get(shop.get_absolute_url()).content.decode()
