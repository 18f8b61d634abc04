"""The whole organising flow through the browser's eyes: plan, vote, poll, ask, accept, publish."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.models import Consent, ConsentAnswer, Mob, MobStatus
from cashmob.mobs.tests.dashboard import dashboard_data
from cashmob.notifications.models import Notification
from cashmob.voting.models import DatePoll, ShopVote

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def local(dt: datetime) -> str:
    """How a datetime-local input sends ``dt`` in the chapter's zone."""
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def test_full_flow_from_plan_to_members_notified(
    client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en")
    organiser = OrganiserFactory(chapter=chapter).user
    members = [MembershipFactory(chapter=chapter).user for _ in range(3)]
    shops = [BusinessFactory(chapter=chapter, name=f"Shop {c}") for c in "AB"]

    # Plan.
    client.force_login(organiser)
    response = client.post(
        reverse("mobs:plan", kwargs={"chapter_slug": chapter.slug}),
        {
            "title": "Spring mob",
            "pledge": "20,50",
            "meeting_point": "The fountain",
            "description": "",
        },
    )
    mob = Mob.objects.get(title="Spring mob")
    assert response.status_code == 302
    assert response["Location"] == reverse("mobs:dashboard", kwargs={"slug": mob.slug})
    assert mob.pledge_minor == 2050
    dashboard = reverse("mobs:dashboard", kwargs={"slug": mob.slug})
    assert client.get(dashboard).status_code == 200

    def act(action: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("mobs:dashboard_action", kwargs={"slug": mob.slug, "action": action}),
                dashboard_data(action, data),
            )

    # Open the vote; members vote; the organiser closes it early.
    closes = timezone.now() + timedelta(days=2)
    response = act("vote_open", {"closes_at": local(closes)})
    assert response.status_code == 302, response.content.decode()[:2000]
    vote = ShopVote.objects.get(mob=mob)
    candidate_b = vote.candidates.get(business=shops[1])
    for member in members:
        client.force_login(member)
        response = client.post(
            reverse("voting:vote", kwargs={"pk": vote.pk}), {"choices": [candidate_b.pk]}
        )
        assert response.status_code == 302
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("voting:vote_close", kwargs={"pk": vote.pk}), {"next": dashboard}
        )
    assert response["Location"] == dashboard
    mob.refresh_from_db()
    assert mob.business == shops[1]

    # Date poll: the suggested slots are prefilled; two slots, members answer, close.
    page = client.get(dashboard).content.decode()
    assert 'name="poll_open-slot_0_start"' in page
    start = (
        (timezone.now() + timedelta(days=10))
        .astimezone(PARIS)
        .replace(hour=18, minute=0, second=0, microsecond=0)
    )
    response = act(
        "poll_open",
        {
            "closes_at": local(timezone.now() + timedelta(days=3)),
            "slot_0_start": local(start),
            "slot_0_end": "20:00",
            "slot_1_start": local(start + timedelta(days=1)),
            "slot_1_end": "20:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    poll = DatePoll.objects.get(mob=mob)
    first, second = poll.slots.order_by("starts_at")
    assert first.starts_at == start
    assert first.ends_at == start + timedelta(hours=2)
    for member in members:
        client.force_login(member)
        response = client.post(
            reverse("voting:poll", kwargs={"pk": poll.pk}),
            {f"slot_{first.pk}": "no", f"slot_{second.pk}": "yes"},
        )
        assert response.status_code == 302
    client.force_login(organiser)
    response = client.post(
        reverse("voting:poll_close", kwargs={"pk": poll.pk}),
        {"poll_close-slot": "", "next": dashboard},
    )
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.starts_at == second.starts_at

    # Ask the shop: the chosen slot is preselected.
    page = client.get(dashboard).content.decode()
    assert f'value="{second.pk}"' in page
    mail.outbox.clear()
    response = act("consent_send", {"picked": [str(second.pk)], "message": "Hello!"})
    assert response.status_code == 302, response.content.decode()[:3000]
    mob.refresh_from_db()
    assert mob.status == MobStatus.AWAITING_CONSENT
    (email,) = [m for m in mail.outbox if shops[1].contact_email in m.to]
    link = re.search(r"https?://\S+/mobs/consent/[^/\s]+/", email.body).group(0)
    path = link[link.index("/mobs/") :]

    # Publishing before the shop's yes is refused.
    response = act("publish", {})
    assert response.status_code == 409
    mob.refresh_from_db()
    assert mob.status == MobStatus.AWAITING_CONSENT

    # The owner opens the link without an account and accepts.
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "full price" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path,
            {
                "answer": "accepted",
                "slot": "0",
                "max_crowd": "40",
                "arrival_waves": "2",
                "tipping_point": "10",
                "notes_for_mobbers": "Parking behind the shop.",
            },
        )
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.status == MobStatus.CONFIRMED
    assert (mob.capacity, mob.arrival_waves, mob.tipping_point) == (40, 2, 10)
    assert ConsentAnswer.objects.filter(answer=Consent.ACCEPTED).count() == 1

    # Publish: members are told.
    client.force_login(organiser)
    mail.outbox.clear()
    response = act("publish", {"keep_secret": ""})
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED
    told = {address for m in mail.outbox if "New cash mob" in m.subject for address in m.to}
    assert {m.email for m in members} <= told
    assert Notification.objects.filter(event_key=f"mob:{mob.pk}:published").count() >= 3

    # The link no longer changes anything once the mob is published.
    client.logout()
    response = client.post(path, {"answer": "declined", "decline_reason": "No"})
    assert response.status_code == 410
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED
    assert mob.business_consent == Consent.ACCEPTED
