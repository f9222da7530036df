"""An event log where no activity matches the completion patterns: the reason says so, names
the most frequent last activities and the ``--completion`` pattern that would match them."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
from metrics_frames import realdata
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.ingest import IngestOptions, load
from boaudit.ingest.options import DEFAULT_COMPLETION_PATTERNS
from boaudit.metrics import metrics_from_load

runner = CliRunner()

# Four cases, none with an activity matching the default patterns (close, resolve, ...).
# Last activities: c1 Archive, c2 Archive, c3 Hold, c4 Check (c3 ends so before c4).
LOG = (
    "case_id,activity,timestamp\n"
    "c1,Receive,2024-01-01T09:00:00Z\n"
    "c2,Receive,2024-01-01T10:00:00Z\n"
    "c1,Check,2024-01-02T09:00:00Z\n"
    "c3,Receive,2024-01-02T10:00:00Z\n"
    "c1,Archive,2024-01-03T09:00:00Z\n"
    "c2,Archive,2024-01-03T10:00:00Z\n"
    "c3,Hold (customer),2024-01-04T10:00:00Z\n"
    "c4,Receive,2024-01-05T10:00:00Z\n"
    "c4,Check,2024-01-06T10:00:00Z\n"
)

REASON = (
    "no activity of the 4 cases matched the default completion patterns (close, resolve, "
    "complete, clear, pay, done, finish), so no case is complete; the most frequent last activities: "
    "'Archive' (2), 'Hold (customer)' (1), 'Check' (1); if they complete a case, pass "
    "--completion '^(?:Archive|Hold \\(customer\\)|Check)$'"
)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_the_summary_lists_the_last_activities_and_a_pattern(log: Path) -> None:
    result = load([log], "events", IngestOptions())
    assert result.completion == {
        "patterns": list(DEFAULT_COMPLETION_PATTERNS),
        "cases": 4,
        "completed": 0,
        "last_activities": [
            {"activity": "Archive", "cases": 2},
            {"activity": "Hold (customer)", "cases": 1},
            {"activity": "Check", "cases": 1},
        ],
        "suggestion": "--completion '^(?:Archive|Hold \\(customer\\)|Check)$'",
        "reason": REASON,
    }
    assert REASON in result.notes


def test_the_suggested_pattern_completes_the_cases(log: Path) -> None:
    first = load([log], "events", IngestOptions())
    suggestion = first.completion["suggestion"] if first.completion else ""
    pattern = shlex.split(suggestion)[1]
    again = load([log], "events", IngestOptions(completion_patterns=(pattern,)))
    assert again.completion is not None
    assert again.completion["completed"] == 4
    assert again.completion["reason"] is None
    assert again.completion["last_activities"] == []


def test_null_reasons_say_no_completion_matched(log: Path) -> None:
    result = metrics_from_load(load([log], "events", IngestOptions()))
    for name in ("completed", "cycle_time_days", "backlog", "throughput"):
        assert result.null_reasons[name] == REASON
    # reasons that are not about the completion stay as they were
    assert result.null_reasons["error_rate"] == "no error (exception) column in the export"


def test_some_cases_completed_keep_the_metrics(log: Path) -> None:
    result = load([log], "events", IngestOptions(completion_patterns=("archive",)))
    assert result.completion is not None
    assert result.completion["completed"] == 2
    assert result.completion["reason"] is None
    assert result.completion["last_activities"] == [
        {"activity": "Hold (customer)", "cases": 1},
        {"activity": "Check", "cases": 1},
    ]
    metrics = metrics_from_load(result)
    assert metrics.metrics["completed"] == 2
    assert "cycle_time_days" not in metrics.null_reasons


def test_cli_metrics_and_inspect_say_it(log: Path) -> None:
    out = runner.invoke(app, ["metrics", "events", str(log), "-f", "json"])
    assert out.exit_code == 0, out.output
    document = json.loads(out.stdout)
    assert document["null_reasons"]["cycle_time_days"] == REASON
    assert document["metrics"]["cycle_time_days"] is None
    seen = runner.invoke(app, ["inspect", str(log), "-f", "json"])
    assert seen.exit_code == 0, seen.output
    inspected = json.loads(seen.stdout)
    assert inspected["completion"]["completed"] == 0
    assert inspected["completion"]["reason"] == REASON
    table = runner.invoke(app, ["inspect", str(log)])
    assert table.exit_code == 0
    assert "cases 4, completed 0" in table.stdout
    assert REASON in table.stderr


def _last_activities(path: Path) -> list[tuple[str, int]]:
    """Independently: the last activity of each case (time order, file order on ties) over
    the deduplicated events, counted, most frequent first (ties by first such case)."""
    events = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()
    events["t"] = pd.to_datetime(events["timestamp"], utc=True, format="ISO8601")
    events["order"] = range(len(events))
    ordered = events.sort_values(["case_id", "t", "order"], kind="stable")
    last = ordered.groupby("case_id", sort=False).tail(1)
    first_seen = events.groupby("case_id", sort=False)["order"].min()
    last = last.assign(seen=last["case_id"].map(first_seen)).sort_values("seen")
    counts = last.groupby("activity", sort=False).agg(n=("seen", "size"), first=("seen", "min"))
    counts = counts.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    return [(str(a), int(n)) for a, n in zip(counts.index, counts["n"], strict=True)][:5]


@pytest.mark.realdata
def test_real_logs_match_the_default_patterns() -> None:
    # All three real logs complete cases with the defaults: helpdesk by "Closed" / "Resolve
    # ticket", Volvo by "Completed", BPIC 2019 by "Clear Invoice".
    expected = {
        "helpdesk_events.csv": (4580, 4570),
        "bpic2013_volvo_incidents_events.csv": (7554, 7546),
        "bpic2019_p2p_1t_per_variant_events.csv.gz": (11973, 8404),
    }
    for name, (cases, completed) in expected.items():
        result = load([realdata(name)], "events", IngestOptions())
        assert result.completion is not None
        assert (result.completion["cases"], result.completion["completed"]) == (cases, completed)
        assert result.completion["reason"] is None


@pytest.mark.realdata
def test_real_helpdesk_log_with_a_pattern_matching_nothing() -> None:
    path = realdata("helpdesk_events.csv")
    result = load([path], "events", IngestOptions(completion_patterns=("^Archived$",)))
    assert result.completion is not None
    listed = [(i["activity"], i["cases"]) for i in result.completion["last_activities"]]
    assert listed == _last_activities(path)
    assert listed == [
        ("Closed", 4557),
        ("Resolve ticket", 10),
        ("Wait", 8),
        ("Require upgrade", 3),
        ("VERIFIED", 1),
    ]
    reason = str(result.completion["reason"])
    assert reason.startswith(
        "no activity of the 4,580 cases matched the --completion patterns (^Archived$), so"
    )
    assert "'Closed' (4,557)" in reason
    pattern = shlex.split(str(result.completion["suggestion"]))[1]
    assert pattern == "^(?:Closed|Resolve ticket|Wait|Require upgrade|VERIFIED)$"
    assert re.search(pattern, "Resolve ticket")
    fixed = load([path], "events", IngestOptions(completion_patterns=(pattern,)))
    assert fixed.completion is not None
    assert fixed.completion["completed"] >= 4557 + 10 + 8 + 3 + 1
