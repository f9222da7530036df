"""Blank answer sheets: long CSV, or an XLSX workbook made for filling in by hand.

The XLSX has an Instructions sheet, a Roster sheet (respondent, role, date) and one answer sheet
per respondent, with the question text, guidance and rubric visible, answer cells restricted to
1-5 and n/a by data validation, and a frozen header. ``read_answer_files`` reads both back.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from boaudit.fileio import csv_text
from boaudit.questionnaire.models import RUBRIC_KEYS, Questionnaire
from boaudit.taxonomy import load_taxonomy
from boaudit.xlsxio import cell_at, write_cell, xml_text

CSV_HEADER = ["respondent", "question_id", "answer", "comment", "confidence"]
SHEET_COLUMNS = (
    ("respondent", 16),
    ("section", 9),
    ("pitfall", 18),
    ("question_id", 14),
    ("question", 60),
    ("guidance", 45),
    ("1 looks like", 28),
    ("2 looks like", 28),
    ("3 looks like", 28),
    ("4 looks like", 28),
    ("5 looks like", 28),
    ("answer", 9),
    ("confidence", 12),
    ("comment", 40),
)
ANSWER_CHOICES = '"1,2,3,4,5,n/a"'
CONFIDENCE_CHOICES = '"seen,told,guess"'
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF4CC")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def csv_template(questionnaire: Questionnaire, respondents: Sequence[str]) -> str:
    """A long-format CSV with one row per respondent and question, answers blank."""
    who = list(respondents) or [""]
    rows: list[list[object]] = [[r, q.id, "", "", ""] for r in who for q in questionnaire.questions]
    return csv_text(CSV_HEADER, rows)


def _text(cell: Cell, value: str) -> None:
    """Write user text as text: a leading '=' must never become a formula."""
    write_cell(cell, value)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet title for ``name`` (31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", xml_text(name)).strip("' ") or "Answers"
    base = base[:31]
    title, counter = base, 2
    while title.lower() in taken or title.lower() in {"instructions", "roster"}:
        suffix = f" ({counter})"
        title, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    taken.add(title.lower())
    return title


def xlsx_template(questionnaire: Questionnaire, respondents: Sequence[str]) -> bytes:
    """The XLSX answer workbook, as bytes."""
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = "Instructions"
    _instructions(instructions, questionnaire)

    roster = workbook.create_sheet("Roster")
    roster_columns = (
        ("respondent", 24),
        ("role", 24),
        ("date", 14),
        ("interviewer", 24),
        ("duration_minutes", 18),
    )
    for column, (name, width) in enumerate(roster_columns, 1):
        _header(cell_at(roster, 1, column), name)
        roster.column_dimensions[get_column_letter(column)].width = width
    for row, respondent in enumerate(respondents, start=2):
        _text(cell_at(roster, row, 1), respondent)
    roster.freeze_panes = "A2"

    taken: set[str] = set()
    for respondent in list(respondents) or [""]:
        title = sheet_title(respondent or "Answers", taken)
        _answer_sheet(workbook.create_sheet(title), questionnaire, respondent)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(cell: Cell, name: str) -> None:
    cell.value = name
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=True)


def _answer_sheet(sheet: Worksheet, questionnaire: Questionnaire, respondent: str) -> None:
    taxonomy = load_taxonomy()
    for column, (name, width) in enumerate(SHEET_COLUMNS, start=1):
        cell = cell_at(sheet, 1, column)
        _header(cell, name)
        sheet.column_dimensions[get_column_letter(column)].width = width
    answer_column = [name for name, _ in SHEET_COLUMNS].index("answer") + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for section in questionnaire.sections:
        for question in section.questions:
            row += 1
            rubric = question.rubric.as_dict()
            values = (
                respondent,
                section.number,
                taxonomy.get(question.pitfall).title,
                question.id,
                question.text,
                question.guidance,
                *(rubric[key] for key in RUBRIC_KEYS),
            )
            for column, value in enumerate(values, start=1):
                cell = cell_at(sheet, row, column)
                _text(cell, value)
                cell.alignment = wrap
            cell_at(sheet, row, answer_column).fill = _ANSWER_FILL
            cell_at(sheet, row, answer_column + 1).fill = _ANSWER_FILL
    letter = get_column_letter(answer_column)
    validation = DataValidation(
        type="list",
        formula1=ANSWER_CHOICES,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Answer 1 to 5 or n/a",
        error="Answer with a whole number from 1 (mistake fully present) to 5 (best practice), "
        "or n/a.",
        promptTitle="Answer",
        prompt="1 = mistake fully present ... 5 = best practice; n/a if it does not apply",
        showInputMessage=True,
    )
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{max(row, 2)}")
    confidence = get_column_letter(answer_column + 1)
    how = DataValidation(
        type="list",
        formula1=CONFIDENCE_CHOICES,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="seen, told or guess",
        error="How does the respondent know? seen (seen evidence), told, or guess; or blank.",
        promptTitle="Confidence",
        prompt="seen = seen evidence (weight 1.0), told (0.7), guess (0.4); blank = not given",
        showInputMessage=True,
    )
    sheet.add_data_validation(how)
    how.add(f"{confidence}2:{confidence}{max(row, 2)}")
    sheet.freeze_panes = "E2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(SHEET_COLUMNS))}{row}"


def _instructions(sheet: Worksheet, questionnaire: Questionnaire) -> None:
    lines = [
        (questionnaire.title, True),
        (f"Questionnaire id: {questionnaire.id}  |  source: {questionnaire.source}", False),
        ("", False),
        ("How to fill in this workbook", True),
        (
            "1. Put each respondent's name, role, the interview date (YYYY-MM-DD), the "
            "interviewer and the interview's length in minutes on the Roster sheet.",
            False,
        ),
        (
            "2. Each respondent has an answer sheet (named after them). Answer every question "
            "in the yellow 'answer' column:",
            False,
        ),
        (
            "     1 = the mistake is fully present ... 3 = partly in place ... 5 = best practice",
            False,
        ),
        (
            "     n/a = the question does not apply here (it is left out of the score, never "
            "counted as zero)",
            False,
        ),
        ("   The rubric columns say what each answer 1 to 5 looks like; pick the closest.", False),
        (
            "3. In 'confidence', say how the respondent knows: seen (seen evidence), told or "
            "guess. It weighs the answer in the score: seen 1.0, told 0.7, guess 0.4; blank "
            "1.0. Add a comment where the answer needs context or evidence.",
            False,
        ),
        (
            "4. For another respondent, copy an answer sheet, rename it after them and clear "
            "the answers (or fill the 'respondent' column).",
            False,
        ),
        ("5. Do not change the question_id column; boaudit matches answers by it.", False),
        ("", False),
        (
            f"Score it with:  boaudit assess THIS_FILE.xlsx --questionnaire {questionnaire.id}",
            False,
        ),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = cell_at(sheet, row, 1)
        _text(cell, text)
        if bold:
            cell.font = Font(bold=True, size=13 if row == 1 else 11)
    sheet.column_dimensions["A"].width = 110
