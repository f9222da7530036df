"""Groups, periods and the JSON contract of a metrics result."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from metrics_frames import text

from boaudit.errors import UsageError
from boaudit.findings import with_evidence
from boaudit.metrics import (
    MetricsOptions,
    compute_metrics,
    metrics_csv,
    metrics_json,
)

TOP_KEYS = {
    "schema_version",
    "kind",
    "as_of",
    "sources",
    "rows",
    "columns",
    "metrics",
    "null_reasons",
    "basis",
    "groups",
    "group_null_reasons",
    "periods",
    "benchmarks",
    "evidence",
    "data_quality",
    "notes",
}


def test_groups_give_the_same_metrics_per_value(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("team",)))
    a, b = result.groups["team"]["A"], result.groups["team"]["B"]
    assert set(a) == set(result.metrics)
    assert (a["count"], a["completed"], b["count"], b["completed"]) == (2, 2, 3, 2)
    assert a["cycle_time_days"]["mean"] == 2.0  # 1 and 3 days
    assert b["cycle_time_days"]["mean"] == 6.25  # 2.5 and 10 days
    assert a["error_rate"] == 0.5
    assert b["error_rate"] == 0.0  # known and false: 0, not null
    assert b["rework_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert b["backlog"]["open"] == 1 and a["backlog"]["open"] == 0


def test_group_blank_values_and_null_reasons(tasks: pd.DataFrame) -> None:
    tasks["category"] = text("x", None, "x", " ", "y")
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("category",)))
    groups = result.groups["category"]
    assert list(groups) == ["x", "y", "(blank)"]
    assert groups["(blank)"]["count"] == 2
    # y holds t5 only: one assignee, so no Gini, with the reason per group
    assert groups["y"]["workload_gini"] is None
    assert "assignees" in result.group_null_reasons["category"]["y"]["workload_gini"]


def test_groups_of_several_columns_and_by_source(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("team", "provider", "source")))
    assert list(result.groups) == ["team", "provider", "source"]
    assert result.groups["source"]["tasks.csv"]["count"] == 5
    assert result.groups["provider"]["Partner"]["sla_compliance"] == pytest.approx(0.5)


def test_unknown_by_column_is_a_usage_error(tasks: pd.DataFrame) -> None:
    with pytest.raises(UsageError, match="--by vendor"):
        compute_metrics(tasks, "tasks", MetricsOptions(by=("vendor",)))


def test_weekly_trend(tasks: pd.DataFrame) -> None:
    periods = compute_metrics(tasks, "tasks", MetricsOptions(period="week")).periods
    assert [p["period"] for p in periods] == ["2025-W01", "2025-W02", "2025-W03", "2025-W04"]
    first, second, third, fourth = periods
    assert first["start"] == "2024-12-30T00:00:00Z" and first["end"] == "2025-01-06T00:00:00Z"
    # arrivals by start week: 4, 1, 0, 0; completions by end week: 3, 0, 0, 1
    assert [p["count"] for p in periods] == [4, 1, 0, 0]
    assert [p["completed"] for p in periods] == [3, 0, 0, 1]
    assert [p["open_at_end"] for p in periods] == [1, 2, 2, 1]
    assert first["cycle_time_days"]["mean"] == pytest.approx(6.5 / 3, abs=1e-6)
    assert fourth["cycle_time_days"]["mean"] == 10.0
    assert third["error_rate"] is None and second["error_rate"] == 0.0


def test_monthly_trend_and_no_trend_by_default(tasks: pd.DataFrame) -> None:
    assert compute_metrics(tasks, "tasks").periods == ()
    (january,) = compute_metrics(tasks, "tasks", MetricsOptions(period="month")).periods
    assert (january["period"], january["count"], january["completed"]) == ("2025-01", 5, 4)
    throughput = compute_metrics(tasks, "tasks", MetricsOptions(period="month")).metrics[
        "throughput"
    ]
    assert throughput == {"per": "month", "mean": 4.0, "median": 4.0, "max": 4, "periods": 1}


def test_json_contract(invoices: pd.DataFrame) -> None:
    result = with_evidence(
        compute_metrics(
            invoices,
            "invoices",
            MetricsOptions(by=("provider",), period="month", hourly_rate=60.0),
            sources=["a.csv"],
            rows={"read": 7, "accepted": 5, "quarantined": 1, "skipped": 1},
            columns={"invoice_id": "Invoice Number"},
        )
    )
    text_out = metrics_json(result)

    def refuse(constant: str) -> None:
        raise AssertionError(f"not strict JSON: {constant}")

    data = json.loads(text_out, parse_constant=refuse)
    # invoices also carry the audit test pack (tasks and events do not)
    assert set(data) == TOP_KEYS | {"tests", "test_population"}
    assert data["test_population"]["invoices"] == 5
    assert data["tests"]["duplicate-exact"]["status"] == "ran"
    assert data["schema_version"] == 1
    assert data["kind"] == "invoices"
    assert data["sources"] == ["a.csv"]
    assert data["rows"] == {"read": 7, "accepted": 5, "quarantined": 1, "skipped": 1}
    assert data["columns"] == {"invoice_id": "Invoice Number"}
    assert set(data["metrics"]["cycle_time_days"]) == {"mean", "median", "p90", "n"}
    assert data["metrics"]["rework_rate"] is None
    assert data["null_reasons"]["rework_rate"]
    assert set(data["groups"]["provider"]) == {"Acme BPO", "In-house"}
    assert data["periods"][0]["period"] == "2025-01"
    assert {"pitfall", "severity", "metric", "message"} <= set(data["evidence"][0])
    assert {"benchmark", "position", "source_url"} <= set(data["benchmarks"][0])
    assert data == result.to_dict()
    assert text_out == metrics_json(result)  # stable


def test_same_inputs_same_bytes(invoices: pd.DataFrame) -> None:
    options = MetricsOptions(by=("provider",), period="week")
    one = metrics_json(compute_metrics(invoices, "invoices", options))
    two = metrics_json(compute_metrics(invoices.iloc[::-1], "invoices", options))
    assert json.loads(one)["metrics"] == json.loads(two)["metrics"]
    assert one == metrics_json(compute_metrics(invoices, "invoices", options))


def test_tidy_csv(tasks: pd.DataFrame) -> None:
    tasks["team"] = text("=cmd", "=cmd", "B", "B", "B")
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("team",), period="month"))
    lines = metrics_csv(result).splitlines()
    assert (
        metrics_csv(
            compute_metrics(tasks, "tasks", MetricsOptions(by=("source",)), sources=["x"])
        ).count("tasks.csv")
        > 0
    )
    assert lines[0] == "metric,group,value"
    assert "count,,5" in lines
    assert "cycle_time_days.p90,,7.9" in lines
    assert "backlog.buckets.8-30,,1" in lines
    assert "count,team==cmd,2" in lines
    assert "completed,period=2025-01,4" in lines
    assert "error_rate,team=B,0.0" in lines


def test_data_quality(invoices: pd.DataFrame) -> None:
    result = compute_metrics(
        invoices,
        "invoices",
        rows={"read": 10, "accepted": 5, "quarantined": 3, "skipped": 2},
        value_problems={"due_date": 2},
    )
    quality = result.data_quality
    assert quality["problem_share"] == 0.5  # (3 quarantined + 2 bad values) / 10 read
    assert quality["missing_share"] == {"vendor": 0.2, "due_date": 0.2}
    assert quality["worst_missing"] == {"column": "vendor", "share": 0.2}
