"""Several respondents across files and sheets: merging, conflicts and scores by role."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit.cli import app

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
runner = CliRunner()


def fill_template(path: Path, answers: dict[str, dict[str, object]], roles: dict[str, str]) -> None:
    """Write the XLSX template for the respondents in ``answers`` and fill it in."""
    result = runner.invoke(
        app, ["template", str(MINI), "-o", str(path), *[a for r in answers for a in ("-r", r)]]
    )
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(path)
    for respondent, given in answers.items():
        sheet = workbook[respondent]
        header = [c.value for c in sheet[1]]
        qcol, acol = header.index("question_id") + 1, header.index("answer") + 1
        for row in range(2, sheet.max_row + 1):
            qid = sheet.cell(row=row, column=qcol).value
            if qid in given:
                sheet.cell(row=row, column=acol).value = given[qid]
    roster = workbook["Roster"]
    for row in range(2, roster.max_row + 1):
        roster.cell(row=row, column=2).value = roles.get(str(roster.cell(row=row, column=1).value))
    workbook.save(path)


def csv_answers(path: Path, respondent: str, role: str, given: dict[str, str]) -> Path:
    lines = ["respondent,question_id,answer,comment,role"]
    lines += [f"{respondent},{qid},{value},,{role}" for qid, value in given.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def assess_json(*args: str) -> dict:
    result = runner.invoke(app, ["assess", *args, "-q", str(MINI), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_workbook_sheets_and_csv_merge(tmp_path: Path) -> None:
    book = tmp_path / "team.xlsx"
    fill_template(
        book,
        {
            "mgr": {"mini.1.1": 5, "mini.1.2": 5, "mini.1.3": 5},
            "clerk": {"mini.1.1": 1, "mini.1.2": 2},
        },
        {"mgr": "manager", "clerk": "staff"},
    )
    extra = csv_answers(
        tmp_path / "clerk2.csv", "clerk2", "staff", {"mini.1.1": "2", "mini.1.3": "1"}
    )
    data = assess_json(str(book), str(extra))
    assert data["respondents"] == ["mgr", "clerk", "clerk2"]
    assert data["roles"] == {"mgr": "manager", "clerk": "staff", "clerk2": "staff"}
    q = data["pitfalls"][0]["questions"][0]
    assert q["answers"] == {"mgr": 5, "clerk": 1, "clerk2": 2}


def test_same_respondent_in_two_files_is_reported_and_counted_once(tmp_path: Path) -> None:
    a = csv_answers(tmp_path / "a.csv", "ana", "lead", {"mini.1.1": "4", "mini.1.2": "3"})
    b = csv_answers(tmp_path / "b.csv", "ana", "lead", {"mini.1.1": "4", "mini.1.3": "2"})
    data = assess_json(str(a), str(b))
    assert data["respondents"] == ["ana"]
    processes = data["pitfalls"][0]
    # (3 x 75 + 1 x 50 + 2 x 25) / 6: the repeated answer 4 counts once
    assert processes["score"] == 54.2
    merged = [p for p in data["problems"] if p["code"] == "respondent-in-several-files"]
    assert len(merged) == 1 and str(a) in merged[0]["message"] and str(b) in merged[0]["message"]


def test_conflicting_answers_across_files_exit_65(tmp_path: Path) -> None:
    a = csv_answers(tmp_path / "a.csv", "ana", "lead", {"mini.1.1": "4"})
    b = csv_answers(tmp_path / "b.csv", "ana", "lead", {"mini.1.1": "2"})
    result = runner.invoke(app, ["assess", str(a), str(b), "-q", str(MINI)])
    assert result.exit_code == 65
    assert f"{b}, row 2: ana answered mini.1.1 differently at {a}, row 2" in result.stderr


def test_by_role_scores_each_role_and_reports_the_gap(tmp_path: Path) -> None:
    mgr = csv_answers(
        tmp_path / "m.csv", "mgr", "manager", {"mini.1.1": "5", "mini.1.2": "5", "mini.2.1": "3"}
    )
    s1 = csv_answers(
        tmp_path / "s1.csv", "s1", "staff", {"mini.1.1": "2", "mini.1.2": "1", "mini.2.1": "3"}
    )
    s2 = csv_answers(tmp_path / "s2.csv", "s2", "staff", {"mini.1.1": "1", "mini.2.1": "2"})
    data = assess_json(str(mgr), str(s1), str(s2), "--by-role")
    by_role = data["by_role"]
    assert list(by_role) == ["manager", "staff"]
    assert by_role["manager"]["pitfalls"]["processes"] == {"score": 100.0, "band": "healthy"}
    # staff: mini.1.1 mean 1.5 -> 12.5 (w3), mini.1.2 1 -> 0 (w1): 37.5 / 4 = 9.375
    assert by_role["staff"]["pitfalls"]["processes"] == {"score": 9.4, "band": "critical"}
    assert by_role["staff"]["respondents"] == ["s1", "s2"]
    gaps = [p for p in data["problems"] if p["code"] == "role-gap"]
    assert [g["pitfall"] for g in gaps] == ["processes"]  # metrics: 50 vs 37.5, under 25 points
    assert "manager scores it 100.0, staff 9.4" in gaps[0]["message"]

    without = assess_json(str(mgr), str(s1))
    assert without["by_role"] is None


def test_by_role_table_and_csv(tmp_path: Path) -> None:
    mgr = csv_answers(tmp_path / "m.csv", "mgr", "manager", {"mini.1.1": "5"})
    s1 = csv_answers(tmp_path / "s1.csv", "s1", "", {"mini.1.1": "1"})
    result = runner.invoke(
        app, ["assess", str(mgr), str(s1), "-q", str(MINI), "--by-role"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0
    assert "Scores by role" in result.stdout and "(no role)" in result.stdout
    result = runner.invoke(
        app, ["assess", str(mgr), str(s1), "-q", str(MINI), "--by-role", "-f", "csv"]
    )
    assert "role,manager,processes,100.0,healthy" in result.stdout
    assert "role,(no role),processes,0.0,critical" in result.stdout
