"""Calendar files: one method in the file and its email, a site's own UIDs, a counted SEQUENCE."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.mobs.services import mob_cancel, mob_reveal, mob_update_details
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.calendar import mob_event
from cashmob.rsvps.services import rsvp_create

pytestmark = pytest.mark.django_db


def _mob(**kwargs):  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(currency="EUR", default_pledge_minor=2000, language="en")
    return PublishedMobFactory(business__chapter=chapter, pledge_minor=2000, **kwargs)


def test_rsvp_email_attachment_and_its_file_name_the_same_method(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    """RFC 6047: the Content-Type's method parameter matches the file's METHOD."""
    mob = _mob()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(mob=mob, user=UserFactory(), pledge_minor=2000, currency="EUR")
    [message] = mail.outbox
    [(_name, data, mimetype)] = [a for a in message.attachments if a[0].endswith(".ics")]
    assert "method=PUBLISH" in mimetype
    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH"
    # The message as sent carries the same parameter on the calendar part.
    sent = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    [part] = [p for p in sent.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    assert Calendar.from_ical(part.get_content())["METHOD"] == "PUBLISH"


def test_mob_ics_download_and_feeds_are_publications(client) -> None:  # type: ignore[no-untyped-def]
    mob = _mob()
    response = client.get(reverse("rsvps:ics", args=[mob.slug]))
    assert "method=PUBLISH" in response["Content-Type"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"


def test_uid_names_the_sites_own_domain(settings) -> None:  # type: ignore[no-untyped-def]
    """Two installations' mob number N never replace each other in a calendar."""
    settings.SITE_URL = "https://mobs.example.org"
    mob = _mob()
    assert mob_event(mob)["UID"] == f"mob-{mob.pk}@mobs.example.org"
    settings.SITE_URL = "https://cashmob.other.net:8443"
    assert mob_event(mob)["UID"] == f"mob-{mob.pk}@cashmob.other.net"


def test_sequence_counts_the_changes_calendars_must_pick_up() -> None:
    mob = _mob(reveal_at=None)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    assert mob_event(mob)["SEQUENCE"] == 0

    mob = mob_update_details(mob=mob, actor=organiser, data={"meeting_point": "The fountain"})
    assert mob_event(mob)["SEQUENCE"] == 1
    mob = mob_update_details(mob=mob, actor=organiser, data={"title": "Books, together"})
    assert mob_event(mob)["SEQUENCE"] == 2
    # Nothing changed: nothing to count.
    mob = mob_update_details(mob=mob, actor=organiser, data={"title": "Books, together"})
    assert mob_event(mob)["SEQUENCE"] == 2

    mob = mob_cancel(mob=mob, actor=organiser, reason="Storm warning")
    event = mob_event(mob)
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CANCELLED"


def test_sequence_counts_a_secret_shop_revealed() -> None:
    mob = _mob()
    mob.reveal_at = mob.starts_at - timedelta(hours=1)
    mob.save(update_fields=["reveal_at"])
    mob = mob_reveal(mob=mob)
    assert mob.sequence == 1
    # Revealed once: a second reveal (the task after the button) counts nothing.
    mob = mob_reveal(mob=mob)
    assert mob_event(mob)["SEQUENCE"] == 1
