"""The shop's consent: asked by email with a private link, a hard gate before publishing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import MembershipFactory, OrganiserFactory
from cashmob.core.models import AuditEntry
from cashmob.mobs.consent import (
    CONSENT_SALT,
    consent_answer,
    consent_check,
    consent_request_send,
)
from cashmob.mobs.exceptions import (
    ConsentLinkError,
    ConsentRequiredError,
    MobError,
    MobPermissionError,
)
from cashmob.mobs.models import Consent, ConsentAnswer, ConsentRequest, Mob, MobStatus
from cashmob.mobs.services import mob_cancel, mob_publish, mob_update_details
from cashmob.mobs.tests.factories import MobFactory
from cashmob.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _slots(n: int = 2) -> list:  # type: ignore[type-arg]
    base = timezone.now().replace(microsecond=0) + timedelta(days=10)
    return [(base + timedelta(days=i), base + timedelta(days=i, hours=2)) for i in range(n)]


@pytest.fixture
def planned():  # type: ignore[no-untyped-def]
    mob = MobFactory(starts_at=None, ends_at=None)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    return mob, organiser


def _token_from(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_consent_request_send_emails_the_shop_a_private_link(
    planned, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    # The shop is written to in its chapter's language.
    type(mob.chapter).objects.filter(pk=mob.chapter.pk).update(language="en")
    mob.chapter.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        request = consent_request_send(mob=mob, actor=organiser, slots=_slots(), message="Hi!")
    mob.refresh_from_db()
    assert mob.status == MobStatus.AWAITING_CONSENT
    assert mob.business_consent == Consent.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [mob.business.contact_email]
    assert "full price" in message.body
    assert "/mobs/consent/" in message.body
    assert message.alternatives  # an HTML part too
    link = re.search(r"http\S+/mobs/consent/\S+/", message.body)
    assert link is not None
    assert consent_check(token=_token_from(link.group(0))) == request


def test_consent_request_send_by_a_member_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    mob, _organiser = planned
    member = MembershipFactory(chapter=mob.chapter).user
    with pytest.raises(MobPermissionError):
        consent_request_send(mob=mob, actor=member, slots=_slots())
    assert not ConsentRequest.objects.exists()


def test_consent_request_send_without_contact_email_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    type(mob.business).objects.filter(pk=mob.business.pk).update(contact_email="")
    with pytest.raises(MobError) as excinfo:
        consent_request_send(mob=mob, actor=organiser, slots=_slots())
    assert excinfo.value.code == "no_contact_email"


def test_consent_accept_confirms_the_mob_with_the_shops_limits(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    slots = _slots()
    request = consent_request_send(mob=mob, actor=organiser, slots=slots)
    consent_answer(
        request=request,
        answer=Consent.ACCEPTED,
        slot_index=1,
        max_crowd=40,
        arrival_waves=2,
        tipping_point=15,
        notes_for_mobbers="Park behind the church",
    )
    mob.refresh_from_db()
    assert mob.status == MobStatus.CONFIRMED
    assert mob.business_consent == Consent.ACCEPTED
    assert mob.starts_at == slots[1][0]
    assert mob.capacity == 40
    assert mob.arrival_waves == 2
    assert mob.tipping_point == 15
    assert mob.notes_for_mobbers == "Park behind the church"
    assert ConsentAnswer.objects.filter(request=request, answer=Consent.ACCEPTED).exists()
    assert Notification.objects.filter(user=organiser, event_key__startswith="consent:").exists()


def test_consent_decline_sends_the_mob_back_to_planning(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.DECLINED, decline_reason="Stocktaking week")
    mob.refresh_from_db()
    assert mob.status == MobStatus.PLANNING
    assert mob.business_consent == Consent.DECLINED


def test_consent_owner_changes_mind_before_publishing(planned) -> None:  # type: ignore[no-untyped-def]
    """Accept, then propose other times: the mob waits again; every answer is kept."""
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    consent_answer(request=request, answer=Consent.PROPOSED, proposed_times="Tuesday mornings")
    mob.refresh_from_db()
    assert mob.status == MobStatus.AWAITING_CONSENT
    assert mob.business_consent == Consent.PROPOSED
    assert list(request.answers.values_list("answer", flat=True)) == ["accepted", "proposed"]


def test_consent_accept_with_bad_values_changes_nothing(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    for kwargs, code in [
        ({"slot_index": 5}, "no_slot"),
        ({"slot_index": 0, "max_crowd": 0}, "bad_capacity"),
        ({"slot_index": 0, "arrival_waves": 99}, "bad_waves"),
        ({"slot_index": 0, "max_crowd": 10, "tipping_point": 20}, "bad_tipping_point"),
    ]:
        with pytest.raises(MobError) as excinfo:
            consent_answer(request=request, answer=Consent.ACCEPTED, **kwargs)
        assert excinfo.value.code == code
    mob.refresh_from_db()
    assert mob.status == MobStatus.AWAITING_CONSENT
    assert not ConsentAnswer.objects.exists()


def test_consent_link_tampered_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    consent_request_send(mob=mob, actor=organiser, slots=_slots())
    forged = signing.dumps({"n": "guessed"}, salt=CONSENT_SALT)
    for token in ("garbage", forged, forged[:-2] + "xx"):
        with pytest.raises(ConsentLinkError) as excinfo:
            consent_check(token=token)
        assert excinfo.value.code == "consent_link_invalid"


def test_consent_link_expired_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    ConsentRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    from cashmob.mobs.consent import consent_url

    with pytest.raises(ConsentLinkError) as excinfo:
        consent_check(token=_token_from(consent_url(request)))
    assert excinfo.value.code == "consent_link_expired"


def test_consent_link_superseded_by_a_new_request_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.consent import consent_url

    mob, organiser = planned
    first = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_request_send(mob=mob, actor=organiser, slots=_slots(3))
    with pytest.raises(ConsentLinkError) as excinfo:
        consent_check(token=_token_from(consent_url(first)))
    assert excinfo.value.code == "consent_link_superseded"
    with pytest.raises(ConsentLinkError):
        consent_answer(request=first, answer=Consent.ACCEPTED, slot_index=0)


def test_consent_link_reused_after_publishing_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob_publish(mob=mob, actor=organiser)
    with pytest.raises(ConsentLinkError) as excinfo:
        consent_answer(request=request, answer=Consent.DECLINED)
    assert excinfo.value.code == "consent_closed"
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED


def test_mob_publish_without_consent_is_refused(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    consent_request_send(mob=mob, actor=organiser, slots=_slots())
    mob.refresh_from_db()
    with pytest.raises(ConsentRequiredError):
        mob_publish(mob=mob, actor=organiser)
    mob.refresh_from_db()
    assert mob.status == MobStatus.AWAITING_CONSENT
    assert mob.published_at is None


def test_mob_publish_notifies_members_and_followers_once(
    planned, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from cashmob.accounts.tests.factories import UserFactory
    from cashmob.chapters.models import ChapterFollow

    mob, organiser = planned
    MembershipFactory(chapter=mob.chapter)
    ChapterFollow.objects.create(chapter=mob.chapter, user=UserFactory())
    MembershipFactory(chapter=mob.chapter, user=UserFactory(notify_new_mobs=False))
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob = mob_publish(mob=mob, actor=organiser)
    assert mob.status == MobStatus.PUBLISHED
    shop = mob.business.contact_email
    members = [m for m in mail.outbox if m.to != [shop]]
    assert len(members) == 3  # organiser, member, follower; not the opted-out member
    assert all(mob.title in m.subject for m in members)
    assert [m.to for m in mail.outbox if m.to == [shop]] == [[shop]]  # the shop is told too
    from cashmob.notifications.services import notify

    notify(
        users=[organiser],
        kind="new_mob",
        event_key=f"mob:{mob.pk}:published",
        template="mobs/published",
        context={},
    )
    assert Notification.objects.filter(event_key=f"mob:{mob.pk}:published").count() == 3


def test_mob_publish_secret_hides_the_shop_until_reveal(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    assert mob.reveal_at == mob.starts_at - timedelta(hours=6)
    assert mob.is_secret_at(timezone.now())


def test_mob_reveal_task_reveals_and_notifies_once(planned) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tasks import reveal_mob

    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    # Queued for the reveal time, but run early (a mob moved later): nothing happens.
    reveal_mob.call(mob_id=mob.pk)
    mob.refresh_from_db()
    assert mob.is_secret_at(timezone.now())
    Mob.objects.filter(pk=mob.pk).update(reveal_at=timezone.now() - timedelta(seconds=1))
    reveal_mob.call(mob_id=mob.pk)
    reveal_mob.call(mob_id=mob.pk)
    mob.refresh_from_db()
    assert not mob.is_secret_at(timezone.now())
    assert Notification.objects.filter(event_key=f"mob:{mob.pk}:revealed").count() == 1


def test_mob_update_details_after_publishing_notifies_what_changed(
    planned, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_update_details(mob=mob, actor=organiser, data={"meeting_point": "The old bandstand"})
    assert len(mail.outbox) == 1
    assert "the meeting point" in mail.outbox[0].body
    assert "The old bandstand" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="mob.change").exists()


def test_mob_cancel_tells_the_shop_too(planned, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_cancel(mob=mob, actor=organiser, reason="Flooded street")
    recipients = {address for m in mail.outbox for address in m.to}
    assert mob.business.contact_email in recipients
    assert organiser.email in recipients
    mob.refresh_from_db()
    assert mob.status == MobStatus.CANCELLED


def test_after_party_consent_does_not_touch_the_mobs_own_consent(planned) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    bar = BusinessFactory(chapter=mob.chapter, name="The Corner Pub")
    Mob.objects.filter(pk=mob.pk).update(after_party_business=bar)
    after = consent_request_send(
        mob=mob, actor=organiser, slots=_slots(1), kind=ConsentRequest.Kind.AFTER_PARTY
    )
    consent_answer(request=after, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    assert mob.after_party_consent == Consent.ACCEPTED
    assert mob.business_consent == Consent.ACCEPTED
    assert mob.status == MobStatus.CONFIRMED


def test_scheduler_sweep_reveals_a_secret_shop_once(planned) -> None:  # type: ignore[no-untyped-def]
    """Without a deferred task (or if it was lost), the scheduler reveals the shop in time."""
    from cashmob.core.scheduler import run_due_jobs

    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser, keep_secret=True)
    assert mob.reveal_at is not None
    run_due_jobs(now=mob.reveal_at - timedelta(minutes=1))
    assert not AuditEntry.objects.filter(action="mob.reveal").exists()
    run_due_jobs(now=mob.reveal_at + timedelta(seconds=1))
    run_due_jobs(now=mob.reveal_at + timedelta(minutes=2))
    assert AuditEntry.objects.filter(action="mob.reveal").count() == 1
    assert Notification.objects.filter(event_key=f"mob:{mob.pk}:revealed").count() == 1


def test_mob_update_details_cannot_move_a_published_mobs_time(planned) -> None:  # type: ignore[no-untyped-def]
    """The shop agreed to a time: after publishing it never moves without the shop."""
    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser)
    agreed = mob.starts_at
    with pytest.raises(MobError) as excinfo:
        mob_update_details(
            mob=mob,
            actor=organiser,
            data={
                "starts_at": agreed + timedelta(days=1),
                "ends_at": mob.ends_at + timedelta(days=1),
            },
        )
    assert excinfo.value.code == "time_agreed_with_shop"
    mob.refresh_from_db()
    assert mob.starts_at == agreed


def test_mob_publish_tells_the_shops_followers_unless_it_is_a_secret(planned) -> None:  # type: ignore[no-untyped-def]
    from cashmob.accounts.tests.factories import UserFactory
    from cashmob.businesses.models import BusinessFollow
    from cashmob.mobs.services import mob_audience

    mob, organiser = planned
    fan = UserFactory()
    BusinessFollow.objects.create(business=mob.business, user=fan)
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob.refresh_from_db()
    assert fan in mob_audience(mob=mob)
    Mob.objects.filter(pk=mob.pk).update(reveal_at=mob.starts_at)
    mob.refresh_from_db()
    assert fan not in mob_audience(mob=mob)


def test_mob_reveal_of_a_mob_that_was_never_secret_tells_nobody(planned) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.services import mob_reveal

    mob, organiser = planned
    request = consent_request_send(mob=mob, actor=organiser, slots=_slots())
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0)
    mob = mob_publish(mob=mob, actor=organiser)
    mob_reveal(mob=mob, actor=organiser)
    assert not Notification.objects.filter(event_key=f"mob:{mob.pk}:revealed").exists()
