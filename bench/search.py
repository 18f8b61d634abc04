"""How fast the directory answers "near me" and word searches, and through which index.

Every search is timed end to end through :func:`business_search` (queries and the Python
around them), on random points around the dataset's cities and on words of every
frequency; the plan of each query is checked, and a whole-table read fails the run.
"""

from __future__ import annotations

import random
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.dataset import CITIES, KINDS, SURNAMES, WORDS
from bench.measure import Report, summary
from cashmob.businesses.selectors import business_search
from cashmob.core.plans import full_table_scans, query_plan


class IndexNotUsedError(AssertionError):
    pass


def _check_plans(search: dict[str, object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        business_search(**search)  # type: ignore[arg-type]
    steps: list[str] = []
    for query in captured.captured_queries:
        if "businesses_business" not in query["sql"]:
            continue
        plan = query_plan(query["sql"])
        scans = full_table_scans(plan, "businesses_business")
        if scans:
            raise IndexNotUsedError(f"{search} reads the whole table: {plan}")
        steps += plan
    return steps


def _point(rng: random.Random) -> tuple[float, float]:
    city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
    return rng.gauss(city.lat, 0.03), rng.gauss(city.lon, 0.04)


def bench_search(report: Report, *, runs: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    kinds = [name for names in KINDS.values() for name in names]
    cases: dict[str, list[dict[str, object]]] = {
        "near me, 1 km": [{"near": _point(rng), "radius_km": 1} for _ in range(runs)],
        "near me, 5 km": [{"near": _point(rng), "radius_km": 5} for _ in range(runs)],
        "near me, 25 km, page 10": [
            {"near": _point(rng), "radius_km": 25, "offset": 180} for _ in range(runs)
        ],
        "one common word": [{"text": rng.choice(WORDS)} for _ in range(runs)],
        "a shop's name (two words)": [
            {"text": f"{rng.choice(kinds)} {rng.choice(SURNAMES)}"} for _ in range(runs)
        ],
        "a word, near me 5 km": [
            {"text": rng.choice(WORDS), "near": _point(rng), "radius_km": 5} for _ in range(runs)
        ],
        "category, page 1": [{"category": rng.choice(list(KINDS))} for _ in range(runs)],
        "whole directory, page 50": [{"offset": 980} for _ in range(runs)],
    }
    for name, searches in cases.items():
        steps = _check_plans(searches[0])
        times = []
        found = 0
        for search in searches:
            began = time.perf_counter()
            found += len(business_search(limit=21, **search))  # type: ignore[arg-type]
            times.append(time.perf_counter() - began)
        indexes = sorted(
            {word for step in steps for word in step.split() if word.endswith(("_idx", "_fts"))}
        )
        report.add(
            name,
            note="indexes: " + (", ".join(indexes) or "primary key"),
            **summary(times),
            shops_per_search=f"{found / len(searches):.1f}",
        )
