"""Planning and the organiser dashboard: who may act, bad input, the consent gate."""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.models import Business
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.models import Membership
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.admin import MobAdmin
from cashmob.mobs.consent import consent_answer, consent_request_send
from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus
from cashmob.mobs.tests.dashboard import dashboard_data
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory
from cashmob.voting.models import DatePoll, ShopVote

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ROLES = ("anonymous", "stranger", "member", "co_organiser", "organiser", "staff")
ALLOWED = {"co_organiser", "organiser", "staff"}


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):  # type: ignore[no-untyped-def]
    """Slots are posted as local wall-clock times ("until 23:59"): whether one lasts under the
    twelve-hour limit must not depend on the hour the suite runs at."""
    time_machine.move_to(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))


def local(dt: datetime) -> str:
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def login_as(client, role: str, chapter):  # type: ignore[no-untyped-def]
    if role == "anonymous":
        return None
    if role == "stranger":
        user = UserFactory()
    elif role == "staff":
        user = UserFactory(is_staff=True)
    else:
        user = MembershipFactory(chapter=chapter, role=role).user
    client.force_login(user)
    return user


def expect(response, role: str) -> None:  # type: ignore[no-untyped-def]
    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif role in ALLOWED:
        assert response.status_code in (200, 302), response.content.decode()[:1500]
    else:
        assert response.status_code == 403


def action_url(mob: Mob, action: str) -> str:
    return reverse("mobs:dashboard_action", kwargs={"slug": mob.slug, "action": action})


@pytest.fixture
def planning():  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en")
    OrganiserFactory(chapter=chapter)
    shops = [BusinessFactory(chapter=chapter) for _ in range(3)]
    mob = MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
    return chapter, mob, shops


# --- Plan -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_mob_plan_is_for_organisers_only(client, role) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory()
    login_as(client, role, chapter)
    url = reverse("mobs:plan", kwargs={"chapter_slug": chapter.slug})
    response = client.post(url, {"title": "New mob", "pledge": "20"})
    expect(response, role)
    assert Mob.objects.filter(title="New mob").exists() == (role in ALLOWED)


@pytest.mark.parametrize(
    ("pledge", "message"),
    [("abc", "Enter an amount"), ("-5", "negative"), ("20.505", "decimal"), ("0", "above zero")],
)
def test_mob_plan_with_a_bad_pledge_shows_a_field_error(client, pledge, message) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en")
    client.force_login(OrganiserFactory(chapter=chapter).user)
    response = client.post(
        reverse("mobs:plan", kwargs={"chapter_slug": chapter.slug}),
        {"title": "Mob", "pledge": pledge},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Mob.objects.exists()


def test_mob_plan_error_is_said_at_its_field_and_the_summary_links_to_it(client) -> None:  # type: ignore[no-untyped-def]
    """A form of several fields: the summary names each field in error and links to it; the
    message itself is said once, at the field."""
    chapter = ChapterFactory(language="en")
    client.force_login(OrganiserFactory(chapter=chapter).user)
    response = client.post(
        reverse("mobs:plan", kwargs={"chapter_slug": chapter.slug}),
        {"title": "", "pledge": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("Enter a pledge above zero.") == 1
    assert body.count("This field is required.") == 1
    summary = body[body.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert '<a href="#id_title">Title</a>' in summary
    assert 'href="#id_pledge"' in summary
    assert "above zero" not in summary


def test_dashboard_form_error_that_no_field_shows_is_in_the_summary_once(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(chapter__language="en")
    login_as(client, "organiser", mob.chapter)
    response = client.post(
        action_url(mob, "consent_send"),
        dashboard_data("consent_send", {"slot_0_start": "", "slot_0_end": "", "message": ""}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("Propose at least one time.") == 1
    summary = body[body.index('class="error-summary"') :]
    assert "Propose at least one time." in summary[: summary.index("</div>")]


def test_mob_plan_below_half_the_default_pledge_is_refused_on_the_field(client) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en", default_pledge_minor=2000)
    client.force_login(OrganiserFactory(chapter=chapter).user)
    response = client.post(
        reverse("mobs:plan", kwargs={"chapter_slug": chapter.slug}),
        {"title": "Mob", "pledge": "5"},
    )
    assert response.status_code == 400
    assert "half the chapter" in response.content.decode()
    assert not Mob.objects.exists()


def test_mob_plan_of_an_unknown_chapter_is_404(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    assert client.get(reverse("mobs:plan", kwargs={"chapter_slug": "nowhere"})).status_code == 404


# --- Dashboard: reading -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_is_for_organisers_only(client, planning, role) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, role, chapter)
    response = client.get(reverse("mobs:dashboard", kwargs={"slug": mob.slug}))
    expect(response, role)


def test_dashboard_shows_the_next_step(client, planning) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    page = client.get(reverse("mobs:dashboard", kwargs={"slug": mob.slug})).content.decode()
    assert re.search(r'aria-current="step">\s*<strong><a href="#shop">', page)


def test_dashboard_of_a_busy_mob_runs_a_fixed_number_of_queries(
    client, planning, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    organiser = login_as(client, "organiser", chapter)
    from cashmob.voting.services import (
        ballot_cast,
        date_poll_open,
        shop_vote_close,
        shop_vote_open,
    )

    vote = shop_vote_open(mob=mob, actor=organiser, closes_at=timezone.now() + timedelta(days=1))
    for _ in range(3):
        ballot_cast(
            vote=vote,
            user=MembershipFactory(chapter=chapter).user,
            candidate_ids=[vote.candidates.first().pk],
        )
    shop_vote_close(vote=vote, actor=organiser)
    start = timezone.now() + timedelta(days=5)
    date_poll_open(
        mob=mob,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=2),
        slots=[(start + timedelta(days=i), start + timedelta(days=i, hours=2)) for i in range(5)],
    )
    for _ in range(3):
        BusinessFactory(chapter=chapter)
    mob.refresh_from_db()
    consent_request_send(
        mob=mob, actor=organiser, slots=[(start, start + timedelta(hours=2))], message="Hi"
    )
    url = reverse("mobs:dashboard", kwargs={"slug": mob.slug})
    # Among these: the candidates' declared interests, and the after-party venues'
    # search (at most three widening circles, then the page of shops), and whether the
    # viewer owns a shop (the header's "My shop").
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


# --- Dashboard: acting ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_vote_open_is_for_organisers_only(client, planning, role) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, role, chapter)
    response = client.post(
        action_url(mob, "vote_open"),
        dashboard_data("vote_open", {"closes_at": local(timezone.now() + timedelta(days=2))}),
    )
    expect(response, role)
    assert ShopVote.objects.filter(mob=mob).exists() == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_choose_shop_is_for_organisers_only(client, planning, role) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, shops = planning
    login_as(client, role, chapter)
    response = client.post(
        action_url(mob, "choose_shop"), dashboard_data("choose_shop", {"business": shops[0].pk})
    )
    expect(response, role)
    mob.refresh_from_db()
    assert (mob.business_id == shops[0].pk) == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_poll_open_is_for_organisers_only(client, planning, role) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, role, chapter)
    start = timezone.now() + timedelta(days=6)
    response = client.post(
        action_url(mob, "poll_open"),
        dashboard_data(
            "poll_open",
            {
                "closes_at": local(timezone.now() + timedelta(days=2)),
                "slot_0_start": local(start),
                "slot_0_end": "23:59",
            },
        ),
    )
    expect(response, role)
    assert DatePoll.objects.filter(mob=mob).exists() == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_consent_send_is_for_organisers_only(client, role) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(chapter__language="en")
    login_as(client, role, mob.chapter)
    response = client.post(
        action_url(mob, "consent_send"),
        dashboard_data(
            "consent_send",
            {"slot_0_start": local(mob.starts_at), "slot_0_end": "23:59", "message": ""},
        ),
    )
    expect(response, role)
    assert ConsentRequest.objects.filter(mob=mob).exists() == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_cancel_is_for_organisers_only(client, role) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    login_as(client, role, mob.chapter)
    response = client.post(
        action_url(mob, "cancel"), dashboard_data("cancel", {"reason": "Storm warning"})
    )
    expect(response, role)
    mob.refresh_from_db()
    assert (mob.status == MobStatus.CANCELLED) == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_details_are_for_organisers_only(client, role) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    login_as(client, role, mob.chapter)
    response = client.post(
        action_url(mob, "details"),
        dashboard_data("details", {"title": mob.title, "meeting_point": "The old mill"}),
    )
    expect(response, role)
    mob.refresh_from_db()
    assert (mob.meeting_point == "The old mill") == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_reveal_is_for_organisers_only(client, role) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory(reveal_at=timezone.now() + timedelta(hours=5))
    login_as(client, role, mob.chapter)
    response = client.post(action_url(mob, "reveal"))
    expect(response, role)
    mob.refresh_from_db()
    assert (mob.reveal_at <= timezone.now()) == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_after_party_is_for_organisers_only(client, role) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    venue = BusinessFactory(chapter=mob.chapter)
    login_as(client, role, mob.chapter)
    response = client.post(
        action_url(mob, "after_party"),
        dashboard_data(
            "after_party",
            {"business": venue.pk, "starts_at": local(mob.ends_at), "ends_at": "23:30"},
        ),
    )
    expect(response, role)
    mob.refresh_from_db()
    assert (mob.after_party_business_id == venue.pk) == (role in ALLOWED)


def test_dashboard_unknown_action_is_404(client, planning) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    assert client.post(action_url(mob, "explode")).status_code == 404


def test_dashboard_get_on_an_action_is_refused(client, planning) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    assert client.get(action_url(mob, "cancel")).status_code == 405


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"closes_at": "not a date"}, "Enter a valid date"),
        ({"closes_at": "2020-01-01T10:00"}, "at least five minutes"),
        ({"closes_at": "2099-01-01T10:00"}, "at most 60 days"),
    ],
)
def test_dashboard_vote_open_with_bad_input_changes_nothing(
    client, planning, data, field_error
) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    response = client.post(
        action_url(mob, "vote_open"), dashboard_data("vote_open", data), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not ShopVote.objects.exists()


def test_dashboard_vote_open_with_an_ineligible_shortlist_is_refused(client, planning) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, shops = planning
    excluded = BusinessFactory(chapter=chapter, status=Business.Status.EXCLUDED)
    login_as(client, "organiser", chapter)
    response = client.post(
        action_url(mob, "vote_open"),
        dashboard_data(
            "vote_open",
            {
                "closes_at": local(timezone.now() + timedelta(days=2)),
                "businesses": [shops[0].pk, excluded.pk],
            },
        ),
    )
    assert response.status_code == 400
    assert not ShopVote.objects.exists()


def test_dashboard_poll_open_rejects_a_time_lost_to_the_clock_change(client, planning) -> None:  # type: ignore[no-untyped-def]
    """02:30 on the last Sunday of March does not exist in Paris."""
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    year = timezone.now().year + 1
    response = client.post(
        action_url(mob, "poll_open"),
        dashboard_data(
            "poll_open",
            {
                "closes_at": local(timezone.now() + timedelta(days=2)),
                "slot_0_start": f"{year}-03-{_last_sunday_of_march(year)}T02:30",
                "slot_0_end": "04:00",
            },
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "does not exist" in response.content.decode()
    assert not DatePoll.objects.exists()


def _last_sunday_of_march(year: int) -> int:
    day = datetime(year, 3, 31, tzinfo=UTC)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day.day


def test_dashboard_poll_open_reads_times_in_the_chapters_zone(client) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(time_zone="America/New_York")
    mob = MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
    login_as(client, "organiser", chapter)
    year = timezone.now().year + 1
    response = client.post(
        action_url(mob, "poll_open"),
        dashboard_data(
            "poll_open",
            {
                "closes_at": local(timezone.now() + timedelta(days=2)),
                "slot_0_start": f"{year}-07-01T18:00",
                "slot_0_end": "20:00",
            },
        ),
    )
    assert response.status_code == 302
    slot = DatePoll.objects.get(mob=mob).slots.get()
    assert slot.starts_at == datetime(year, 7, 1, 22, 0, tzinfo=UTC)
    assert slot.ends_at == datetime(year, 7, 2, 0, 0, tzinfo=UTC)


def test_dashboard_publish_without_consent_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(status=MobStatus.PLANNING)
    login_as(client, "organiser", mob.chapter)
    response = client.post(action_url(mob, "publish"), dashboard_data("publish", {}))
    assert response.status_code == 409
    mob.refresh_from_db()
    assert mob.status == MobStatus.PLANNING
    assert mob.published_at is None


def test_dashboard_publish_keeps_the_shop_secret_until_the_chosen_time(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(status=MobStatus.CONFIRMED, business_consent=Consent.ACCEPTED)
    login_as(client, "organiser", mob.chapter)
    reveal = (mob.starts_at - timedelta(hours=2)).replace(second=0, microsecond=0)
    response = client.post(
        action_url(mob, "publish"),
        dashboard_data("publish", {"keep_secret": "on", "reveal_at": local(reveal)}),
    )
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED
    assert mob.reveal_at == reveal


def test_dashboard_publish_with_a_reveal_after_the_start_is_a_field_error(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(status=MobStatus.CONFIRMED, business_consent=Consent.ACCEPTED)
    login_as(client, "organiser", mob.chapter)
    response = client.post(
        action_url(mob, "publish"),
        dashboard_data(
            "publish", {"keep_secret": "on", "reveal_at": local(mob.starts_at + timedelta(hours=1))}
        ),
    )
    assert response.status_code == 400
    mob.refresh_from_db()
    assert mob.status == MobStatus.CONFIRMED


def test_admin_publish_action_refuses_a_mob_without_consent(rf: RequestFactory) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(status=MobStatus.PLANNING)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    request = rf.post("/admin/mobs/mob/")
    request.user = admin_user
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    MobAdmin(Mob, site).publish(request, Mob.objects.filter(pk=mob.pk))
    mob.refresh_from_db()
    assert mob.status == MobStatus.PLANNING
    assert [m.level_tag for m in request._messages] == ["error"]  # type: ignore[attr-defined]


def test_admin_cannot_move_a_published_mob_behind_everyones_back(client) -> None:  # type: ignore[no-untyped-def]
    """Once published, the agreed time, place and limits change only through the
    dashboard (the shop agrees, participants are told), never silently in the admin."""
    mob = PublishedMobFactory(capacity=30)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:mobs_mob_change", args=[mob.pk])
    page = client.get(url).content.decode()
    assert 'name="starts_at_0"' not in page
    assert 'name="capacity"' not in page
    assert 'name="title"' in page  # the wording stays editable
    agreed = (mob.starts_at, mob.capacity)
    client.post(url, {"title": "Renamed", "capacity": "3", "starts_at_0": "2030-01-01"})
    mob.refresh_from_db()
    assert (mob.starts_at, mob.capacity) == agreed
    planning = MobFactory()
    page = client.get(reverse("admin:mobs_mob_change", args=[planning.pk])).content.decode()
    assert 'name="title"' in page
    assert 'name="starts_at_0"' not in page  # times go through the dashboard's poll or form


def test_admin_cannot_swap_the_shop_or_time_of_an_agreed_mob(client) -> None:  # type: ignore[no-untyped-def]
    """The shop said yes to one shop and one time: the admin cannot change either, so its
    publish action can never publish a mob at a shop that did not agree."""
    from cashmob.businesses.tests.factories import BusinessFactory

    mob = MobFactory(status=MobStatus.CONFIRMED, business_consent=Consent.ACCEPTED)
    other = BusinessFactory(chapter=mob.chapter)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:mobs_mob_change", args=[mob.pk])
    page = client.get(url).content.decode()
    for field in ("business", "chapter", "starts_at_0", "ends_at_0", "currency"):
        assert f'name="{field}"' not in page, field
    agreed = (mob.business_id, mob.starts_at, mob.ends_at, mob.currency)
    client.post(
        url,
        {
            "title": mob.title,
            "business": str(other.pk),
            "starts_at_0": "2030-01-01",
            "starts_at_1": "10:00",
            "currency": "USD",
        },
    )
    mob.refresh_from_db()
    assert (mob.business_id, mob.starts_at, mob.ends_at, mob.currency) == agreed
    assert client.get(reverse("admin:mobs_mob_add")).status_code == 403


def test_dashboard_cancel_without_a_reason_is_a_field_error(client) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    login_as(client, "organiser", mob.chapter)
    response = client.post(action_url(mob, "cancel"), dashboard_data("cancel", {"reason": "   "}))
    assert response.status_code == 400
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED


def test_dashboard_time_change_after_the_shops_yes_asks_the_shop_again(client) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(business__chapter__language="en")
    organiser = login_as(client, "organiser", mob.chapter)
    request = consent_request_send(mob=mob, actor=organiser, slots=[(mob.starts_at, mob.ends_at)])
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    new_start = mob.starts_at + timedelta(days=1)
    response = client.post(
        action_url(mob, "details"),
        dashboard_data(
            "details",
            {
                "title": mob.title,
                "meeting_point": mob.meeting_point,
                "starts_at": local(new_start),
                "ends_at": local(new_start + timedelta(hours=2)),
            },
        ),
    )
    assert response.status_code == 302
    mob.refresh_from_db()
    request.refresh_from_db()
    assert mob.status == MobStatus.PLANNING
    assert mob.business_consent == Consent.NOT_ASKED
    assert request.superseded


def test_dashboard_after_party_cannot_be_the_mobs_own_shop(client) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    login_as(client, "organiser", mob.chapter)
    response = client.post(
        action_url(mob, "after_party"),
        dashboard_data(
            "after_party",
            {"business": mob.business_id, "starts_at": local(mob.ends_at), "ends_at": "23:30"},
        ),
    )
    assert response.status_code == 400
    mob.refresh_from_db()
    assert mob.after_party_business is None


def test_dashboard_after_party_request_reaches_the_venue(
    client, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    venue = BusinessFactory(chapter=mob.chapter, name="The Corner Pub")
    login_as(client, "organiser", mob.chapter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action_url(mob, "after_party"),
            dashboard_data(
                "after_party",
                {"business": venue.pk, "starts_at": local(mob.ends_at), "ends_at": "23:30"},
            ),
        )
    assert response.status_code == 302
    request = ConsentRequest.objects.get(mob=mob, kind=ConsentRequest.Kind.AFTER_PARTY)
    assert request.business == venue
    assert any(venue.contact_email in m.to for m in mailoutbox)
    mob.refresh_from_db()
    assert mob.after_party_consent == Consent.PENDING
    assert mob.status == MobStatus.PUBLISHED


def test_mob_page_links_organisers_to_the_dashboard(client) -> None:  # type: ignore[no-untyped-def]
    mob = PublishedMobFactory()
    dashboard = reverse("mobs:dashboard", kwargs={"slug": mob.slug})
    assert dashboard not in client.get(mob.get_absolute_url()).content.decode()
    login_as(client, "member", mob.chapter)
    assert dashboard not in client.get(mob.get_absolute_url()).content.decode()
    client.force_login(
        Membership.objects.create(
            chapter=mob.chapter, user=UserFactory(), role=Membership.Role.ORGANISER
        ).user
    )
    assert dashboard in client.get(mob.get_absolute_url()).content.decode()


def test_mob_plan_never_hands_out_a_slug_that_shadows_a_fixed_path(client) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory()
    client.force_login(OrganiserFactory(chapter=chapter).user)
    client.post(
        reverse("mobs:plan", kwargs={"chapter_slug": chapter.slug}),
        {"title": "Plan", "pledge": "20"},
    )
    mob = Mob.objects.get(title="Plan")
    assert mob.slug != "plan"
    assert client.get(reverse("mobs:dashboard", kwargs={"slug": mob.slug})).status_code == 200


@pytest.mark.parametrize(
    "factory_kwargs",
    [
        {"status": MobStatus.AWAITING_CONSENT, "business_consent": Consent.PENDING},
        {"status": MobStatus.CONFIRMED, "business_consent": Consent.ACCEPTED},
        {"status": MobStatus.CANCELLED, "cancel_reason": "Snow"},
    ],
)
def test_dashboard_renders_in_every_status(client, factory_kwargs) -> None:  # type: ignore[no-untyped-def]
    mob = MobFactory(**factory_kwargs)
    login_as(client, "organiser", mob.chapter)
    assert client.get(reverse("mobs:dashboard", kwargs={"slug": mob.slug})).status_code == 200


def test_dashboard_of_a_finished_mob_points_to_its_results(client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import ReportedMobFactory

    mob = ReportedMobFactory()
    login_as(client, "organiser", mob.chapter)
    page = client.get(reverse("mobs:dashboard", kwargs={"slug": mob.slug})).content.decode()
    assert 'aria-current="step"' not in page
    assert 'action="' + action_url(mob, "cancel") not in page


def test_mob_page_shows_an_accepted_after_party(client) -> None:  # type: ignore[no-untyped-def]
    venue = BusinessFactory(name="Le Bouchon d'Or")
    mob = PublishedMobFactory(
        business__chapter=venue.chapter,
        after_party_business=venue,
        after_party_consent=Consent.ACCEPTED,
        after_party_starts_at=timezone.now() + timedelta(days=7, hours=2),
    )
    assert "Bouchon" in client.get(mob.get_absolute_url()).content.decode()
    Mob.objects.filter(pk=mob.pk).update(after_party_consent=Consent.PENDING)
    assert "Bouchon" not in client.get(mob.get_absolute_url()).content.decode()


def test_local_to_utc_at_the_edge_of_the_calendar_is_a_field_error() -> None:
    from datetime import datetime

    from django import forms

    from cashmob.mobs.forms import local_to_utc

    with pytest.raises(forms.ValidationError) as excinfo:
        local_to_utc(datetime(9999, 12, 31, 23, 30), "America/New_York")  # noqa: DTZ001
    assert excinfo.value.code == "out_of_range"


def test_after_party_venues_are_the_listed_places_near_the_shop() -> None:
    from decimal import Decimal

    from cashmob.mobs.selectors import mob_dashboard_get

    mob = MobFactory()  # its shop is in central Paris
    chapter = mob.chapter
    near = BusinessFactory(chapter=chapter, name="Le Zinc", latitude=Decimal("48.8570"))
    far = BusinessFactory(chapter=chapter, name="Far Away", latitude=Decimal("49.5"))
    BusinessFactory(
        chapter=chapter, name="No Thanks", status=Business.Status.EXCLUDED
    )  # asked not to be mobbed
    offered = [b for b, _km in mob_dashboard_get(mob=mob).venues]
    assert offered == [near]
    # A venue chosen earlier stays on offer, wherever it is.
    Mob.objects.filter(pk=mob.pk).update(after_party_business=far)
    mob.refresh_from_db()
    assert [b for b, _km in mob_dashboard_get(mob=mob).venues] == [near, far]


# --- Dashboard: one id per element ------------------------------------------------------------


class _Ids(HTMLParser):
    """Every id on a page, and every label's ``for``."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"]] += 1
        if tag == "label" and found.get("for"):
            self.label_targets.append(found["for"])


def assert_ids_unique(page: str) -> None:
    """No two elements share an id, and every label points at exactly one element."""
    parsed = _Ids()
    parsed.feed(page)
    assert parsed.ids, "no ids at all: not the page expected"
    assert [i for i, n in parsed.ids.items() if n > 1] == []
    assert [t for t in parsed.label_targets if t not in parsed.ids] == []


def _dashboard_mob(state: str, chapter):  # type: ignore[no-untyped-def]
    """A mob whose dashboard shows many forms at once: each state shows a different set."""
    shops = [BusinessFactory(chapter=chapter) for _ in range(3)]
    if state == "published":
        return PublishedMobFactory(chapter=chapter, business=shops[0])
    if state == "confirmed":
        return MobFactory(
            chapter=chapter,
            business=shops[0],
            status=MobStatus.CONFIRMED,
            business_consent=Consent.ACCEPTED,
        )
    mob = MobFactory(chapter=chapter, business=shops[0])
    if state == "poll open":
        organiser = Membership.objects.get(chapter=chapter, role="organiser").user
        from cashmob.voting.services import date_poll_open

        start = timezone.now() + timedelta(days=5)
        date_poll_open(
            mob=mob,
            actor=organiser,
            closes_at=timezone.now() + timedelta(days=2),
            slots=[(start + timedelta(days=i), start + timedelta(days=i, hours=2)) for i in (0, 1)],
        )
    return mob


@pytest.mark.parametrize("state", ["planning", "poll open", "confirmed", "published"])
def test_dashboard_gives_every_field_its_own_id(client, state) -> None:  # type: ignore[no-untyped-def]
    """The vote and choose-shop forms both have a shop field, the poll and the request to the
    shop both have slots, the details and the after-party both have times: each form has its
    own prefix, so each label points at its own field."""
    chapter = ChapterFactory(language="en")
    organiser = OrganiserFactory(chapter=chapter).user
    mob = _dashboard_mob(state, chapter)
    client.force_login(organiser)
    page = client.get(reverse("mobs:dashboard", kwargs={"slug": mob.slug})).content.decode()
    assert_ids_unique(page)
    if state == "planning":
        for field in ("vote_open-closes_at", "choose_shop-business", "poll_open-slot_0_start"):
            assert f'id="id_{field}"' in page
        for field in ("consent_send-slot_0_start", "details-starts_at", "after_party-business"):
            assert f'id="id_{field}"' in page


def test_dashboard_shown_again_with_errors_keeps_its_ids_unique(client, planning) -> None:  # type: ignore[no-untyped-def]
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    response = client.post(
        action_url(mob, "choose_shop"), dashboard_data("choose_shop", {"business": "nope"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert_ids_unique(page)
    assert 'aria-invalid="true"' in page
    assert 'id="id_choose_shop-business"' in page


def test_dashboard_ignores_fields_posted_without_the_forms_prefix(client, planning) -> None:  # type: ignore[no-untyped-def]
    """A field of one form never fills a namesake of another: the shop chosen is read from the
    choose-shop form's own field only."""
    chapter, mob, shops = planning
    login_as(client, "organiser", chapter)
    response = client.post(action_url(mob, "choose_shop"), {"business": shops[0].pk})
    assert response.status_code == 400
    mob.refresh_from_db()
    assert mob.business is None


def test_dashboard_shown_again_never_echoes_text_a_time_input_cannot_hold(client, planning) -> None:  # type: ignore[no-untyped-def]
    """A date-time or time input whose posted text is not a time shows empty (as browsers
    show it) rather than an invalid value attribute; the error at the field says why."""
    chapter, mob, _shops = planning
    login_as(client, "organiser", chapter)
    response = client.post(
        action_url(mob, "poll_open"),
        dashboard_data(
            "poll_open",
            {"closes_at": "soon", "slot_0_start": "2026-07-01T18:00", "slot_0_end": "25:99"},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="soon"' not in page
    assert 'value="25:99"' not in page
    assert 'name="poll_open-slot_0_start" value="2026-07-01T18:00"' in page
    assert_ids_unique(page)
