"""``--engine pyspark`` gives the figures DuckDB gives, to the byte: the whole report of the
sample organisation (invoices with every audit test, tasks by provider) computed by Spark in
local mode against the same report computed in-process.

Spark is an optional extra (``pip install 'boaudit[spark]'``) and needs Java 17; the test
skips with the reason when either is missing. Each engine runs in its own process, as a user
would run them.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="--engine pyspark needs pip install 'boaudit[spark]' and Java 17",
)


def _report(engine: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "boaudit",
            "report",
            "--invoices",
            str(SAMPLE / "exports" / "invoices.csv"),
            "--tasks",
            str(SAMPLE / "exports" / "tasks.csv"),
            "--hourly-rate",
            "45",
            "--by",
            "provider",
            "--engine",
            engine,
            "--format",
            "json",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_spark_and_duckdb_give_the_same_report(tmp_path: Path) -> None:
    spark = _report("pyspark", tmp_path / "spark.json")
    assert spark.returncode == 0, spark.stderr
    duckdb = _report("duckdb", tmp_path / "duckdb.json")
    assert duckdb.returncode == 0, duckdb.stderr
    assert (tmp_path / "spark.json").read_text("utf-8") == (tmp_path / "duckdb.json").read_text(
        "utf-8"
    )
    # Spark's own chatter stays out of the user's stderr: no pandas warning, no progress bars.
    assert "FutureWarning" not in spark.stderr
    assert "[Stage " not in spark.stderr
