"""``boaudit metrics`` through the CLI: exit codes, formats, and JSON equal to the library's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.cli.metrics import MetricsFormat
from boaudit.cli.metrics_options import PeriodChoice, build_options
from boaudit.fileio import dumps_json
from boaudit.findings import with_evidence
from boaudit.ingest import IngestOptions, load
from boaudit.metrics import PERIODS, metrics_from_load

runner = CliRunner()

INVOICES = """Invoice Number,Vendor,Invoice Date,Received,Approved,Paid,Due Date,Amount,Currency,Exception,Disputed,Processed By,Provider,Handling Minutes
INV-1,Acme,2025-01-01,2025-01-02,2025-01-04,2025-01-10,2025-01-15,100.00,USD,Yes,No,ann,In-house,30
inv 1,acme,2025-01-02,2025-01-03,2025-01-05,2025-01-20,2025-01-15,100.00,USD,No,Yes,bob,Acme BPO,60
B2,Beta,2025-01-05,,2025-01-07,2025-01-08,2025-01-08,50.00,USD,,No,ann,Acme BPO,15
C3,Beta,2025-01-09,2025-01-10,,,,50.00,USD,No,No,bob,In-house,
D4,,2025-02-01,2025-02-02,,,2025-03-01,70.00,USD,Yes,No,ann,In-house,45
"""

TASKS = """Ticket ID,Created,Resolved,Assigned To,Group,Priority,Within SLA,Reopens
T1,2025-01-01 00:00,2025-01-02 00:00,ann,A,High,Yes,0
T2,2025-01-01 00:00,2025-01-04 00:00,ann,A,Low,No,1
T3,2025-01-02 00:00,2025-01-04 12:00,bob,B,Low,Yes,0
T4,2025-01-03 00:00,,bob,B,High,,2
"""


@pytest.fixture
def invoices_csv(tmp_path: Path) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text(INVOICES, encoding="utf-8")
    return path


@pytest.fixture
def tasks_csv(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.csv"
    path.write_text(TASKS, encoding="utf-8")
    return path


def _library(path: Path, kind: str, **options: object) -> dict[str, object]:
    defaults: dict[str, object] = {
        "by": None,
        "period": None,
        "sla": None,
        "sla_map": None,
        "hourly_rate": None,
        "as_of": None,
        "benchmarks": None,
    }
    built = build_options(**{**defaults, **options})  # type: ignore[arg-type]
    loaded = load([str(path)], kind, IngestOptions())
    result = with_evidence(metrics_from_load(loaded, built))  # type: ignore[arg-type]
    return json.loads(dumps_json(result.to_dict()))  # type: ignore[no-any-return]


def test_json_equals_the_library_result(invoices_csv: Path) -> None:
    result = runner.invoke(
        app,
        [
            "metrics",
            "invoices",
            str(invoices_csv),
            "--by",
            "provider",
            "--period",
            "week",
            "--hourly-rate",
            "60",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = _library(
        invoices_csv, "invoices", by=["provider"], period=PeriodChoice.week, hourly_rate=60.0
    )
    assert data == expected
    assert data["metrics"]["count"] == 5
    assert data["metrics"]["cost_per_transaction"] == 37.5
    assert data["metrics"]["duplicate_suspects"]["exact"]["invoices"] == 2
    assert data["columns"]["invoice_id"] == "Invoice Number"
    assert data["sources"] == [str(invoices_csv)]
    assert result.stderr == ""


def test_tasks_with_sla_and_as_of(tasks_csv: Path) -> None:
    result = runner.invoke(
        app,
        ["metrics", "tasks", str(tasks_csv), "--sla", "2d", "--as-of", "2025-01-03", "-f", "json"],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["metrics"]["sla_compliance"] == pytest.approx(1 / 3, abs=1e-6)  # 1 of 1, 3, 2.5
    assert data["as_of"] == "2025-01-03T00:00:00Z"
    assert data["metrics"]["backlog"]["open"] == 3
    assert data == _library(tasks_csv, "tasks", sla="2d", as_of="2025-01-03")


def test_sla_map_file(tasks_csv: Path, tmp_path: Path) -> None:
    sla_map = tmp_path / "sla.toml"
    sla_map.write_text('High = "1d"\n"*" = "3d"\n', encoding="utf-8")
    result = runner.invoke(
        app, ["metrics", "tasks", str(tasks_csv), "--sla-map", str(sla_map), "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    # T1 high 1 <= 1, T2 low 3 <= 3, T3 low 2.5 <= 3
    assert json.loads(result.stdout)["metrics"]["sla_compliance"] == 1.0
    csv_map = tmp_path / "sla.csv"
    csv_map.write_text("priority,target\nHigh,12h\nLow,2d\n", encoding="utf-8")
    result = runner.invoke(
        app, ["metrics", "tasks", str(tasks_csv), "--sla-map", str(csv_map), "-f", "json"]
    )
    assert json.loads(result.stdout)["metrics"]["sla_compliance"] == 0.0


def test_csv_output_to_file(invoices_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    result = runner.invoke(
        app, ["metrics", "invoices", str(invoices_csv), "-f", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "metric,group,value" and "count,,5" in lines


def test_table_output(invoices_csv: Path) -> None:
    result = runner.invoke(app, ["metrics", "invoices", str(invoices_csv), "--by", "provider"])
    assert result.exit_code == 0, result.stderr
    assert "invoices metrics as of 2025-02-02" in result.stdout
    assert "duplicate_suspects" in result.stdout and "by provider" in result.stdout
    assert "evidence" in result.stdout


def test_stdin(invoices_csv: Path) -> None:
    result = runner.invoke(
        app, ["metrics", "invoices", "-", "-f", "json"], input=invoices_csv.read_bytes()
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["metrics"]["count"] == 5


def test_several_files_are_concatenated(invoices_csv: Path, tmp_path: Path) -> None:
    second = tmp_path / "more.csv"
    second.write_text(INVOICES.replace("INV-1", "X-9"), encoding="utf-8")
    result = runner.invoke(
        app,
        ["metrics", "invoices", str(invoices_csv), str(second), "--by", "source", "-f", "json"],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["metrics"]["count"] == 10
    assert set(data["groups"]["source"]) == {str(invoices_csv), str(second)}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--by", "nope"], 2, "--by nope"),
        (["--sla", "soon"], 2, "duration"),
        (["--sla", "1d", "--sla-map", "x.toml"], 2, "not both"),
        (["--as-of", "whenever"], 2, "--as-of"),
        (["--hourly-rate", "0"], 2, "--hourly-rate"),
        (["--benchmarks", "absent.toml"], 66, "absent.toml"),
    ],
)
def test_usage_errors(invoices_csv: Path, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["metrics", "invoices", str(invoices_csv), *args])
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_input_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["metrics", "invoices", str(tmp_path / "none.csv")])
    assert result.exit_code == 66


def test_bad_sla_map_is_a_config_error(tasks_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "sla.toml"
    bad.write_text('High = "soon"\n', encoding="utf-8")
    result = runner.invoke(app, ["metrics", "tasks", str(tasks_csv), "--sla-map", str(bad)])
    assert result.exit_code == 78
    assert "High" in result.stderr


def test_quarantine_file(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(INVOICES + "E5,Acme,2025-01-01,,,,,,USD,No,No,ann,In-house,1\n", "utf-8")
    out = tmp_path / "q.csv"
    result = runner.invoke(
        app, ["metrics", "invoices", str(path), "--quarantine", str(out), "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["rows"]["quarantined"] == 1
    assert "E5" in out.read_text(encoding="utf-8")


def test_every_format_and_period_is_handled() -> None:
    assert {f.value for f in MetricsFormat} == {"table", "json", "csv"}
    assert tuple(p.value for p in PeriodChoice) == PERIODS


def test_help_documents_the_definitions() -> None:
    result = runner.invoke(app, ["metrics", "--help"])
    assert result.exit_code == 0
    assert "cycle_time_days" in result.stdout and "--sla-map" in result.stdout
