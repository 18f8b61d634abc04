"""The shop hears what concerns it after its yes: its mob is published, the new time it
accepted holds, its yes to host the after-party is withdrawn. And only then."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import OrganiserFactory
from cashmob.checkin.owner import owner_access
from cashmob.mobs.consent import consent_answer, consent_request_send
from cashmob.mobs.models import Consent, ConsentRequest, Mob
from cashmob.mobs.services import mob_cancel, mob_publish, mob_set_after_party
from cashmob.mobs.tests.factories import MobFactory

pytestmark = pytest.mark.django_db

RESCHEDULE = ConsentRequest.Kind.RESCHEDULE


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(datetime(2026, 6, 10, 9, 0, tzinfo=UTC), tick=False)


def _accepted(**business) -> tuple[Mob, object]:  # type: ignore[no-untyped-def]
    """A mob its shop accepted (not yet published), with its organiser."""
    mob = MobFactory(
        business__chapter__language="en",
        business__chapter__time_zone="Europe/Paris",
        business__name="Les Mots Passants",
        **{f"business__{k}": v for k, v in business.items()},
    )
    organiser = OrganiserFactory(chapter=mob.chapter).user
    request = consent_request_send(mob=mob, actor=organiser, slots=[(mob.starts_at, mob.ends_at)])
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0, max_crowd=30)
    mob.refresh_from_db()
    return mob, organiser


def _to_shop(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def _link(message: mail.EmailMessage, pattern: str) -> str:
    found = re.search(pattern, message.body)
    assert found is not None, message.body
    return found.group(0)


def test_publishing_tells_the_shop_with_its_time_and_day_page(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _accepted()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_publish(mob=mob, actor=organiser)
    [message] = _to_shop(mob.business.contact_email)
    assert "announced" in message.subject
    # 7 days after 10 June 09:00 UTC, shown in Paris time.
    assert "Wednesday, 17 June 2026, 11:00–" in message.body
    day = _link(message, r"http\S+/day/owner/\S+/")
    assert owner_access(token=day.rstrip("/").rsplit("/", 1)[-1]).mob == mob
    assert "My shop" not in message.body  # an unclaimed shop has no account to sign in to


def test_publishing_writes_to_the_owners_account_in_their_language(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory(language="fr", email="owner@account.example")
    mob, organiser = _accepted(owner=owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_publish(mob=mob, actor=organiser)
    assert _to_shop(mob.business.contact_email) == []
    [message] = _to_shop("owner@account.example")
    assert "mercredi 17 juin" in message.body.lower()  # the owner's French, not the chapter's
    assert "/my-shop/" in message.body


def test_a_shop_with_no_address_is_not_written_to(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _accepted()
    type(mob.business).objects.filter(pk=mob.business_id).update(contact_email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_publish(mob=mob, actor=organiser)
    assert all("announced" not in m.subject for m in mail.outbox)


def _published(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    mob, organiser = _accepted()
    mob = mob_publish(mob=mob, actor=organiser)
    return mob, organiser


def _ask_new_time(mob: Mob, organiser) -> ConsentRequest:  # type: ignore[no-untyped-def]
    later = (mob.starts_at + timedelta(days=2), mob.ends_at + timedelta(days=2))
    return consent_request_send(mob=mob, actor=organiser, slots=[later], kind=RESCHEDULE)


def test_the_new_time_the_shop_accepted_is_confirmed_to_it(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    move = _ask_new_time(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    [message] = _to_shop(mob.business.contact_email)
    assert "now takes place on Friday, 19 June 2026, 11:00 CEST" in message.subject
    assert "Instead of: Wednesday, 17 June 2026, 11:00 CEST" in message.body
    day = _link(message, r"http\S+/day/owner/\S+/")
    assert owner_access(token=day.rstrip("/").rsplit("/", 1)[-1]).pk == move.pk


@pytest.mark.parametrize("answer", [Consent.DECLINED, Consent.PROPOSED])
def test_a_new_time_the_shop_refused_sends_it_nothing(
    answer, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    move = _ask_new_time(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=answer, proposed_times="Monday", decline_reason="No")
    assert _to_shop(mob.business.contact_email) == []


def _after_party(mob: Mob, organiser, venue, *, accept: bool) -> None:  # type: ignore[no-untyped-def]
    mob_set_after_party(
        mob=mob,
        actor=organiser,
        business=venue,
        starts_at=mob.ends_at,
        ends_at=mob.ends_at + timedelta(hours=2),
    )
    if accept:
        drinks = ConsentRequest.objects.get(
            kind=ConsentRequest.Kind.AFTER_PARTY, business=venue, superseded=False
        )
        consent_answer(request=drinks, answer=Consent.ACCEPTED, slot_index=0)


def test_moving_the_mob_tells_the_after_party_venue_its_yes_no_longer_holds(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    venue = BusinessFactory(chapter=mob.chapter, name="Le Zinc")
    _after_party(mob, organiser, venue, accept=True)
    move = _ask_new_time(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    [message] = _to_shop(venue.contact_email)
    assert message.subject == "The after-party at Le Zinc is off"
    assert "on Wednesday, 17 June 2026, 13:00 CEST" in message.body  # the time it had agreed to
    assert "The mob moved to Friday, 19 June 2026, 11:00 CEST" in message.body
    assert f"/mobs/{mob.slug}/" in message.body


def test_cancelling_the_mob_tells_the_after_party_venue_its_yes_no_longer_holds(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    venue = BusinessFactory(chapter=mob.chapter, name="Le Zinc")
    _after_party(mob, organiser, venue, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_cancel(mob=mob, actor=organiser, reason="The street is closed for works.")
    [message] = _to_shop(venue.contact_email)
    assert message.subject == "The after-party at Le Zinc is off"
    assert "on Wednesday, 17 June 2026, 13:00 CEST" in message.body  # the time it had agreed to
    assert "cancelled the mob itself" in message.body


def test_cancelling_tells_no_venue_that_has_not_said_yes(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    venue = BusinessFactory(chapter=mob.chapter, name="Le Zinc")
    _after_party(mob, organiser, venue, accept=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mob_cancel(mob=mob, actor=organiser, reason="The street is closed for works.")
    assert all("after-party" not in m.subject for m in _to_shop(venue.contact_email))


def test_moving_the_mob_sends_nothing_to_a_venue_that_had_not_said_yes(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    venue = BusinessFactory(chapter=mob.chapter, name="Le Zinc")
    _after_party(mob, organiser, venue, accept=False)
    move = _ask_new_time(mob, organiser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_answer(request=move, answer=Consent.ACCEPTED, slot_index=0)
    assert _to_shop(venue.contact_email) == []


def test_choosing_another_venue_tells_the_one_that_had_said_yes(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    mob, organiser = _published(django_capture_on_commit_callbacks)
    first = BusinessFactory(chapter=mob.chapter, name="Le Zinc")
    second = BusinessFactory(chapter=mob.chapter, name="Chez Paul")
    _after_party(mob, organiser, first, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _after_party(mob, organiser, second, accept=False)
    [message] = _to_shop(first.contact_email)
    assert "chose another place for the after-party" in message.body
    # The new venue gets its request, nothing about a withdrawal.
    assert all("is off" not in m.subject for m in _to_shop(second.contact_email))
