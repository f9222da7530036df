"""``boaudit interview`` driven through a real pseudo-terminal, and its answer file."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire import load_questionnaire
from boaudit.questionnaire.interview import GivenAnswer, InterviewFile

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
runner = CliRunner()


def spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "110", "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable, ["-m", "boaudit", *args], env=env, encoding="utf-8", timeout=20
    )
    return child


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def answer(child: pexpect.spawn, value: str, comment: str = "", confidence: str = "") -> None:
    child.expect_exact("Answer [")
    child.sendline(value)
    child.expect_exact("How do they know? e seen evidence, t told, g guess (Enter: not given): ")
    child.sendline(confidence)
    child.expect_exact("Comment (Enter for none): ")
    child.sendline(comment)


def test_interview_go_back_skip_interrupt_resume_and_review(tmp_path: Path) -> None:
    out = tmp_path / "ana.csv"
    base = ["interview", str(MINI), "--respondent", "ana", "--role", "AP lead", "-o", str(out)]

    child = spawn(*base)
    child.expect_exact("Question 1 of 9")
    for line in (
        "1 = Nothing written",
        "2 = One or two written",
        "3 = Some written",
        "4 = Most written, some out of date",
        "5 = All written and current",
    ):
        child.expect_exact(line)  # all five anchors, in order
    answer(child, "3", "written but old")
    child.expect_exact("Question 2 of 9")
    child.expect_exact("Answer [")
    child.sendline("?")
    child.expect_exact("1 = the mistake is fully present")
    child.expect_exact("Answer [")
    child.sendline("b")  # back to question 1, which shows the saved answer
    child.expect_exact("Question 1 of 9")
    child.expect_exact("(now 3; Enter keeps it)")
    child.sendline("4")
    child.expect_exact("How do they know?")
    child.sendline("x")
    child.expect_exact("Please type e, t, g or press Enter.")
    child.sendline("e")
    child.expect_exact("Comment (Enter for none): ")
    child.sendline("")
    child.expect_exact("Question 2 of 9")
    child.expect_exact("Answer [")
    child.sendline("s")  # skip for now
    child.expect_exact("Question 3 of 9")
    child.expect_exact("Answer [")
    child.sendline("7")
    child.expect_exact("Please type 1-5")
    child.sendline("N/A")
    child.expect_exact("Comment (Enter for none): ")
    child.sendline("")
    child.expect_exact("Question 4 of 9")
    answer(child, "5")
    child.expect_exact("Question 5 of 9")
    child.expect_exact("Answer [")
    # Everything given so far is already on disk before the interruption.
    assert [(r["question_id"], r["answer"]) for r in rows(out)] == [
        ("mini.1.1", "4"),
        ("mini.1.3", "n/a"),
        ("mini.2.1", "5"),
    ]
    child.sendintr()
    child.expect_exact("Stopped: 3 of 9 answers are saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    child = spawn(*base)  # resume: the skipped question comes first
    child.expect_exact("Resuming ana: 3 of 9 answered.")
    child.expect_exact("Question 2 of 9")
    answer(child, "2", "=not a formula", "t")
    child.expect_exact("Question 5 of 9")
    child.expect_exact("Answer [")
    child.sendline("q")
    child.expect_exact("Stopped: 4 of 9 answers are saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = spawn(*base, "--review")
    child.expect_exact("4 (seen evidence)")  # the answer with how they know it
    child.expect_exact("Number of the question to change")
    child.sendline("1")
    child.expect_exact("(now 4; Enter keeps it)")
    child.sendline("1")
    child.expect_exact("How do they know?")
    child.sendline("g")
    child.expect_exact("Comment (Enter for none): ")
    child.sendline("nothing written after all")
    child.expect_exact("Number of the question to change")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    saved = rows(out)
    assert [(r["question_id"], r["answer"]) for r in saved] == [
        ("mini.1.1", "1"),
        ("mini.1.2", "2"),
        ("mini.1.3", "n/a"),
        ("mini.2.1", "5"),
    ]
    assert saved[0]["comment"] == "nothing written after all"
    assert saved[1]["comment"] == "'=not a formula"  # neutralised for spreadsheets
    assert {r["role"] for r in saved} == {"AP lead"}
    assert [r["confidence"] for r in saved] == ["guess", "told", "", ""]

    result = runner.invoke(app, ["assess", str(out), "-q", str(MINI), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["roles"] == {"ana": "AP lead"}
    assert data["pitfalls"][0]["questions"][1]["answers"] == {"ana": 2}
    # mini.1.1 = 1 (weight 3, guess 0.4), mini.1.2 = 2 (weight 1, told 0.7), mini.1.3 n/a:
    # (3 x 0.4 x 0 + 1 x 0.7 x 25) / (1.2 + 0.7) = 9.2
    assert data["pitfalls"][0]["score"] == 9.2
    assert data["pitfalls"][0]["questions"][0]["confidence"] == {"ana": "guess"}


def test_interview_refuses_without_a_terminal(tmp_path: Path) -> None:
    result = runner.invoke(app, ["interview", "full", "-r", "ana", "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr
    assert "boaudit template" in result.stderr
    assert not (tmp_path / "a.csv").exists()


def test_interview_refuses_a_date_that_is_not_one(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    result = runner.invoke(
        app, ["interview", "full", "-r", "ana", "-o", str(out), "--date", "3 November"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "boaudit: error: --date: interview date '3 November' is not a date; write it as "
        "YYYY-MM-DD\n"
    )
    assert not out.exists()


def test_partial_last_line_is_dropped_and_asked_again(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(MINI)
    path = tmp_path / "ana.csv"
    path.write_text(
        "respondent,question_id,answer,comment,role\nana,mini.1.1,3,,\nana,mini.1.2,4",
        encoding="utf-8",
    )
    ticks = iter([0.0, 90.0])  # opened at 0 s, the answer saved 90 s later
    sheet = InterviewFile(path, questionnaire, "ana", date="2026-11-02", clock=lambda: next(ticks))
    assert set(sheet.answers) == {"mini.1.1"}
    assert sheet.first_unanswered() == 1
    sheet.record(questionnaire.questions[1], GivenAnswer("2"))
    assert path.read_text().splitlines() == [  # an older file gains today's columns
        "respondent,question_id,answer,comment,role,confidence,date,interviewer,duration_minutes",
        "ana,mini.1.1,3,,,,2026-11-02,,1.5",
        "ana,mini.1.2,2,,,,2026-11-02,,1.5",
    ]


def test_other_respondents_rows_are_kept(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(MINI)
    path = tmp_path / "shared.csv"
    path.write_text(
        "respondent,question_id,answer,comment,role\nben,mini.1.1,5,,\n", encoding="utf-8"
    )
    ticks = iter([0.0, 60.0, 180.0])
    sheet = InterviewFile(
        path, questionnaire, "ana", "clerk", interviewer="auditor", clock=lambda: next(ticks)
    )
    today = sheet.date
    assert today is not None and len(today) == 10  # today, as YYYY-MM-DD
    sheet.record(questionnaire.questions[0], GivenAnswer("2", "", "told"))
    sheet.record(questionnaire.questions[0], GivenAnswer("3", "changed", "seen"))  # rewrite
    assert path.read_text().splitlines()[1:] == [
        "ben,mini.1.1,5,,",
        f"ana,mini.1.1,3,changed,clerk,seen,{today},auditor,3.0",
    ]
    # Resumed later: the earlier 3 minutes are carried on, the date and interviewer kept.
    ticks = iter([1000.0, 1120.0])
    again = InterviewFile(path, questionnaire, "ana", clock=lambda: next(ticks))
    assert (again.date, again.interviewer) == (today, "auditor")
    again.record(questionnaire.questions[1], GivenAnswer("4"))
    assert path.read_text().splitlines()[-1] == f"ana,mini.1.2,4,,clerk,,{today},auditor,5.0"
    data = json.loads(
        runner.invoke(app, ["assess", str(path), "-q", str(MINI), "-f", "json"]).stdout
    )
    assert data["interviews"]["ana"] == {
        "dates": [today],
        "interviewers": ["auditor"],
        "duration_minutes": 5.0,
    }
    assert data["interviews"]["ben"] == {"dates": [], "interviewers": [], "duration_minutes": None}


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    from boaudit.errors import AnswersError

    path = tmp_path / "other.csv"
    path.write_text("name,score\nx,1\n")
    with pytest.raises(AnswersError, match="not an interview file"):
        InterviewFile(path, load_questionnaire(MINI), "ana")


def test_a_finished_interview_says_so_and_points_at_review(tmp_path: Path) -> None:
    out = tmp_path / "done.csv"
    ids = [q.id for q in load_questionnaire(MINI).questions]
    out.write_text(
        "respondent,question_id,answer,comment,role\n" + "".join(f"ana,{q},3,,\n" for q in ids)
    )
    child = spawn("interview", str(MINI), "-r", "ana", "-o", str(out))
    child.expect_exact("All 9 questions are answered")
    child.expect_exact("--review to change one")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_skipping_to_the_end_says_what_is_left(tmp_path: Path) -> None:
    out = tmp_path / "ana.csv"
    child = spawn("interview", str(MINI), "-r", "ana", "-o", str(out))
    for _ in range(9):
        child.expect_exact("Answer [")
        child.sendline("s")
    child.expect_exact("Done: 0 of 9 answered")
    child.expect_exact("9 question(s) skipped or unanswered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not out.exists()  # nothing was answered, nothing written


def test_interview_makes_a_missing_folder_before_the_first_question(tmp_path: Path) -> None:
    out = tmp_path / "interviews" / "2026" / "ap-lead.csv"
    child = spawn("interview", str(MINI), "--respondent", "ana", "-o", str(out))
    child.expect_exact("Question 1 of 9")
    answer(child, "4", "first answer")
    child.expect_exact("Question 2 of 9")
    child.expect_exact("Answer [")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(r["question_id"], r["answer"], r["comment"]) for r in rows(out)] == [
        ("mini.1.1", "4", "first answer")
    ]


def test_review_shows_each_question_text_and_its_current_answer(tmp_path: Path) -> None:
    out = tmp_path / "ana.csv"
    questionnaire = load_questionnaire(str(MINI))
    sheet = InterviewFile(out, questionnaire, "ana")
    first, second = questionnaire.questions[:2]
    sheet.record(first, GivenAnswer("4", "mostly written"))
    child = spawn("interview", str(MINI), "--respondent", "ana", "-o", str(out), "--review")
    child.expect_exact("Number of the question to change")
    table = child.before
    shown = " ".join(table.split())
    child.sendline("")
    child.expect(pexpect.EOF)
    assert " ".join(first.text.split()) in shown
    assert " ".join(second.text.split()) in shown
    assert "mostly written" in shown
    assert "- (not answered)" in shown
    assert re.search(r"Are the procedures written down\?\s*│\s*4\s*│\s*mostly written", table)
