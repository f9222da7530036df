"""Read answer files: the long CSV format and the XLSX template, mixed freely.

Long CSV: one row per respondent and question, columns ``respondent,question_id,answer,comment``
(``role`` and ``confidence`` optional; other columns are ignored). ``confidence`` says how the
respondent knows: ``seen`` (seen evidence), ``told`` or ``guess``; blank is not given.
XLSX: every sheet whose first row holds
``question_id`` and ``answer`` is an answer sheet; a blank ``respondent`` cell falls back to the
sheet's name; a ``Roster`` sheet (``respondent, role, date, interviewer, duration_minutes``)
gives roles and the interview's metadata. In a CSV the metadata are optional columns ``date``
(or ``interview_date``, YYYY-MM-DD), ``interviewer`` and ``duration_minutes`` on any row.

Reading checks each value on its own (a whole number 1 to 5, ``n/a`` or blank); checks against a
questionnaire come in :func:`check_answers`. Problems are collected, not raised one by one, so a
consultant sees every typo in one pass.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from boaudit.errors import AnswersError, InputMissingError, LimitError
from boaudit.fileio import restore_cell
from boaudit.ingest.options import Limits
from boaudit.ingest.readers.guard import check_workbook
from boaudit.ingest.readers.source import too_big
from boaudit.questionnaire.loader import owners_of
from boaudit.questionnaire.models import Questionnaire

NA_TOKENS = frozenset({"n/a", "na", "n.a.", "not applicable"})
"""Answers meaning "does not apply here": unanswered, never zero."""

REQUIRED_COLUMNS = ("respondent", "question_id", "answer")

CONFIDENCE_LEVELS = ("seen", "told", "guess")
"""How a respondent knows an answer: seen evidence, was told, or guesses."""
CONFIDENCE_LABELS = {"seen": "seen evidence", "told": "told", "guess": "guess"}
_CONFIDENCE_TOKENS = {
    "seen": "seen",
    "seen evidence": "seen",
    "evidence": "seen",
    "told": "told",
    "guess": "guess",
    "guessed": "guess",
}


def parse_interview_date(raw: Any) -> tuple[str | None, str | None]:
    """An interview date cell (YYYY-MM-DD text or a workbook date): ``(iso date, problem)``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, datetime.date):
        return raw.isoformat(), None
    text = str(raw).strip()
    try:
        return datetime.date.fromisoformat(text[:10] if "T" in text else text).isoformat(), None
    except ValueError:
        return None, f"interview date '{text}' is not a date; write it as YYYY-MM-DD"


def parse_duration(raw: Any) -> tuple[float | None, str | None]:
    """An interview duration in minutes (a positive number): ``(minutes, problem)``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or isinstance(raw, bool):
        return None, None if not isinstance(raw, bool) else "duration is not a number"
    text = str(raw).strip()
    try:
        minutes = float(text)
    except ValueError:
        return None, f"duration '{text}' is not a number of minutes; write e.g. 45"
    if not math.isfinite(minutes) or minutes <= 0 or minutes > 24 * 60:
        return None, f"duration '{text}' is not between 0 and 1440 minutes"
    return minutes, None


def parse_confidence(raw: Any) -> tuple[str | None, str | None]:
    """One confidence cell: ``(level, problem)``; blank is ``(None, None)``."""
    text = "" if raw is None else str(raw).strip().lower().replace("_", " ")
    if not text:
        return None, None
    level = _CONFIDENCE_TOKENS.get(text)
    if level is None:
        return None, f"confidence '{str(raw).strip()}' is not seen, told or guess (or blank)"
    return level, None


ROSTER_SHEET = "roster"
INSTRUCTIONS_SHEET = "instructions"


@dataclass(frozen=True)
class AnswerRecord:
    """One respondent's answer to one question, with where it came from."""

    respondent: str
    question_id: str
    value: int | None
    """1 to 5, or None when unanswered (``n/a`` or blank)."""
    not_applicable: bool
    """True when the respondent said ``n/a`` (as opposed to leaving it blank)."""
    comment: str
    source: str
    """The file name as given."""
    row: int
    """1-based row in the file or sheet, the header being row 1."""
    sheet: str | None = None
    role: str | None = None
    confidence: str | None = None
    """``seen``, ``told`` or ``guess``; None when not given."""
    interview_date: str | None = None
    """The interview's date (ISO), when the file gives one."""
    interviewer: str | None = None
    duration_minutes: float | None = None

    @property
    def where(self) -> str:
        """``file, row N`` or ``file, sheet S, row N``, for messages."""
        sheet = f", sheet {self.sheet}" if self.sheet else ""
        return f"{self.source}{sheet}, row {self.row}"


def parse_answer(raw: Any) -> tuple[int | None, bool, str | None]:
    """Parse one answer cell: ``(value, not_applicable, problem)``.

    Accepts whole numbers 1 to 5 (``4``, ``4.0``), ``n/a`` in any case and blank. Anything else
    gives a problem message and no value.
    """
    if raw is None:
        return None, False, None
    if isinstance(raw, bool):
        return None, False, f"answer {raw!r} is not 1 to 5 or n/a"
    if isinstance(raw, int | float):
        number = float(raw)
        text = f"{raw:g}"
    else:
        text = str(raw).strip()
        if not text:
            return None, False, None
        if text.lower() in NA_TOKENS:
            return None, True, None
        try:
            number = float(text)
        except ValueError:
            return None, False, f"answer '{text}' is not 1 to 5 or n/a"
    if not number.is_integer() or not 1 <= number <= 5:
        return None, False, f"answer '{text}' is not a whole number from 1 to 5 (or n/a)"
    return int(number), False, None


ANSWER_SUFFIXES = frozenset({".csv", ".xlsx", ".xlsm"})


def expand_answer_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for its answer files (CSV, XLSX), sorted by name.

    Hidden files and spreadsheet lock files (``~$name.xlsx``) in a folder are left out.
    """
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.is_file()
                and child.suffix.lower() in ANSWER_SUFFIXES
                and not child.name.startswith((".", "~$"))
            )
            if not found:
                raise InputMissingError(f"{path}: the folder holds no .csv or .xlsx answer file")
            expanded.extend(found)
        else:
            expanded.append(path)
    return expanded


def read_answer_files(paths: Sequence[Path]) -> list[AnswerRecord]:
    """Read every file in ``paths`` (CSV or XLSX by extension) into answer records.

    Raises :class:`InputMissingError` for a missing or unreadable file and
    :class:`AnswersError` listing every bad value or missing column.
    """
    records: list[AnswerRecord] = []
    problems: list[str] = []
    for path in expand_answer_paths(paths):
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            found, issues = _read_xlsx(path)
        else:
            found, issues = _read_csv(path)
        if not found and not issues:
            issues = [f"{path}: no answers found; fill in the 'answer' column of the template"]
        records.extend(found)
        problems.extend(issues)
    if problems:
        raise AnswersError(problems[0], problems[1:])
    return records


ANSWER_LIMITS = Limits()
"""The limits every answer file is read within, the same as an export's defaults."""
_NOT_AN_ANSWER_FILE = (
    "no answer file comes near that: check that it is the right file, or fill in a fresh "
    "'boaudit template'"
)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_file() and size > ANSWER_LIMITS.max_bytes:
            fault = too_big(str(path), "the file is", ANSWER_LIMITS.max_bytes).fault
            raise AnswersError(f"{fault}; {_NOT_AN_ANSWER_FILE}")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputMissingError(f"{path}: no such file; check the path") from exc
    except IsADirectoryError as exc:
        raise InputMissingError(f"{path}: is a folder; give the answer files in it") from exc
    except OSError as exc:
        raise InputMissingError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _read_csv(path: Path) -> tuple[list[AnswerRecord], list[str]]:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"{path}: not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8"]
    if not text.strip():
        return [], [f"{path}: the file is empty; start from 'boaudit template'"]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    return _records_from_rows(rows, str(path), sheet=None, default_respondent=None)


def _read_xlsx(path: Path) -> tuple[list[AnswerRecord], list[str]]:
    data = _read_bytes(path)  # missing or unreadable files fail here with exit 66
    # The same guarded opening as an export's: encryption, zip bombs, lying zip headers,
    # entity declarations, far-away or malformed cells are refused (exit 65) before openpyxl
    # builds a row.
    try:
        check_workbook(data, str(path), ANSWER_LIMITS)
    except LimitError as exc:
        raise AnswersError(f"{exc.fault}; {_NOT_AN_ANSWER_FILE}") from None
    sheets = _workbook_rows(data, path)
    roster, problems = _roster(sheets, path)
    records: list[AnswerRecord] = []
    answer_sheets = 0
    for title, rows in sheets:
        if title.strip().lower() in {ROSTER_SHEET, INSTRUCTIONS_SHEET}:
            continue
        if not rows or not _is_answer_header(rows[0]):
            continue
        answer_sheets += 1
        found, issues = _records_from_rows(rows, str(path), sheet=title, default_respondent=title)
        records.extend(
            _with_roster(r, roster[r.respondent]) if r.respondent in roster else r for r in found
        )
        problems.extend(issues)
    if not answer_sheets:
        problems.append(
            f"{path}: no sheet has the columns question_id and answer; "
            "start from 'boaudit template ... -o answers.xlsx'"
        )
    return records, problems


def _workbook_rows(data: bytes, path: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's title and rows (values only, formulas as their saved values)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError) as exc:
        raise AnswersError(_unreadable(path, exc)) from exc
    try:
        return [
            (sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
            for sheet in workbook.worksheets
        ]
    # Only openpyxl runs in here: what it raises on content it cannot make sense of
    # (a part that is not what its name says) is a property of the file, not a bug.
    except (KeyError, IndexError, ValueError, TypeError, ElementTree.ParseError) as exc:
        raise AnswersError(_unreadable(path, exc)) from exc
    finally:
        workbook.close()


def _unreadable(path: Path, exc: Exception) -> str:
    return (
        f"{path}: cannot read it as an XLSX workbook ({type(exc).__name__}: {exc}); "
        "save it again from Excel as .xlsx"
    )


def _with_roster(record: AnswerRecord, entry: dict[str, Any]) -> AnswerRecord:
    """The record with what the Roster says of its respondent, where the row says nothing."""
    return replace(
        record,
        **{key: value for key, value in entry.items() if getattr(record, key) is None},
    )


_ROSTER_FIELDS = {"role": "role", "date": "interview_date", "interview_date": "interview_date"}
_ROSTER_FIELDS |= {"interviewer": "interviewer", "duration_minutes": "duration_minutes"}


def _roster(
    sheets: Sequence[tuple[str, list[list[Any]]]], path: Path
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Respondent -> role and interview metadata from a ``Roster`` sheet, and its problems."""
    for title, rows in sheets:
        if title.strip().lower() != ROSTER_SHEET or not rows:
            continue
        header = [_norm(cell) for cell in rows[0]]
        if "respondent" not in header:
            return {}, []
        who = header.index("respondent")
        columns = {
            _ROSTER_FIELDS[name]: i for i, name in enumerate(header) if name in _ROSTER_FIELDS
        }
        entries: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        for number, row in enumerate(rows[1:], start=2):
            name = _text(_cell(row, who))
            if not name:
                continue
            entry, issues = _metadata({key: _cell(row, i) for key, i in columns.items()})
            problems.extend(f"{path}, sheet {title}, row {number}: {issue}" for issue in issues)
            entries[name] = entry
        return entries, problems
    return {}, []


def _metadata(cells: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Role, interview date, interviewer and duration from their cells (blank left out)."""
    entry: dict[str, Any] = {}
    problems: list[str] = []
    for key in ("role", "interviewer"):
        if _text(cells.get(key)):
            entry[key] = _text(cells.get(key))
    date, problem = parse_interview_date(cells.get("interview_date"))
    if problem:
        problems.append(f"{problem} (column date)")
    elif date:
        entry["interview_date"] = date
    minutes, problem = parse_duration(cells.get("duration_minutes"))
    if problem:
        problems.append(f"{problem} (column duration_minutes)")
    elif minutes is not None:
        entry["duration_minutes"] = minutes
    return entry, problems


def _norm(cell: Any) -> str:
    return str(cell or "").strip().lower().replace(" ", "_")


def _is_answer_header(row: Sequence[Any]) -> bool:
    names = {_norm(cell) for cell in row}
    return {"question_id", "answer"} <= names


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(value: Any) -> str:
    return "" if value is None else restore_cell(str(value).strip())


def _records_from_rows(
    rows: list[list[Any]], source: str, sheet: str | None, default_respondent: str | None
) -> tuple[list[AnswerRecord], list[str]]:
    where = f"{source}, sheet {sheet}" if sheet else source
    if not rows:
        return [], [f"{where}: the file is empty; start from 'boaudit template'"]
    header = [_norm(cell) for cell in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing and not (missing == ["respondent"] and default_respondent):
        return [], [
            f"{where}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {', '.join(h for h in header if h) or 'nothing'}); the header must be "
            "respondent,question_id,answer,comment"
        ]
    index = {
        name: header.index(name)
        for name in (*REQUIRED_COLUMNS, "comment", "role", "confidence", *_ROSTER_FIELDS)
        if name in header
    }
    records: list[AnswerRecord] = []
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(_text(cell) == "" for cell in row):
            continue
        question_id = _text(_cell(row, index.get("question_id")))
        respondent = _text(_cell(row, index.get("respondent"))) or (default_respondent or "")
        here = f"{where}, row {number}"
        if not question_id:
            problems.append(f"{here}: question_id is blank; copy it from the template")
            continue
        if not respondent:
            problems.append(f"{here}: respondent is blank; fill in who gave this answer")
            continue
        value, not_applicable, problem = parse_answer(_cell(row, index.get("answer")))
        if problem:
            problems.append(f"{here}: {question_id}: {problem}")
            continue
        confidence, problem = parse_confidence(_cell(row, index.get("confidence")))
        if problem:
            problems.append(f"{here}: {question_id}: {problem}; fix the confidence column")
            continue
        meta, issues = _metadata(
            {
                "interviewer": _cell(row, index.get("interviewer")),
                "interview_date": _cell(row, index.get("date", index.get("interview_date"))),
                "duration_minutes": _cell(row, index.get("duration_minutes")),
            }
        )
        if issues:
            problems.extend(f"{here}: {issue}" for issue in issues)
            continue
        records.append(
            AnswerRecord(
                respondent=respondent,
                question_id=question_id,
                value=value,
                not_applicable=not_applicable,
                comment=_text(_cell(row, index.get("comment"))),
                source=source,
                row=number,
                sheet=sheet,
                role=_text(_cell(row, index.get("role"))) or None,
                confidence=confidence,
                interview_date=meta.get("interview_date"),
                interviewer=meta.get("interviewer"),
                duration_minutes=meta.get("duration_minutes"),
            )
        )
    return records, problems


@dataclass(frozen=True)
class CheckedAnswers:
    """Answers checked against a questionnaire, each respondent and question counted once."""

    records: tuple[AnswerRecord, ...]
    errors: tuple[str, ...]
    """Problems that stop scoring: unknown ids, double or conflicting answers."""
    merged: dict[str, tuple[str, ...]]
    """Respondent -> the files they appear in, for respondents found in several files."""


def _same_answer(a: AnswerRecord, b: AnswerRecord) -> bool:
    return (a.value, a.not_applicable) == (b.value, b.not_applicable)


def check_answers(questionnaire: Questionnaire, records: Iterable[AnswerRecord]) -> CheckedAnswers:
    """Check ``records`` against ``questionnaire`` and merge respondents across files.

    Within one file, a second answer by the same respondent to the same question is an error.
    Across files, the same respondent is merged: an identical repeated answer is counted once
    (and the respondent reported in ``merged``); a different one is an error naming both places.
    """
    known = {q.id for q in questionnaire.questions}
    errors: list[str] = []
    seen: dict[tuple[str, str], AnswerRecord] = {}
    sources: dict[str, dict[str, None]] = {}
    kept: list[AnswerRecord] = []
    for record in records:
        if record.question_id not in known:
            owners = [o for o in owners_of(record.question_id) if o != questionnaire.id]
            hint = (
                f"it belongs to questionnaire '{owners[0]}'; add --questionnaire {owners[0]} "
                "to merge both on the taxonomy, or leave --questionnaire out to infer them"
                if owners
                else f"check it against 'boaudit questionnaires show {questionnaire.id}'"
            )
            errors.append(
                f"{record.where}: unknown question id '{record.question_id}' for questionnaire "
                f"'{questionnaire.id}'; {hint}"
            )
            continue
        sources.setdefault(record.respondent, {})[record.source] = None
        key = (record.respondent, record.question_id)
        first = seen.get(key)
        if first is None:
            seen[key] = record
            kept.append(record)
        elif (first.source, first.sheet) == (record.source, record.sheet):
            errors.append(
                f"{record.where}: {record.respondent} answered {record.question_id} again "
                f"(first at {first.where}); keep one answer per respondent and question"
            )
        elif not _same_answer(first, record):
            errors.append(
                f"{record.where}: {record.respondent} answered {record.question_id} differently "
                f"at {first.where}; the same respondent appears in both files, so keep one "
                "answer (or rename one respondent if they are two people)"
            )
    merged = {who: tuple(files) for who, files in sources.items() if len(files) > 1}
    return CheckedAnswers(tuple(kept), tuple(errors), merged)
