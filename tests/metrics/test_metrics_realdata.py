"""Figures of real third-party exports, recomputed from the files' own columns."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_frames import realdata

from boaudit.ingest import IngestOptions, load
from boaudit.metrics import metrics_from_load

pytestmark = pytest.mark.realdata


def test_ibm_accounts_receivable_against_its_own_columns() -> None:
    path = realdata("ibm_accounts_receivable.csv")
    raw = pd.read_csv(path, dtype=str)
    days_to_settle = raw["DaysToSettle"].astype(float)
    days_late = raw["DaysLate"].astype(float)
    result = metrics_from_load(load([str(path)], "invoices", IngestOptions()))
    m = result.metrics
    assert m["count"] == len(raw) == 2466
    # cycle time = SettledDate - InvoiceDate (no receipt date) = the file's DaysToSettle
    cycle = m["cycle_time_days"]
    assert cycle["mean"] == pytest.approx(days_to_settle.mean(), abs=1e-6)
    assert cycle["median"] == pytest.approx(days_to_settle.median())
    assert cycle["p90"] == pytest.approx(days_to_settle.quantile(0.9))
    # on time = DaysLate == 0; days late = the file's DaysLate (0 when on time)
    assert m["on_time_payment_rate"] == pytest.approx((days_late == 0).mean(), abs=1e-6)
    assert m["days_late"]["mean"] == pytest.approx(days_late.mean(), abs=1e-6)
    assert m["days_late"]["max"] == days_late.max()
    assert m["dispute_rate"] == pytest.approx((raw["Disputed"] == "Yes").mean(), abs=1e-6)
    assert result.as_of == "2014-01-09T00:00:00Z"  # latest SettledDate/InvoiceDate
    assert m["error_rate"] is None and result.null_reasons["error_rate"]


def test_ibm_accounts_receivable_gets_the_audit_tests_its_columns_allow() -> None:
    path = realdata("ibm_accounts_receivable.csv")
    raw = pd.read_csv(path, dtype=str)
    tests = metrics_from_load(load([str(path)], "invoices", IngestOptions())).tests
    # settled more than 5 days before the due date, counted from the file's own columns
    settled = pd.to_datetime(raw["SettledDate"], format="mixed")
    due = pd.to_datetime(raw["DueDate"], format="mixed")
    early = int(((due - settled).dt.days > 5).sum())
    assert tests["early-payment"]["status"] == "ran"
    assert tests["early-payment"]["flagged"] == early
    weekend = pd.to_datetime(raw["InvoiceDate"], format="mixed").dt.day_of_week >= 5
    assert tests["weekend-posting"]["flagged"] == int(weekend.sum())
    for test in ("split-below-limit", "above-limit"):
        assert "needs an approval limit" in tests[test]["reason"]
    # amounts of about 15 to 105: Benford's law does not apply, and the output says so
    for test in ("benford-first-digit", "benford-first-two"):
        assert tests[test]["status"] == "skipped"
        assert "two orders of magnitude" in tests[test]["reason"]
    assert tests["duplicate-exact"]["flagged"] == 0


def test_helpdesk_event_log_cases_and_rework() -> None:
    path = realdata("helpdesk_events.csv")
    raw = pd.read_csv(path, dtype=str).drop_duplicates()
    activities = raw.groupby("case_id")["activity"]
    repeated = (activities.size() - activities.nunique()) > 0
    result = metrics_from_load(load([str(path)], "events", IngestOptions()))
    assert result.kind == "events"
    assert result.metrics["count"] == raw["case_id"].nunique() == 4580
    # rework: a case in which an activity occurs more than once
    assert result.metrics["rework_rate"] == pytest.approx(repeated.mean(), abs=1e-6)
