from __future__ import annotations

import pytest

from cashmob.accounts.tests.factories import UserFactory
from cashmob.chapters.tests.factories import ChapterFactory, OrganiserFactory
from cashmob.checkin.tests.factories import LiveMobFactory


@pytest.fixture
def chapter(db):  # type: ignore[no-untyped-def]
    return ChapterFactory(currency="EUR", default_pledge_minor=2000, max_pledge_minor=10_000)


@pytest.fixture
def mob(chapter):  # type: ignore[no-untyped-def]
    return LiveMobFactory(business__chapter=chapter, pledge_minor=2000)


@pytest.fixture
def organiser(chapter):  # type: ignore[no-untyped-def]
    return OrganiserFactory(chapter=chapter).user


@pytest.fixture
def mobber(db):  # type: ignore[no-untyped-def]
    return UserFactory()
