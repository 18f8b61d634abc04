"""Finding shops by words and by distance, through indexes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection

from cashmob.businesses.models import Business
from cashmob.businesses.selectors import business_search
from cashmob.businesses.tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

LYON = (45.7640, 4.8357)


def test_business_search_finds_words_in_name_and_description() -> None:
    books = BusinessFactory(name="Librairie Passages", description="Romans et bandes dessinées")
    BusinessFactory(name="Boulangerie Saint-Paul", description="Pain au levain")
    assert [h.business for h in business_search(text="dessinees")] == [books]
    assert [h.business for h in business_search(text="libr")] == [books]


def test_business_search_sees_updates_and_deletions() -> None:
    """The full-text index follows edits made through the ORM."""
    shop = BusinessFactory(name="Old Name Records")
    shop.name = "Vinyl Attic"
    shop.save()
    assert business_search(text="old") == []
    assert [h.business for h in business_search(text="vinyl")] == [shop]
    shop.delete()
    assert business_search(text="vinyl") == []


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "a)(b", "NEAR(", "'; DROP TABLE x"])
def test_business_search_survives_query_syntax(query: str) -> None:
    """Whatever is typed, the search answers (possibly with nothing) instead of failing."""
    BusinessFactory(name="Plain Shop")
    assert isinstance(business_search(text=query), list)


def test_business_search_by_category() -> None:
    bakery = BusinessFactory(category=Business.Category.CAFE)
    BusinessFactory(category=Business.Category.BOOKS)
    assert [h.business for h in business_search(category="cafe")] == [bakery]


def test_business_search_near_sorts_by_distance_within_radius() -> None:
    near = BusinessFactory(name="Near", latitude=Decimal("45.7650"), longitude=Decimal("4.8360"))
    mid = BusinessFactory(name="Mid", latitude=Decimal("45.7800"), longitude=Decimal("4.8400"))
    BusinessFactory(name="Far", latitude=Decimal("45.9000"), longitude=Decimal("4.8400"))
    hits = business_search(near=LYON, radius_km=3)
    assert [h.business for h in hits] == [near, mid]
    assert hits[0].distance_km is not None
    assert hits[0].distance_km < 0.2
    assert 1.5 < (hits[1].distance_km or 0) < 2.0


def test_business_search_near_across_the_antimeridian() -> None:
    east = BusinessFactory(latitude=Decimal("-17.0"), longitude=Decimal("179.99"))
    west = BusinessFactory(latitude=Decimal("-17.0"), longitude=Decimal("-179.99"))
    assert {h.business for h in business_search(near=(-17.0, 179.999), radius_km=5)} == {
        east,
        west,
    }


def test_business_search_text_and_near_combined() -> None:
    match = BusinessFactory(
        name="Disquaire", latitude=Decimal("45.7650"), longitude=Decimal("4.8360")
    )
    BusinessFactory(name="Disquaire", latitude=Decimal("48.85"), longitude=Decimal("2.35"))
    BusinessFactory(name="Fromager", latitude=Decimal("45.7650"), longitude=Decimal("4.8360"))
    assert [h.business for h in business_search(text="disquaire", near=LYON)] == [match]


def _sqlite_plan(sql: str, params: tuple) -> str:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="query plans are SQLite's")
def test_business_search_near_uses_the_position_index() -> None:
    from cashmob.businesses.selectors import business_list_visible

    qs = business_list_visible().filter(
        latitude__gte=45.7, latitude__lte=45.8, longitude__gte=4.8, longitude__lte=4.9
    )
    sql, params = qs.query.sql_with_params()
    plan = _sqlite_plan(sql, params)
    assert re.search(r"SEARCH businesses_business USING (COVERING )?INDEX \S*latitud", plan), plan
    assert not re.search(r"SCAN businesses_business(?!_fts)", plan), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="query plans are SQLite's")
def test_business_search_text_uses_the_fulltext_index() -> None:
    from cashmob.businesses.selectors import business_list_visible
    from cashmob.core.search import fts_filter

    qs = fts_filter(business_list_visible(), "books", fields=("name", "description", "city"))
    sql, params = qs.query.sql_with_params()
    plan = _sqlite_plan(sql, params)
    assert "SCAN businesses_business_fts VIRTUAL TABLE INDEX" in plan, plan
    assert not re.search(r"SCAN businesses_business(?!_fts)", plan), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables in migrations")
def test_fts_ensure_restores_triggers_dropped_by_a_table_rebuild() -> None:
    """A migration that rebuilds the table drops its triggers; post_migrate restores them."""
    from cashmob.core.search import fts_ensure

    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER businesses_business_fts_{suffix}")
    missed = BusinessFactory(name="Quincaillerie Martin")
    assert fts_ensure() == ["businesses_business"]
    assert [h.business for h in business_search(text="quincaillerie")] == [missed]
    later = BusinessFactory(name="Quincaillerie Dupont")
    assert {h.business for h in business_search(text="quincaillerie")} == {missed, later}
    assert fts_ensure() == []
