"""Parquet exports: typed columns read as they are, limits checked from the footer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "exports" / "invoices.csv"


def boaudit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boaudit", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def typed_invoices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample invoices as a typed Parquet file: timestamps, floats and text."""
    raw = pd.read_csv(SAMPLE, dtype=str)
    for column in ("Invoice Date", "Received", "Approved", "Paid", "Due Date"):
        raw[column] = pd.to_datetime(raw[column], utc=True, format="mixed")
    for column in ("Amount", "Handling Minutes"):
        raw[column] = raw[column].astype(float)
    path = tmp_path_factory.mktemp("parquet") / "invoices.parquet"
    raw.to_parquet(path, index=False)
    return path


def test_a_typed_parquet_gives_the_figures_of_its_csv(typed_invoices: Path) -> None:
    from_csv = boaudit("metrics", "invoices", str(SAMPLE), "--format", "json")
    from_parquet = boaudit("metrics", "invoices", str(typed_invoices), "--format", "json")
    assert from_parquet.returncode == 0, from_parquet.stderr
    # the same document once the file's name is the same: every count, figure, example row
    expected = json.loads(from_csv.stdout.replace(str(SAMPLE), "FILE"))
    got = json.loads(from_parquet.stdout.replace(str(typed_invoices), "FILE"))
    assert got == expected
    assert got["rows"] == {"read": 3000, "accepted": 3000, "quarantined": 0, "skipped": 0}


def test_the_row_limit_is_read_from_the_footer(typed_invoices: Path) -> None:
    result = boaudit("metrics", "invoices", str(typed_invoices), "--max-rows", "100")
    assert result.returncode == 65
    assert result.stdout == ""
    assert "3,000 data rows, more than the limit of 100" in result.stderr
    assert "--max-rows" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_column_of_an_unreadable_type_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    table = pa.table(
        {
            "Invoice Number": ["A1", "A2"],
            "Amount": [10.0, 20.0],
            "Lines": pa.array([[1, 2], [3]], type=pa.list_(pa.int64())),
        }
    )
    pq.write_table(table, path)
    result = boaudit("metrics", "invoices", str(path))
    assert result.returncode == 65
    assert "column 'Lines' has the Parquet type list<element: int64>" in result.stderr


def test_a_damaged_parquet_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    result = boaudit("metrics", "invoices", str(path))
    assert result.returncode == 65
    assert result.stderr.count("\n") == 1
    assert "not a readable Parquet file" in result.stderr
