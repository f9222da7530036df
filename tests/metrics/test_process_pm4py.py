"""The help-desk log's variants and directly-follows counts cross-checked against PM4Py, the
reference process-mining library (the ``crosscheck`` extra; skipped with a reason without it)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from metrics_frames import realdata

from boaudit.ingest import IngestOptions, load
from boaudit.metrics.process import ProcessOptions, process_metrics

pm4py = pytest.importorskip(
    "pm4py", reason="PM4Py is not installed (pip install 'boaudit[crosscheck]')"
)


def _pm4py_log(path: object) -> pd.DataFrame:
    """The CSV as PM4Py reads an event log: one row per event, repeated rows dropped as
    boaudit drops them (an exact repeat is an export artefact, not a second event)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()
    raw["timestamp"] = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.format_dataframe(
            raw.reset_index(drop=True),
            case_id="case_id",
            activity_key="activity",
            timestamp_key="timestamp",
        )


@pytest.mark.realdata
def test_helpdesk_variants_and_transitions_match_pm4py() -> None:
    path = realdata("helpdesk_events.csv")
    events = load([path], "events", IngestOptions()).events
    assert events is not None
    block = process_metrics(events, ProcessOptions(variants=1_000))
    log = _pm4py_log(path)

    theirs = {tuple(variant): count for variant, count in pm4py.get_variants(log).items()}
    ours = {tuple(v["activities"]): v["cases"] for v in block["variants"]["top"]}
    assert block["variants"]["distinct"] == len(theirs) == 211
    assert ours == theirs
    assert sum(ours.values()) == 4_580

    dfg, starts, ends = pm4py.discover_dfg(log)
    assert {(t["from"], t["to"]): t["count"] for t in block["transitions"]} == dict(dfg)
    assert dfg[("Resolve ticket", "Closed")] == 4_558
    variants = block["variants"]["top"]
    assert {v["activities"][0] for v in variants} == set(starts)
    assert {v["activities"][-1] for v in variants} == set(ends)
