"""The shop's private page: no account, signed link, answers recorded, nothing changed on
a bad link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cashmob.chapters.tests.factories import OrganiserFactory
from cashmob.mobs.consent import CONSENT_SALT, consent_request_send, consent_url
from cashmob.mobs.models import Consent, ConsentAnswer, ConsentRequest, Mob, MobStatus
from cashmob.mobs.services import mob_publish
from cashmob.mobs.tests.factories import MobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():  # type: ignore[no-untyped-def]
    """A mob waiting for its shop, asked about two times; returns (mob, request, path)."""
    mob = MobFactory(business__chapter__language="en", business__name="Les Mots Passants")
    organiser = OrganiserFactory(chapter=mob.chapter).user
    later = mob.starts_at + timedelta(days=1)
    request = consent_request_send(
        mob=mob,
        actor=organiser,
        slots=[(mob.starts_at, mob.ends_at), (later, later + timedelta(hours=2))],
        message="We love your shop.",
    )
    url = consent_url(request)
    return mob, request, url[url.index("/mobs/") :], organiser


def _state(mob: Mob) -> tuple[str, str, int]:
    mob.refresh_from_db()
    return mob.status, mob.business_consent, ConsentAnswer.objects.count()


def test_consent_page_shows_the_request_without_an_account(client, asked) -> None:  # type: ignore[no-untyped-def]
    _mob, _request, path, _organiser = asked
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Les Mots Passants" in body
    assert "We love your shop." in body
    assert "full price" in body
    assert "€20.00" in body  # the pledge
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_consent_page_accept_confirms_the_mob_with_the_shops_limits(
    client, asked, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mob, request, path, organiser = asked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path,
            {
                "answer": "accepted",
                "slot": "1",
                "max_crowd": "30",
                "arrival_waves": "3",
                "tipping_point": "12",
                "notes_for_mobbers": "Step-free entrance at the back.",
            },
        )
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.status == MobStatus.CONFIRMED
    assert mob.starts_at.isoformat() == request.slots[1][0]
    assert (mob.capacity, mob.arrival_waves, mob.tipping_point) == (30, 3, 12)
    assert mob.notes_for_mobbers == "Step-free entrance at the back."
    assert any(organiser.email in m.to for m in mailoutbox)
    page = client.get(path).content.decode()
    assert "Your answer:" in page
    assert "change your mind" in page


def test_consent_page_owner_can_change_their_mind_before_publishing(client, asked) -> None:  # type: ignore[no-untyped-def]
    mob, _request, path, _organiser = asked
    client.post(path, {"answer": "accepted", "slot": "0"})
    response = client.post(path, {"answer": "declined", "decline_reason": "Stocktaking that week"})
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.status == MobStatus.PLANNING
    assert mob.business_consent == Consent.DECLINED
    assert list(ConsentAnswer.objects.values_list("answer", flat=True)) == [
        "accepted",
        "declined",
    ]


def test_consent_page_propose_needs_times(client, asked) -> None:  # type: ignore[no-untyped-def]
    mob, _request, path, _organiser = asked
    before = _state(mob)
    response = client.post(path, {"answer": "proposed", "proposed_times": "  "})
    assert response.status_code == 400
    assert "Say which times" in response.content.decode()
    assert _state(mob) == before
    response = client.post(path, {"answer": "proposed", "proposed_times": "Any Tuesday"})
    assert response.status_code == 302
    mob.refresh_from_db()
    assert mob.business_consent == Consent.PROPOSED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"answer": "accepted"}, "Choose one of the proposed times"),
        ({"answer": "accepted", "slot": "7"}, "Select a valid choice"),
        ({"answer": "accepted", "slot": "0", "max_crowd": "0"}, "greater than or equal to 1"),
        ({"answer": "accepted", "slot": "0", "arrival_waves": "99"}, "less than or equal to 12"),
        (
            {"answer": "accepted", "slot": "0", "max_crowd": "10", "tipping_point": "20"},
            "not above the maximum",
        ),
        ({"answer": "maybe"}, "Select a valid choice"),
        ({}, "This field is required"),
    ],
)
def test_consent_page_bad_input_is_a_field_error_and_changes_nothing(
    client, asked, data, error
) -> None:  # type: ignore[no-untyped-def]
    mob, _request, path, _organiser = asked
    before = _state(mob)
    response = client.post(path, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert error in response.content.decode()
    assert _state(mob) == before


def test_consent_page_with_a_forged_link_is_gone_and_changes_nothing(client, asked) -> None:  # type: ignore[no-untyped-def]
    mob, _request, path, _organiser = asked
    before = _state(mob)
    forged = signing.dumps({"n": "guessed"}, salt=CONSENT_SALT, compress=True)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for url in (reverse("mobs:consent", kwargs={"token": forged}), tampered):
        assert client.get(url).status_code == 410
        response = client.post(url, {"answer": "accepted", "slot": "0"})
        assert response.status_code == 410
    assert _state(mob) == before


def test_consent_page_with_an_expired_link_is_gone(client, asked) -> None:  # type: ignore[no-untyped-def]
    mob, request, path, _organiser = asked
    ConsentRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    before = _state(mob)
    response = client.post(path, {"answer": "accepted", "slot": "0"})
    assert response.status_code == 410
    assert 'data-error-code="consent_link_expired"' in response.content.decode()
    assert _state(mob) == before


def test_consent_page_with_a_superseded_link_is_gone(client, asked) -> None:  # type: ignore[no-untyped-def]
    mob, _request, path, organiser = asked
    consent_request_send(mob=mob, actor=organiser, slots=[(mob.starts_at, mob.ends_at)])
    before = _state(mob)
    response = client.post(path, {"answer": "accepted", "slot": "0"})
    assert response.status_code == 410
    assert 'data-error-code="consent_link_superseded"' in response.content.decode()
    assert _state(mob) == before


def test_consent_page_after_publishing_shows_the_answer_but_refuses_changes(client, asked) -> None:  # type: ignore[no-untyped-def]
    mob, _request, path, organiser = asked
    client.post(path, {"answer": "accepted", "slot": "0"})
    mob_publish(mob=mob, actor=organiser)
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "can no longer change here" in page.content.decode()
    assert 'value="declined"' not in page.content.decode()
    response = client.post(path, {"answer": "declined"})
    assert response.status_code == 410
    assert 'data-error-code="consent_closed"' in response.content.decode()
    mob.refresh_from_db()
    assert mob.status == MobStatus.PUBLISHED
    assert mob.business_consent == Consent.ACCEPTED


def test_consent_page_after_publishing_shows_the_owner_the_pledges(client) -> None:  # type: ignore[no-untyped-def]
    """The owner sees the expected crowd and pledged total on their private page."""
    from cashmob.accounts.tests.factories import UserFactory
    from cashmob.chapters.tests.factories import OrganiserFactory
    from cashmob.mobs.consent import consent_answer, consent_request_send, consent_url
    from cashmob.mobs.models import Consent
    from cashmob.mobs.services import mob_publish
    from cashmob.mobs.tests.factories import MobFactory
    from cashmob.rsvps.services import rsvp_create

    mob = MobFactory(starts_at=None, ends_at=None)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    request = consent_request_send(
        mob=mob, actor=organiser, slots=[(start, start + timedelta(hours=2))]
    )
    consent_answer(request=request, answer=Consent.ACCEPTED, slot_index=0, max_crowd=30)
    mob = mob_publish(mob=mob, actor=organiser)
    for pledge in (2000, 3500):
        rsvp_create(mob=mob, user=UserFactory(), pledge_minor=pledge, currency=mob.currency)
    path = consent_url(request).split("127.0.0.1:8000", 1)[-1]
    # The page speaks the shop's language (its chapter's); the switcher's choice wins.
    client.cookies["django_language"] = "en"
    body = client.get(path).content.decode()
    assert "2 / 30" in body
    assert "€55" in body
    # ... and reaches its page for the day (mob code, check-ins, till total) from here.
    assert "/day/owner/" in body


def test_consent_page_keeps_its_link_private_without_breaking_its_form(client) -> None:  # type: ignore[no-untyped-def]
    """Same-origin referrers only: "no-referrer" makes browsers post with "Origin: null",
    which Django's CSRF check refuses, so the shop could not answer at all."""
    from cashmob.mobs.tests.factories import MobFactory

    mob = MobFactory(starts_at=None, ends_at=None)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    request = consent_request_send(
        mob=mob, actor=organiser, slots=[(start, start + timedelta(hours=2))]
    )
    path = consent_url(request).split("127.0.0.1:8000", 1)[-1]
    response = client.get(path)
    assert response["Referrer-Policy"] == "same-origin"
    assert b'content="no-referrer"' not in response.content
    csrf_client = type(client)(enforce_csrf_checks=True)
    page = csrf_client.get(path)
    token = page.cookies["csrftoken"].value
    answer = csrf_client.post(
        path,
        {"csrfmiddlewaretoken": token, "answer": "accepted", "slot": "0", "arrival_waves": "1"},
        HTTP_ORIGIN="http://testserver",
    )
    assert answer.status_code in (200, 302)
    mob.refresh_from_db()
    assert mob.business_consent == Consent.ACCEPTED
