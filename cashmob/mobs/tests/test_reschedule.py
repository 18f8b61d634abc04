"""Moving a published mob: only through the shop's yes, and everyone taking part is told."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import MembershipFactory, OrganiserFactory
from cashmob.checkin.owner import owner_access, owner_url
from cashmob.core.models import AuditEntry
from cashmob.mobs.consent import consent_answer, consent_check, consent_request_send, consent_url
from cashmob.mobs.exceptions import (
    ConsentLinkError,
    MobError,
    MobPermissionError,
    TransitionError,
)
from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus
from cashmob.mobs.services import mob_cancel, mob_publish
from cashmob.mobs.tests.dashboard import dashboard_data
from cashmob.mobs.tests.factories import MobFactory
from cashmob.notifications.models import Notification
from cashmob.rsvps.services import rsvp_create

pytestmark = pytest.mark.django_db

RESCHEDULE = ConsentRequest.Kind.RESCHEDULE


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):  # type: ignore[no-untyped-def]
    """The pages' new times end at a wall-clock time ("until 23:30"): a start late in the
    evening would end before it began, so these tests do not depend on the hour they run at."""
    time_machine.move_to(datetime(2026, 6, 10, 9, 0, tzinfo=UTC))


@pytest.fixture
def published():  # type: ignore[no-untyped-def]
    """A published mob the shop accepted (max 30 people, 3 waves), two people going."""
    mob = MobFactory(
        business__chapter__language="en",
        business__name="Les Mots Passants",
        meeting_point="The fountain",
    )
    organiser = OrganiserFactory(chapter=mob.chapter).user
    first = consent_request_send(mob=mob, actor=organiser, slots=[(mob.starts_at, mob.ends_at)])
    consent_answer(
        request=first,
        answer=Consent.ACCEPTED,
        slot_index=0,
        max_crowd=30,
        arrival_waves=3,
        notes_for_mobbers="Step-free entrance at the back.",
    )
    mob = mob_publish(mob=mob, actor=organiser)
    going = [UserFactory(language="en") for _ in range(2)]
    for user in going:
        rsvp_create(mob=mob, user=user, pledge_minor=mob.pledge_minor, currency=mob.currency)
    first.refresh_from_db()
    return mob, organiser, first, going


def _later(mob: Mob, days: int = 2) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (mob.starts_at + timedelta(days=days), mob.ends_at + timedelta(days=days)),
        (mob.starts_at + timedelta(days=days + 1), mob.ends_at + timedelta(days=days + 1)),
    ]


def _ask(mob: Mob, organiser, days: int = 2) -> ConsentRequest:  # type: ignore[no-untyped-def]
    return consent_request_send(
        mob=mob,
        actor=organiser,
        slots=_later(mob, days),
        message="Rain is forecast.",
        kind=RESCHEDULE,
    )


def test_asking_for_a_new_time_keeps_the_mob_as_agreed(
    published, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, first, _going = published
    agreed = (mob.starts_at, mob.ends_at)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move = _ask(mob, organiser)
    mob.refresh_from_db()
    assert (mob.status, mob.business_consent) == (MobStatus.PUBLISHED, Consent.ACCEPTED)
    assert (mob.starts_at, mob.ends_at) == agreed
    assert move.kind == RESCHEDULE
    assert move.expected_headcount == 2
    # The shop's accepted request, and so its day page, keeps working meanwhile.
    first.refresh_from_db()
    assert not first.superseded
    assert owner_access(token=_token(owner_url(first))) == first
    [message] = mail.outbox
    assert message.to == [mob.business.contact_email]
    assert "move to another time" in message.subject
    assert "2 people have said yes so far." in message.body
    assert "the mob stays as agreed" in message.body
    link = re.search(r"http\S+/mobs/consent/\S+/", message.body)
    assert link is not None
    assert consent_check(token=_token(link.group(0))) == move


def test_the_shop_accepting_moves_the_mob_and_tells_everyone_taking_part(
    published, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, first, going = published
    old_start, old_end = mob.starts_at, mob.ends_at
    move = _ask(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=1)
    mob.refresh_from_db()
    assert (mob.starts_at, mob.ends_at) == (
        old_start + timedelta(days=3),
        old_end + timedelta(days=3),
    )
    # Still published, still with the shop's yes and its limits.
    assert (mob.status, mob.business_consent) == (MobStatus.PUBLISHED, Consent.ACCEPTED)
    assert (mob.capacity, mob.arrival_waves) == (30, 3)
    assert mob.notes_for_mobbers == "Step-free entrance at the back."
    # The new yes is now the shop's request; the old day-page link leads to it.
    first.refresh_from_db()
    move.refresh_from_db()
    assert first.superseded
    assert (move.kind, move.answer, move.superseded) == (ConsentRequest.Kind.MOB, "accepted", False)
    assert owner_access(token=_token(owner_url(move))) == move
    assert owner_access(token=_token(owner_url(first))) == move
    # Everyone going (and the organisers, who take part too) is told, old time beside new.
    told = [m for m in mail.outbox if m.subject.startswith("Changed:")]
    assert sorted(m.to[0] for m in told) == sorted([u.email for u in going] + [organiser.email])
    assert "the time" in told[0].body
    assert "Instead of" in told[0].body
    # The calendar file comes again, at the new time, so calendars move with the mob.
    [(name, ics, _mimetype)] = told[0].attachments
    assert name.endswith(".ics")
    local_start = mob.starts_at.astimezone(ZoneInfo(mob.chapter.time_zone))
    assert local_start.strftime("%Y%m%dT%H%M") in ics
    assert Notification.objects.filter(template="mobs/changed").count() == 3
    # The organisers hear the shop's answer; the change is in the audit log.
    to_organiser = [m for m in mail.outbox if m.subject.endswith("accepted the new time")]
    assert to_organiser
    assert "agreed to move" in to_organiser[0].body
    change = AuditEntry.objects.filter(action="mob.change", object_id=str(mob.pk)).get()
    assert change.data["starts_at"] == mob.starts_at.isoformat()


def test_accepting_the_same_request_twice_changes_nothing_more(published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    move = _ask(mob, organiser)
    consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    moved_to = mob.starts_at
    move.refresh_from_db()
    with pytest.raises(ConsentLinkError):
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=1)
    mob.refresh_from_db()
    assert mob.starts_at == moved_to
    assert Notification.objects.filter(template="mobs/changed").count() == 3


@pytest.mark.parametrize(
    ("answer", "kwargs"),
    [
        (Consent.DECLINED, {"decline_reason": "Saturday is our busiest day."}),
        (Consent.PROPOSED, {"proposed_times": "Any Tuesday evening."}),
    ],
)
def test_the_shop_saying_no_keeps_the_agreed_time(
    published, answer, kwargs, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, first, _going = published
    agreed = (mob.starts_at, mob.ends_at)
    move = _ask(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=answer, **kwargs)
    mob.refresh_from_db()
    assert (mob.starts_at, mob.ends_at) == agreed
    assert (mob.status, mob.business_consent) == (MobStatus.PUBLISHED, Consent.ACCEPTED)
    first.refresh_from_db()
    assert not first.superseded
    assert owner_access(token=_token(owner_url(first))) == first
    assert not Notification.objects.filter(template="mobs/changed").exists()
    [message] = mail.outbox
    assert message.to == [organiser.email]
    assert "stays at the time already agreed" in message.body
    assert next(iter(kwargs.values())) in message.body
    # The shop may still accept one of the new times afterwards.
    consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    assert mob.starts_at == agreed[0] + timedelta(days=2)


def test_a_second_request_replaces_the_first_but_not_the_agreed_one(published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, first, _going = published
    move = _ask(mob, organiser)
    again = _ask(mob, organiser, days=5)
    move.refresh_from_db()
    first.refresh_from_db()
    assert move.superseded
    assert not again.superseded
    assert not first.superseded
    with pytest.raises(ConsentLinkError) as excinfo:
        consent_check(token=_token(consent_url(move)))
    assert excinfo.value.code == "consent_link_superseded"


def test_a_new_time_is_asked_only_of_a_published_mob_by_its_organisers(published) -> None:  # type: ignore[no-untyped-def]
    mob, _organiser, _first, _going = published
    member = MembershipFactory(chapter=mob.chapter).user
    with pytest.raises(MobPermissionError):
        consent_request_send(mob=mob, actor=member, slots=_later(mob), kind=RESCHEDULE)
    planning = MobFactory()
    organiser = OrganiserFactory(chapter=planning.chapter).user
    with pytest.raises(TransitionError) as excinfo:
        consent_request_send(mob=planning, actor=organiser, slots=_later(planning), kind=RESCHEDULE)
    assert excinfo.value.code == "not_published"
    assert not ConsentRequest.objects.filter(kind=RESCHEDULE).exists()


def test_the_agreed_time_or_a_past_time_is_not_a_new_time(published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    with pytest.raises(MobError) as excinfo:
        consent_request_send(
            mob=mob, actor=organiser, slots=[(mob.starts_at, mob.ends_at)], kind=RESCHEDULE
        )
    assert excinfo.value.code == "same_time"
    past = timezone.now() - timedelta(hours=3)
    with pytest.raises(MobError) as excinfo:
        consent_request_send(
            mob=mob, actor=organiser, slots=[(past, past + timedelta(hours=2))], kind=RESCHEDULE
        )
    assert excinfo.value.code == "bad_slot"
    assert not ConsentRequest.objects.filter(kind=RESCHEDULE).exists()


def test_a_new_time_cannot_be_accepted_once_the_mob_is_cancelled(published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    move = _ask(mob, organiser)
    mob_cancel(mob=mob, actor=organiser, reason="The street is closed.")
    with pytest.raises(ConsentLinkError) as excinfo:
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    assert excinfo.value.code == "consent_closed"
    mob.refresh_from_db()
    assert mob.status == MobStatus.CANCELLED
    assert not AuditEntry.objects.filter(action="mob.change").exists()


def test_a_secret_shop_stays_secret_for_as_long_before_the_new_time(published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    Mob.objects.filter(pk=mob.pk).update(reveal_at=mob.starts_at - timedelta(hours=6))
    mob.refresh_from_db()
    move = _ask(mob, organiser)
    consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    assert mob.reveal_at == mob.starts_at - timedelta(hours=6)
    assert mob.is_secret_at(timezone.now())


def test_moving_the_mob_withdraws_the_after_partys_answer(
    published, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.businesses.tests.factories import BusinessFactory
    from cashmob.mobs.services import mob_set_after_party

    mob, organiser, _first, _going = published
    venue = BusinessFactory(chapter=mob.chapter, name="Le Zinc")
    mob = mob_set_after_party(
        mob=mob,
        actor=organiser,
        business=venue,
        starts_at=mob.ends_at,
        ends_at=mob.ends_at + timedelta(hours=2),
    )
    drinks = ConsentRequest.objects.get(kind=ConsentRequest.Kind.AFTER_PARTY)
    consent_answer(request=drinks, answer=Consent.ACCEPTED, slot_index=0)
    move = _ask(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    drinks.refresh_from_db()
    # The venue agreed to the old day: its yes no longer holds, and its link stops.
    assert (mob.after_party_consent, mob.after_party_starts_at) == (Consent.NOT_ASKED, None)
    assert mob.after_party_business == venue
    assert drinks.superseded
    [to_organiser] = [m for m in mail.outbox if m.subject.endswith("accepted the new time")]
    assert "after-party" in to_organiser.body


def test_a_secret_shop_moved_earlier_than_its_reveal_is_revealed_by_the_sweep(published) -> None:  # type: ignore[no-untyped-def]
    from cashmob.core.scheduler import run_due_jobs

    mob, organiser, _first, _going = published
    Mob.objects.filter(pk=mob.pk).update(reveal_at=mob.starts_at - timedelta(hours=6))
    mob.refresh_from_db()
    soon = timezone.now() + timedelta(hours=3)
    move = consent_request_send(
        mob=mob, actor=organiser, slots=[(soon, soon + timedelta(hours=2))], kind=RESCHEDULE
    )
    consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    assert mob.reveal_at == soon - timedelta(hours=6)  # already past: due now
    run_due_jobs(now=timezone.now())
    mob.refresh_from_db()
    assert not mob.is_secret_at(timezone.now())
    assert Notification.objects.filter(event_key=f"mob:{mob.pk}:revealed").exists()


def test_a_started_mob_cannot_move(published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    move = _ask(mob, organiser)
    # The start has passed, the scheduler has not marked it live yet.
    Mob.objects.filter(pk=mob.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ConsentLinkError) as excinfo:
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    assert excinfo.value.code == "consent_closed"
    mob.refresh_from_db()
    with pytest.raises(TransitionError):
        _ask(mob, organiser, days=4)


def test_an_old_day_link_never_leads_to_another_shops_request(published) -> None:  # type: ignore[no-untyped-def]
    from cashmob.businesses.tests.factories import BusinessFactory

    mob, organiser, first, _going = published
    move = _ask(mob, organiser)
    consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    # Made up: the current request were another shop's. The old link must not follow.
    ConsentRequest.objects.filter(pk=move.pk).update(business=BusinessFactory(chapter=mob.chapter))
    with pytest.raises(ConsentLinkError) as excinfo:
        owner_access(token=_token(owner_url(first)))
    assert excinfo.value.code == "consent_link_superseded"


# --- Through the pages ------------------------------------------------------------------------


def _local(dt) -> str:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return dt.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")


def test_dashboard_asks_the_shop_for_a_new_time(client, published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    client.force_login(organiser)
    dashboard = reverse("mobs:dashboard", kwargs={"slug": mob.slug})
    page = client.get(dashboard).content.decode()
    assert "Ask the shop for a new time" in page
    # A published mob's own details form no longer offers to move the time.
    details = page[page.index('action="/mobs/' + mob.slug + '/dashboard/details/"') :]
    assert 'name="details-starts_at"' not in details[: details.index("</form>")]
    new_start = mob.starts_at + timedelta(days=2)
    response = client.post(
        reverse("mobs:dashboard_action", kwargs={"slug": mob.slug, "action": "reschedule"}),
        dashboard_data(
            "reschedule",
            {"slot_0_start": _local(new_start), "slot_0_end": "23:30", "message": "Rain."},
        ),
    )
    assert response.status_code == 302
    move = ConsentRequest.objects.get(kind=RESCHEDULE)
    assert move.slots[0][0] == new_start.replace(second=0, microsecond=0).isoformat()
    page = client.get(dashboard).content.decode()
    assert "Waiting for the shop" in page
    assert "New times asked of the shop" in page  # the history tells it from the first ask
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED


def test_dashboard_reschedule_without_a_time_is_a_form_error(client, published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    client.force_login(organiser)
    response = client.post(
        reverse("mobs:dashboard_action", kwargs={"slug": mob.slug, "action": "reschedule"}),
        dashboard_data("reschedule", {"slot_0_start": "", "slot_0_end": "", "message": ""}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Propose at least one time." in page
    # The form shown again keeps its own ids: its labels point at its own fields.
    assert 'id="id_reschedule-message"' in page
    assert 'for="id_reschedule-message"' in page
    assert not ConsentRequest.objects.filter(kind=RESCHEDULE).exists()


@pytest.mark.parametrize("role", ["anonymous", "member", "co_organiser"])
def test_dashboard_reschedule_is_for_organisers_only(client, published, role) -> None:  # type: ignore[no-untyped-def]
    mob, _organiser, _first, _going = published
    if role != "anonymous":
        client.force_login(MembershipFactory(chapter=mob.chapter, role=role).user)
    response = client.post(
        reverse("mobs:dashboard_action", kwargs={"slug": mob.slug, "action": "reschedule"}),
        dashboard_data(
            "reschedule",
            {"slot_0_start": _local(mob.starts_at + timedelta(days=2)), "slot_0_end": "23:30"},
        ),
    )
    sent = ConsentRequest.objects.filter(kind=RESCHEDULE).exists()
    assert sent == (role == "co_organiser")
    assert response.status_code in ((302,) if role != "member" else (403,))


def test_the_shops_page_for_a_new_time_moves_the_mob(client, published) -> None:  # type: ignore[no-untyped-def]
    mob, organiser, _first, _going = published
    move = _ask(mob, organiser)
    url = consent_url(move)
    path = url[url.index("/mobs/") :]
    page = client.get(path).content.decode()
    assert "move to another time" in page
    assert "Time agreed so far" in page
    assert 'name="max_crowd"' not in page  # the shop's limits stay as set
    response = client.post(path, {"answer": "accepted", "slot": "0"})
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.starts_at == datetime.fromisoformat(move.slots[0][0])
    page = client.get(path).content.decode()
    assert "Your page for the day" in page
    assert "You agreed to move the mob" in page
    assert "Nothing happens without your yes" not in page
