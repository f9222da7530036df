"""Durations from dates far outside the data (1899-12-31, Excel serial 60, year 1) or ending
before they start are value problems: left out of every duration, counted, and named."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.metrics.compute import MAX_PLAUSIBLE_DAYS

runner = CliRunner()


def test_implausible_durations_are_left_out_counted_and_named(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        "Ticket ID,Created,Resolved,Assigned To\n"
        "T1,1899-12-31,2024-01-03,ann\n"  # 45,000 days: a placeholder start
        "T2,2024-01-02,2024-01-05,ann\n"  # 3 days
        "T3,2024-01-10,2024-01-01,bob\n"  # ends before it starts
        "T4,2014-01-01,2024-01-01,bob\n"  # 3,652 days: ten years is still plausible
        "T5,2024-01-04,2024-01-06,bob\n",  # 2 days
        encoding="utf-8",
    )
    result = runner.invoke(app, ["metrics", "tasks", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert 3652 < MAX_PLAUSIBLE_DAYS < 3653
    cycle = document["metrics"]["cycle_time_days"]
    assert cycle["n"] == 3
    assert cycle["median"] == 3.0
    assert cycle["mean"] == round((3 + 3652 + 2) / 3, 6)
    quality = document["data_quality"]
    assert quality["negative_durations"] == {"cycle_time_days": 1}
    assert quality["implausible_durations"] == {"cycle_time_days": 1}
    assert quality["problem_share"] == 0.4
    assert document["notes"] == [
        "cycle_time_days: 1 duration(s) end before they start; left out",
        "cycle_time_days: 1 duration(s) longer than 10 years (a date far outside the data, "
        "such as 1899-12-31, Excel serial 60 or year 1); left out",
    ]
    by = runner.invoke(app, ["metrics", "tasks", str(path), "--by", "assignee", "--format", "json"])
    groups = json.loads(by.stdout)["groups"]["assignee"]
    assert groups["ann"]["cycle_time_days"]["n"] == 1
    assert groups["bob"]["cycle_time_days"]["n"] == 2
