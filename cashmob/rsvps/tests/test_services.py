"""RSVPs with pledges: validation, capacity and waiting list, guests, tipping point."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory
from cashmob.rsvps.exceptions import GuestLinkError, RsvpConflictError, RsvpError
from cashmob.rsvps.models import Rsvp, RsvpStatus
from cashmob.rsvps.services import (
    GUEST_SALT,
    guest_url,
    reminders_send_due,
    rsvp_attach_guest_rsvps,
    rsvp_cancel,
    rsvp_change_pledge,
    rsvp_confirm_guest,
    rsvp_create,
    rsvp_create_guest,
    tipping_points_check_due,
    waiting_position,
)

pytestmark = pytest.mark.django_db


def _mob(**kwargs):  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR", default_pledge_minor=2000, max_pledge_minor=50_000)
    return PublishedMobFactory(business__chapter=chapter, pledge_minor=2000, **kwargs)


def _rsvp(mob: Mob, pledge: int = 2000):  # type: ignore[no-untyped-def]
    return rsvp_create(mob=mob, user=UserFactory(), pledge_minor=pledge, currency="EUR")


def test_rsvp_create_confirms_and_keeps_totals() -> None:
    mob = _mob()
    rsvp = _rsvp(mob, 2500)
    _rsvp(mob, 2000)
    assert rsvp.status == RsvpStatus.CONFIRMED
    mob.refresh_from_db()
    assert mob.rsvp_count == 2
    assert mob.pledged_total_minor == 4500


@pytest.mark.parametrize(
    ("pledge", "currency", "code"),
    [
        (1999, "EUR", "pledge_too_low"),
        (2000, "USD", "wrong_currency"),
        (50_001, "EUR", "pledge_too_high"),
        (-5, "EUR", "pledge_too_low"),
    ],
)
def test_rsvp_create_with_a_bad_pledge_changes_nothing(
    pledge: int, currency: str, code: str
) -> None:
    mob = _mob()
    with pytest.raises(RsvpError) as excinfo:
        rsvp_create(mob=mob, user=UserFactory(), pledge_minor=pledge, currency=currency)
    assert excinfo.value.code == code
    mob.refresh_from_db()
    assert (mob.rsvp_count, mob.pledged_total_minor) == (0, 0)
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize(
    ("factory_kwargs", "code"),
    [
        ({"status": MobStatus.PLANNING}, "mob_not_open"),
        ({"status": MobStatus.CANCELLED}, "mob_not_open"),
        (
            {"starts_at": timezone.now() - timedelta(hours=1)},
            "mob_started",
        ),
    ],
)
def test_rsvp_create_to_a_mob_not_open_is_refused(factory_kwargs: dict, code: str) -> None:  # type: ignore[type-arg]
    if factory_kwargs.get("status") == MobStatus.PLANNING:
        mob = MobFactory()
    else:
        mob = _mob(**factory_kwargs)
    with pytest.raises(RsvpConflictError) as excinfo:
        rsvp_create(mob=mob, user=UserFactory(), pledge_minor=5000, currency=mob.currency)
    assert excinfo.value.code == code


def test_rsvp_create_twice_is_refused() -> None:
    mob = _mob()
    user = UserFactory()
    rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    with pytest.raises(RsvpConflictError) as excinfo:
        rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    assert excinfo.value.code == "already_rsvped"
    mob.refresh_from_db()
    assert mob.rsvp_count == 1


def test_rsvp_beyond_capacity_joins_the_waiting_list_in_order() -> None:
    mob = _mob(capacity=2)
    confirmed = [_rsvp(mob) for _ in range(2)]
    waiting = [_rsvp(mob) for _ in range(3)]
    assert all(r.status == RsvpStatus.CONFIRMED for r in confirmed)
    assert [r.status for r in waiting] == [RsvpStatus.WAITING] * 3
    assert [waiting_position(rsvp=r) for r in waiting] == [1, 2, 3]
    mob.refresh_from_db()
    assert (mob.rsvp_count, mob.waiting_count, mob.pledged_total_minor) == (2, 3, 4000)


def test_rsvp_cancel_promotes_the_first_waiting_and_tells_them(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(capacity=1)
    first = _rsvp(mob)
    second = _rsvp(mob, 3000)
    third = _rsvp(mob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(rsvp=first, actor=first.user)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RsvpStatus.CONFIRMED
    assert third.status == RsvpStatus.WAITING
    assert waiting_position(rsvp=third) == 1
    mob.refresh_from_db()
    assert (mob.rsvp_count, mob.waiting_count, mob.pledged_total_minor) == (1, 1, 3000)
    assert [m.to for m in mail.outbox] == [[second.user.email]]
    assert "You are going" in mail.outbox[0].subject
    assert any(a[0].endswith(".ics") for a in mail.outbox[0].attachments)


def test_rsvp_cancel_by_someone_else_is_refused() -> None:
    from cashmob.rsvps.exceptions import RsvpPermissionError

    mob = _mob()
    rsvp = _rsvp(mob)
    with pytest.raises(RsvpPermissionError):
        rsvp_cancel(rsvp=rsvp, actor=UserFactory())
    rsvp.refresh_from_db()
    assert rsvp.status == RsvpStatus.CONFIRMED


def test_rsvp_cancel_twice_is_refused_and_counts_once() -> None:
    mob = _mob()
    rsvp = _rsvp(mob)
    rsvp_cancel(rsvp=rsvp, actor=rsvp.user)
    with pytest.raises(RsvpConflictError):
        rsvp_cancel(rsvp=rsvp, actor=rsvp.user)
    mob.refresh_from_db()
    assert (mob.rsvp_count, mob.pledged_total_minor) == (0, 0)


def test_rsvp_change_pledge_updates_the_total_by_the_difference() -> None:
    mob = _mob()
    rsvp = _rsvp(mob, 2000)
    rsvp_change_pledge(rsvp=rsvp, actor=rsvp.user, pledge_minor=3500, currency="EUR")
    mob.refresh_from_db()
    assert mob.pledged_total_minor == 3500
    with pytest.raises(RsvpError):
        rsvp_change_pledge(rsvp=rsvp, actor=rsvp.user, pledge_minor=100, currency="EUR")
    mob.refresh_from_db()
    assert mob.pledged_total_minor == 3500


def test_arrival_waves_are_assigned_evenly() -> None:
    mob = _mob(arrival_waves=3)
    waves = [_rsvp(mob).wave for _ in range(7)]
    assert sorted(waves) == [1, 1, 1, 2, 2, 3, 3]


def test_guest_rsvp_counts_only_after_the_emailed_link(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_create_guest(
            mob=mob, name="Ada", email="ada@example.org", pledge_minor=2000, currency="EUR"
        )
    assert rsvp.status == RsvpStatus.UNCONFIRMED
    mob.refresh_from_db()
    assert mob.rsvp_count == 0
    link = re.search(r"/rsvp/guest/(\S+)/", mail.outbox[0].body)
    assert link is not None
    token = link.group(1)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_confirm_guest(token=token)
    assert rsvp.status == RsvpStatus.CONFIRMED
    mob.refresh_from_db()
    assert mob.rsvp_count == 1
    with pytest.raises(GuestLinkError) as excinfo:
        rsvp_confirm_guest(token=token)
    assert excinfo.value.code == "guest_link_used"
    mob.refresh_from_db()
    assert mob.rsvp_count == 1


def test_guest_link_forged_is_refused() -> None:
    mob = _mob()
    rsvp_create_guest(
        mob=mob, name="Ada", email="ada@example.org", pledge_minor=2000, currency="EUR"
    )
    for token in ("nonsense", signing.dumps({"n": "guess"}, salt=GUEST_SALT)):
        with pytest.raises(GuestLinkError) as excinfo:
            rsvp_confirm_guest(token=token)
        assert excinfo.value.code == "guest_link_invalid"


def test_guest_rsvp_joins_the_account_made_later() -> None:
    mob = _mob()
    rsvp = rsvp_create_guest(
        mob=mob, name="Ada", email="Ada@Example.org", pledge_minor=2000, currency="EUR"
    )
    user = UserFactory(email="ada@example.org")
    assert rsvp_attach_guest_rsvps(user=user, email="ada@example.org") == 1
    rsvp.refresh_from_db()
    assert rsvp.user == user


def test_tipping_point_reached_tells_participants_and_the_shop_once(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.notifications.models import Notification

    mob = _mob(tipping_point=2)
    first = _rsvp(mob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = _rsvp(mob)
    tipped = Notification.objects.filter(event_key=f"mob:{mob.pk}:tipped")
    assert set(tipped.values_list("user", flat=True)) == {first.user.pk, second.user.pk}
    assert [m.to for m in mail.outbox if m.to == [mob.business.contact_email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        third = _rsvp(mob)
    assert tipped.count() == 2
    assert all(m.to == [third.user.email] for m in mail.outbox)


def test_tipping_point_missed_asks_the_organisers_to_decide(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.chapters.tests.factories import OrganiserFactory
    from cashmob.notifications.models import Notification

    now = timezone.now()
    mob = _mob(
        tipping_point=10,
        starts_at=now + timedelta(hours=30),
        published_at=now - timedelta(days=5),
    )
    organiser = OrganiserFactory(chapter=mob.chapter).user
    going = _rsvp(mob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tipping_points_check_due() == 1
        assert tipping_points_check_due() == 0  # once per mob
    # The organisers decide; those going and the shop are told where things stand.
    assert Notification.objects.filter(
        user=going.user, event_key=f"mob:{mob.pk}:tipping_short"
    ).exists()
    assert [m.to for m in mail.outbox].count([mob.business.contact_email]) == 1
    assert (
        Notification.objects.filter(
            user=organiser, event_key=f"mob:{mob.pk}:tipping_missed"
        ).count()
        == 1
    )


def test_tipping_point_of_a_mob_published_late_gets_half_its_time_first() -> None:
    from cashmob.chapters.tests.factories import OrganiserFactory

    now = timezone.now()
    mob = _mob(tipping_point=10, starts_at=now + timedelta(hours=20), published_at=now)
    OrganiserFactory(chapter=mob.chapter)
    assert tipping_points_check_due(now=now) == 0
    assert tipping_points_check_due(now=now + timedelta(hours=9)) == 0
    assert tipping_points_check_due(now=now + timedelta(hours=10, minutes=1)) == 1


def test_reminders_go_out_once_the_day_before_and_two_hours_before() -> None:
    from cashmob.notifications.models import Notification

    now = timezone.now()
    mob = _mob(starts_at=now + timedelta(hours=20))
    rsvp = _rsvp(mob)
    reminders_send_due(now=now)
    reminders_send_due(now=now)
    reminders_send_due(now=now + timedelta(hours=18, minutes=30))
    keys = list(
        Notification.objects.filter(user=rsvp.user, kind="reminder").values_list(
            "event_key", flat=True
        )
    )
    at = int(mob.starts_at.timestamp())
    assert sorted(keys) == [f"mob:{mob.pk}:reminder:2h:{at}", f"mob:{mob.pk}:reminder:day:{at}"]


def test_a_mob_moved_later_is_reminded_of_again_at_its_new_time() -> None:
    from cashmob.notifications.models import Notification

    now = timezone.now()
    mob = _mob(starts_at=now + timedelta(hours=20))
    rsvp = _rsvp(mob)
    reminders_send_due(now=now)
    Mob.objects.filter(pk=mob.pk).update(
        starts_at=now + timedelta(hours=44), ends_at=now + timedelta(hours=46)
    )
    reminders_send_due(now=now + timedelta(hours=1))  # nothing due yet at the new time
    reminders_send_due(now=now + timedelta(hours=21))
    reminders = Notification.objects.filter(user=rsvp.user, kind="reminder")
    assert reminders.count() == 2


def test_reminder_email_carries_the_check_in_code_link(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    mob = _mob(starts_at=now + timedelta(hours=1))
    rsvp = _rsvp(mob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=now)
    [message] = [m for m in mail.outbox if m.to == [rsvp.user.email]]
    assert f"/day/{mob.slug}/me/" in message.body
    from cashmob.checkin.codes import personal_code

    assert personal_code(rsvp) in message.body
    [qr] = [a for a in message.attachments if a[0] == "check-in-code.png"]
    assert qr[1][:8] == b"\x89PNG\r\n\x1a\n"


def _guest_token(rsvp: Rsvp) -> str:
    from cashmob.core.links import nonce_token

    return nonce_token(rsvp.nonce, salt=GUEST_SALT)


def test_guest_rsvp_with_the_address_of_a_member_going_takes_no_second_place() -> None:
    """The form answers as for anyone (no stranger learns who is going); the owner of the
    address, following the emailed link, is told their account already said yes."""
    mob = _mob()
    member = UserFactory(email="camille@example.org")
    rsvp_create(mob=mob, user=member, pledge_minor=2000, currency="EUR")
    guest = rsvp_create_guest(
        mob=mob, name="Camille", email="Camille@Example.org", pledge_minor=2000, currency="EUR"
    )
    with pytest.raises(RsvpConflictError) as caught:
        rsvp_confirm_guest(token=_guest_token(guest))
    assert caught.value.code == "already_rsvped"
    guest.refresh_from_db()
    assert guest.status == RsvpStatus.UNCONFIRMED
    mob.refresh_from_db()
    assert mob.rsvp_count == 1


def test_member_rsvp_after_saying_yes_as_a_guest_with_the_same_email_is_refused() -> None:
    mob = _mob()
    guest = rsvp_create_guest(
        mob=mob, name="Camille", email="camille@example.org", pledge_minor=2000, currency="EUR"
    )
    rsvp_confirm_guest(token=_guest_token(guest))
    member = UserFactory(email="camille@example.org")
    with pytest.raises(RsvpConflictError) as caught:
        rsvp_create(mob=mob, user=member, pledge_minor=2000, currency="EUR")
    assert caught.value.code == "already_rsvped_as_guest"
    assert Rsvp.objects.filter(mob=mob, user=member).count() == 0


def test_an_unconfirmed_guest_rsvp_with_a_members_address_cannot_block_them() -> None:
    """Anyone can type an address into the guest form: until confirmed it holds nothing,
    and the member's own RSVP replaces it."""
    mob = _mob()
    squatter = rsvp_create_guest(
        mob=mob, name="Not Camille", email="camille@example.org", pledge_minor=2000, currency="EUR"
    )
    member = UserFactory(email="camille@example.org")
    rsvp = rsvp_create(mob=mob, user=member, pledge_minor=2000, currency="EUR")
    assert rsvp.status == RsvpStatus.CONFIRMED
    squatter.refresh_from_db()
    assert squatter.status == RsvpStatus.CANCELLED
    with pytest.raises(GuestLinkError):
        rsvp_confirm_guest(token=_guest_token(squatter))


def test_chapter_calendar_feed_is_for_its_members_only() -> None:
    from cashmob.chapters.tests.factories import MembershipFactory
    from cashmob.rsvps.exceptions import RsvpPermissionError
    from cashmob.rsvps.models import CalendarFeed
    from cashmob.rsvps.services import calendar_feed_get_or_create, calendar_feed_revoke

    chapter = ChapterFactory()
    outsider = UserFactory()
    for service in (calendar_feed_get_or_create, calendar_feed_revoke):
        with pytest.raises(RsvpPermissionError) as caught:
            service(user=outsider, chapter=chapter)
        assert caught.value.code == "not_member"
    assert not CalendarFeed.objects.filter(chapter=chapter).exists()
    member = MembershipFactory(chapter=chapter).user
    first = calendar_feed_get_or_create(user=member, chapter=chapter)
    second = calendar_feed_revoke(user=member, chapter=chapter)
    assert first.token != second.token


def test_waiting_positions_follow_the_order_people_joined_the_list() -> None:
    from cashmob.rsvps.tests.factories import RsvpFactory

    mob = _mob(capacity=1)
    now = timezone.now()
    later = RsvpFactory(mob=mob, status=RsvpStatus.WAITING, queued_at=now, confirmed_at=None)
    first = RsvpFactory(
        mob=mob, status=RsvpStatus.WAITING, queued_at=now - timedelta(minutes=5), confirmed_at=None
    )
    confirmed = RsvpFactory(mob=mob)
    assert waiting_position(rsvp=first) == 1
    assert waiting_position(rsvp=later) == 2
    assert waiting_position(rsvp=confirmed) is None


def test_you_are_going_email_tells_a_member_how_to_cancel(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    with django_capture_on_commit_callbacks(execute=True):
        _rsvp(mob)
    [message] = mail.outbox
    assert "Can't come after all?" in message.body
    assert f"{mob.get_absolute_url()}#rsvp" in message.body
    html = message.alternatives[0][0]
    assert f"{mob.get_absolute_url()}#rsvp" in html
    assert "Cancel my RSVP" in html


def test_you_are_going_email_gives_a_guest_their_own_page_to_cancel(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.checkin.guests import guest_day_url

    mob = _mob()
    # A guest has no profile language: the email speaks the chapter's.
    mob.chapter.language = "en"
    mob.chapter.save()
    rsvp = rsvp_create_guest(
        mob=mob, name="Ada", email="ada@example.org", pledge_minor=2000, currency="EUR"
    )
    token = guest_url(rsvp).rstrip("/").rsplit("/", 1)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_confirm_guest(token=token)
    [message] = mail.outbox
    rsvp.refresh_from_db()
    cancel_part = message.body[message.body.index("Can't come after all?") :]
    assert guest_day_url(rsvp) in cancel_part


def test_waiting_list_email_says_how_to_leave_the_list(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(capacity=1)
    _rsvp(mob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _rsvp(mob)
    [message] = mail.outbox
    assert "Leave the waiting list here:" in message.body
    assert "Can't come after all?" not in message.body


def test_each_wave_has_its_arrival_time_shown_to_the_mobber(
    time_machine, client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Wave n is due at the start plus n - 1 wave lengths, on the mob page and in the
    email that says yes."""
    from datetime import UTC, datetime

    from django.core import mail

    time_machine.move_to(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False)
    mob = _mob(arrival_waves=3)
    mob.chapter.time_zone = "Europe/Paris"
    mob.chapter.save()
    starts = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)  # 18:00 in Paris
    type(mob).objects.filter(pk=mob.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=2), wave_minutes=25
    )
    mob.refresh_from_db()
    assert [mob.wave_starts_at(n) for n in (1, 2, 3)] == [
        starts,
        starts + timedelta(minutes=25),
        starts + timedelta(minutes=50),
    ]
    assert mob.wave_starts_at(None) is None
    with django_capture_on_commit_callbacks(execute=True):
        rsvps = [_rsvp(mob) for _ in range(2)]
    second = rsvps[1]
    assert second.wave == 2
    client.force_login(second.user)
    page = client.get(mob.get_absolute_url()).content.decode()
    nowrap = '<span style="white-space:nowrap">18:25 CEST</span>'
    assert f"You arrive with wave 2 of 3 (at {nowrap})." in page
    told = [m for m in mail.outbox if second.user.email in m.to]
    assert any("Please arrive with wave 2 of 3 (at 18:25 CEST)." in m.body for m in told)


def test_the_database_refuses_a_wave_length_out_of_range() -> None:
    from django.db import IntegrityError, transaction

    mob = _mob()
    for minutes in (4, 121):
        with pytest.raises(IntegrityError), transaction.atomic():
            type(mob).objects.filter(pk=mob.pk).update(wave_minutes=minutes)


def test_wave_length_is_validated() -> None:
    from django.core.exceptions import ValidationError

    mob = _mob()
    for minutes in (4, 121):
        mob.wave_minutes = minutes
        with pytest.raises(ValidationError):
            mob.full_clean()
