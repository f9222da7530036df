"""One rule for every command that reads a workbook (DESIGN.md section 5, the README's table):
a file that cannot be opened is 66 (EX_NOINPUT), a file that opens but is not a usable
workbook is 65 (EX_DATAERR)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()
MINI = Path(__file__).resolve().parents[1] / "data" / "questionnaires" / "mini.toml"

COMMANDS = {
    "inspect": ["inspect", "{book}"],
    "metrics": ["metrics", "tasks", "{book}"],
    "report --tasks": ["report", "--tasks", "{book}", "--format", "json"],
    "report --answers": ["report", "--answers", "{book}", "-q", str(MINI), "--format", "json"],
    "assess": ["assess", "{book}", "-q", str(MINI)],
    "run, answers": ["run", "{answers_config}"],
    "run, export": ["run", "{export_config}"],
}


def _invoke(name: str, book: Path, tmp_path: Path):
    answers_config = tmp_path / "answers.toml"
    answers_config.write_text(
        f'questionnaire = "{MINI.as_posix()}"\nanswers = ["{book.name}"]\n\n'
        '[[outputs]]\nformat = "json"\npath = "out.json"\n',
        encoding="utf-8",
    )
    export_config = tmp_path / "export.toml"
    export_config.write_text(
        f'[[sources]]\nkind = "tasks"\nfiles = ["{book.name}"]\n\n'
        '[[outputs]]\nformat = "json"\npath = "out.json"\n',
        encoding="utf-8",
    )
    args = [
        a.format(book=book, answers_config=answers_config, export_config=export_config)
        for a in COMMANDS[name]
    ]
    return runner.invoke(app, args)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_not_a_workbook_is_65_for_every_command(name: str, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK\x03\x04 named .xlsx, but not a zip")
    result = _invoke(name, book, tmp_path)
    assert result.exit_code == 65, result.stderr
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert line.startswith("boaudit: error: ")
    assert line.endswith("book.xlsx: not a valid workbook (bad zip); re-save it from Excel")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_workbook_that_is_not_there_is_66_for_every_command(name: str, tmp_path: Path) -> None:
    result = _invoke(name, tmp_path / "book.xlsx", tmp_path)
    assert result.exit_code == 66, result.stderr
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert line.startswith("boaudit: error: ")
    assert "book.xlsx" in line
