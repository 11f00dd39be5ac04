"""The benchmark at a tiny scale, so that `make bench` cannot rot: every row comes out with a number.

Only that: speed goals are printed by `make bench`, never asserted here. The extraction row reads four
corpus texts (spaCy as well: it is a runtime dependency), the one-line text is 0.02 MB instead of 5.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
ABSOLUTE = ["0.02 MB one-line text (s)", "0.02 MB one-line text, peak RSS (MB)"]  # goals on the value: no baseline
ROWS = [
    "extraction (docs/s)",
    "extraction (docs/CPU s)",
    *ABSOLUTE,
    "ingest, worker+broker+DB (docs/s)",
    *(f"{name}: {figure}" for name in ("compare", "history", "list", "search", "export", "history, no gzip")
      for figure in ("throughput (req/s)", "p50 (ms)", "p99 (ms)")),
    *(f"{name} cold: {figure}" for name in ("compare", "history", "list", "search")
      for figure in ("throughput (req/s)", "p50 (ms)", "p99 (ms)")),
    *(f"growth{cold}: {name} latency (ms)" for cold in ("", " cold") for name in ("compare", "search", "list")),
    "runs rebuild: diff count",
]  # fmt: skip
EXACT = {"runs rebuild: diff count": 0}  # goals of an exact value, which 0 meets


@pytest.mark.worker
def test_it_prints_every_row_with_a_number(tmp_path):
    out, plans = tmp_path / "bench.json", tmp_path / "plans.txt"
    env = {**os.environ, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--json", str(out), "--explain", str(plans)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = {row["figure"]: row for row in json.loads(out.read_text())["rows"]}
    assert list(rows) == ROWS
    for name, row in rows.items():
        if name in EXACT:
            assert row["value"] == EXACT[name] and row["met"] == "met", row
            continue
        assert isinstance(row["value"], float) and row["value"] > 0, row
        assert row["met"] in {"met", "MISSED", "n/a"}
        if name in ABSOLUTE:
            assert row["baseline"] is None and row["met"] in {"met", "MISSED"}, row
        else:
            assert row["baseline"] > 0 and row["ratio"] > 0, row
    assert "ratio" in run.stdout and "growth: search latency (ms)" in run.stdout
    assert rows["history: throughput (req/s)"]["note"].endswith("Accept-Encoding: gzip, deflate")
    assert rows["history, no gzip: throughput (req/s)"]["note"].endswith("Accept-Encoding: identity")
    # --explain: every endpoint's queries explained with their values, the comparison's prepared one included
    explained = plans.read_text().split("### ")[1:]
    assert {entry.split("\n", 1)[0] for entry in explained} == {"compare", "history", "list", "search", "export"}
    assert all("Execution Time" in entry for entry in explained)
    assert any(entry.startswith("compare\n") and "WITH asked AS" in entry for entry in explained)
    assert "seq scans on large tables" in run.stderr + run.stdout
