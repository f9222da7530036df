"""``boaudit inspect`` through the CLI: exit codes, stderr one-liners, JSON, maps, quarantine."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.cli.inspect import inspect_dict
from boaudit.ingest import IngestOptions, load

runner = CliRunner()


def test_table_output(data: Path) -> None:
    result = runner.invoke(app, ["inspect", str(data / "xero_bills.csv")])
    assert result.exit_code == 0, result.stderr
    assert "Columns (kind: invoices)" in result.stdout
    assert "*InvoiceNumber" in result.stdout
    assert "Rows: read 4, accepted 3, quarantined 0, skipped 1 (blank 1)" in result.stdout
    assert "read as day-first" in result.stderr


def test_json_equals_the_library(data: Path) -> None:
    path = data / "quickbooks_invoice_list.csv"
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["rows"] == {"read": 9, "accepted": 3, "quarantined": 0, "skipped": 6}
    assert document["kind"] == "invoices"
    assert document["sources"][0]["header_row"] == 5
    assert document["mapping"]["invoice_id"] == "Num"
    amount = next(c for c in document["columns"] if c["column"] == "amount")
    assert amount == {
        "column": "amount",
        "source": "Amount",
        "type": "amount",
        "examples": ["1240.5", "-420.81", "-181.58"],
        "nulls": 0,
        "problems": 0,
    }
    library = load([str(path)], None, IngestOptions())
    assert document == json.loads(json.dumps(inspect_dict(library)))


def test_events_json_has_cases(data: Path) -> None:
    result = runner.invoke(app, ["inspect", str(data / "events.csv"), "-f", "json"])
    document = json.loads(result.stdout)
    assert document["cases"] == 2
    assert document["rows"] == {"read": 9, "accepted": 7, "quarantined": 1, "skipped": 1}
    assert document["skipped"] == {"duplicate-event": 1}


def test_stdin(data: Path) -> None:
    raw = (data / "zendesk_bom.csv").read_bytes()
    result = runner.invoke(app, ["inspect", "-", "--format", "json"], input=raw)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["sources"][0]["source"] == "-"


def test_write_map_round_trip(data: Path, tmp_path: Path) -> None:
    source = data / "jira_export.csv"
    map_path = tmp_path / "map.toml"
    first = runner.invoke(app, ["inspect", str(source), "-f", "json", "--write-map", str(map_path)])
    assert first.exit_code == 0, first.stderr
    text = map_path.read_text()
    assert 'task_id = "Issue key"  # required' in text
    assert '# due_at = ""  # not found' in text
    # Edit the map: take the numeric id instead, then pass it back.
    map_path.write_text(text.replace('"Issue key"', '"Issue id"'))
    second = runner.invoke(app, ["inspect", str(source), "-f", "json", "--map", str(map_path)])
    assert second.exit_code == 0, second.stderr
    mapping = json.loads(second.stdout)["mapping"]
    assert mapping["task_id"] == "Issue id"
    assert {k: v for k, v in mapping.items() if k != "task_id"} == {
        k: v for k, v in json.loads(first.stdout)["mapping"].items() if k != "task_id"
    }


def test_write_map_when_columns_are_missing(tmp_path: Path) -> None:
    source = tmp_path / "odd.csv"
    source.write_text("Ref,When,Who\nA,2024-01-01,ann\n")
    map_path = tmp_path / "map.toml"
    result = runner.invoke(
        app, ["inspect", str(source), "--kind", "tasks", "--write-map", str(map_path)]
    )
    assert result.exit_code == 65
    assert result.stderr.splitlines()[:2] == [
        f"wrote a column map to fill in: {map_path}",
        f"boaudit: error: {source}: no column for required tasks column(s) task_id, created_at; "
        'name them in a map file (e.g. task_id = "Your column") and pass --map FILE',
    ]
    map_path.write_text(
        map_path.read_text()
        .replace('# task_id = ""', 'task_id = "Ref"')
        .replace('# created_at = ""', 'created_at = "When"')
    )
    fixed = runner.invoke(
        app, ["inspect", str(source), "-k", "tasks", "--map", str(map_path), "-f", "json"]
    )
    assert fixed.exit_code == 0, fixed.stderr
    assert json.loads(fixed.stdout)["mapping"] == {"task_id": "Ref", "created_at": "When"}


def test_quarantine_file(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "q.csv"
    result = runner.invoke(app, ["inspect", str(data / "ragged.csv"), "--quarantine", str(target)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert [r[2:4] for r in rows[1:]] == [
        ["4", "extra-fields"],
        ["6", "missing-required:created_at"],
    ]
    assert f"wrote 2 quarantined row(s): {target}" in result.stderr


def test_missing_file_exits_66() -> None:
    result = runner.invoke(app, ["inspect", "/nonexistent/x.csv"])
    assert result.exit_code == 66
    assert result.stderr == "boaudit: error: /nonexistent/x.csv: no such file; check the path\n"


def test_ambiguous_dates_exit_65_and_options_fix_it(data: Path) -> None:
    path = str(data / "ambiguous_dates.csv")
    result = runner.invoke(app, ["inspect", path])
    assert result.exit_code == 65
    assert result.stderr.count("\n") == 1
    assert "pass --dayfirst or --monthfirst" in result.stderr
    for flag in ("--dayfirst", "--monthfirst"):
        assert runner.invoke(app, ["inspect", path, flag]).exit_code == 0


def test_bad_map_exits_78(data: Path, tmp_path: Path) -> None:
    map_path = tmp_path / "m.toml"
    map_path.write_text('resource = "Nobody"\n')
    result = runner.invoke(app, ["inspect", str(data / "events.csv"), "--map", str(map_path)])
    assert result.exit_code == 78
    assert "the map says resource = 'Nobody' but there is no such column" in result.stderr


def test_bad_option_values_exit_2(data: Path) -> None:
    path = str(data / "events.csv")
    assert runner.invoke(app, ["inspect", path, "--decimal", "x"]).exit_code == 2
    assert runner.invoke(app, ["inspect", path, "--delimiter", "ab"]).exit_code == 2
    assert runner.invoke(app, ["inspect", path, "--kind", "nope"]).exit_code == 2


def test_encoding_and_delimiter_options(data: Path) -> None:
    path = str(data / "sap_de_cp1252.csv")
    assert runner.invoke(app, ["inspect", path]).exit_code == 65
    ok = runner.invoke(
        app, ["inspect", path, "--encoding", "cp1252", "--delimiter", "semicolon", "-f", "json"]
    )
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)["sources"][0]["delimiter"] == ";"


def test_help_mentions_the_shared_options() -> None:
    result = runner.invoke(app, ["inspect", "--help"])
    assert result.exit_code == 0
    for option in ("--write-map", "--quarantine", "--dayfirst", "--max-rows", "--sheet", "--map"):
        assert option in result.stdout
