"""The table engine against the reference (NumPy) engine: every KPI computed both ways, equal.

The reference engine (:mod:`boaudit.metrics.oracle`) is the previous implementation, kept only
for this test. Both run over the same loaded frame with the same options; every figure of the
JSON document (overall, every ``--by`` group, every period, the duplicate examples, the data
quality, the notes) must agree to 1e-9.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from metrics_frames import realdata

from boaudit.ingest import IngestOptions, load
from boaudit.metrics.engine import metrics_from_load
from boaudit.metrics.inputs import load_sources
from boaudit.metrics.model import MetricsOptions, SlaTarget
from boaudit.metrics.oracle import oracle_metrics

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "exports"


def differences(new: Any, old: Any, path: str = "") -> list[str]:
    """Where two JSON documents differ (numbers compared to 1e-9)."""
    if isinstance(new, dict) and isinstance(old, dict):
        found = [f"{path}: keys {sorted(set(new) ^ set(old))}"] if set(new) != set(old) else []
        for key in [k for k in new if k in old]:
            found += differences(new[key], old[key], f"{path}.{key}")
        if not found and list(new) != list(old):
            found.append(f"{path}: key order")
        return found
    if isinstance(new, list) and isinstance(old, list):
        if len(new) != len(old):
            return [f"{path}: {len(new)} items against {len(old)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(new, old, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    if isinstance(new, float) and isinstance(old, float):
        return (
            []
            if math.isclose(new, old, rel_tol=0, abs_tol=1e-9)
            else [f"{path}: {new} against {old}"]
        )
    if type(new) is not type(old) or new != old:
        return [f"{path}: {new!r} against {old!r}"]
    return []


def both_ways(path: Path, kind: str, options: MetricsOptions) -> list[str]:
    loaded = load([str(path)], kind, IngestOptions())  # type: ignore[arg-type]
    new = metrics_from_load(loaded, options).to_dict()
    # the audit test pack has no counterpart in the old engine: its figures are checked by hand
    # in test_audit_tests.py; the KPIs beside it must still agree
    new.pop("tests", None)
    new.pop("test_population", None)
    old = oracle_metrics(
        loaded.frame,
        loaded.kind,
        options,
        sources=load_sources(loaded),
        rows=loaded.account.to_dict(),
        columns=loaded.columns,
        value_problems=loaded.value_problems,
        notes=loaded.notes,
    ).to_dict()
    if loaded.short_rows:  # counted by the loader, added to the document by metrics_from_load
        old["data_quality"]["short_rows"] = loaded.short_rows
    # the process block of event logs is new: it has no reference here (tests/metrics/test_process.py)
    new.pop("process", None)
    old.pop("process", None)
    return differences(new, old)


def test_the_comparison_sees_a_difference() -> None:
    old = {"a": {"b": [1.0, 2.0]}, "c": None}
    assert differences({"a": {"b": [1.0, 2.0 + 2e-9]}, "c": None}, old) == [
        ".a.b[1]: 2.000000002 against 2.0"
    ]
    assert differences({"a": {"b": [1.0, 2.0 + 1e-10]}, "c": None}, old) == []
    assert differences({"a": {"b": [1.0]}, "c": 0}, old) == [
        ".a.b: 1 items against 2",
        ".c: 0 against None",
    ]


SAMPLE_CASES = [
    ("invoices", MetricsOptions()),
    ("invoices", MetricsOptions(by=("vendor", "source"), period="week", hourly_rate=45.0)),
    (
        "invoices",
        MetricsOptions(by=("team", "processed_by", "provider"), period="month", as_of="2026-06-01"),
    ),
    (
        "invoices",
        MetricsOptions(duplicate_window_days=30, consistency_min_items=3, period="quarter"),
    ),
    ("tasks", MetricsOptions()),
    ("tasks", MetricsOptions(by=("team", "assignee", "priority"), period="day", hourly_rate=45.0)),
    (
        "tasks",
        MetricsOptions(sla=SlaTarget(days=2.0, label="48h"), period="week", as_of="2026-05-01"),
    ),
    (
        "tasks",
        MetricsOptions(
            sla=SlaTarget(by_priority={"high": 1.0, "medium": 3.0}, label="map"), by=("category",)
        ),
    ),
]


@pytest.mark.parametrize(("kind", "options"), SAMPLE_CASES)
def test_sample_exports_agree(kind: str, options: MetricsOptions) -> None:
    assert both_ways(SAMPLE / f"{kind}.csv", kind, options) == []


REAL_CASES = [
    ("ibm_accounts_receivable.csv", "invoices", MetricsOptions(period="month")),
    ("ibm_accounts_receivable.csv", "invoices", MetricsOptions(by=("source",))),
    ("servicenow_incident_event_log_sample.csv", "tasks", MetricsOptions(period="week")),
    ("helpdesk_events.csv", "events", MetricsOptions(period="month")),
    ("bpic2013_volvo_incidents_events.csv", "events", MetricsOptions()),
    ("bpic2019_p2p_1t_per_variant_events.csv.gz", "events", MetricsOptions()),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "kind", "options"), REAL_CASES)
def test_real_exports_agree(name: str, kind: str, options: MetricsOptions) -> None:
    assert both_ways(realdata(name), kind, options) == []
