"""A mob page's first screen: key facts under the title, and the phone's join bar per RSVP state."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.models import Rsvp, RsvpStatus
from cashmob.rsvps.services import rsvp_create

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
STARTS = datetime(2027, 2, 6, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


def _mob(**kwargs) -> Mob:  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(
        currency="EUR", default_pledge_minor=2000, language="fr", time_zone="Europe/Paris"
    )
    kwargs.setdefault("starts_at", STARTS)
    kwargs.setdefault("ends_at", kwargs["starts_at"] + timedelta(hours=2))
    return PublishedMobFactory(
        business__chapter=chapter,
        business__name="Fromagerie Dupont",
        pledge_minor=2000,
        **kwargs,
    )


def _page(client: Client, mob: Mob) -> str:
    response = client.get(mob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _bar(body: str) -> str | None:
    """The join bar's HTML, or None when the page has none."""
    found = re.search(r"<div class=\"join-bar\" data-join-bar>(.*?)</div>", body, re.S)
    return found.group(1) if found else None


def _facts(body: str) -> dict[str, str]:
    """The key facts under the title: data-fact name -> their text, tags stripped."""
    header = body[body.index('<dl class="key-facts">') : body.index("</dl>")]
    facts = {}
    for name, html in re.findall(r'<dd data-fact="(\w+)">(.*?)</dd>', header, re.S):
        facts[name] = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return facts


def test_join_bar_signed_out_says_yes_through_the_guest_form(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert reverse("rsvps:guest", args=[mob.slug]) in bar
    assert "Say yes" in bar
    assert "€20.00" in bar


def test_join_bar_member_not_going_joins_with_the_mobs_pledge_in_one_tap(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    user = UserFactory()
    client.force_login(user)
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert f'action="{reverse("rsvps:submit", args=[mob.slug])}"' in bar
    assert "I'm in" in bar
    pledge = re.search(r'name="pledge" value="([^"]+)"', bar)
    currency = re.search(r'name="currency" value="([^"]+)"', bar)
    assert pledge
    assert currency
    response = client.post(
        reverse("rsvps:submit", args=[mob.slug]),
        {"pledge": pledge.group(1), "currency": currency.group(1)},
    )
    assert response.status_code == 302
    rsvp = Rsvp.objects.get(mob=mob, user=user)
    assert (rsvp.status, rsvp.pledge_minor, rsvp.currency) == (RsvpStatus.CONFIRMED, 2000, "EUR")


def test_join_bar_going_shows_the_pledge_and_leads_to_the_rsvp_box(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    user = UserFactory()
    rsvp_create(mob=mob, user=user, pledge_minor=2550, currency="EUR")
    client.force_login(user)
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert "You're going." in bar
    assert "€25.50" in bar
    assert 'href="#rsvp"' in bar
    assert "<form" not in bar


def test_join_bar_waiting_shows_the_place_in_line(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(capacity=1)
    rsvp_create(mob=mob, user=UserFactory(), pledge_minor=2000, currency="EUR")
    user = UserFactory()
    rsvp_create(mob=mob, user=user, pledge_minor=2000, currency="EUR")
    client.force_login(user)
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert "number 1 on the waiting list" in bar
    assert 'href="#rsvp"' in bar


def test_join_bar_full_mob_offers_the_waiting_list(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(capacity=1)
    rsvp_create(mob=mob, user=UserFactory(), pledge_minor=2000, currency="EUR")
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert "Join the waiting list" in bar
    client.force_login(UserFactory())
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert "Join the waiting list" in bar
    assert "I'm in" not in bar


@pytest.mark.parametrize(
    "status", [MobStatus.CANCELLED, MobStatus.CLOSED, MobStatus.REPORTED, MobStatus.LIVE]
)
def test_join_bar_is_absent_when_rsvps_are_closed(client, status) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    Mob.objects.filter(pk=mob.pk).update(status=status)
    mob.refresh_from_db()
    body = _page(client, mob)
    assert _bar(body) is None
    assert "pledge" in _facts(body)


def test_join_bar_is_absent_once_the_mob_has_started(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(starts_at=NOW - timedelta(minutes=5))
    assert _bar(_page(client, mob)) is None


def test_key_facts_say_what_when_where_and_the_pledge(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    rsvp_create(mob=mob, user=UserFactory(), pledge_minor=2000, currency="EUR")
    facts = _facts(_page(client, mob))
    assert set(facts) == {"when", "where", "pledge"}
    # 14:00 UTC is 15:00 in Paris.
    assert "Saturday, 6 February 2027, 15:00–" in facts["when"]
    assert "Fromagerie Dupont" in facts["where"]
    assert mob.business is not None
    assert mob.business.address in facts["where"]
    assert f"Meet at {mob.meeting_point}" in facts["where"]
    assert facts["pledge"].startswith("€20.00 per person")
    assert "1 going" in facts["pledge"]


def test_key_facts_and_join_bar_keep_a_secret_shop_secret(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob(reveal_at=STARTS - timedelta(hours=2), meeting_point="Place Bellecour")
    body = _page(client, mob)
    facts = _facts(body)
    assert "Dupont" not in body
    assert "The shop is a surprise" in facts["where"]
    assert "Meet at Place Bellecour" in facts["where"]
    bar = _bar(body)
    assert bar is not None
    assert "Say yes" in bar


def test_join_bar_works_without_javascript_as_plain_links_and_forms(client) -> None:  # type: ignore[no-untyped-def]
    """Every action in the bar is a link or a form post: nothing waits for a script."""
    mob = _mob()
    client.force_login(UserFactory())
    bar = _bar(_page(client, mob))
    assert bar is not None
    assert "hx-" not in bar
    assert "<script" not in bar
    assert 'method="post"' in bar
    assert 'name="csrfmiddlewaretoken"' in bar
