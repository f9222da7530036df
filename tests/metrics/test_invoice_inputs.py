"""Invoice metrics whose inputs are absent or wrong: null with the reason, never 0, and data
errors counted (the invoices fixture of :mod:`metrics_frames`)."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_frames import ts

from boaudit.metrics import compute_metrics


@pytest.mark.parametrize(
    ("dropped", "metrics", "reason"),
    [
        ("paid_at", ("on_time_payment_rate", "days_late"), "no paid_at column in the export"),
        ("due_date", ("on_time_payment_rate", "days_late"), "no due_date column in the export"),
        ("vendor", ("duplicate_suspects",), "no vendor column in the export"),
        ("disputed", ("dispute_rate",), "no disputed column in the export"),
        ("approved_at", ("approval_time_days",), "no approved_at column in the export"),
    ],
)
def test_absent_invoice_column_makes_its_metrics_null_with_the_reason(
    invoices: pd.DataFrame, dropped: str, metrics: tuple[str, ...], reason: str
) -> None:
    result = compute_metrics(invoices.drop(columns=dropped), "invoices")
    for name in metrics:
        assert result.metrics[name] is None, name
        assert result.null_reasons[name] == reason


def test_without_any_start_date_cycle_and_approval_are_null(invoices: pd.DataFrame) -> None:
    result = compute_metrics(invoices.drop(columns=["invoice_date", "received_at"]), "invoices")
    assert result.null_reasons["cycle_time_days"] == (
        "no received_at or invoice_date column in the export"
    )
    assert result.null_reasons["approval_time_days"] == (
        "no received_at or invoice_date column in the export"
    )
    # exact duplicates need no date; near ones do, and the result says so
    suspects = result.metrics["duplicate_suspects"]
    assert suspects["exact"]["invoices"] == 2 and suspects["near"]["invoices"] == 0
    assert "duplicate_suspects: no invoice date, so no near duplicates" in result.notes


def test_approval_before_receipt_is_left_out_and_counted(invoices: pd.DataFrame) -> None:
    invoices["approved_at"] = ts("2025-01-01", "2025-01-05", "2025-01-07", None, None)
    result = compute_metrics(invoices, "invoices")
    # A1 approved the day before it was received: out; A-1 and B2 take 2 days each
    assert result.metrics["approval_time_days"]["n"] == 2
    assert result.metrics["approval_time_days"]["mean"] == 2.0
    assert result.data_quality["negative_durations"] == {"approval_time_days": 1}


def test_duplicate_examples_without_source_rows_still_name_the_invoices(
    invoices: pd.DataFrame,
) -> None:
    bare = invoices.drop(columns=["_source", "_row"])
    examples = compute_metrics(bare, "invoices").metrics["duplicate_suspects"]["examples"]
    # without file and row, the invoices of an example are in invoice-number order
    assert [[i["invoice_id"] for i in e["invoices"]] for e in examples] == [
        ["A-1", "A1"],
        ["B2", "C3"],
    ]
    assert all(set(i) == {"invoice_id"} for e in examples for i in e["invoices"])


def test_paid_invoices_without_a_due_date_give_null_timeliness(invoices: pd.DataFrame) -> None:
    invoices["paid_at"] = ts(None, None, None, "2025-01-20", None)  # only C3, which has no due
    result = compute_metrics(invoices, "invoices")
    assert result.metrics["completed"] == 1
    for name in ("on_time_payment_rate", "days_late"):
        assert result.metrics[name] is None
        assert result.null_reasons[name] == "no paid invoice with a due date"
