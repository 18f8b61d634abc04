"""``cashmob demo`` builds a realistic world, and building it twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.utils import timezone

from cashmob.accounts.models import User
from cashmob.businesses.models import Business, Nomination
from cashmob.chapters.models import Chapter, Membership
from cashmob.core.demo import DEMO_PASSWORD, MEMBER_EMAIL, ORGANISER_EMAIL
from cashmob.mobs.models import Consent, Mob, MobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):  # type: ignore[no-untyped-def]
    """The demo places its mobs around now (the live one starts on the hour), so two builds
    either side of an hour would differ: a still clock keeps every build at one moment."""
    time_machine.move_to(datetime(2026, 12, 5, 17, 59, 30, tzinfo=UTC), tick=False)


MOB_FIELDS = (
    "slug",
    "chapter__slug",
    "business__slug",
    "status",
    "starts_at",
    "ends_at",
    "rsvp_count",
    "checkin_count",
    "reported_total_minor",
    "confirmed_total_minor",
)


def _world() -> dict[str, object]:
    return {
        "chapters": sorted(Chapter.objects.values_list("pk", "slug", "currency", "time_zone")),
        "businesses": sorted(Business.objects.values_list("pk", "slug", "chapter__slug")),
        "users": sorted(User.objects.values_list("pk", "email")),
        "emails": sorted(EmailAddress.objects.values_list("pk", "email", "verified")),
        "memberships": sorted(Membership.objects.values_list("pk", "chapter_id", "user_id")),
        "mobs": sorted(Mob.objects.values_list("pk", *MOB_FIELDS)),
        "nominations": sorted(Nomination.objects.values_list("pk", "business_id", "user_id")),
    }


def test_demo_twice_gives_the_same_world() -> None:
    call_command("demo", verbosity=0)
    first = _world()
    call_command("demo", verbosity=0)
    assert _world() == first


def test_demo_world_spans_countries_currencies_and_languages() -> None:
    call_command("demo", verbosity=0)
    chapters = Chapter.objects.all()
    assert chapters.count() >= 3
    assert len({c.country.code for c in chapters}) >= 3
    assert len({c.currency for c in chapters}) >= 3
    assert len({c.language for c in chapters}) >= 3
    assert len({c.time_zone for c in chapters}) >= 3
    assert Business.objects.count() >= 30


def test_demo_has_past_results_and_upcoming_published_mobs() -> None:
    call_command("demo", verbosity=0)
    now = timezone.now()
    reported = Mob.objects.filter(status=MobStatus.REPORTED)
    assert reported.exists()
    for mob in reported:
        assert mob.starts_at < now
        assert mob.business_consent == Consent.ACCEPTED
        assert mob.published_at is not None
        assert mob.confirmed_total_minor
        assert mob.reported_total_minor > 0
        assert mob.checkin_count > 0
    upcoming = Mob.objects.filter(status=MobStatus.PUBLISHED, starts_at__gt=now)
    assert upcoming.count() >= 3
    assert all(m.published_at and m.published_at <= now for m in upcoming)


def test_demo_organiser_has_documented_password_and_verified_email() -> None:
    call_command("demo", verbosity=0)
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    assert check_password(DEMO_PASSWORD, organiser.password)
    assert EmailAddress.objects.filter(user=organiser, verified=True, primary=True).exists()
    assert Membership.objects.get(user=organiser, chapter__slug="lyon").is_organiser


def test_every_demo_shop_was_nominated_by_a_member_of_its_chapter() -> None:
    call_command("demo", verbosity=0)
    for business in Business.objects.prefetch_related("nominations__user__memberships"):
        [nomination] = business.nominations.all()
        assert business.nomination_count == 1
        assert business.nominated_by_id == nomination.user_id
        assert nomination.reason
        chapters = {m.chapter_id for m in nomination.user.memberships.all()}
        assert business.chapter_id in chapters


def test_demo_figures_are_backed_by_real_rows() -> None:
    """Every count a demo page shows is the count of the RSVPs, check-ins and reports
    behind it, so the day view, the CSV and the tally agree with the mob's figures."""
    from django.db.models import Sum

    from cashmob.checkin.models import CheckIn, SpendReport
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    call_command("demo", verbosity=0)
    for mob in Mob.objects.exclude(status=MobStatus.PLANNING):
        counted = SpendReport.objects.filter(mob=mob, status=SpendReport.Status.COUNTED)
        assert mob.rsvp_count == Rsvp.objects.filter(mob=mob, status=RsvpStatus.CONFIRMED).count()
        assert mob.checkin_count == CheckIn.objects.filter(mob=mob).count()
        assert mob.report_count == counted.count()
        assert mob.reported_total_minor == (counted.aggregate(t=Sum("amount_minor"))["t"] or 0)
    assert Mob.objects.filter(status=MobStatus.REPORTED, checkin_count__gt=10).exists()


def test_demo_has_a_mob_live_now_the_member_can_join_and_the_shop_can_reach() -> None:
    from cashmob.mobs.models import ConsentRequest
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    call_command("demo", verbosity=0)
    now = timezone.now()
    live = Mob.objects.get(status=MobStatus.LIVE)
    assert live.starts_at < now < live.ends_at
    assert live.business.owner.email == "owner@demo.cashmob.org"
    assert live.tipping_point
    assert Rsvp.objects.get(mob=live, user__email=MEMBER_EMAIL).status == RsvpStatus.CONFIRMED
    request = ConsentRequest.objects.get(mob=live, kind=ConsentRequest.Kind.MOB)
    assert request.answer == "accepted"
    assert live.checkin_count > 0


def test_demo_world_obeys_the_rotation() -> None:
    """One mob on its way per shop, mobs at one shop a cool-down apart, and shops left
    for each chapter's organisers to vote on (cashmob.mobs.rotation)."""
    import itertools
    from datetime import timedelta

    from cashmob.mobs.models import ACTIVE_STATUSES
    from cashmob.mobs.rotation import rotation_get

    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)
    for business in Business.objects.select_related("chapter"):
        mobs = list(business.mobs.exclude(status=MobStatus.CANCELLED).order_by("starts_at"))
        assert len([m for m in mobs if m.status in ACTIVE_STATUSES]) <= 1, business.slug
        rest = timedelta(days=business.chapter.cooldown_days)
        for before, after in itertools.pairwise(mobs):
            assert after.starts_at - before.starts_at >= rest, business.slug
    for chapter in Chapter.objects.all():
        assert len(rotation_get(chapter=chapter).available) >= 2, chapter.slug
