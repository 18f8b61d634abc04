"""A mob's time reads the same on its page, in its emails and in its calendar file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory
from cashmob.core import dates
from cashmob.mobs.tests.factories import PublishedMobFactory
from cashmob.rsvps.calendar import mob_event
from cashmob.rsvps.services import rsvp_create

pytestmark = pytest.mark.django_db

# Saturday 12 December 2026, 11:00–13:00 in New York (EST).
STARTS = datetime(2026, 12, 12, 16, 0, tzinfo=UTC)


def _text(html: str) -> str:
    """What a reader sees: the markup that keeps the hours on one line left out."""
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture
def mob(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False)
    chapter = ChapterFactory(
        time_zone="America/New_York", currency="USD", default_pledge_minor=2000, language="en"
    )
    return PublishedMobFactory(
        business__chapter=chapter,
        pledge_minor=2000,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Saturday, 12 December 2026, 11:00–13:00 EST"),
        ("fr", "samedi 12 décembre 2026, 11:00–13:00 EST"),
    ],
)
def test_mob_page_and_you_are_going_email_show_the_identical_time(
    client, django_capture_on_commit_callbacks, mob, language: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    html_page = client.get(mob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content
    page = _text(html_page.decode())
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(mob=mob, user=UserFactory(language=language), pledge_minor=2000, currency="USD")
    [message] = mail.outbox
    [(html, _mimetype)] = message.alternatives
    assert expected in page
    assert expected in message.body
    assert expected in _text(str(html))
    # The tz identifier the email used to show ("11:00 (America/New_York)") is gone.
    assert "America/New_York" not in message.body
    assert "America/New_York" not in page


def test_ics_description_writes_the_time_as_pages_and_emails_do(mob) -> None:
    with translation.override("it"):
        description = str(mob_event(mob)["DESCRIPTION"])
    assert description.splitlines()[0] == "sabato 12 dicembre 2026, 11:00–13:00 EST"
    assert description.splitlines()[0] == dates.format_range(
        mob.starts_at, mob.ends_at, mob.chapter.time_zone, "it"
    )


def test_ics_attached_to_an_email_is_in_the_recipients_language(
    django_capture_on_commit_callbacks, mob
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(mob=mob, user=UserFactory(language="de"), pledge_minor=2000, currency="USD")
    [message] = mail.outbox
    [(_name, data, _mimetype)] = [a for a in message.attachments if a[0].endswith(".ics")]
    [event] = Calendar.from_ical(data).walk("VEVENT")
    time_line = str(event["DESCRIPTION"]).splitlines()[0]
    assert time_line == "Samstag, 12. Dezember 2026, 11:00–13:00 EST"
    assert time_line in message.body


def test_italian_mob_page_writes_day_and_month_in_lower_case(client, mob) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get(mob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode())
    assert "sabato 12 dicembre 2026, 11:00–13:00 EST" in page
    assert "Sabato" not in page
    assert "Dicembre" not in page
