"""Processing against waiting time from an event log's lifecycle (start and complete events,
as XES logs carry them): exact figures on a hand-made log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.ingest import IngestOptions, load
from boaudit.metrics.process import process_metrics

runner = CliRunner()

# c1: Receive 09:00-10:00 (1 h), Approve 12:00-18:00 (6 h); first to last 9 h.
# c2: Receive 09:00-09:30 (0.5 h), Approve complete only (not paired), Pay started at 12:00 and
# never completed (an unpaired start); first to last 3 h.
LOG = (
    "case_id,activity,lifecycle:transition,timestamp,resource\n"
    "c1,Receive,start,2026-01-05T09:00:00Z,ann\n"
    "c1,Receive,complete,2026-01-05T10:00:00Z,ann\n"
    "c1,Approve,start,2026-01-05T12:00:00Z,bob\n"
    "c1,Approve,complete,2026-01-05T18:00:00Z,bob\n"
    "c2,Receive,START,2026-01-06T09:00:00Z,ann\n"
    "c2,Receive,Complete,2026-01-06T09:30:00Z,ann\n"
    "c2,Approve,complete,2026-01-06T11:00:00Z,bob\n"
    "c2,Pay,start,2026-01-06T12:00:00Z,cat\n"
)

HOUR = 1 / 24


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_processing_time_from_start_and_complete(log: Path) -> None:
    loaded = load([log], "events", IngestOptions())
    assert loaded.columns["lifecycle"] == "lifecycle:transition"
    assert loaded.events is not None
    block = process_metrics(loaded.events)["processing"]
    assert block["instances"] == 3
    assert block["unpaired_starts"] == 1
    days = block["processing_days"]
    assert days["total"] == pytest.approx(7.5 * HOUR, abs=1e-6)
    assert days["median"] == pytest.approx(1 * HOUR, abs=1e-6)
    # 0.5, 1 and 6 hours: the 90th percentile is 1 + 0.8 x (6 - 1) = 5 hours
    assert days["p90"] == pytest.approx(5 * HOUR, abs=1e-6)
    # 7.5 hours of work in 12 hours from first to last event
    assert block["share_of_case_time"] == 0.625
    by = {item["activity"]: item for item in block["by_activity"]}
    assert [item["activity"] for item in block["by_activity"]] == ["Approve", "Receive"]
    assert by["Approve"]["instances"] == 1
    assert by["Receive"]["instances"] == 2
    assert by["Receive"]["processing_days"]["median"] == pytest.approx(0.75 * HOUR, abs=1e-6)
    assert by["Receive"]["processing_days"]["p90"] == pytest.approx(0.95 * HOUR, abs=1e-6)


def test_no_processing_block_without_start_and_complete(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "case_id,activity,lifecycle,timestamp\n"
        "c1,Receive,complete,2026-01-05T09:00:00Z\nc1,Pay,complete,2026-01-05T10:00:00Z\n",
        encoding="utf-8",
    )
    loaded = load([path], "events", IngestOptions())
    assert loaded.events is not None
    assert "processing" not in process_metrics(loaded.events)


def test_cli_json_has_the_processing_block(log: Path) -> None:
    out = runner.invoke(app, ["metrics", "events", str(log), "-f", "json"])
    assert out.exit_code == 0, out.output
    processing = json.loads(out.stdout)["process"]["processing"]
    assert processing["instances"] == 3 and processing["share_of_case_time"] == 0.625


def test_cli_table_says_processing_and_waiting(log: Path) -> None:
    out = runner.invoke(app, ["metrics", "events", str(log)])
    assert out.exit_code == 0, out.output
    assert (
        "processing (lifecycle start to complete): 3 activity instance(s), median 0.042 days, "
        "total 0.312 days, 62.5% of the cases' time (the rest is waiting); 1 start(s) without "
        "a complete"
    ) in " ".join(out.stdout.split())
