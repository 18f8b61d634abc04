"""Chapter reads: directory search through the full-text index, and service guards added
alongside the pages (currency changes, reserved slugs, verified requesters)."""

from __future__ import annotations

import pytest
from django.db import connection

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.exceptions import ChapterConflictError, ChapterPermissionError
from cashmob.chapters.models import Chapter
from cashmob.chapters.selectors import chapter_search, chapter_social_links
from cashmob.chapters.services import chapter_request, chapter_update_settings
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.mobs.tests.factories import MobFactory

pytestmark = pytest.mark.django_db

REQUEST = {
    "name": "Cash Mob Review",
    "city": "Lyon",
    "country": "FR",
    "time_zone": "Europe/Paris",
    "currency": "EUR",
    "language": "fr",
    "default_pledge_minor": 2000,
}


def test_chapter_search_matches_word_prefixes_in_name_city_and_description() -> None:
    lyon = ChapterFactory(name="Cash Mob Lyon", city="Lyon", description="Librairies")
    ChapterFactory(name="Cash Mob Torino", city="Torino", description="Sartorie")
    assert list(chapter_search(query="lyo", country_order=[])) == [lyon]
    assert list(chapter_search(query="librair", country_order=[])) == [lyon]


def test_chapter_search_sees_renamed_chapters() -> None:
    chapter = ChapterFactory(name="Cash Mob Old")
    chapter.name = "Cash Mob Croix-Rousse"
    chapter.save()
    assert list(chapter_search(query="croix", country_order=[])) == [chapter]
    assert not chapter_search(query="old", country_order=[]).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan format")
def test_chapter_search_uses_the_full_text_index() -> None:
    query = chapter_search(query="lyon", country_order=["FR"]).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    # The MATCH runs inside the FTS5 index ("0:M..."), and only matching rows are fetched.
    assert "chapters_chapter_fts VIRTUAL TABLE INDEX 0:M" in plan
    assert "SEARCH chapters_chapter USING INTEGER PRIMARY KEY" in plan


def test_social_links_skip_a_mastodon_handle_without_instance() -> None:
    chapter = ChapterFactory(mastodon_handle="cashmob", website="https://cashmob.example")
    assert [label for label, _url in chapter_social_links(chapter=chapter)] == ["Website"]


def test_chapter_update_settings_refuses_a_currency_change_once_mobs_exist() -> None:
    organiser = OrganiserFactory(chapter__currency="EUR")
    MobFactory(business__chapter=organiser.chapter)
    with pytest.raises(ChapterConflictError) as excinfo:
        chapter_update_settings(
            chapter=organiser.chapter, actor=organiser.user, data={"currency": "USD"}
        )
    assert (excinfo.value.code, excinfo.value.field) == ("currency_in_use", "currency")


def test_chapter_update_settings_allows_a_currency_change_before_any_mob() -> None:
    organiser = OrganiserFactory(chapter__currency="EUR")
    chapter_update_settings(
        chapter=organiser.chapter, actor=organiser.user, data={"currency": "USD"}
    )
    assert Chapter.objects.get(pk=organiser.chapter.pk).currency == "USD"


@pytest.mark.parametrize("name", ["New", "Review"])
def test_chapter_request_never_takes_a_page_slug(name: str) -> None:
    chapter = chapter_request(user=UserFactory(), data={**REQUEST, "name": name})
    assert chapter.slug not in {"new", "review"}


def test_chapter_request_needs_a_verified_email() -> None:
    with pytest.raises(ChapterPermissionError) as excinfo:
        chapter_request(user=UserFactory(verified=False), data=REQUEST)
    assert excinfo.value.code == "not_verified"
    assert not Chapter.objects.exists()
