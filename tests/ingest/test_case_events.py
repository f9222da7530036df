"""The load result of an event log keeps its accepted events beside the collapsed cases."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from metrics_frames import realdata

from boaudit.ingest import IngestOptions, load

# File order: b before a; a's events out of time order; two of b's at the same time; one exact
# duplicate row (skipped) and one without a timestamp (quarantined).
LOG = (
    "case_id,activity,timestamp,resource\n"
    "b,Receive,2024-01-02T08:00:00Z,ann\n"  # order 0
    "a,Check,2024-01-03T09:00:00Z,bob\n"  # 1
    "a,Receive,2024-01-01T09:00:00Z,ann\n"  # 2
    "b,Approve,2024-01-02T10:00:00Z,bob\n"  # 3
    "b,Check,2024-01-02T10:00:00Z,\n"  # 4 (same time as Approve: file order)
    "b,Check,2024-01-02T10:00:00Z,\n"  # duplicate: skipped
    "a,Close,,ann\n"  # no timestamp: quarantined
    "a,Close,2024-01-04T09:00:00Z,ann\n"  # 5
)


def test_events_kept_in_case_then_time_then_file_order(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    result = load([path], "events", IngestOptions())
    assert result.frame["task_id"].tolist() == ["b", "a"]  # cases in order of appearance
    events = result.events
    assert isinstance(events, pa.Table)
    assert events.column_names == ["case", "activity", "timestamp", "resource", "_order"]
    assert events.schema.field("case").type == pa.int32()
    assert events.schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    rows = events.to_pylist()
    assert [(r["case"], r["activity"], r["resource"], r["_order"]) for r in rows] == [
        (0, "Receive", "ann", 0),
        (0, "Approve", "bob", 3),
        (0, "Check", None, 4),
        (1, "Receive", "ann", 2),
        (1, "Check", "bob", 1),
        (1, "Close", "ann", 5),
    ]
    assert [r["timestamp"].isoformat() for r in rows][:2] == [
        "2024-01-02T08:00:00+00:00",
        "2024-01-02T10:00:00+00:00",
    ]
    # every accepted event is kept
    assert events.num_rows == result.account.accepted == 6
    assert result.account.to_dict() == {"read": 8, "accepted": 6, "quarantined": 1, "skipped": 1}


def test_tasks_have_no_events(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text("task_id,created_at\nt1,2024-01-01\n", encoding="utf-8")
    assert load([path], "tasks", IngestOptions()).events is None


@pytest.mark.realdata
def test_real_helpdesk_events_kept() -> None:
    result = load([realdata("helpdesk_events.csv")], "events", IngestOptions())
    events = result.events
    assert events is not None
    # 21,348 rows read, 127 exact duplicates skipped
    assert events.num_rows == result.account.accepted == 21_221
    cases = events.column("case").to_numpy()
    assert cases.min() == 0 and cases.max() == result.cases - 1 == 4_579
    assert (cases[1:] >= cases[:-1]).all()
