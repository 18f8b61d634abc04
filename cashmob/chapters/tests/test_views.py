"""Chapter pages: the directory, a chapter's page, join/leave/follow, members, settings,
requests and their review, per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from cashmob.accounts.models import User
from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory, ReportedMobFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "member", "co_organiser", "organiser", "staff")


def _as(client: Client, role: str, chapter: Chapter) -> User | None:
    """Log ``client`` in as someone with ``role`` in ``chapter``; None for anonymous."""
    if role == "anonymous":
        return None
    if role == "staff":
        user = UserFactory(is_staff=True)
    elif role == "outsider":
        user = UserFactory()
    else:
        user = MembershipFactory(chapter=chapter, role=role).user
    client.force_login(user)
    return user


def _message_tags(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.extra_tags for m in get_messages(response.wsgi_request)]


# --- Directory --------------------------------------------------------------------------


def test_directory_groups_chapters_by_country_then_city(client: Client) -> None:
    ChapterFactory(name="Cash Mob Lyon", city="Lyon", country="FR")
    ChapterFactory(name="Cash Mob Buffalo", city="Buffalo", country="US")
    ChapterFactory(name="Cash Mob Berlin", city="Berlin", country="DE")
    body = client.get(reverse("chapters:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Countries in alphabetical order of their names: France, Germany, United States.
    assert body.index("France") < body.index("Germany") < body.index("United States")
    assert body.index("Cash Mob Lyon") < body.index("Cash Mob Berlin") < body.index("Buffalo")


def test_directory_sorts_countries_by_their_name_in_the_visitors_language(
    client: Client,
) -> None:
    for country in ("FR", "US", "SE"):
        ChapterFactory(country=country)
    response = client.get(reverse("chapters:list"), HTTP_ACCEPT_LANGUAGE="fr")
    countries = [chapter.country.code for chapter in response.context["chapters"]]
    # États-Unis, France, Suède: accents do not push a name to the end.
    assert countries == ["US", "FR", "SE"]


def test_directory_hides_pending_chapters(client: Client) -> None:
    ChapterFactory(name="Not Yet Town", status=Chapter.Status.PENDING)
    assert "Not Yet Town" not in client.get(reverse("chapters:list")).content.decode()


def test_directory_search_finds_words_in_the_description(client: Client) -> None:
    ChapterFactory(name="Cash Mob Lyon", description="Bouchons, bookshops and bakeries")
    ChapterFactory(name="Cash Mob Turin", description="Cafés and tailors")
    body = client.get(reverse("chapters:list"), {"q": "bookshop"}).content.decode()
    assert "Cash Mob Lyon" in body
    assert "Cash Mob Turin" not in body


def test_directory_search_with_query_syntax_does_not_fail(client: Client) -> None:
    ChapterFactory(name="Cash Mob Lyon")
    response = client.get(reverse("chapters:list"), {"q": 'lyon" * ((^'})
    assert response.status_code == 200
    assert "Cash Mob Lyon" in response.content.decode()


def test_directory_filters_by_country(client: Client) -> None:
    ChapterFactory(name="Cash Mob Lyon", country="FR")
    ChapterFactory(name="Cash Mob Malmo", country="SE")
    body = client.get(reverse("chapters:list"), {"country": "SE"}).content.decode()
    assert "Cash Mob Malmo" in body
    assert "Cash Mob Lyon" not in body


def test_directory_ignores_an_unknown_country(client: Client) -> None:
    ChapterFactory(name="Cash Mob Lyon", country="FR")
    response = client.get(reverse("chapters:list"), {"country": "ZZ"})
    assert response.status_code == 200
    assert "Cash Mob Lyon" in response.content.decode()


def test_directory_with_no_match_shows_an_empty_state(client: Client) -> None:
    ChapterFactory(name="Cash Mob Lyon")
    response = client.get(reverse("chapters:list"), {"q": "zanzibar"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert 'class="empty-state"' in response.content.decode()


def test_directory_is_paginated(client: Client) -> None:
    ChapterFactory.create_batch(35)
    first = client.get(reverse("chapters:list"))
    second = client.get(reverse("chapters:list"), {"page": 2})
    assert len(first.context["chapters"]) == 30
    assert len(second.context["chapters"]) == 5


def test_directory_query_count_does_not_grow_with_chapters(
    client: Client, django_assert_max_num_queries: Callable
) -> None:
    for chapter in ChapterFactory.create_batch(12):
        MembershipFactory.create_batch(2, chapter=chapter)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("chapters:list"), {"q": "town"})
    assert response.status_code == 200


# --- The chapter page -------------------------------------------------------------------


def test_chapter_page_shows_upcoming_and_past_mobs_apart(client: Client) -> None:
    chapter = ChapterFactory()
    PublishedMobFactory(business__chapter=chapter, title="Next Saturday at the bookshop")
    ReportedMobFactory(business__chapter=chapter, title="Last month at the bakery")
    MobFactory(business__chapter=chapter, title="A mob still being planned")
    response = client.get(chapter.get_absolute_url())
    assert [m.title for m in response.context["upcoming_mobs"]] == ["Next Saturday at the bookshop"]
    assert [m.title for m in response.context["past_mobs"]] == ["Last month at the bakery"]
    assert "A mob still being planned" not in response.content.decode()


def test_chapter_page_keeps_reported_and_confirmed_totals_apart(client: Client) -> None:
    chapter = ChapterFactory(currency="EUR")
    ReportedMobFactory(business__chapter=chapter, reported_total_minor=10_000)
    ReportedMobFactory(
        business__chapter=chapter, reported_total_minor=5_000, confirmed_total_minor=None
    )
    totals = client.get(chapter.get_absolute_url()).context["totals"]
    assert totals["reported_minor"] == 15_000
    assert totals["confirmed_minor"] == 91_230
    assert totals["confirmed_mobs"] == 1


def test_chapter_page_counts_members_and_followers(client: Client) -> None:
    chapter = ChapterFactory()
    MembershipFactory.create_batch(3, chapter=chapter)
    ChapterFollow.objects.create(chapter=chapter, user=UserFactory())
    page_chapter = client.get(chapter.get_absolute_url()).context["chapter"]
    assert (page_chapter.member_count, page_chapter.follower_count) == (3, 1)


def test_chapter_page_names_its_time_zone_as_people_do(client: Client) -> None:
    chapter = ChapterFactory(time_zone="America/New_York")
    client.cookies["django_language"] = "en"
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "<dd>Eastern Time</dd>" in page
    assert "America/New_York" not in page


def test_chapter_page_of_a_pending_chapter_is_not_found(client: Client) -> None:
    chapter = ChapterFactory(status=Chapter.Status.PENDING)
    assert client.get(chapter.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "member", "organiser"])
def test_chapter_page_query_count_is_pinned(
    client: Client, django_assert_max_num_queries: Callable, role: str
) -> None:
    chapter = ChapterFactory()
    _as(client, role, chapter)
    OrganiserFactory.create_batch(2, chapter=chapter)
    for _ in range(3):
        PublishedMobFactory(business__chapter=chapter)
        ReportedMobFactory(business__chapter=chapter)
        MobFactory(business__chapter=chapter)
    # Session and user, chapter, two mob lists, organisers, totals, membership, follow,
    # for signed-in people whether they own a shop (the header's "My shop"), and for
    # organisers the mobs in preparation.
    with django_assert_max_num_queries(11 if role == "organiser" else 10):
        response = client.get(chapter.get_absolute_url())
    assert response.status_code == 200


def test_chapter_page_shows_social_links_built_from_handles(client: Client) -> None:
    chapter = ChapterFactory(
        x_handle="cashmoblyon",
        instagram_handle="cashmob_lyon",
        mastodon_handle="@cashmob@mastodon.social",
        hashtag="#cashmob #lyon",
    )
    body = client.get(chapter.get_absolute_url()).content.decode()
    assert "https://x.com/cashmoblyon" in body
    assert "https://www.instagram.com/cashmob_lyon/" in body
    assert "https://mastodon.social/@cashmob" in body


# --- Join, leave, follow ----------------------------------------------------------------


@pytest.mark.parametrize("action", ["join", "leave", "follow", "unfollow"])
def test_chapter_actions_as_anonymous_go_to_login_and_change_nothing(
    client: Client, action: str
) -> None:
    chapter = ChapterFactory()
    response = client.post(reverse(f"chapters:{action}", args=[chapter.slug]))
    assert response.status_code == 302
    # Back to the chapter page after logging in, not to a POST-only address.
    assert response["Location"].startswith(reverse("account_login"))
    assert response["Location"].endswith(f"next={chapter.get_absolute_url()}")
    assert not Membership.objects.filter(chapter=chapter).exists()
    assert not ChapterFollow.objects.filter(chapter=chapter).exists()


def test_join_by_get_is_not_allowed(client: Client) -> None:
    chapter = ChapterFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("chapters:join", args=[chapter.slug])).status_code == 405


def test_join_makes_a_member_and_says_so(client: Client) -> None:
    chapter = ChapterFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("chapters:join", args=[chapter.slug]), follow=True)
    assert Membership.objects.filter(chapter=chapter, user=user, role="member").exists()
    assert "Welcome to" in response.content.decode()


def test_leave_as_the_last_organiser_is_refused_with_the_reason(client: Client) -> None:
    membership = OrganiserFactory()
    client.force_login(membership.user)
    response = client.post(reverse("chapters:leave", args=[membership.chapter.slug]), follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "last_organiser" in _message_tags(response)[0]
    assert "only organiser" in response.content.decode()


def test_leave_as_a_member_removes_the_membership(client: Client) -> None:
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.post(reverse("chapters:leave", args=[membership.chapter.slug]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_follow_then_unfollow(client: Client) -> None:
    chapter = ChapterFactory()
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("chapters:follow", args=[chapter.slug]))
    assert ChapterFollow.objects.filter(chapter=chapter, user=user).exists()
    assert client.get(chapter.get_absolute_url()).context["following"] is True
    client.post(reverse("chapters:unfollow", args=[chapter.slug]))
    assert not ChapterFollow.objects.filter(chapter=chapter, user=user).exists()


def test_join_an_archived_chapter_is_refused_with_a_message(client: Client) -> None:
    chapter = ChapterFactory(status=Chapter.Status.ARCHIVED)
    client.force_login(UserFactory())
    response = client.post(reverse("chapters:join", args=[chapter.slug]))
    assert _message_tags(response) == ["chapter_not_active"]
    assert not Membership.objects.filter(chapter=chapter).exists()


# --- Members page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("member", 403),
        ("co_organiser", 200),
        ("organiser", 200),
        ("staff", 200),
    ],
)
def test_members_page_per_role(client: Client, role: str, status: int) -> None:
    chapter = ChapterFactory()
    _as(client, role, chapter)
    assert client.get(reverse("chapters:members", args=[chapter.slug])).status_code == status


@pytest.mark.parametrize(
    ("role", "changed"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("co_organiser", False),
        ("organiser", True),
        ("staff", True),
    ],
)
def test_members_change_role_per_role(client: Client, role: str, changed: bool) -> None:
    chapter = ChapterFactory()
    OrganiserFactory(chapter=chapter)
    target = MembershipFactory(chapter=chapter)
    _as(client, role, chapter)
    response = client.post(
        reverse("chapters:members", args=[chapter.slug]),
        {"member": target.user_id, "role": "co_organiser"},
    )
    target.refresh_from_db()
    assert (target.role == Membership.Role.CO_ORGANISER) is changed
    assert response.status_code == (302 if changed else 403)


def test_members_demoting_the_last_organiser_is_refused(client: Client) -> None:
    organiser = OrganiserFactory()
    client.force_login(organiser.user)
    response = client.post(
        reverse("chapters:members", args=[organiser.chapter.slug]),
        {"member": organiser.user_id, "role": "member"},
    )
    organiser.refresh_from_db()
    assert organiser.role == Membership.Role.ORGANISER
    assert _message_tags(response) == ["last_organiser"]


def test_members_unknown_role_is_refused(client: Client) -> None:
    organiser = OrganiserFactory()
    target = MembershipFactory(chapter=organiser.chapter)
    client.force_login(organiser.user)
    response = client.post(
        reverse("chapters:members", args=[organiser.chapter.slug]),
        {"member": target.user_id, "role": "king"},
    )
    target.refresh_from_db()
    assert target.role == Membership.Role.MEMBER
    assert _message_tags(response) == ["invalid_role"]


def test_members_page_is_paginated_with_few_queries(
    client: Client, django_assert_max_num_queries: Callable
) -> None:
    organiser = OrganiserFactory()
    MembershipFactory.create_batch(55, chapter=organiser.chapter)
    client.force_login(organiser.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("chapters:members", args=[organiser.chapter.slug]))
    assert len(response.context["memberships"]) == 50


# --- Settings page ----------------------------------------------------------------------


def _settings_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Cash Mob Lyon",
        "description": "Croix-Rousse and Presqu'île",
        "currency": "EUR",
        "default_pledge": "20.50",
        "max_pledge": "500",
        "time_zone": "Europe/Paris",
        "language": "fr",
        "house_rules": "Spend your pledge. Meet three new people.",
        "hashtag": "cashmob lyon",
        "website": "cashmoblyon.fr",
        "facebook_url": "",
        "x_handle": "@cashmoblyon",
        "instagram_handle": "cashmob_lyon",
        "mastodon_handle": "cashmob@Mastodon.Social",
        "cooldown_days": "120",
        "latitude": "45.764043",
        "longitude": "4.835659",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("member", 403),
        ("co_organiser", 302),
        ("organiser", 302),
        ("staff", 302),
    ],
)
def test_settings_save_per_role(client: Client, role: str, status: int) -> None:
    chapter = ChapterFactory(name="Old name")
    _as(client, role, chapter)
    response = client.post(reverse("chapters:settings", args=[chapter.slug]), _settings_data())
    assert response.status_code == status, response.context and response.context["form"].errors
    chapter.refresh_from_db()
    assert (chapter.name == "Cash Mob Lyon") is (status == 302)


def test_settings_save_normalises_and_parses_exactly(client: Client) -> None:
    organiser = OrganiserFactory()
    client.force_login(organiser.user)
    client.post(reverse("chapters:settings", args=[organiser.chapter.slug]), _settings_data())
    chapter = Chapter.objects.get(pk=organiser.chapter.pk)
    assert chapter.default_pledge_minor == 2050
    assert chapter.max_pledge_minor == 50_000
    assert chapter.x_handle == "cashmoblyon"
    assert chapter.instagram_handle == "cashmob_lyon"
    assert chapter.mastodon_handle == "@cashmob@mastodon.social"
    assert chapter.hashtag == "#cashmob #lyon"
    assert chapter.website == "https://cashmoblyon.fr"
    assert chapter.cooldown_days == 120
    assert str(chapter.latitude) == "45.764043"


def test_settings_page_shows_the_pledge_in_major_units(client: Client) -> None:
    organiser = OrganiserFactory(chapter__default_pledge_minor=2000)
    client.force_login(organiser.user)
    response = client.get(reverse("chapters:settings", args=[organiser.chapter.slug]))
    assert response.context["form"]["default_pledge"].value() == "20"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("default_pledge", "twenty"),
        ("default_pledge", "20.505"),
        ("default_pledge", "-5"),
        ("default_pledge", "0"),
        ("default_pledge", "999999999"),
        ("default_pledge", "600"),
        ("max_pledge", ""),
        ("max_pledge", "0"),
        ("max_pledge", "2000000"),
        ("currency", "XYZ"),
        ("time_zone", "Mars/Olympus"),
        ("language", "tlh"),
        ("x_handle", "this handle has spaces"),
        ("x_handle", "@" + "a" * 31),
        ("instagram_handle", "insta.gram"),
        ("mastodon_handle", "@cashmob"),
        ("mastodon_handle", "@cash mob@mastodon.social"),
        ("hashtag", "#cash-mob"),
        ("website", "not a url"),
        ("facebook_url", "https://example.org/page"),
        ("cooldown_days", "-1"),
        ("cooldown_days", "5000"),
        ("latitude", "91"),
        ("longitude", "-181"),
        ("name", "<b>Lyon</b>"),
        ("name", ""),
        ("house_rules", "x" * 4001),
    ],
)
def test_settings_bad_input_shows_a_field_error_and_changes_nothing(
    client: Client, field: str, value: str
) -> None:
    organiser = OrganiserFactory(chapter__name="Old name")
    client.force_login(organiser.user)
    response = client.post(
        reverse("chapters:settings", args=[organiser.chapter.slug]),
        _settings_data(**{field: value}),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Chapter.objects.get(pk=organiser.chapter.pk).name == "Old name"


def test_settings_latitude_without_longitude_is_refused(client: Client) -> None:
    organiser = OrganiserFactory()
    client.force_login(organiser.user)
    response = client.post(
        reverse("chapters:settings", args=[organiser.chapter.slug]),
        _settings_data(longitude=""),
    )
    assert "longitude" in response.context["form"].errors


def test_settings_yen_pledge_has_no_decimals(client: Client) -> None:
    organiser = OrganiserFactory(chapter__currency="JPY")
    client.force_login(organiser.user)
    response = client.post(
        reverse("chapters:settings", args=[organiser.chapter.slug]),
        _settings_data(currency="JPY", default_pledge="3000.50", max_pledge="50000"),
    )
    assert "default_pledge" in response.context["form"].errors
    response = client.post(
        reverse("chapters:settings", args=[organiser.chapter.slug]),
        _settings_data(currency="JPY", default_pledge="3000", max_pledge="50000"),
    )
    assert response.status_code == 302
    assert Chapter.objects.get(pk=organiser.chapter.pk).default_pledge_minor == 3000


def test_settings_currency_change_with_mobs_is_a_field_error(client: Client) -> None:
    organiser = OrganiserFactory(chapter__currency="EUR")
    MobFactory(business__chapter=organiser.chapter)
    client.force_login(organiser.user)
    response = client.post(
        reverse("chapters:settings", args=[organiser.chapter.slug]),
        _settings_data(currency="USD", name="New name"),
    )
    assert "currency" in response.context["form"].errors
    chapter = Chapter.objects.get(pk=organiser.chapter.pk)
    assert (chapter.currency, chapter.name) == ("EUR", organiser.chapter.name)


# --- Requesting a chapter and reviewing requests ----------------------------------------


def _request_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Cash Mob Gothenburg",
        "city": "Gothenburg",
        "country": "SE",
        "time_zone": "Europe/Stockholm",
        "currency": "SEK",
        "default_pledge": "200",
        "language": "sv",
        "description": "Haga and Linné",
    }
    data.update(overrides)
    return data


def test_request_as_anonymous_goes_to_login(client: Client) -> None:
    response = client.get(reverse("chapters:request"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_request_without_a_verified_email_is_refused(client: Client) -> None:
    client.force_login(UserFactory(verified=False))
    response = client.post(reverse("chapters:request"), _request_data())
    assert response.status_code == 200
    assert response.context["verified"] is False
    assert not Chapter.objects.exists()


def test_request_creates_a_pending_chapter_and_shows_the_waiting_page(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("chapters:request"), _request_data(), follow=True)
    chapter = Chapter.objects.get()
    assert chapter.status == Chapter.Status.PENDING
    assert chapter.default_pledge_minor == 20_000
    assert Membership.objects.get(chapter=chapter).user == user
    assert response.redirect_chain[-1][0] == reverse("chapters:request_done")
    assert "Cash Mob Gothenburg" in response.content.decode()


def test_request_twice_while_pending_is_a_form_error(client: Client) -> None:
    client.force_login(UserFactory())
    client.post(reverse("chapters:request"), _request_data())
    response = client.post(reverse("chapters:request"), _request_data(name="Another one"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Chapter.objects.count() == 1


def test_request_page_with_a_pending_request_says_so_instead_of_a_form(client: Client) -> None:
    user = UserFactory()
    ChapterFactory(name="Cash Mob Waiting", status=Chapter.Status.PENDING, requested_by=user)
    client.force_login(user)
    body = client.get(reverse("chapters:request")).content.decode()
    assert "Cash Mob Waiting" in body
    assert 'action="/chapters/new/"' not in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "<script>x</script>"),
        ("city", ""),
        ("country", "XX"),
        ("time_zone", "Nowhere/Else"),
        ("currency", "ABC"),
        ("default_pledge", "20.5.0"),
        ("description", "x" * 4001),
    ],
)
def test_request_bad_input_is_a_field_error(client: Client, field: str, value: str) -> None:
    client.force_login(UserFactory())
    response = client.post(reverse("chapters:request"), _request_data(**{field: value}))
    assert field in response.context["form"].errors
    assert not Chapter.objects.exists()


def test_request_named_like_a_page_gets_another_slug(client: Client) -> None:
    client.force_login(UserFactory())
    client.post(reverse("chapters:request"), _request_data(name="New"))
    assert Chapter.objects.get().slug != "new"


@pytest.mark.parametrize(("role", "status"), [(r, 200 if r == "staff" else 403) for r in ROLES])
def test_review_queue_per_role(client: Client, role: str, status: int) -> None:
    chapter = ChapterFactory()
    _as(client, role, chapter)
    assert client.get(reverse("chapters:review")).status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_review_approve_per_role(client: Client, role: str) -> None:
    requester = UserFactory()
    pending = ChapterFactory(status=Chapter.Status.PENDING, requested_by=requester)
    OrganiserFactory(chapter=pending, user=requester)
    _as(client, role, pending)
    response = client.post(reverse("chapters:review_approve", args=[pending.pk]))
    pending.refresh_from_db()
    assert (pending.status == Chapter.Status.ACTIVE) is (role == "staff")
    assert response.status_code == (302 if role == "staff" else 403)


def test_review_approve_emails_the_requester(
    client: Client, django_capture_on_commit_callbacks: Callable
) -> None:
    requester = UserFactory(language="en")
    pending = ChapterFactory(
        name="Cash Mob Malmo", status=Chapter.Status.PENDING, requested_by=requester
    )
    client.force_login(UserFactory(is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("chapters:review_approve", args=[pending.pk]))
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "Cash Mob Malmo" in mail.outbox[0].subject


def test_review_approve_twice_explains_the_conflict(client: Client) -> None:
    chapter = ChapterFactory(status=Chapter.Status.ACTIVE)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("chapters:review_approve", args=[chapter.pk]))
    assert response.status_code == 409
    assert b'data-error-code="not_pending"' in response.content


def test_review_reject_needs_a_reason(client: Client) -> None:
    pending = ChapterFactory(status=Chapter.Status.PENDING)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("chapters:review_reject", args=[pending.pk]), {f"reject-{pending.pk}-reason": " "}
    )
    assert response.status_code == 400
    assert Chapter.objects.filter(pk=pending.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_review_reject_per_role(client: Client, role: str) -> None:
    pending = ChapterFactory(status=Chapter.Status.PENDING, requested_by=UserFactory())
    _as(client, role, pending)
    response = client.post(
        reverse("chapters:review_reject", args=[pending.pk]),
        {f"reject-{pending.pk}-reason": "Lyon already has a chapter."},
    )
    assert Chapter.objects.filter(pk=pending.pk).exists() is (role != "staff")
    assert response.status_code == (302 if role == "staff" else 403)


def test_review_reject_emails_the_reason(
    client: Client, django_capture_on_commit_callbacks: Callable
) -> None:
    requester = UserFactory(language="en")
    pending = ChapterFactory(status=Chapter.Status.PENDING, requested_by=requester)
    client.force_login(UserFactory(is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("chapters:review_reject", args=[pending.pk]),
            {f"reject-{pending.pk}-reason": "Lyon already has a chapter."},
        )
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "Lyon already has a chapter." in mail.outbox[0].body


def test_pending_chapter_is_not_reachable_by_its_slug_yet(client: Client) -> None:
    pending = ChapterFactory(status=Chapter.Status.PENDING)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_chapter_page_links_to_nominating_a_shop_while_active(client: Client) -> None:
    active = ChapterFactory()
    archived = ChapterFactory(status=Chapter.Status.ARCHIVED)
    nominate = reverse("businesses:nominate", kwargs={"chapter_slug": active.slug})
    assert nominate in client.get(active.get_absolute_url()).content.decode()
    assert client.get(archived.get_absolute_url()).context["nominate_url"] is None


def test_chapter_page_shows_mobs_in_preparation_to_organisers_only(client: Client) -> None:
    chapter = ChapterFactory()
    mob = MobFactory(business__chapter=chapter, title="Secret planning for spring")
    _as(client, "organiser", chapter)
    body = client.get(chapter.get_absolute_url()).content.decode()
    assert "Secret planning for spring" in body
    assert f"/mobs/{mob.slug}/dashboard/" in body
    client.logout()
    _as(client, "member", chapter)
    assert (
        "Secret planning for spring" not in client.get(chapter.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("query", ["", "?q=atlantis"], ids=["no-chapters", "no-match"])
def test_directory_empty_states_offer_to_start_a_chapter(client: Client, query: str) -> None:
    """Finding no chapter (none yet, or none matching) leads to starting one."""
    body = client.get(reverse("chapters:list") + query).content.decode()
    start = body.index('class="empty-state"')
    empty = body[start : body.index("</div>", start)]
    assert f'href="{reverse("chapters:request")}"' in empty
    assert "Start a chapter" in empty
