"""Every metric a report prints has a name in words and a unit; one rounding for all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.metrics.display import LABELS, fixed, shown, written

runner = CliRunner()
EXPORTS = Path(__file__).resolve().parents[2] / "sample_data" / "exports"


@pytest.mark.parametrize("kind", ["tasks", "invoices"])
def test_every_sample_metric_has_a_label_and_unit(kind: str) -> None:
    done = runner.invoke(
        app,
        ["metrics", kind, str(EXPORTS / f"{kind}.csv"), "--hourly-rate", "45", "--format", "json"],
    )
    assert done.exit_code == 0, done.output
    metrics = json.loads(done.stdout)["metrics"]
    paths = []
    for name, value in metrics.items():
        if isinstance(value, dict):
            paths += [f"{name}.{k}" for k, v in value.items() if not isinstance(v, dict | list)]
        elif not isinstance(value, list):
            paths.append(name)
    assert [p for p in paths if p not in LABELS] == []


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.117, "share", "11.7%"),
        (0.00125, "share", "0.1%"),
        (4.25, "days", "4.3 days"),  # half away from zero, as interview scores
        (8.277725, "amount", "8.28 USD"),
        (2.823833, "ratio", "2.8x"),
        (0.093875, "index", "0.094"),
        (3000, "count", "3,000"),
        (274.7, "count", "274.7"),
        (12345.678, None, "12,346"),
        (0.5, None, "0.5"),
    ],
)
def test_written_in_its_unit(value: float, unit: Any, text: str) -> None:
    assert written(value, unit, "USD") == text


def test_shown_says_what_is_not_a_number() -> None:
    assert shown("error_rate", None) == "n/a"
    assert shown("has_po", True) == "yes"
    assert shown("consistency.fastest", "AP clerk 3") == "AP clerk 3"
    assert (fixed(-2.25, 1), fixed(2.35, 1), fixed(0.0, 2)) == ("-2.3", "2.4", "0.00")
