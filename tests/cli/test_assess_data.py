"""``boaudit assess ANSWERS --invoices ... --tasks ...``: the answers checked against the
exports without building a report, the same checks the report makes, and the interview guide
(``--guide``) with each respondent's follow-up questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sample_report import SAMPLE, SAMPLE_REPORT
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()

DATA = [
    *("--invoices", str(SAMPLE / "exports" / "invoices.csv")),
    *("--tasks", str(SAMPLE / "exports" / "tasks.csv")),
    *("--hourly-rate", "45"),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("assess-data")
    guide = folder / "guide.md"
    done = runner.invoke(
        app,
        ["assess", str(SAMPLE / "answers"), *DATA, "--format", "json", "--guide", str(guide)],
    )
    assert done.exit_code == 0, done.output
    report = folder / "report.json"
    made = runner.invoke(app, [*SAMPLE_REPORT, "--format", "json", "-o", str(report)])
    assert made.exit_code == 0, made.output
    return {
        "assess": json.loads(done.stdout),
        "stderr": done.stderr,
        "guide": guide.read_text("utf-8"),
        "report": json.loads(report.read_text("utf-8")),
    }


def test_assess_with_exports_makes_the_same_claim_checks_as_the_report(
    checked: dict[str, Any],
) -> None:
    claims = checked["assess"]["claims"]
    assert claims == checked["report"]["claims"]
    assert len(claims["verified"]) == 10
    ranked = [
        (r["respondent"], r["answers"], r["mean_gap"], r["distance"]) for r in claims["respondents"]
    ]
    assert ranked == [
        ("Finance manager", 10, 1.2, 40.6),
        ("AP team lead", 10, -16.3, 41.3),
        ("Outsourcing manager", 10, -13.8, 48.1),
    ]
    # The scores are the interviews' alone: the data does not move them.
    plain = runner.invoke(app, ["assess", str(SAMPLE / "answers"), "--format", "json"])
    assert plain.exit_code == 0, plain.output
    alone = json.loads(plain.stdout)
    assert "claims" not in alone
    assert alone["pitfalls"] == checked["assess"]["pitfalls"]
    assert "wrote" in checked["stderr"] and "22 follow-up question(s)" in checked["stderr"]


def test_the_guide_lists_each_respondents_follow_ups_furthest_first(
    checked: dict[str, Any],
) -> None:
    guide = checked["guide"]
    headings = [line for line in guide.splitlines() if line.startswith("## ")]
    assert headings == ["## Outsourcing manager", "## AP team lead", "## Finance manager"]
    follow_ups = checked["assess"]["claims"]["gaps"]
    asked = [g for g in follow_ups if g["follow_up"]]
    assert len(asked) == guide.count("- Ask: ") == 22
    manager = guide.split("## Outsourcing manager")[1].split("## AP team lead")[0]
    assert manager.count("### ") == 8
    # The largest gap first: 2 on entry controls, where the data scores 100.
    first = manager.split("### 2.")[0]
    assert "`full.data.3` (data): answered 2 (score 25); the data scores it 100" in first
    assert "(gap \N{MINUS SIGN}75 points)" in first
    assert "no column has a blank" in first
    assert "- Ask: you answered 2, and the data scores it 100; you see it worse" in first
    # The security question: 4 against weekend postings of 46.9% and payments of 27.3%.
    security = manager.split("### 3.")[1].split("### 4.")[0]
    assert "the weekend posting test flags 46.9%" in security
    assert "the weekend payment test flags 27.3%" in security
    assert "(gap +75 points)" in security


def test_markdown_and_table_show_the_checks_and_csv_keeps_the_scores(tmp_path: Path) -> None:
    answers = str(SAMPLE / "answers")
    markdown = runner.invoke(app, ["assess", answers, *DATA, "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.output
    assert markdown.stdout.startswith("# Assessment: Full back-office review")
    assert "## Interviews against the data" in markdown.stdout
    assert "| full.security.1 |" in markdown.stdout
    table = runner.invoke(app, ["assess", answers, *DATA], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "Respondents from the closest to the data to the furthest" in table.stdout
    assert "Follow-up questions for Outsourcing manager" in table.stdout
    with_data = runner.invoke(app, ["assess", answers, *DATA, "--format", "csv"])
    alone = runner.invoke(app, ["assess", answers, "--format", "csv"])
    assert with_data.exit_code == alone.exit_code == 0
    assert with_data.stdout == alone.stdout


def test_guide_and_quarantine_need_exports_and_a_bad_export_is_a_clear_error(
    tmp_path: Path,
) -> None:
    answers = str(SAMPLE / "answers")
    guide = tmp_path / "guide.md"
    done = runner.invoke(app, ["assess", answers, "--guide", str(guide)])
    assert done.exit_code == 2
    assert "--guide needs exports (--tasks, --invoices or --events)" in done.stderr
    assert not guide.exists()
    missing = runner.invoke(app, ["assess", answers, "--invoices", str(tmp_path / "none.csv")])
    assert missing.exit_code == 66, missing.output
    assert "none.csv" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_report_writes_the_same_guide(tmp_path: Path, checked: dict[str, Any]) -> None:
    guide = tmp_path / "guide.md"
    done = runner.invoke(
        app,
        [*SAMPLE_REPORT, "--format", "json", "-o", str(tmp_path / "r.json"), "--guide", str(guide)],
    )
    assert done.exit_code == 0, done.output
    assert guide.read_text("utf-8") == checked["guide"]
    alone = runner.invoke(app, ["report", "--invoices", DATA[1], "--guide", str(guide)])
    assert alone.exit_code == 2
    assert "--guide needs interview answers" in alone.stderr
