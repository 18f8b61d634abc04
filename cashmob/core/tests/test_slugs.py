"""Slugs: readable, unique, never a reserved path, and safe when two saves race for one."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.core.slugs import save_with_unique_slug, unique_slug
from cashmob.mobs.models import Mob
from cashmob.mobs.services import mob_plan

pytestmark = pytest.mark.django_db


def test_unique_slug_adds_a_number_and_skips_reserved_paths() -> None:
    chapter = ChapterFactory()
    Mob.objects.create(chapter=chapter, title="x", slug="books", currency="EUR", pledge_minor=1)
    assert unique_slug(Mob, "Books!", fallback="mob", max_length=140) == "books-2"
    assert unique_slug(Mob, "Plan", fallback="mob", max_length=140, reserved={"plan"}) == "plan-2"
    assert unique_slug(Mob, "???", fallback="mob", max_length=140) == "mob"


def test_a_slug_taken_between_the_check_and_the_insert_is_chosen_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Another request saves the same slug in the window between the check and our insert
    (made here by inserting a rival right after the check): the database refuses ours, and
    the mob is saved under the next free slug instead of failing."""
    from cashmob.core import slugs

    chapter = ChapterFactory()
    organiser = OrganiserFactory(chapter=chapter).user
    raced: list[str] = []
    check = slugs.unique_slug

    def check_then_lose_the_race(*args, **kwargs):  # type: ignore[no-untyped-def]
        slug = check(*args, **kwargs)
        if not raced:
            raced.append(slug)
            Mob.objects.create(
                chapter=chapter, title="Rival", slug=slug, currency="EUR", pledge_minor=1
            )
        return slug

    monkeypatch.setattr(slugs, "unique_slug", check_then_lose_the_race)
    mob = mob_plan(chapter=chapter, actor=organiser, title="Books on Main St")
    assert raced == ["books-on-main-st"]
    assert mob.slug == "books-on-main-st-2"
    assert Mob.objects.filter(slug__startswith="books-on-main-st").count() == 2


def test_another_integrity_error_is_not_mistaken_for_a_taken_slug() -> None:
    mob = Mob(title="No chapter", currency="EUR", pledge_minor=1)  # chapter is required
    with pytest.raises(IntegrityError):
        save_with_unique_slug(mob, "No chapter", fallback="mob", max_length=140)
