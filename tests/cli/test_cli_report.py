"""``boaudit report`` through the CLI: inputs, formats, files, errors and atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.report import ReportFormat

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
ANSWERS = sorted((SAMPLE / "answers").iterdir())
INVOICES = SAMPLE / "exports" / "invoices.csv"
TASKS = SAMPLE / "exports" / "tasks.csv"
runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def answer_args() -> list[object]:
    return [item for path in ANSWERS for item in ("-a", path)]


def test_full_report_json_from_answers_and_data(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke(
        "report",
        *answer_args(),
        "--invoices",
        INVOICES,
        "--tasks",
        TASKS,
        "--hourly-rate",
        "45",
        "-f",
        "json",
        "-o",
        out,
        "--title",
        "Sample audit",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    data = json.loads(out.read_text())
    assert data["title"] == "Sample audit"
    assert data["assessment"]["questionnaire"]["id"] == "full"
    assert set(data["metrics"]) == {"invoices", "tasks"}
    assert data["metrics"]["invoices"]["rows"]["accepted"] == 3000
    ranks = [f["rank"] for f in data["findings"]]
    assert ranks == list(range(1, len(ranks) + 1))
    processes = next(f for f in data["findings"] if f["pitfall"] == "processes")
    assert processes["contradiction"] is True
    assert "Finance manager" in processes["contradiction_note"]
    assert any(e["source"] == "data" for e in processes["evidence"])
    technology = next(f for f in data["findings"] if f["pitfall"] == "technology")
    (excess,) = technology["money"]
    assert (excess["kind"], excess["currency"]) == ("yearly", "USD") and excess["amount"] > 0
    # the sample's exact duplicates: 14 already paid twice, 2 not paid yet (the cancelled pair
    # is left out); every amount in US dollars
    data_money = next(f for f in data["findings"] if f["pitfall"] == "data")["money"]
    exact = [m for m in data_money if m["source"] == "invoices.tests.duplicate-exact"]
    assert [(m["kind"], m["currency"], m["amount"], m["confidence"]) for m in exact] == [
        ("recover", "USD", 22026.09, "data-exact"),
        ("block", "USD", 3603.02, "data-exact"),
    ]
    assert exact[0]["calls"][0] == {
        "vendor": "Evergreen Logistics",
        "currency": "USD",
        "recover": 9299.36,
        "invoices": 2,
    }
    money = data["money"]
    assert money["block"] == {
        "USD": {
            "amount": 3603.02,
            "low": 3603.02,
            "high": 3603.02,
            "confidence": "data-exact",
            "figures": 1,
        }
    }
    # recover: the exact duplicates plus the suspects at their likelihood, per currency
    assert set(money["recover"]) == {"CAD", "EUR", "USD"}
    assert money["recover"]["USD"]["low"] == 22026.09
    assert set(money["yearly"]) == {"CAD", "EUR", "USD"}
    assert money["converted"] is None
    assert data["quick_wins"] == [f["pitfall"] for f in data["findings"] if f["quick_win"]]


def test_answers_only_and_data_only() -> None:
    result = invoke("report", *answer_args(), "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["metrics"] == {} and len(data["findings"]) == 18
    result = invoke("report", "--invoices", INVOICES, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["assessment"] is None and data["findings"]


def test_nothing_to_report_is_a_usage_error() -> None:
    result = invoke("report")
    assert result.exit_code == 2
    assert "nothing to report on" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--invoices", "missing.csv"], 66, "missing.csv"),
        (["-a", "missing.csv"], 66, "no such file"),
        (["--invoices", INVOICES, "--effort", "nonsense=low"], 2, "unknown pitfall 'nonsense'"),
        (["--invoices", INVOICES, "--effort", "data=tiny"], 2, "low, medium or high"),
        (["--invoices", INVOICES, "--annual-volume", "invoices"], 2, "KEY=VALUE"),
        (["--invoices", INVOICES, "--sla", "2d", "--sla-map", "x.toml"], 2, "not both"),
    ],
)
def test_bad_input_exit_codes(args: list[object], code: int, fragment: str) -> None:
    result = invoke("report", *args)
    assert result.exit_code == code, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_every_format_writes_a_file(tmp_path: Path) -> None:
    for fmt in ReportFormat:
        out = tmp_path / f"report.{fmt.value}"
        result = invoke(
            "report", *answer_args(), "--invoices", INVOICES, "-f", fmt.value, "-o", out
        )
        assert result.exit_code == 0, (fmt, result.stderr)
        assert out.stat().st_size > 500
    html = (tmp_path / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert load_workbook(tmp_path / "report.xlsx").sheetnames[0] == "Summary"


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    for fmt in ("markdown", "json", "html"):
        outs = []
        for n in range(2):
            out = tmp_path / f"r{n}.{fmt}"
            result = invoke(
                "report",
                *answer_args(),
                "--invoices",
                INVOICES,
                "--as-of",
                "2026-10-01",
                "-f",
                fmt,
                "-o",
                out,
            )
            assert result.exit_code == 0, result.stderr
            outs.append(out.read_bytes())
        assert outs[0] == outs[1], fmt


def test_failed_run_leaves_the_previous_report(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report")
    from boaudit.cli import report as report_cmd

    def broken(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_cmd, "render", broken)
    result = invoke("report", *answer_args(), "-f", "html", "-o", out)
    assert result.exit_code == 70
    assert out.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_quarantine_file_and_data_quality(tmp_path: Path) -> None:
    broken = tmp_path / "invoices.csv"
    lines = INVOICES.read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("Amount")] = '=HYPERLINK("x")'
    broken.write_text("\n".join([lines[0], ",".join(bad), *lines[2:50]]) + "\n")
    quarantine = tmp_path / "quarantine.csv"
    out = tmp_path / "report.xlsx"
    result = invoke(
        "report", "--invoices", broken, "--quarantine", quarantine, "-f", "xlsx", "-o", out
    )
    assert result.exit_code == 0, result.stderr
    text = quarantine.read_text()
    assert "bad-amount" in text or "amount" in text
    sheet = load_workbook(out)["Data quality"]
    assert sheet.max_row == 2
    assert sheet["C2"].value == 2
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_table_without_a_terminal_is_plain() -> None:
    result = invoke("report", *answer_args())
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert "What to fix first" in result.stdout


def test_money_options_change_the_figures(tmp_path: Path) -> None:
    base = ["report", "--invoices", INVOICES, "--hourly-rate", "45", "-f", "json"]
    default = json.loads(invoke(*base).stdout)
    given = json.loads(
        invoke(
            *base, "--annual-volume", "invoices=12,000", "--currency", "EUR", "--error-cost", "10"
        ).stdout
    )
    (technology,) = {d["pitfall"]: d for d in default["findings"]}["technology"]["money"]
    assert technology["currency"] == "USD"
    # a labour cost in euros is not compared with the dollar benchmarks: refused, said why
    assert not {d["pitfall"]: d for d in given["findings"]}["technology"]["money"]
    assert given["money"]["refused"][0].startswith("invoices: the cost per transaction (EUR)")
    processes = {d["pitfall"]: d for d in given["findings"]}["processes"]["money"]
    rework = next(m for m in processes if m["source"] == "invoices.error_rate")
    # 12,000 invoices x 11.7% errors x 10 to fix one
    assert rework["amount"] == pytest.approx(12_000 * 0.117 * 10, rel=1e-6)
    assert rework["currency"] == "EUR"
    result = invoke(*base, "--annual-volume", "bills=3")
    assert result.exit_code == 2 and "unknown kind 'bills'" in result.stderr
    result = invoke(*base, "--annual-volume", "invoices=many")
    assert result.exit_code == 2 and "not a number" in result.stderr


def test_quarantine_needs_exports() -> None:
    result = invoke("report", *answer_args(), "--quarantine", "q.csv")
    assert result.exit_code == 2
    assert "--quarantine needs exports" in result.stderr
