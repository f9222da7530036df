"""``boaudit metrics`` inputs and outputs through the CLI: formats, ``-o``, ``--quarantine``,
stdin, several files, exit codes, stdout against stderr, and JSON equal to the library's."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from metrics_exports import EVENTS, INVOICES, MORE_TASKS, TASKS, write
from typer.testing import CliRunner, Result

from boaudit.cli import app
from boaudit.findings import with_evidence
from boaudit.ingest import IngestOptions, load
from boaudit.metrics import (
    MetricsOptions,
    SlaTarget,
    load_benchmarks,
    metrics_csv,
    metrics_from_load,
    metrics_json,
)

runner = CliRunner()


@pytest.fixture
def tasks_csv(tmp_path: Path) -> Path:
    return write(tmp_path, "tasks.csv", TASKS)


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["metrics", *(str(a) for a in args)], input=stdin)


def refuse(constant: str) -> None:
    raise AssertionError(f"not strict JSON: {constant}")


# --- the CLI's JSON is the library's ---------------------------------------------------------


def test_json_is_byte_for_byte_the_librarys(tasks_csv: Path, tmp_path: Path) -> None:
    more = write(tmp_path, "more.csv", MORE_TASKS)
    sla_map = write(tmp_path, "sla.toml", 'High = "12h"\n"*" = "3d"\n')
    result = run(
        "tasks",
        tasks_csv,
        more,
        "--by",
        "team",
        "--by",
        "source",
        "--period",
        "week",
        "--sla-map",
        sla_map,
        "--hourly-rate",
        "40",
        "--as-of",
        "2025-03-01",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    options = MetricsOptions(
        by=("team", "source"),
        period="week",
        sla=SlaTarget(by_priority={"High": 0.5, "*": 3.0}, label="sla.toml"),
        hourly_rate=40.0,
        as_of="2025-03-01",
        benchmarks=load_benchmarks(None),
    )
    loaded = load([str(tasks_csv), str(more)], "tasks", IngestOptions())
    assert result.stdout == metrics_json(metrics_from_load(loaded, options))
    data = json.loads(result.stdout)
    assert data["metrics"]["count"] == 8
    # High: T1 1 day, T3 2 days > 12h; others within 3 days: T2 3, U1 2 (not T4 20, U2 10)
    assert data["metrics"]["sla_compliance"] == pytest.approx(2 / 7, abs=1e-6)


def test_events_json_is_the_librarys(tmp_path: Path) -> None:
    events = write(tmp_path, "events.csv", EVENTS)
    result = run("events", events, "--format", "json")
    assert result.exit_code == 0, result.stderr
    loaded = load([str(events)], "events", IngestOptions())
    assert result.stdout == metrics_json(with_evidence(metrics_from_load(loaded, MetricsOptions())))
    data = json.loads(result.stdout)
    assert data["kind"] == "events"
    assert (data["metrics"]["count"], data["metrics"]["completed"]) == (3, 2)
    assert data["metrics"]["cycle_time_days"]["mean"] == 3.0  # C1 2 days, C2 4 days
    assert data["metrics"]["rework_rate"] == pytest.approx(1 / 3, abs=1e-6)  # C2 works twice
    assert data["notes"] == ["9 events collapsed into 3 cases"]


def test_csv_is_the_librarys(tasks_csv: Path) -> None:
    result = run("tasks", tasks_csv, "--by", "team", "--period", "month", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    loaded = load([str(tasks_csv)], "tasks", IngestOptions())
    expected = with_evidence(
        metrics_from_load(loaded, MetricsOptions(by=("team",), period="month"))
    )
    assert result.stdout == metrics_csv(expected)


# --- formats ---------------------------------------------------------------------------------


def test_json_is_strict_with_null_for_absent_inputs(tmp_path: Path) -> None:
    bare = write(tmp_path, "bare.csv", "Ticket ID,Created\nT1,2025-01-01\nT2,2025-01-02\n")
    result = run("tasks", bare, "--period", "day", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_constant=refuse)
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    assert data["metrics"]["cycle_time_days"] is None
    assert data["null_reasons"]["cycle_time_days"] == "no completed_at column in the export"
    assert data["metrics"]["error_rate"] is None
    assert [p["open_at_end"] for p in data["periods"]] == [None, None]


def test_csv_is_a_tidy_metric_group_value_table(tasks_csv: Path) -> None:
    result = run("tasks", tasks_csv, "--by", "team", "--period", "quarter", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["metric", "group", "value"]
    assert all(len(row) == 3 for row in rows)
    cells = {(metric, group): value for metric, group, value in rows[1:]}
    assert cells[("count", "")] == "6"
    assert cells[("cycle_time_days.p90", "")] == "13.2"
    assert cells[("error_rate", "team=B")] == "0.0"
    assert cells[("cost_per_transaction", "")] == ""  # null: no --hourly-rate
    assert cells[("count", "period=2025-Q1")] == "5"
    assert cells[("completed", "period=2025-Q2")] == "1"
    assert {group for _, group, _ in rows[1:]} == {
        "",
        "team=A",
        "team=B",
        "period=2025-Q1",
        "period=2025-Q2",
    }


def test_table_shows_each_section_on_stdout(tasks_csv: Path) -> None:
    result = run("tasks", tasks_csv, "--by", "team", "--period", "month")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "tasks metrics as of 2025-04-02T00:00:00Z" in out
    assert "rows: read 6, accepted 6, quarantined 0, skipped 0" in out
    assert "mean 5.4, median 2, p90" in out  # cycle_time_days (the cell wraps at 80)
    for shown in ("20.0%", "33.3%", "60.0%", "0.133"):  # error, rework, SLA rates; Gini
        assert shown in out
    for title in ("by team", "trend", "evidence"):
        assert title in out


# --- -o FILE ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_output_file_gets_what_stdout_would_and_stdout_nothing(
    tasks_csv: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    to_file = run("tasks", tasks_csv, "--by", "team", "--format", fmt, "-o", target)
    assert to_file.exit_code == 0, to_file.stderr
    assert (to_file.stdout, to_file.stderr) == ("", "")
    to_stdout = run("tasks", tasks_csv, "--by", "team", "--format", fmt)
    assert target.read_text(encoding="utf-8") == to_stdout.stdout


def test_output_file_of_the_table_is_plain_text(tasks_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    result = run("tasks", tasks_csv, "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert "tasks metrics as of 2025-04-02T00:00:00Z" in written
    assert "\x1b[" not in written  # no terminal colour codes in a file
    assert not set(written) & set("─│┃━┏┗")  # plain aligned text, no box drawing
    # No line is cut or wrapped: each reason stands whole on its metric's line.
    assert any(
        line.startswith("cost_per_transaction ")
        and line.endswith("handling_minutes is there: pass --hourly-rate to price it")
        for line in written.splitlines()
    ), written


def test_output_dash_is_stdout(tasks_csv: Path, tmp_path: Path) -> None:
    result = run("tasks", tasks_csv, "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["metrics"]["count"] == 6


def test_output_in_a_missing_folder_is_written_there(tasks_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.json"
    result = run("tasks", tasks_csv, "--format", "json", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert json.loads(target.read_text())["metrics"]["count"] == 6


def test_output_where_a_file_stands_for_the_folder_exits_73(
    tasks_csv: Path, tmp_path: Path
) -> None:
    (tmp_path / "no").write_text("a file")
    target = tmp_path / "no" / "such" / "out.json"
    result = run("tasks", tasks_csv, "--format", "json", "-o", target)
    assert result.exit_code == 73
    assert result.stdout == ""
    assert "cannot write" in result.stderr and str(target.parent) in result.stderr
    assert not target.exists()


def test_failed_run_leaves_the_previous_output_untouched(tasks_csv: Path, tmp_path: Path) -> None:
    target = write(tmp_path, "out.json", '{"previous": true}\n')
    result = run("tasks", tasks_csv, "--by", "nope", "--format", "json", "-o", target)
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == '{"previous": true}\n'


# --- --quarantine and the row account --------------------------------------------------------

BAD_ROWS = (
    INVOICES + "I5,Acme,2025-03-21,,,,,abc,No,12,In-house\n,Beta,2025-03-22,,,,,9.99,No,12,\n"
)
"""INVOICES plus an unreadable amount (row 6) and a missing invoice number (row 7)."""


def test_quarantine_file_lists_each_bad_row_with_file_row_and_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "inv.csv", BAD_ROWS)
    out = tmp_path / "q.csv"
    result = run("invoices", path, "--quarantine", out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)  # stdout stays pure JSON
    assert data["rows"] == {"read": 6, "accepted": 4, "quarantined": 2, "skipped": 0}
    assert data["metrics"]["count"] == 4
    quarantined = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["source"], r["row"], r["reasons"]) for r in quarantined] == [
        (str(path), "6", "bad-amount:amount"),
        (str(path), "7", "missing-required:invoice_id"),
    ]
    assert json.loads(quarantined[0]["raw"])["Amount"] == "abc"
    assert result.stderr == (f"wrote 2 quarantined row(s): {out}\n2 of 6 rows quarantined\n")


def test_quarantined_rows_without_the_option_are_pointed_at_on_stderr(tmp_path: Path) -> None:
    path = write(tmp_path, "inv.csv", BAD_ROWS)
    result = run("invoices", path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "2 of 6 rows quarantined; see them with --quarantine FILE\n"
    # 2 of 6 rows unusable: the data-quality rule is at full strength
    data = json.loads(result.stdout)
    assert data["data_quality"]["problem_share"] == pytest.approx(1 / 3, abs=1e-6)
    unusable = next(e for e in data["evidence"] if e["rule"] == "unusable-values")
    assert unusable["severity"] == 1.0
    assert unusable["message"] == (
        "33.3% of the rows read were quarantined or had a value that could not be read."
    )


def test_quarantine_file_with_no_bad_rows_has_only_the_header(
    tasks_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "q.csv"
    result = run("tasks", tasks_csv, "--quarantine", out, "--format", "json")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["source,sheet,row,reasons,raw"]
    assert result.stderr == f"wrote 0 quarantined row(s): {out}\n"


# --- stdin and several files -----------------------------------------------------------------


def test_stdin_is_read_with_dash_as_its_source() -> None:
    result = run("tasks", "-", "--by", "source", "--format", "json", stdin=TASKS)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sources"] == ["-"]
    assert data["metrics"]["count"] == 6
    assert data["groups"]["source"]["-"]["cycle_time_days"]["mean"] == 5.4


def test_stdin_and_a_file_together(tmp_path: Path) -> None:
    more = write(tmp_path, "more.csv", MORE_TASKS)
    result = run("tasks", "-", more, "--by", "source", "--format", "json", stdin=TASKS)
    assert result.exit_code == 0, result.stderr
    groups = json.loads(result.stdout)["groups"]["source"]
    assert {label: block["count"] for label, block in groups.items()} == {"-": 6, str(more): 2}


def test_several_files_are_concatenated(tasks_csv: Path, tmp_path: Path) -> None:
    more = write(tmp_path, "more.csv", MORE_TASKS)
    data = json.loads(run("tasks", tasks_csv, more, "--format", "json").stdout)
    assert data["sources"] == [str(tasks_csv), str(more)]
    assert data["rows"] == {"read": 8, "accepted": 8, "quarantined": 0, "skipped": 0}
    # cycle times 1 1 2 3 20 and 2 10: mean 39 / 7, median 2
    assert data["metrics"]["cycle_time_days"]["mean"] == pytest.approx(39 / 7, abs=1e-6)
    assert data["metrics"]["cycle_time_days"]["median"] == 2.0


def test_quarantined_row_keeps_the_file_it_came_from(tasks_csv: Path, tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.csv", MORE_TASKS + ",2025-01-23,,dee,C,,,,,,\n")
    out = tmp_path / "q.csv"
    result = run("tasks", tasks_csv, broken, "--quarantine", out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    assert (row["source"], row["row"], row["reasons"]) == (
        str(broken),
        "4",
        "missing-required:task_id",
    )


# --- exit codes and where messages go --------------------------------------------------------


def test_missing_file_exits_66_naming_it(tmp_path: Path) -> None:
    absent = tmp_path / "none.csv"
    result = run("tasks", absent, "--format", "json")
    assert result.exit_code == 66
    assert result.stdout == ""
    assert result.stderr == f"boaudit: error: {absent}: no such file; check the path\n"


def test_one_missing_file_among_several_exits_66(tasks_csv: Path, tmp_path: Path) -> None:
    result = run("tasks", tasks_csv, tmp_path / "gone.csv", "--format", "json")
    assert result.exit_code == 66
    assert result.stdout == ""
    assert "gone.csv: no such file" in result.stderr


def test_export_without_the_required_columns_exits_65(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "Foo,Bar\n1,2\n")
    result = run("tasks", path)
    assert result.exit_code == 65
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"boaudit: error: {path}: no column for required tasks column(s) task_id, created_at"
    )
    assert lines[1] == "boaudit: error: columns found: 'Foo', 'Bar'"
    assert "Traceback" not in result.stderr


def test_dates_that_cannot_be_told_apart_exit_65(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "Ticket ID,Created\nT1,03/04/2025\nT2,05/06/2025\n")
    result = run("tasks", path)
    assert result.exit_code == 65
    assert "pass --dayfirst or --monthfirst" in result.stderr


@pytest.mark.parametrize(
    ("args", "wrong"),
    [
        (["tasks", "{path}", "--format", "xml"], "--format"),
        (["tasks", "{path}", "--period", "year"], "--period"),
        (["nope", "{path}"], "KIND"),
        (["tasks"], "FILE"),
        (["tasks", "{path}", "--sla", "1d", "--sla-map", "{path}"], "not both"),
    ],
)
def test_usage_errors_exit_2_with_nothing_on_stdout(
    tasks_csv: Path, args: list[str], wrong: str
) -> None:
    result = run(*(a.replace("{path}", str(tasks_csv)) for a in args))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert wrong in result.stderr


def _numbers(data: Any) -> list[float]:
    """Every number in a JSON value."""
    if isinstance(data, dict):
        return [n for value in data.values() for n in _numbers(value)]
    if isinstance(data, list):
        return [n for value in data for n in _numbers(value)]
    return [data] if isinstance(data, int | float) and not isinstance(data, bool) else []


def test_same_inputs_give_the_same_bytes(tasks_csv: Path) -> None:
    args = ("tasks", tasks_csv, "--by", "team", "--period", "week", "--format", "json")
    first, second = run(*args), run(*args)
    assert first.stdout == second.stdout
    # and the numbers are rounded for people: at most 6 decimals
    assert all(round(n, 6) == n for n in _numbers(json.loads(first.stdout)))
