"""Respondents' own words reach the report: each comment under its pitfall, by role, flagged
where it reads as a problem beside a healthy answer."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire.quotes import cue_words, problem_cue

runner = CliRunner()
ANSWERS = Path(__file__).resolve().parents[2] / "sample_data" / "answers"
QUOTE = "Each clerk has their own way of coding invoices."


@pytest.mark.parametrize(
    ("comment", "cue"),
    [
        ("Each clerk has their own way of coding invoices.", "their own"),
        ("We meet the partner only when something goes wrong.", "only when"),
        ("Nothing to add; all good.", None),  # "not" is a word, not a part of one
        ("Invoices are keyed in by hand from PDF attachments.", "keyed in"),
        ("Die Rechnungen werden manuell erfasst.", "manuell"),
        ("Les factures sont saisies à la main.", "à la main"),
        ("Las facturas llegan con retraso.", "retraso"),
        ("Er is een achterstand.", "achterstand"),
        ("", None),
    ],
)
def test_problem_cues_in_several_languages(comment: str, cue: str | None) -> None:
    assert problem_cue(comment) == cue


def test_cue_words_are_lower_case_longest_first() -> None:
    words = cue_words()
    assert all(w == w.casefold() for w in words)
    assert [len(w) for w in words] == sorted((len(w) for w in words), reverse=True)


def _report(fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"r.{fmt}"
    done = runner.invoke(
        app, ["report", "--answers", str(ANSWERS), "--format", fmt, "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    if fmt == "xlsx":
        with zipfile.ZipFile(out) as archive:
            return "".join(
                archive.read(name).decode("utf-8")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return out.read_text("utf-8")


def test_comments_sit_under_their_finding_by_role(tmp_path: Path) -> None:
    report = json.loads(_report("json", tmp_path))
    processes = next(f for f in report["findings"] if f["pitfall"] == "processes")
    quoted = [e for e in processes["evidence"] if "quote" in e["refs"]]
    assert len(quoted) == 1  # three respondents, the same words: one quote
    refs = quoted[0]["refs"]
    assert refs["quote"] == QUOTE
    assert [(s["role"], s["question"], s["answer"], s["contradicts"]) for s in refs["said_by"]] == [
        ("Outsourcing manager", "full.processes.1", 2, False),
        ("Finance manager", "full.processes.2", 4, True),
        ("AP team lead", "full.processes.3", 2, False),
    ]
    message = quoted[0]["message"]
    assert message.startswith(f'"{QUOTE}" (said by Outsourcing manager, answering 2 to ')
    assert message.endswith(
        "Finance manager answered 4 (healthy) but the comment reads as a problem ('their own'): "
        "check which one holds"
    )
    # a quote carries no severity: the score, not the comment, sets the finding's severity
    assert quoted[0]["severity"] is None


@pytest.mark.parametrize("fmt", ["markdown", "html", "xlsx"])
def test_comments_reach_the_readable_formats(fmt: str, tmp_path: Path) -> None:
    text = _report(fmt, tmp_path)
    assert "Each clerk has their own way of coding invoices." in text
    assert "We outsourced AP in a hurry during a hiring freeze." in text
    assert "reads as a problem" in text
