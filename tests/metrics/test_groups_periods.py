"""Breakdowns (``by``) and the trend (``period``) on small frames: a group's figures are the
metrics of its rows alone, nulls keep their reason, and the calendar buckets are right."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_frames import flags, text, ts

from boaudit.metrics import MetricsOptions, compute_metrics
from boaudit.metrics.compute import BLANK

AS_OF = "2025-03-15"
BASE = pd.Timestamp("2025-01-01", tz="UTC")

# --- the property: a group is its own subset -------------------------------------------------

Row = dict[str, Any]


@st.composite
def task_rows(draw: st.DrawFn, group: str | None) -> list[Row]:
    """Rows of one group; the first has every column filled, so the group's subset has every
    input (a column with no value at all is "absent", a different null by design)."""
    count = draw(st.integers(1, 6))
    rows = []
    for index in range(count):
        anchor = index == 0
        start = BASE + pd.Timedelta(hours=draw(st.integers(0, 24 * 60)))
        hours = draw(st.integers(-24, 24 * 40) if anchor else st.none() | st.integers(-24, 960))
        if anchor and hours is not None and hours < 0:
            hours = -hours  # the anchor's completion must count
        known = st.booleans() if anchor else st.none() | st.booleans()
        rows.append(
            {
                "team": group,
                "created_at": start,
                "completed_at": start + pd.Timedelta(hours=hours) if hours is not None else None,
                "assignee": draw(
                    st.sampled_from(["ann", "bob", "cy"] + ([] if anchor else [None]))
                ),
                "error": draw(known),
                "sla_met": draw(known),
                "rework_count": draw(
                    st.integers(0, 2) if anchor else st.none() | st.integers(0, 2)
                ),
                "cost": draw(st.sampled_from([5.0, 12.5, 40.0] + ([] if anchor else [None]))),
            }
        )
    return rows


@st.composite
def task_frames(draw: st.DrawFn) -> pd.DataFrame:
    # one named group at least: a column with no value at all cannot be broken down by
    groups = ["A", *draw(st.lists(st.sampled_from(["B", "C", None]), unique=True))]
    rows = [row for group in groups for row in draw(task_rows(group))]
    rows = draw(st.permutations(rows))
    frame = pd.DataFrame(rows)
    return pd.DataFrame(
        {
            "task_id": pd.Series([f"t{i}" for i in range(len(frame))], dtype="string"),
            "created_at": pd.to_datetime(frame["created_at"], utc=True),
            "completed_at": pd.to_datetime(frame["completed_at"], utc=True),
            "assignee": frame["assignee"].astype("string"),
            "team": frame["team"].astype("string"),
            "error": frame["error"].astype("boolean"),
            "sla_met": frame["sla_met"].astype("boolean"),
            "rework_count": frame["rework_count"].astype("Int64"),
            "cost": frame["cost"].astype("float64"),
        }
    )


def same(mine: Any, theirs: Any) -> bool:
    """Equal values, floats to the output's 6 decimals (sums run in another order)."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return mine.keys() == theirs.keys() and all(same(mine[k], theirs[k]) for k in mine)
    if isinstance(mine, float) and isinstance(theirs, float):
        return math.isclose(mine, theirs, abs_tol=2e-6)
    return bool(mine == theirs) and type(mine) is type(theirs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(task_frames())
def test_each_groups_metrics_equal_the_metrics_of_its_rows_alone(frame: pd.DataFrame) -> None:
    options = MetricsOptions(as_of=AS_OF, consistency_min_items=2)
    result = compute_metrics(frame, "tasks", MetricsOptions(**{**vars(options), "by": ("team",)}))
    labels = frame["team"].fillna(BLANK)
    assert set(result.groups["team"]) == set(labels)
    for label, block in result.groups["team"].items():
        alone = compute_metrics(frame[labels == label].reset_index(drop=True), "tasks", options)
        for name, value in alone.metrics.items():
            if name == "throughput":  # counted over the whole data's periods, by design
                continue
            assert same(block[name], value), (label, name, block[name], value)
        reasons = result.group_null_reasons.get("team", {}).get(label, {})
        assert set(reasons) == {n for n, v in block.items() if v is None}


# --- nulls inside a group --------------------------------------------------------------------


def test_group_without_any_known_error_is_null_with_a_reason(tasks: pd.DataFrame) -> None:
    tasks["error"] = flags(True, False, None, None, None)
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("team",)))
    assert result.groups["team"]["A"]["error_rate"] == 0.5
    assert result.groups["team"]["B"]["error_rate"] is None
    assert result.group_null_reasons["team"]["B"]["error_rate"] == "error not known for any item"
    assert "error_rate" not in result.group_null_reasons["team"].get("A", {})


def test_group_with_nothing_completed_has_zero_completed_and_null_durations(
    tasks: pd.DataFrame,
) -> None:
    tasks["category"] = text("x", "x", "x", "open", "x")
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("category",)))
    group = result.groups["category"]["open"]
    assert (group["count"], group["completed"]) == (1, 0)  # known zero, not null
    assert group["cycle_time_days"] is None and group["sla_compliance"] is None
    why = result.group_null_reasons["category"]["open"]
    assert why["cycle_time_days"] == "no completed item with both timestamps"
    assert why["sla_compliance"] == "no completed item with an SLA judgement"
    assert why["workload_gini"] == "fewer than 2 assignees, or nothing completed"
    assert group["backlog"]["open"] == 1  # t4 is still in the backlog


def test_metric_absent_overall_is_null_in_every_group_with_the_same_reason(
    tasks: pd.DataFrame,
) -> None:
    result = compute_metrics(tasks.drop(columns="cost"), "tasks", MetricsOptions(by=("team",)))
    reason = "no cost or handling_minutes column in the export"
    assert result.null_reasons["cost_per_transaction"] == reason
    for label in ("A", "B"):
        assert result.groups["team"][label]["cost_per_transaction"] is None
        assert result.group_null_reasons["team"][label]["cost_per_transaction"] == reason


def test_group_labels_are_trimmed_and_sorted_with_blank_last(tasks: pd.DataFrame) -> None:
    tasks["team"] = text(" b", "b ", None, "a", "")
    result = compute_metrics(tasks, "tasks", MetricsOptions(by=("team",)))
    assert {k: v["count"] for k, v in result.groups["team"].items()} == {
        "a": 1,
        "b": 2,
        BLANK: 2,
    }
    assert list(result.groups["team"]) == ["a", "b", BLANK]


def test_provider_breakdown_for_evidence_stays_out_of_the_json(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks")
    assert result.groups == {} and "provider" not in result.to_dict()["groups"]
    partner = result.context_groups["provider"]["Partner"]
    assert (partner["count"], partner["sla_compliance"]) == (3, 0.5)  # t3 T, t5 F
    assert "cycle_time_days" not in partner  # light breakdown: counts and rates only


def test_ties_between_assignees_do_not_depend_on_row_order() -> None:
    frame = pd.DataFrame(
        {
            "task_id": text("1", "2", "3"),
            "created_at": ts("2025-01-01", "2025-01-01", "2025-01-01"),
            "completed_at": ts("2025-01-02", "2025-01-02", "2025-01-05"),
            "assignee": text("bob", "ann", "cy"),
        }
    )
    options = MetricsOptions(consistency_min_items=1)
    forward = compute_metrics(frame, "tasks", options).metrics["consistency"]
    backward = compute_metrics(frame.iloc[::-1], "tasks", options).metrics["consistency"]
    # ann and bob both take 1 day: the tie goes to the first name, whatever the order
    assert forward == backward
    assert (forward["fastest"], forward["slowest"], forward["spread"]) == ("ann", "cy", 4.0)


# --- periods ---------------------------------------------------------------------------------


def _timeline(created: list[str], completed: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task_id": text(*(f"t{i}" for i in range(len(created)))),
            "created_at": ts(*created),
            "completed_at": ts(*completed),
        }
    )


def test_quarters_across_a_year_end() -> None:
    frame = _timeline(
        ["2024-11-15", "2024-12-31T23:00", "2025-01-01", "2025-04-01"],
        ["2025-01-10", "2025-01-02", None, "2025-04-03"],
    )
    periods = compute_metrics(frame, "tasks", MetricsOptions(period="quarter")).periods
    assert [p["period"] for p in periods] == ["2024-Q4", "2025-Q1", "2025-Q2"]
    assert [(p["start"], p["end"]) for p in periods] == [
        ("2024-10-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        ("2025-01-01T00:00:00Z", "2025-04-01T00:00:00Z"),
        ("2025-04-01T00:00:00Z", "2025-07-01T00:00:00Z"),
    ]
    assert [p["count"] for p in periods] == [2, 1, 1]
    assert [p["completed"] for p in periods] == [0, 2, 1]
    # started minus finished by the end of each quarter: 2 - 0, 3 - 2, 4 - 3
    assert [p["open_at_end"] for p in periods] == [2, 1, 1]
    # completions of Q1: 56 days (11-15 -> 01-10) and 1 h + 1 day (12-31 23:00 -> 01-02)
    assert periods[1]["cycle_time_days"]["mean"] == pytest.approx((56 + 25 / 24) / 2, abs=1e-6)


def test_week_53_and_month_lengths() -> None:
    frame = _timeline(["2020-12-28", "2021-01-03"], ["2021-01-04", None])
    weeks = compute_metrics(frame, "tasks", MetricsOptions(period="week")).periods
    # 2020 has an ISO week 53 (Mon 28 Dec - Sun 3 Jan); 4 Jan 2021 is week 1
    assert [w["period"] for w in weeks] == ["2020-W53", "2021-W01"]
    assert [w["count"] for w in weeks] == [2, 0]
    frame = _timeline(["2024-02-10"], ["2024-03-01"])
    months = compute_metrics(frame, "tasks", MetricsOptions(period="month")).periods
    assert months[0]["end"] == "2024-03-01T00:00:00Z"  # a leap-year February
    assert months[1]["completed"] == 1 and months[1]["cycle_time_days"]["mean"] == 20.0


def test_empty_days_in_the_trend_count_zero_and_rates_are_null() -> None:
    frame = _timeline(["2025-01-01", "2025-01-03"], ["2025-01-01T12:00", "2025-01-03T06:00"])
    frame["error"] = flags(True, False)
    days = compute_metrics(frame, "tasks", MetricsOptions(period="day")).periods
    assert [d["period"] for d in days] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    empty = days[1]
    assert (empty["count"], empty["completed"], empty["open_at_end"]) == (0, 0, 0)
    assert empty["error_rate"] is None and empty["cycle_time_days"] is None
    assert (days[0]["error_rate"], days[2]["error_rate"]) == (1.0, 0.0)


def test_trend_of_invoices_goes_by_receipt_and_by_payment(invoices: pd.DataFrame) -> None:
    periods = compute_metrics(invoices, "invoices", MetricsOptions(period="month")).periods
    january, february = periods
    # received (else dated) in January: A1 A-1 B2 C3; paid in January: A1 A-1 B2
    assert (january["count"], january["completed"]) == (4, 3)
    assert (february["count"], february["completed"]) == (1, 0)
    assert january["on_time_payment_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert february["on_time_payment_rate"] is None
    assert january["approval_time_days"]["mean"] == 2.0
    assert [p["open_at_end"] for p in periods] == [1, 2]  # C3, then C3 and D4


def test_no_trend_without_any_timestamp(tasks: pd.DataFrame) -> None:
    frame = tasks.assign(created_at=ts(None, None, None, None, None), completed_at=None)
    assert compute_metrics(frame, "tasks", MetricsOptions(period="week")).periods == ()
