"""``--anonymise``: respondents replaced by their roles in every output, no name left in any
byte, their names in comments too; the scores do not move."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire.anonymise import anonymise, pseudonyms
from boaudit.questionnaire.answers import AnswerRecord

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
NAMES = ("Zelda Quixote", "Yannick Vorster", "Xenia Wolkowa")
PARTS = ("zelda", "quixote", "yannick", "vorster", "xenia", "wolkowa")


def _answers(tmp_path: Path) -> Path:
    """The sample's two CSV interviews under real-looking names (two share a role, one has
    none), in files named after them, with a comment that names a colleague."""
    folder = tmp_path / "answers"
    folder.mkdir()
    plan = [
        ("ap-team-lead.csv", NAMES[0], "AP team lead"),
        ("finance-manager.csv", NAMES[1], "AP team lead"),
        ("finance-manager.csv", NAMES[2], ""),
    ]
    for source, name, role in plan:
        with (SAMPLE / "answers" / source).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row["respondent"], row["role"] = name, role
            if row["question_id"] == "full.data.1":
                row["comment"] = "Ask Zelda; Vorster keeps the vendor list."
        target = folder / f"{name.split()[0].lower()}.csv"
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _text(path: Path) -> str:
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_text("utf-8")


def test_pseudonyms_by_role_numbered_when_shared() -> None:
    def record(who: str, role: str | None) -> AnswerRecord:
        return AnswerRecord(who, "q.1", 3, False, "", f"{who}.csv", 2, role=role)

    records = [record("Ann", "Clerk"), record("Bea", "Clerk"), record("Cy", None)]
    records += [record("Dee", "Manager"), record("Ann", "Clerk")]
    assert pseudonyms(records) == {
        "Ann": "Clerk 1",
        "Bea": "Clerk 2",
        "Cy": "Respondent 1",
        "Dee": "Manager",
    }
    done = anonymise([AnswerRecord("Ann Lee", "q.1", 2, False, "Lee and ann agree", "a.csv", 2)])
    assert (done[0].respondent, done[0].comment, done[0].source) == (
        "Respondent 1",
        "Respondent 1 and Respondent 1 agree",
        "answers of Respondent 1",
    )


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
def test_assess_leaves_no_name(tmp_path: Path, fmt: str) -> None:
    folder = _answers(tmp_path)
    out = tmp_path / f"assess.{fmt}"
    args = ["assess", str(folder), "--by-role", "--anonymise", "--format", fmt, "-o", str(out)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    text = _text(out).casefold() + done.stderr.casefold()
    assert not [p for p in PARTS if p in text]


def test_report_leaves_no_name_in_any_format_and_scores_stay(tmp_path: Path) -> None:
    folder = _answers(tmp_path)
    base = [
        "report",
        "--answers",
        str(folder),
        "--invoices",
        str(SAMPLE / "exports" / "invoices.csv"),
        "--by-role",
    ]
    for fmt in ("table", "markdown", "html", "json", "xlsx", "docx"):
        out = tmp_path / f"report.{fmt}"
        done = runner.invoke(app, [*base, "--anonymise", "--format", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        text = _text(out).casefold() + done.stderr.casefold()
        assert not [p for p in PARTS if p in text], fmt
    anonymous = json.loads(_text(tmp_path / "report.json"))
    # files read in name order: xenia (no role), yannick, zelda (both AP team leads)
    assert anonymous["assessment"]["respondents"] == [
        "Respondent 1",
        "AP team lead 1",
        "AP team lead 2",
    ]
    plain = tmp_path / "plain.json"
    done = runner.invoke(app, [*base, "--format", "json", "-o", str(plain)])
    assert done.exit_code == 0, done.output
    named = json.loads(plain.read_text("utf-8"))
    assert named["assessment"]["respondents"] == sorted(NAMES, key=lambda n: n.split()[0])
    assert anonymous["assessment"]["overall"] == named["assessment"]["overall"]
    quote = "Ask AP team lead 2; AP team lead 1 keeps the vendor list."
    assert quote in json.dumps(anonymous)
