"""Hostile workbooks, exports and answer files alike, refused before any reader builds a row.

Each case is a small file made here and run in a fresh interpreter under an address-space limit
and a timeout (tests/hostile.py): exit 65, one line on stderr saying what is wrong, well inside
the time and memory a refusal needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import (
    ANSWER_ROWS,
    EXPORT_ROWS,
    encrypted_workbook,
    far_cell_export,
    lying_zip,
    run_guarded,
    sheet_xml,
    write_xlsx,
    zip_bomb_answers,
)

MINI = Path(__file__).resolve().parents[1] / "data" / "questionnaires" / "mini.toml"
SECONDS = 5.0
"""A refusal takes well under this (the interpreter's start included)."""
PEAK = 300 * 1024 * 1024
"""Nor more memory than this."""


def refused(args: list[str], cwd: Path, *needles: str) -> str:
    result = run_guarded(args, cwd)
    assert result.returncode == 65, result.stderr[-2000:]
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("boaudit: error: ")
    for needle in needles:
        assert needle in lines[0]
    assert result.seconds < SECONDS, result.seconds
    assert 0 < result.peak_bytes < PEAK, result.peak_bytes
    return lines[0]


def answers_file(path: Path, extra: str = "", dimension: str = "A1:D2") -> Path:
    xml = sheet_xml(ANSWER_ROWS, extra=extra, dimension=dimension)
    return write_xlsx(path, {"AP lead": xml})


def export_file(path: Path, extra: str = "") -> Path:
    return write_xlsx(path, {"Tickets": sheet_xml(EXPORT_ROWS, extra=extra, dimension="A1:C2")})


@pytest.mark.parametrize(
    ("ref", "needle"),
    [
        ("ZZ1000000", "1,000,000 rows x 702 columns (its last cell is ZZ1000000)"),
        ("B99999999", "reaches row 99,999,999 (its last cell is B99999999)"),
        ("XFD20", "reaches column 16,384 (its last cell is XFD20)"),
    ],
)
def test_a_far_away_cell_in_an_export_is_refused_before_the_reader(
    tmp_path: Path, ref: str, needle: str
) -> None:
    book = far_cell_export(tmp_path / "far.xlsx", ref)
    assert book.stat().st_size < 3_000
    for command in (["inspect", str(book)], ["metrics", "tasks", str(book)]):
        line = refused(command, tmp_path, str(book), needle)
    assert "--max-" in line


def test_the_cell_limit_is_an_option(tmp_path: Path) -> None:
    book = export_file(tmp_path / "wide.xlsx", '<row r="40"><c r="J40"><v>1</v></c></row>')
    line = refused(["inspect", str(book), "--max-cells", "100"], tmp_path)
    assert "40 rows x 10 columns (its last cell is J40), 400 cells" in line
    assert line.endswith("or pass --max-cells N to raise the limit")
    ok = run_guarded(["inspect", str(book), "--max-cells", "400"], tmp_path)
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('<row r="3"><c r="3A"><v>1</v></c></row>', "malformed cell reference '3A'"),
        ('<row r="x"><c><v>1</v></c></row>', "malformed row number 'x'"),
        ('<row r="3"><c r="A0"><v>1</v></c></row>', "malformed cell reference 'A0'"),
        ('<row r="3"><c r="AAAA3"><v>1</v></c></row>', "malformed cell reference 'AAAA3'"),
    ],
)
def test_malformed_references_are_refused(tmp_path: Path, extra: str, needle: str) -> None:
    export = export_file(tmp_path / "export.xlsx", extra)
    refused(["inspect", str(export)], tmp_path, needle, "re-save it from Excel")
    answers = answers_file(tmp_path / "answers.xlsx", extra)
    refused(["assess", str(answers), "-q", str(MINI)], tmp_path, needle)


def test_implicit_and_prefixed_references_are_read(tmp_path: Path) -> None:
    # Rows and cells without ``r`` and tags with a namespace prefix are legal XML sheets.
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{ns}"><x:sheetData>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>Ticket ID</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>Created</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>T1</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>2024-01-01</x:t></x:is></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    book = write_xlsx(tmp_path / "prefixed.xlsx", {"Tickets": xml})
    result = run_guarded(["inspect", str(book), "--max-cells", "4"], tmp_path)
    assert result.returncode == 0, result.stderr
    far = xml.replace("<x:row><x:c", '<x:row><x:c r="C900"', 1)
    write_xlsx(book, {"Tickets": far})
    refused(["inspect", str(book), "--max-cells", "100"], tmp_path, "its last cell is")


def test_far_away_cells_in_answers_are_refused(tmp_path: Path) -> None:
    answers = answers_file(
        tmp_path / "answers.xlsx", '<row r="1000000"><c r="ZZ1000000"><v>1</v></c></row>'
    )
    line = refused(
        ["assess", str(answers), "-q", str(MINI)], tmp_path, "its last cell is ZZ1000000"
    )
    # assess has no --max-cells: the advice fits an answer file.
    assert "--max" not in line
    assert line.endswith("check that it is the right file, or fill in a fresh 'boaudit template'")


def test_a_zip_bomb_as_answers_is_refused(tmp_path: Path) -> None:
    bomb = zip_bomb_answers(tmp_path / "answers.xlsx")
    assert bomb.stat().st_size < 1_500_000
    refused(
        ["assess", str(bomb), "-q", str(MINI)],
        tmp_path,
        "unpacks to more than 1,073,741,824 bytes (the limit)",
    )
    refused(
        ["report", "--answers", str(bomb), "-q", str(MINI), "--format", "json"],
        tmp_path,
        "unpacks to more than",
    )


def test_answers_in_a_run_go_through_the_same_opening(tmp_path: Path) -> None:
    answers_file(tmp_path / "answers.xlsx", '<row r="1000000"><c r="ZZ1000000"><v>1</v></c></row>')
    (tmp_path / "boaudit.toml").write_text(
        f'questionnaire = "{MINI.as_posix()}"\nanswers = ["answers.xlsx"]\n\n'
        '[[outputs]]\nformat = "json"\npath = "out.json"\n',
        encoding="utf-8",
    )
    refused(["run", "boaudit.toml"], tmp_path, "its last cell is ZZ1000000")
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("make", [lying_zip, encrypted_workbook])
def test_lying_and_encrypted_files_as_exports_and_answers(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    book = make(tmp_path / "book.xlsx")
    needle = (
        "the workbook's zip is damaged or its headers do not match its contents"
        if make is lying_zip
        else "the workbook is encrypted (password-protected); open it in Excel and save a copy "
        "without a password"
    )
    refused(["inspect", str(book)], tmp_path, needle)
    refused(["assess", str(book), "-q", str(MINI)], tmp_path, needle)
    if make is encrypted_workbook:
        # Whatever it is named: Excel gives the encrypted file the workbook's own name.
        renamed = tmp_path / "book.xls"
        shutil.copy(book, renamed)
        refused(["inspect", str(renamed)], tmp_path, needle)


def test_a_genuine_workbook_still_reads(tmp_path: Path) -> None:
    book = export_file(tmp_path / "fine.xlsx")
    result = run_guarded(["inspect", str(book), "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"read": 1' in result.stdout
