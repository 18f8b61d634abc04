"""One rule for the language of an email and of the pages its links open: the recipient's
own language where known, else their chapter's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.selectors import business_language
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.core.languages import recipient_language
from cashmob.mobs.consent import consent_request_send
from cashmob.mobs.tests.factories import MobFactory

pytestmark = pytest.mark.django_db


def test_recipient_language_prefers_the_profile_over_the_chapter() -> None:
    chapter = ChapterFactory(language="it")
    assert recipient_language(user=UserFactory(language="de"), chapter=chapter) == "de"


def test_recipient_language_falls_back_to_the_chapter_without_an_account() -> None:
    chapter = ChapterFactory(language="it")
    assert recipient_language(user=None, chapter=chapter) == "it"


def test_recipient_language_uses_what_a_guest_chose_before_the_chapter() -> None:
    chapter = ChapterFactory(language="it")
    assert recipient_language(known="sv", chapter=chapter) == "sv"


def test_recipient_language_ignores_a_language_the_site_does_not_speak() -> None:
    chapter = ChapterFactory(language="fr")
    assert recipient_language(known="xx", chapter=chapter) == "fr"
    assert recipient_language() == "en"


def test_a_claimed_shop_speaks_its_owners_language_an_unclaimed_one_its_chapters() -> None:
    chapter = ChapterFactory(language="fr")
    assert business_language(BusinessFactory(chapter=chapter)) == "fr"
    owned = BusinessFactory(chapter=chapter, owner=UserFactory(language="de"))
    assert business_language(owned) == "de"


def _consent_email_and_page(client, business):  # type: ignore[no-untyped-def]
    mob = MobFactory(business=business)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    start = timezone.now() + timedelta(days=5)
    mail.outbox.clear()
    request = consent_request_send(
        mob=mob, actor=organiser, slots=[(start, start + timedelta(hours=2))]
    )
    return request, mob


def test_the_consent_email_and_its_page_speak_the_same_language(
    client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """A French shop opening its link on an English browser reads the page in French,
    like its email: not in the browser's language."""
    business = BusinessFactory(chapter=ChapterFactory(language="fr"))
    with django_capture_on_commit_callbacks(execute=True):
        _consent_email_and_page(client, business)
    [message] = mail.outbox
    link = re.search(r"http\S+(/mobs/consent/\S+/)", message.body)
    assert link is not None
    page = client.get(link.group(1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr"' in page


def test_the_consent_email_and_page_follow_a_claimed_shops_owner(
    client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory(language="de")
    business = BusinessFactory(chapter=ChapterFactory(language="fr"), owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        _consent_email_and_page(client, business)
    [message] = mail.outbox
    assert message.to == [business.contact_email]
    link = re.search(r"http\S+(/mobs/consent/\S+/)", message.body)
    assert link is not None
    page = client.get(link.group(1), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="de"' in page


def test_the_switcher_choice_still_wins_on_an_emailed_page(
    client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    business = BusinessFactory(chapter=ChapterFactory(language="fr"))
    with django_capture_on_commit_callbacks(execute=True):
        _consent_email_and_page(client, business)
    link = re.search(r"http\S+(/mobs/consent/\S+/)", mail.outbox[0].body)
    assert link is not None
    client.cookies["django_language"] = "it"
    assert '<html lang="it"' in client.get(link.group(1)).content.decode()


def test_a_guests_day_page_speaks_the_language_of_their_emails(client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.checkin.guests import guest_day_url
    from cashmob.mobs.tests.factories import PublishedMobFactory
    from cashmob.rsvps.tests.factories import RsvpFactory

    mob = PublishedMobFactory(business__chapter__language="fr")
    guest = RsvpFactory(
        mob=mob, user=None, guest_name="Ada", guest_email="ada@x.example", guest_language="sv"
    )
    path = guest_day_url(guest).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="sv"' in page
