"""Finding shops by words and by distance, through indexes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cashmob.businesses.models import Business
from cashmob.businesses.selectors import business_search
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.core.plans import full_table_scans, query_plan

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


def _pretend_a_million_shops() -> None:
    """Give SQLite's planner the statistics of a directory of 1,000,000 shops.

    The planner chooses between indexes from ``sqlite_stat1``; these figures are what
    ``ANALYZE`` writes for the benchmark suite's million-shop dataset (``bench/``), so the
    plans below are the ones a big directory gets, without writing a million rows here.
    """
    stats = {
        "businesses_business": "1000000",
        "business_position_idx": "1000000 3 1 1",
        "business_name_idx": "1000000 40 1",
        "business_category_name_idx": "1000000 125000 40 1",
        "businesses_business_chapter_id_cfbf91c8": "1000000 38000",
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'businesses_business'")
        for index, stat in stats.items():
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                ["businesses_business", None if index == "businesses_business" else index, stat],
            )
        cursor.execute("ANALYZE sqlite_schema")  # reloads the statistics


def _plans_of(**search: object) -> list[list[str]]:
    with CaptureQueriesContext(connection) as captured:
        business_search(**search)  # type: ignore[arg-type]
    return [query_plan(q["sql"]) for q in captured.captured_queries if "business" in q["sql"]]


SEARCHES = {
    "near": {"near": LYON, "radius_km": 5},
    "near, far page": {"near": LYON, "radius_km": 50, "offset": 2000},
    "near the antimeridian": {"near": (-17.0, 179.99), "radius_km": 20},
    "words": {"text": "librairie"},
    "words near": {"text": "librairie", "near": LYON},
    "category": {"category": "books"},
    "whole directory, a late page": {"offset": 5000},
}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="query plans are SQLite's")
@pytest.mark.parametrize("search", SEARCHES.values(), ids=SEARCHES.keys())
def test_business_search_stays_index_backed_with_a_million_shops(search: dict) -> None:  # type: ignore[type-arg]
    """No search reads the whole table: boxes use the position index, words the full-text
    index, and alphabetical pages the name indexes, with a million shops' statistics."""
    BusinessFactory.create_batch(3)
    _pretend_a_million_shops()
    plans = _plans_of(**search)
    assert plans
    for plan in plans:
        assert full_table_scans(plan, "businesses_business") == [], plan
    steps = "\n".join(step for plan in plans for step in plan)
    if "near" in search and "text" not in search:
        # The box and the distance ordering come from the index alone (covering).
        assert "USING COVERING INDEX business_position_idx" in steps, steps
    if "text" in search:
        assert "businesses_business_fts VIRTUAL TABLE INDEX" in steps, steps
    if "text" in search and "near" not in search:
        # Newest first, straight off the index: no sort of every matching shop.
        assert "TEMP B-TREE" not in steps, steps
    if "category" in search:
        assert "USING INDEX business_category_name_idx" in steps, steps
    if not search.keys() & {"near", "text", "category"}:
        # Walked in name order and stopped at the page: no sort of every shop.
        assert "SCAN businesses_business USING INDEX business_name_idx" in steps, steps
        assert "TEMP B-TREE" not in steps, steps


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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="query plans are SQLite's")
def test_map_box_reads_the_position_index_without_sorting_the_city() -> None:
    from cashmob.businesses.selectors import business_list_in_bbox

    BusinessFactory.create_batch(3)
    _pretend_a_million_shops()
    with CaptureQueriesContext(connection) as captured:
        business_list_in_bbox(west=2.25, south=48.8, east=2.45, north=48.9)
    [plan] = [query_plan(q["sql"]) for q in captured.captured_queries]
    steps = "\n".join(plan)
    assert "INDEX business_position_idx" in steps, steps
    assert "TEMP B-TREE" not in steps, steps


@pytest.mark.parametrize("latitude", [0.0, 45.0, 65.0, 75.0, -70.0])
def test_business_search_near_finds_every_shop_inside_the_circle_at_any_latitude(
    latitude: float,
) -> None:
    """Shops just inside the radius, in every direction, are found, near the poles too."""
    import math

    from cashmob.businesses.geo import EARTH_RADIUS_KM

    radius = 200.0
    inside = []
    for bearing in range(0, 360, 5):
        # A point 99.9 % of the radius away along ``bearing`` (great-circle destination).
        d = 0.999 * radius / EARTH_RADIUS_KM
        b, p1 = math.radians(bearing), math.radians(latitude)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = 10 + math.degrees(
            math.atan2(
                math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
            )
        )
        inside.append(
            BusinessFactory(
                latitude=Decimal(f"{math.degrees(p2):.6f}"), longitude=Decimal(f"{l2:.6f}")
            )
        )
    hits = business_search(near=(latitude, 10.0), radius_km=radius, limit=100)
    found = {h.business for h in hits}
    assert found == set(inside)
