"""``on_time_completion_rate``: completed at or before ``due_at``, over completed items with one
(tasks), and the same per case of an event log with a deadline case attribute."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.ingest import IngestOptions, load
from boaudit.metrics import metrics_from_load
from boaudit.metrics.model import MetricsOptions
from boaudit.metrics.oracle import oracle_metrics

# T1 and T2 on time (T2 exactly at due_at), T3 late, T4 open, T5 without a due_at: 2 of 3
TASKS = """task_id,created_at,completed_at,due_at
T1,2026-03-01 09:00,2026-03-02 10:00,2026-03-03 17:00
T2,2026-03-01 09:00,2026-03-03 17:00,2026-03-03 17:00
T3,2026-03-01 09:00,2026-03-05 09:00,2026-03-04 17:00
T4,2026-03-01 09:00,,2026-03-04 17:00
T5,2026-03-01 09:00,2026-03-02 09:00,
"""

# the deadline is a case attribute: each case's first value in time order counts (C1 has it
# on its second event only; C2's later value is ignored); the same five outcomes as TASKS
EVENTS = """case_id,activity,timestamp,deadline
C1,open,2026-03-01 09:00,
C1,close,2026-03-02 10:00,2026-03-03 17:00
C2,open,2026-03-01 09:00,2026-03-03 17:00
C2,close,2026-03-03 17:00,2026-03-09 17:00
C3,open,2026-03-01 09:00,2026-03-04 17:00
C3,close,2026-03-05 09:00,
C4,open,2026-03-01 09:00,2026-03-04 17:00
C5,open,2026-03-01 09:00,
C5,close,2026-03-02 09:00,
"""

NO_DUE = """task_id,created_at,completed_at
T1,2026-03-01 09:00,2026-03-02 10:00
"""


def _metrics(tmp_path: Path, kind: str, text: str) -> dict:  # type: ignore[type-arg]
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load([str(path)], kind, IngestOptions())  # type: ignore[arg-type]
    result = metrics_from_load(loaded, MetricsOptions()).to_dict()
    oracle = oracle_metrics(loaded.frame, loaded.kind, MetricsOptions()).to_dict()
    assert (
        oracle["metrics"]["on_time_completion_rate"] == result["metrics"]["on_time_completion_rate"]
    )
    return result


def test_tasks_on_time_share(tmp_path: Path) -> None:
    result = _metrics(tmp_path, "tasks", TASKS)
    assert result["metrics"]["on_time_completion_rate"] == 0.666667
    assert "on_time_completion_rate" not in result["null_reasons"]


def test_event_log_deadline_per_case(tmp_path: Path) -> None:
    result = _metrics(tmp_path, "events", EVENTS)
    assert result["columns"]["due_at"] == "deadline"
    assert result["metrics"]["on_time_completion_rate"] == 0.666667


def test_null_with_a_reason_without_a_due_column(tmp_path: Path) -> None:
    result = _metrics(tmp_path, "tasks", NO_DUE)
    assert result["metrics"]["on_time_completion_rate"] is None
    assert result["null_reasons"]["on_time_completion_rate"] == (
        'no due_at column in the export: map one in a --map file (due_at = "Column")'
    )


def test_null_without_a_completed_item_with_a_due_at(tmp_path: Path) -> None:
    text = TASKS.splitlines()[0] + "\nT4,2026-03-01 09:00,,2026-03-04 17:00\n"
    result = _metrics(tmp_path, "tasks", text + "T5,2026-03-01 09:00,2026-03-02 09:00,\n")
    assert result["metrics"]["on_time_completion_rate"] is None
    assert result["null_reasons"]["on_time_completion_rate"] == "no completed item with a due_at"


def test_by_and_period(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    lines = TASKS.splitlines()
    teams = [lines[0] + ",team"] + [
        f"{line},{'A' if i < 2 else 'B'}" for i, line in enumerate(lines[1:])
    ]
    path.write_text("\n".join(teams) + "\n", encoding="utf-8")
    loaded = load([str(path)], "tasks", IngestOptions())
    result = metrics_from_load(loaded, MetricsOptions(by=("team",), period="week")).to_dict()
    groups = result["groups"]["team"]
    assert groups["A"]["on_time_completion_rate"] == 1.0  # T1, T2
    assert groups["B"]["on_time_completion_rate"] == 0.0  # T3 late; T4 open, T5 no due_at
    # created on Sunday 1 March (2026-W09); every completion in the week of Monday 2 March
    assert [(p["period"], p["on_time_completion_rate"]) for p in result["periods"]] == [
        ("2026-W09", None),
        ("2026-W10", 0.666667),
    ]


def test_cli_json(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(TASKS, encoding="utf-8")
    outcome = CliRunner().invoke(app, ["metrics", "tasks", str(path), "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.stdout)["metrics"]["on_time_completion_rate"] == 0.666667
