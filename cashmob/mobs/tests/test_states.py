"""The mob state machine (DESIGN.md §3): allowed steps pass, every other step is refused."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cashmob.core.models import AuditEntry
from cashmob.mobs.exceptions import ConsentRequiredError, TransitionError
from cashmob.mobs.models import Consent, Mob, MobStatus
from cashmob.mobs.services import mob_cancel, mob_publish, mob_transition
from cashmob.mobs.states import TRANSITIONS, can_transition
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory

pytestmark = pytest.mark.django_db

S = MobStatus

HAPPY_PATH = [
    S.AWAITING_CONSENT,
    S.CONFIRMED,
    S.PUBLISHED,
    S.LIVE,
    S.CLOSED,
    S.REPORTED,
]


def _accept(mob: Mob) -> None:
    Mob.objects.filter(pk=mob.pk).update(
        business_consent=Consent.ACCEPTED, consent_at=timezone.now()
    )


def test_mob_transition_follows_the_whole_life_of_a_mob() -> None:
    """A mob goes from planning to reported, one audited step at a time."""
    mob = MobFactory()
    for target in HAPPY_PATH:
        if target == S.CONFIRMED:
            _accept(mob)
        mob = mob_transition(mob=mob, to=target, actor=None)
        assert mob.status == target
    assert mob.published_at is not None
    actions = list(
        AuditEntry.objects.filter(object_id=str(mob.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [f"mob.{s}" for s in HAPPY_PATH]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (current, target)
        for current in S.values
        for target in S.values
        if target not in TRANSITIONS[current]
    ],
)
def test_mob_transition_refuses_steps_outside_the_machine(current: str, target: str) -> None:
    """Every pair not in TRANSITIONS raises ``invalid_transition`` and changes nothing."""
    mob = MobFactory(
        status=current,
        business_consent=Consent.ACCEPTED,
        published_at=timezone.now(),
    )
    with pytest.raises(TransitionError) as excinfo:
        mob_transition(mob=mob, to=target, actor=None)
    assert excinfo.value.code == "invalid_transition"
    mob.refresh_from_db()
    assert mob.status == current
    assert not AuditEntry.objects.exists()


def test_can_transition_knows_terminal_statuses() -> None:
    """Reported and cancelled mobs are final."""
    assert not any(can_transition(S.REPORTED, t) for t in S.values)
    assert not any(can_transition(S.CANCELLED, t) for t in S.values)
    assert can_transition(S.PUBLISHED, S.CANCELLED)


@pytest.mark.parametrize("consent", [Consent.PENDING, Consent.DECLINED, Consent.PROPOSED])
def test_mob_transition_without_consent_is_refused(consent: str) -> None:
    """The shop must accept before a mob is confirmed: the service refuses otherwise."""
    mob = MobFactory(status=S.AWAITING_CONSENT, business_consent=consent)
    with pytest.raises(ConsentRequiredError) as excinfo:
        mob_transition(mob=mob, to=S.CONFIRMED, actor=None)
    assert excinfo.value.code == "consent_required"
    mob.refresh_from_db()
    assert mob.status == S.AWAITING_CONSENT


def test_mob_publish_without_consent_is_refused_by_the_database() -> None:
    """No path around the service (admin, shell, raw update) can publish without consent."""
    mob = MobFactory(status=S.AWAITING_CONSENT, business_consent=Consent.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mob.objects.filter(pk=mob.pk).update(status=S.PUBLISHED)
    mob.refresh_from_db()
    assert mob.status == S.AWAITING_CONSENT


def test_mob_consent_withdrawn_after_publish_is_refused_by_the_database() -> None:
    """Consent cannot be flipped back on a published mob behind the state machine's back."""
    mob = PublishedMobFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mob.objects.filter(pk=mob.pk).update(business_consent=Consent.DECLINED)


def test_mob_overbooking_is_refused_by_the_database() -> None:
    """The confirmed count can never pass the shop's maximum crowd."""
    mob = PublishedMobFactory(capacity=10, rsvp_count=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mob.objects.filter(pk=mob.pk).update(rsvp_count=11)


def test_mob_stale_transition_loses_to_a_concurrent_one() -> None:
    """Two organisers act on the same mob: the second, holding stale state, is refused."""
    mob = PublishedMobFactory()
    stale = Mob.objects.get(pk=mob.pk)
    mob_cancel(mob=mob, actor=None, reason="Shop closed for repairs")
    with pytest.raises(TransitionError):
        mob_transition(mob=stale, to=S.LIVE, actor=None)
    stale.refresh_from_db()
    assert stale.status == S.CANCELLED
    assert stale.cancel_reason == "Shop closed for repairs"


def test_mob_publish_records_the_time() -> None:
    mob = MobFactory(status=S.CONFIRMED, business_consent=Consent.ACCEPTED)
    before = timezone.now()
    mob = mob_publish(mob=mob, actor=None)
    assert mob.published_at is not None
    assert mob.published_at >= before


def test_mob_closing_counts_towards_the_shops_history() -> None:
    """A closed mob adds to the shop's mob count and starts its cool-down."""
    mob = PublishedMobFactory()
    mob = mob_transition(mob=mob, to=S.LIVE, actor=None)
    mob = mob_transition(mob=mob, to=S.CLOSED, actor=None)
    mob.business.refresh_from_db()
    assert mob.business.mob_count == 1
    assert mob.business.last_mobbed_at == mob.starts_at
