"""RSVP pages: the pledge form, guests, cancelling, my mobs, calendar files and feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.models import CalendarFeed, Rsvp, RsvpStatus
from cashmob.rsvps.services import rsvp_create

pytestmark = pytest.mark.django_db


def _mob(**kwargs):  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(
        currency="EUR", default_pledge_minor=2000, language="fr", time_zone="Europe/Paris"
    )
    return PublishedMobFactory(business__chapter=chapter, pledge_minor=2000, **kwargs)


def test_rsvp_form_pledge_confirms_and_redirects(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("rsvps:submit", args=[mob.slug]), {"pledge": "25,50", "currency": "EUR"}
    )
    assert response.status_code == 302
    rsvp = Rsvp.objects.get(mob=mob, user=user)
    assert (rsvp.status, rsvp.pledge_minor) == (RsvpStatus.CONFIRMED, 2550)


@pytest.mark.parametrize(
    ("pledge", "currency"),
    [
        ("abc", "EUR"),
        ("-20", "EUR"),
        ("19.99", "EUR"),
        ("20", "USD"),
        ("20.001", "EUR"),
        ("99999999", "EUR"),
        ("", "EUR"),
    ],
)
def test_rsvp_form_bad_pledge_is_a_field_error_and_changes_nothing(
    client, pledge, currency
) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    client.force_login(UserFactory())
    response = client.post(
        reverse("rsvps:submit", args=[mob.slug]), {"pledge": pledge, "currency": currency}
    )
    assert 400 <= response.status_code < 500
    assert response.context["form"].errors
    assert not Rsvp.objects.exists()
    mob.refresh_from_db()
    assert mob.pledged_total_minor == 0


def test_rsvp_form_twice_is_a_conflict(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    client.force_login(UserFactory())
    url = reverse("rsvps:submit", args=[mob.slug])
    client.post(url, {"pledge": "20", "currency": "EUR"})
    response = client.post(url, {"pledge": "20", "currency": "EUR"})
    assert response.status_code == 409
    assert Rsvp.objects.count() == 1


def test_rsvp_anonymous_is_sent_to_the_guest_form(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    response = client.post(reverse("rsvps:submit", args=[mob.slug]), {"pledge": "20"})
    assert response.status_code == 302
    assert response["Location"] == reverse("rsvps:guest", args=[mob.slug])


def test_rsvp_guest_form_sends_a_link_and_confirms_once(
    client, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import re

    mob = _mob()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rsvps:guest", args=[mob.slug]),
            {"name": "Ada", "email": "ada@example.org", "pledge": "20", "currency": "EUR"},
        )
    # Post/redirect/get: the "check your email" page can be reloaded without sending again.
    assert response.status_code == 302
    assert response["Location"] == reverse("rsvps:guest_sent", args=[mob.slug])
    sent = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Check your email" in sent.content.decode()
    assert len(mailoutbox) == 1
    path = re.search(r"(/rsvp/guest/\S+/)", mailoutbox[-1].body).group(1)
    assert client.get(path).status_code == 200
    assert Rsvp.objects.get().status == RsvpStatus.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == path
    assert Rsvp.objects.get().status == RsvpStatus.CONFIRMED
    # Reloading the page it lands on is a GET: it says so, and counts nothing twice.
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert "going!" in page.content.decode()
    assert "Confirm my RSVP" not in page.content.decode()
    mob.refresh_from_db()
    assert mob.rsvp_count == 1
    assert client.post(path).status_code == 410


def test_rsvp_guest_pages_keep_a_secret_shop_secret(client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(title="Mob at Fromagerie Dupont")
    mob.reveal_at = mob.starts_at - timedelta(hours=1)
    mob.save(update_fields=["reveal_at"])
    client.post(
        reverse("rsvps:guest", args=[mob.slug]),
        {"name": "Ada", "email": "ada@example.org", "pledge": "20", "currency": "EUR"},
    )
    page = client.get(reverse("rsvps:guest_sent", args=[mob.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Dupont" not in page.content.decode()
    assert f"Secret cash mob in {mob.chapter.city}" in page.content.decode()


def test_rsvp_guest_form_rejects_html_in_the_name(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    response = client.post(
        reverse("rsvps:guest", args=[mob.slug]),
        {"name": "<b>Ada</b>", "email": "ada@example.org", "pledge": "20", "currency": "EUR"},
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Rsvp.objects.exists()


def test_mob_page_shows_waiting_list_position(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(capacity=1)
    rsvp_create(mob=mob, user=UserFactory(), pledge_minor=2000, currency="EUR")
    user = UserFactory()
    rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    client.force_login(user)
    body = client.get(mob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "number 1 on the waiting list" in body


def test_mob_page_with_rsvp_panel_query_count_is_fixed(
    client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(capacity=10, arrival_waves=2)
    user = UserFactory()
    rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(mob.get_absolute_url()).status_code == 200


def test_rsvp_cancel_view_cancels_own_rsvp(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    user = UserFactory()
    rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    client.force_login(user)
    assert client.post(reverse("rsvps:cancel", args=[mob.slug])).status_code == 302
    assert Rsvp.objects.get().status == RsvpStatus.CANCELLED
    assert client.post(reverse("rsvps:cancel", args=[mob.slug])).status_code == 404


def test_mob_ics_carries_the_chapters_time_zone(client, time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(datetime(2027, 2, 1, 12, 0, tzinfo=UTC))
    starts = datetime(2027, 3, 6, 17, 0, tzinfo=UTC)
    mob = _mob(starts_at=starts, ends_at=starts + timedelta(hours=2))
    response = client.get(reverse("rsvps:ics", args=[mob.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["dtstart"].dt.tzinfo) == "Europe/Paris"
    assert event["dtstart"].dt.hour == 18
    assert event["dtstart"].dt == starts
    assert calendar.walk("VTIMEZONE")


def test_mob_calendar_file_and_links_keep_a_secret_shop_secret(client) -> None:  # type: ignore[no-untyped-def]
    starts = timezone.now() + timedelta(days=5)
    mob = _mob(
        title="Cash mob chez Fromagerie Dupont",
        description="Les fromages de Dupont",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        reveal_at=starts - timedelta(hours=2),
        business__name="Fromagerie Dupont",
    )
    city = mob.chapter.city
    ics = client.get(reverse("rsvps:ics", args=[mob.slug])).content.decode()
    page = client.get(mob.get_absolute_url()).content.decode()
    assert "Dupont" not in ics
    assert f"SUMMARY:Cash mob secret à {city}" in ics.replace("\r\n ", "")
    for link in ("calendar.google.com", "outlook.live.com", "calendar.yahoo.com"):
        href = page.split(link, 1)[1].split('"', 1)[0]
        assert "Dupont" not in href
    assert mob.public_title() == f"Cash mob secret à {city}"
    assert mob.public_title(mob.reveal_at) == "Cash mob chez Fromagerie Dupont"


def test_my_mobs_lists_rsvps_and_feed_shows_only_mine(client) -> None:  # type: ignore[no-untyped-def]
    mine = _mob(title="Mine")
    other = _mob(title="Someone else's")
    user = UserFactory()
    rsvp_create(mob=mine, user=user, pledge_minor=2000, currency="EUR")
    rsvp_create(mob=other, user=UserFactory(), pledge_minor=2000, currency="EUR")
    client.force_login(user)
    page = client.get(reverse("rsvps:mine"))
    assert "Mine" in page.content.decode()
    feed = CalendarFeed.objects.get(user=user)
    client.logout()
    body = client.get(reverse("rsvps:feed", args=[feed.token])).content.decode()
    assert "Mine" in body
    assert "Someone else" not in body


def test_feed_revoked_token_no_longer_works(client) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("rsvps:mine"))
    old = CalendarFeed.objects.get(user=user).token
    client.post(reverse("rsvps:feed_revoke"))
    assert client.get(reverse("rsvps:feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(user=user, revoked_at__isnull=True).token
    assert new != old
    assert client.get(reverse("rsvps:feed", args=[new])).status_code == 200


def test_feed_unknown_token_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("rsvps:feed", args=["guess"])).status_code == 404


def test_unsubscribe_link_switches_the_kind_off(client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.notifications.services import unsubscribe_url

    user = UserFactory(notify_reminders=True)
    url = unsubscribe_url(user=user, kind="reminder")
    path = url.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in url else url
    assert client.get(path).status_code == 200
    user.refresh_from_db()
    assert user.notify_reminders
    assert client.post(path).status_code == 200
    user.refresh_from_db()
    assert not user.notify_reminders
    assert client.post(path[:-3] + "xx/").status_code == 400


def test_rsvp_address_reloaded_with_get_goes_back_to_the_mob(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    response = client.get(reverse("rsvps:submit", args=[mob.slug]))
    assert response.status_code == 302
    assert response["Location"] == mob.get_absolute_url() + "#rsvp"


def test_my_mobs_shows_a_feed_per_chapter_and_refuses_others(client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.chapters.tests.factories import MembershipFactory

    member = MembershipFactory(chapter__name="Cash Mob Lyon").user
    other = ChapterFactory(slug="malmo")
    client.force_login(member)
    page = client.get(reverse("rsvps:mine")).content.decode()
    assert "Cash Mob Lyon" in page
    assert page.count('.ics">') == 2  # the person's own, and their chapter's
    response = client.post(reverse("rsvps:feed_revoke"), {"chapter": other.slug})
    assert response.status_code == 403
    assert not CalendarFeed.objects.filter(chapter=other).exists()


def test_my_mobs_pages_the_past_mobs_latest_first(client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import ReportedMobFactory
    from cashmob.rsvps.models import Rsvp, RsvpStatus
    from cashmob.rsvps.views import MY_PAST_PER_PAGE

    user = UserFactory()
    count = MY_PAST_PER_PAGE + 3
    for n in range(count):
        mob = ReportedMobFactory(
            title=f"Past mob {n:02d}",
            starts_at=timezone.now() - timedelta(days=10 + n),
            ends_at=timezone.now() - timedelta(days=10 + n) + timedelta(hours=2),
        )
        Rsvp.objects.create(
            mob=mob,
            user=user,
            status=RsvpStatus.CONFIRMED,
            pledge_minor=mob.pledge_minor,
            currency=mob.currency,
            confirmed_at=timezone.now(),
            nonce=f"past-{n}",
        )
    client.force_login(user)
    first = client.get(reverse("rsvps:mine")).content.decode()
    assert first.count("Past mob ") == MY_PAST_PER_PAGE
    assert "Past mob 00" in first  # the latest first
    assert "Past mob 22" not in first
    assert 'href="?page=2"' in first
    second = client.get(reverse("rsvps:mine"), {"page": "2"}).content.decode()
    assert second.count("Past mob ") == 3
    assert "Past mob 22" in second
    # A page number out of range or not a number shows a page, never an error.
    assert client.get(reverse("rsvps:mine"), {"page": "99"}).status_code == 200
    assert client.get(reverse("rsvps:mine"), {"page": "x"}).status_code == 200
