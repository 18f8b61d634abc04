"""The benchmark suite itself runs, end to end, on a small dataset.

Its figures are only meaningful on a quiet machine and a big dataset (``python -m bench``);
this keeps the suite working: every benchmark runs against the real product and reports
what it measured, and a search that reads a whole table fails it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "DATABASE_URL" in os.environ, reason="the suite builds its own SQLite dataset"
    ),
]


def test_bench_measures_searches_pages_and_the_live_tally(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed: run `make test`, or `apt-get install wrk`")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "CASHMOB_DATA_DIR", "DATABASE_URL"}
    }
    command = [sys.executable, "-m", "bench", "--businesses", "400", "--runs", "3"]
    command += ["--data-dir", str(tmp_path / "data")]
    command += ["--viewers", "30", "--reports", "2", "--seconds", "1", "--connections", "4"]
    command += ["--out", str(tmp_path / "results.md"), "--json", str(tmp_path / "r.json")]
    finished = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    reports = {r["title"].split(" (")[0]: r for r in json.loads((tmp_path / "r.json").read_text())}
    assert set(reports) == {
        "Directory searches",
        "Pages under load",
        "The live tally's stream process under a crowd",
    }
    assert reports["Directory searches"]["context"]["shops in the directory"] == "400"

    searches = {r["name"]: r for r in reports["Directory searches"]["results"]}
    assert searches["near me, 5 km"]["note"] == "indexes: business_position_idx"
    assert searches["one common word"]["note"] == "indexes: businesses_business_fts"
    assert all(int(r["figures"]["runs"]) == 3 for r in searches.values())

    pages = reports["Pages under load"]["results"]
    assert len(pages) == 9
    for page in pages:
        assert float(page["figures"]["req_per_s"].replace(",", "")) > 0, page
        assert page["figures"]["errors"] == "0", page

    crowd, delivery = reports["The live tally's stream process under a crowd"]["results"]
    assert crowd["figures"]["connected"] == "30"
    assert crowd["figures"]["failed"] == "0"
    assert delivery["figures"]["missed"] == "0"
    assert delivery["figures"]["reports"] == "2"
    assert (tmp_path / "results.md").read_text().startswith("# Benchmark results")
