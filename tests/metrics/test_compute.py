"""Each metric of DESIGN.md section 4 on small frames worked out by hand (values in the tests)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from metrics_frames import text, ts

from boaudit.errors import InputDataError, UsageError
from boaudit.metrics import MetricsOptions, SlaTarget, compute_metrics, parse_duration
from boaudit.metrics.compute import group_quantiles, period_bounds, period_ordinals


def test_task_metrics_by_hand(tasks: pd.DataFrame) -> None:
    m = compute_metrics(tasks, "tasks").metrics
    assert m["count"] == 5
    assert m["completed"] == 4
    # cycle times 1, 3, 2.5, 10 days: mean 16.5 / 4; median (2.5 + 3) / 2;
    # p90: h = 3 x 0.9 = 2.7 -> 3 + 0.7 x (10 - 3) = 7.9
    assert m["cycle_time_days"] == {"mean": 4.125, "median": 2.75, "p90": 7.9, "n": 4}
    assert m["error_rate"] == 0.25  # 1 error among 4 known (t4 unknown, not "no error")
    assert m["rework_rate"] == 0.4  # t2 and t4 of 5
    assert m["sla_compliance"] == 0.5  # sla_met of completed items: T F T F
    assert m["cost_per_transaction"] == 25.0  # (10 + 20 + 30 + 40) / 4 items with a cost
    # completed per assignee: cy 1, bob 1, ann 2 -> G = 2 x (1 + 2 + 6) / (3 x 4) - 4 / 3
    assert m["workload_gini"] == pytest.approx(2 * 9 / 12 - 4 / 3, abs=1e-6)
    assert "approval_time_days" not in m and "duplicate_suspects" not in m


def test_as_of_defaults_to_latest_timestamp_and_ages_the_backlog(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks")
    assert result.as_of == "2025-01-20T00:00:00Z"
    assert "latest timestamp" in result.basis["as_of"]
    backlog = result.metrics["backlog"]
    # only t4 is open: started 01-03, 17 days before 01-20
    assert backlog["open"] == 1
    assert backlog["buckets"] == {"0-7": 0, "8-30": 1, "31-90": 0, ">90": 0}
    assert backlog["age_days"]["max"] == 17.0
    assert backlog["over_30_share"] == 0.0


def test_as_of_given_changes_what_is_open(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks", MetricsOptions(as_of="2025-01-03"))
    assert result.as_of == "2025-01-03T00:00:00Z"
    assert result.basis["as_of"] == "given with --as-of"
    backlog = result.metrics["backlog"]
    # t2 (done 01-04), t3 (done 01-04 12:00) and t4 (started 01-03) are open; t5 not started
    assert backlog["open"] == 3
    assert backlog["buckets"]["0-7"] == 3
    assert backlog["age_days"]["mean"] == 1.0  # ages 2, 1, 0


def test_finished_status_without_timestamp_is_not_backlog(tasks: pd.DataFrame) -> None:
    tasks["status"] = text("Closed", "Closed", "Closed", "Cancelled", "Closed")
    result = compute_metrics(tasks, "tasks")
    assert result.metrics["backlog"]["open"] == 0
    assert any("finished status" in note for note in result.notes)


def test_throughput_per_week_counts_empty_weeks(tasks: pd.DataFrame) -> None:
    # completions: 01-02, 01-04, 01-04 (ISO week 1), none in weeks 2 and 3, 01-20 (week 4)
    assert compute_metrics(tasks, "tasks").metrics["throughput"] == {
        "per": "week",
        "mean": 1.0,
        "median": 0.5,
        "max": 3,
        "periods": 4,
    }


def test_consistency_needs_enough_items_per_assignee(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks")
    assert result.metrics["consistency"] is None
    assert "10+" in result.null_reasons["consistency"]
    loose = compute_metrics(tasks, "tasks", MetricsOptions(consistency_min_items=1))
    spread = loose.metrics["consistency"]
    # per-assignee medians: ann (1, 3) -> 2, bob 2.5, cy 10
    medians = [2.0, 2.5, 10.0]
    mean = sum(medians) / 3
    sd = math.sqrt(sum((m - mean) ** 2 for m in medians) / 3)
    assert spread["assignees"] == 3
    assert (spread["fastest"], spread["slowest"]) == ("ann", "cy")
    assert spread["spread"] == 5.0
    assert spread["cv"] == pytest.approx(sd / mean, abs=1e-6)


def test_sla_against_a_target(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks", MetricsOptions(sla=SlaTarget(days=2.0, label="2d")))
    assert result.metrics["sla_compliance"] == 0.25  # only the 1-day task of 1, 3, 2.5, 10
    assert "2d" in result.basis["sla_compliance"]
    assert any("sla_met is not used" in note for note in result.notes)


def test_sla_per_priority(tasks: pd.DataFrame) -> None:
    target = SlaTarget(by_priority={"HIGH": 1.0, "low": 3.0}, label="sla.toml")
    result = compute_metrics(tasks, "tasks", MetricsOptions(sla=target))
    # t1 high 1 <= 1, t2 low 3 <= 3, t3 low 2.5 <= 3, t5 low 10 > 3
    assert result.metrics["sla_compliance"] == 0.75
    assert "priority" in result.basis["sla_compliance"]


def test_sla_map_without_priority_column_is_null(tasks: pd.DataFrame) -> None:
    target = SlaTarget(by_priority={"high": 1.0}, label="m")
    result = compute_metrics(tasks.drop(columns="priority"), "tasks", MetricsOptions(sla=target))
    assert result.metrics["sla_compliance"] is None
    assert "priority" in result.null_reasons["sla_compliance"]


def test_invoice_metrics_by_hand(invoices: pd.DataFrame) -> None:
    result = compute_metrics(invoices, "invoices", MetricsOptions(hourly_rate=60.0))
    m = result.metrics
    assert m["count"] == 5 and m["completed"] == 3
    # paid - (received, else invoice date): 8.375, 17, 3.625 (B2 has no received date)
    assert m["cycle_time_days"]["mean"] == pytest.approx(29 / 3, abs=1e-6)
    assert m["cycle_time_days"]["median"] == 8.375
    assert m["cycle_time_days"]["p90"] == pytest.approx(8.375 + 0.8 * 8.625, abs=1e-6)
    assert m["approval_time_days"] == {"mean": 2.0, "median": 2.0, "p90": 2.0, "n": 3}
    # paid on or before the due date, by calendar date: A1 yes, A-1 5 days late, B2 yes
    # (paid 15:00 on its due date)
    assert m["on_time_payment_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert m["days_late"] == {
        "mean": pytest.approx(5 / 3, abs=1e-6),
        "median": 0.0,
        "p90": 4.0,
        "n": 3,
        "max": 5.0,
    }
    assert m["error_rate"] == 0.5  # 2 of 4 known
    assert m["dispute_rate"] == 0.2
    # minutes 30, 60, 15, 45 at 60 an hour: (30 + 60 + 15 + 45) / 4
    assert m["cost_per_transaction"] == 37.5
    assert "hourly rate 60" in result.basis["cost_per_transaction"]
    assert m["workload_gini"] == pytest.approx(1 / 6, abs=1e-6)  # ann 2 paid, bob 1


def test_duplicate_suspects(invoices: pd.DataFrame) -> None:
    suspects = compute_metrics(invoices, "invoices").metrics["duplicate_suspects"]
    # A1 / A-1: same vendor (case and spaces ignored), amount and number A1 -> exact
    assert suspects["exact"] == {"groups": 1, "invoices": 2, "share": 0.4, "extra_amount": 100.0}
    # B2 / C3: same vendor and amount, invoice dates 4 days apart, other numbers -> near
    assert suspects["near"] == {"invoices": 2, "share": 0.4}
    first, second = suspects["examples"]
    assert first["match"] == "exact" and [i["row"] for i in first["invoices"]] == [2, 3]
    assert second["match"] == "near" and [i["invoice_id"] for i in second["invoices"]] == [
        "B2",
        "C3",
    ]


def test_duplicate_numbers_normalised_like_auditors(invoices: pd.DataFrame) -> None:
    invoices["invoice_id"] = text("inv 0042", "INV-42", "B2", "C3", "D4")
    suspects = compute_metrics(invoices, "invoices").metrics["duplicate_suspects"]
    assert suspects["exact"]["invoices"] == 2


def test_near_duplicates_respect_the_window(invoices: pd.DataFrame) -> None:
    invoices["invoice_date"] = ts(
        "2025-01-01", "2025-01-02", "2025-01-05", "2025-01-13", "2025-02-01"
    )
    suspects = compute_metrics(invoices, "invoices").metrics["duplicate_suspects"]
    assert suspects["near"]["invoices"] == 0  # 8 days apart
    wide = compute_metrics(invoices, "invoices", MetricsOptions(duplicate_window_days=8.0))
    assert wide.metrics["duplicate_suspects"]["near"]["invoices"] == 2


def test_absent_inputs_are_null_with_a_reason_never_zero(tasks: pd.DataFrame) -> None:
    bare = tasks[["task_id", "created_at"]]
    result = compute_metrics(bare, "tasks")
    m = result.metrics
    assert m["count"] == 5
    for name in (
        "completed",
        "cycle_time_days",
        "error_rate",
        "rework_rate",
        "sla_compliance",
        "cost_per_transaction",
        "backlog",
        "consistency",
        "workload_gini",
    ):
        assert m[name] is None, name
        assert result.null_reasons[name], name
    assert "completed_at" in result.null_reasons["cycle_time_days"]
    assert "--sla" in result.null_reasons["sla_compliance"]


def test_all_null_column_counts_as_absent(tasks: pd.DataFrame) -> None:
    tasks["error"] = pd.Series([None] * 5, dtype="boolean")
    result = compute_metrics(tasks, "tasks")
    assert result.metrics["error_rate"] is None
    assert result.null_reasons["error_rate"] == "no error (exception) column in the export"


def test_handling_minutes_without_rate_says_what_to_do(invoices: pd.DataFrame) -> None:
    result = compute_metrics(invoices, "invoices")
    assert result.metrics["cost_per_transaction"] is None
    assert "--hourly-rate" in result.null_reasons["cost_per_transaction"]


def test_cost_column_wins_over_hourly_rate(tasks: pd.DataFrame) -> None:
    tasks["handling_minutes"] = 60.0
    result = compute_metrics(tasks, "tasks", MetricsOptions(hourly_rate=99.0))
    assert result.metrics["cost_per_transaction"] == 25.0
    assert any("--hourly-rate not used" in note for note in result.notes)


def test_negative_durations_are_left_out_and_counted(tasks: pd.DataFrame) -> None:
    tasks.loc[0, "completed_at"] = pd.Timestamp("2024-12-31", tz="UTC")
    result = compute_metrics(tasks, "tasks")
    assert result.metrics["cycle_time_days"]["n"] == 3
    assert result.data_quality["negative_durations"] == {"cycle_time_days": 1}


def test_empty_frame(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks.iloc[0:0], "tasks")
    assert result.metrics["count"] == 0
    assert result.metrics["cycle_time_days"] is None
    assert result.as_of is None


def test_missing_required_column_is_an_input_error(tasks: pd.DataFrame) -> None:
    with pytest.raises(InputDataError, match="task_id"):
        compute_metrics(tasks.drop(columns="task_id"), "tasks")


def test_events_are_computed_like_tasks(tasks: pd.DataFrame) -> None:
    assert compute_metrics(tasks, "events").metrics == compute_metrics(tasks, "tasks").metrics


@pytest.mark.parametrize(
    ("text_value", "days"),
    [("48h", 2.0), ("2d", 2.0), ("1.5 days", 1.5), ("1w", 7.0), ("90m", 90 / 1440)],
)
def test_parse_duration(text_value: str, days: float) -> None:
    assert parse_duration(text_value) == pytest.approx(days)


@pytest.mark.parametrize("bad", ["", "soon", "-2d", "0h", "3", "48"])
def test_parse_duration_refuses(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_duration(bad)


def test_bad_as_of_is_a_usage_error(tasks: pd.DataFrame) -> None:
    with pytest.raises(UsageError, match="--as-of"):
        compute_metrics(tasks, "tasks", MetricsOptions(as_of="yesterday-ish"))


def test_group_quantiles_match_numpy_linear() -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    values = rng.normal(size=200)
    codes = rng.integers(0, 3, size=200)
    counts, means, quant = group_quantiles(codes, values, 3, (0.5, 0.9))
    for code in range(3):
        chosen = values[codes == code]
        assert counts[code] == len(chosen)
        assert means[code] == pytest.approx(chosen.mean())
        assert quant[code, 0] == pytest.approx(np.quantile(chosen, 0.5))
        assert quant[code, 1] == pytest.approx(np.quantile(chosen, 0.9))


@pytest.mark.parametrize(
    ("period", "stamp", "label"),
    [
        ("day", "2025-03-04T23:59", "2025-03-04"),
        ("week", "2024-12-30", "2025-W01"),
        ("week", "2025-01-05T23:00", "2025-W01"),
        ("week", "2025-01-06", "2025-W02"),
        ("month", "2025-03-31", "2025-03"),
        ("quarter", "2025-05-01", "2025-Q2"),
    ],
)
def test_period_labels(period: str, stamp: str, label: str) -> None:
    ordinal = period_ordinals(ts(stamp), period)[0]  # type: ignore[arg-type]
    assert period_bounds(int(ordinal), period)[0] == label  # type: ignore[arg-type]
