"""The answer file of a live interview: every answer on disk the moment it is given.

A new answer is appended to the long CSV that ``assess`` reads, then flushed and fsynced, so an
interrupted interview (Ctrl-C, a closed laptop, a crash) loses nothing. Changing an answer
rewrites the file atomically. Opening the file again resumes where the interview stopped.

Every row also records the interview: its date, the interviewer and its duration in minutes so
far (the time spent in the command, added up over resumed sessions), which ``assess`` reads and
the report shows.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from boaudit.errors import AnswersError, InputMissingError
from boaudit.fileio import atomic_write, neutralise_cell, restore_cell
from boaudit.questionnaire.answers import (
    parse_answer,
    parse_confidence,
    parse_duration,
    parse_interview_date,
)
from boaudit.questionnaire.models import Question, Questionnaire

HEADER = [
    "respondent",
    "question_id",
    "answer",
    "comment",
    "role",
    "confidence",
    "date",
    "interviewer",
    "duration_minutes",
]


@dataclass(frozen=True)
class GivenAnswer:
    """An answer as typed: ``"1"`` to ``"5"`` or ``"n/a"``, with an optional comment and how
    the respondent knows it (``seen``, ``told``, ``guess`` or blank)."""

    answer: str
    comment: str = ""
    confidence: str = ""


class InterviewFile:
    """One respondent's answers in a long-format CSV (other respondents' rows are kept)."""

    def __init__(
        self,
        path: Path,
        questionnaire: Questionnaire,
        respondent: str,
        role: str | None = None,
        *,
        interviewer: str | None = None,
        date: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.questionnaire = questionnaire
        self.respondent = respondent
        self.role = role
        self.interviewer = interviewer
        self.date = date
        """The interview's date: as given, else the file's, else today."""
        self._clock = clock
        self._started = clock()
        self._earlier_minutes = 0.0
        """Minutes of this respondent's earlier sessions, from the file."""
        self._others: list[list[str]] = []
        self.answers: dict[str, GivenAnswer] = {}
        self.recovered_partial_line = False
        self._stale_header = False
        """An older file's header: the next answer rewrites the file with today's columns."""
        if path.exists():
            self._load()
        if self.date is None:
            self.date = datetime.date.today().isoformat()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise InputMissingError(f"{self.path}: cannot read: {exc.strerror or exc}") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnswersError(
                f"{self.path}: not UTF-8 text (byte {exc.start}); it is not an interview file"
            ) from exc
        if text and not text.endswith("\n"):
            # The last line was being written when the interview stopped: it was never
            # confirmed to the interviewer, so drop it and ask that question again.
            text = text[: text.rfind("\n") + 1]
            self.recovered_partial_line = True
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows:
            return
        header = [cell.strip().lower() for cell in rows[0]]
        if header[:4] != HEADER[:4]:
            raise AnswersError(
                f"{self.path}: the header is {','.join(rows[0])!r}, not an interview file "
                f"({','.join(HEADER)}); choose another -o file"
            )
        self._stale_header = header != HEADER
        column = {name: header.index(name) for name in HEADER if name in header}
        known = {q.id for q in self.questionnaire.questions}
        for number, row in enumerate(rows[1:], start=2):
            cells = {
                name: restore_cell(row[at].strip()) if at < len(row) else ""
                for name, at in column.items()
            }
            respondent, question_id, answer, comment, role = (
                cells.get(name, "") for name in HEADER[:5]
            )
            confidence, bad = parse_confidence(cells.get("confidence"))
            minutes, bad_minutes = parse_duration(cells.get("duration_minutes"))
            day, bad_day = parse_interview_date(cells.get("date"))
            bad = bad or bad_minutes or bad_day
            if respondent != self.respondent:
                self._others.append(row)
                continue
            if question_id not in known:
                raise AnswersError(
                    f"{self.path}, row {number}: question id '{question_id}' is not in "
                    f"questionnaire '{self.questionnaire.id}'; is this the right file?"
                )
            value, not_applicable, problem = parse_answer(answer)
            if problem or bad:
                raise AnswersError(f"{self.path}, row {number}: {problem or bad}; fix the file")
            self._earlier_minutes = max(self._earlier_minutes, minutes or 0.0)
            self.date = self.date or day
            self.interviewer = self.interviewer or cells.get("interviewer") or None
            if value is None and not not_applicable:
                continue
            self.answers[question_id] = GivenAnswer(answer, comment, confidence or "")
            if role and not self.role:
                self.role = role

    def first_unanswered(
        self, after: int = -1, skipped: frozenset[str] = frozenset()
    ) -> int | None:
        """Index of the first unanswered question after ``after`` not in ``skipped``."""
        questions = self.questionnaire.questions
        for index in range(after + 1, len(questions)):
            question_id = questions[index].id
            if question_id not in self.answers and question_id not in skipped:
                return index
        return None

    @property
    def minutes(self) -> float:
        """The interview's duration so far: earlier sessions plus this one."""
        return self._earlier_minutes + (self._clock() - self._started) / 60.0

    @property
    def answered(self) -> int:
        """How many questions this respondent has answered (n/a included)."""
        return len(self.answers)

    def record(self, question: Question, given: GivenAnswer) -> None:
        """Save an answer durably: append it, or rewrite the file if it replaces one."""
        replacing = question.id in self.answers
        self.answers[question.id] = given
        if replacing or self.recovered_partial_line or self._stale_header:
            self.recovered_partial_line = False
            self._stale_header = False
            self.rewrite()
            return
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            if new_file:
                writer.writerow(HEADER)
            writer.writerow(self._row(question.id, given, self.minutes))
            handle.flush()
            os.fsync(handle.fileno())

    def _row(self, question_id: str, given: GivenAnswer, minutes: float) -> list[str]:
        return [
            neutralise_cell(self.respondent),
            question_id,
            given.answer,
            neutralise_cell(given.comment),
            neutralise_cell(self.role or ""),
            given.confidence,
            self.date or "",
            neutralise_cell(self.interviewer or ""),
            f"{max(minutes, 0.1):.1f}",
        ]

    def rewrite(self) -> None:
        """Write the whole file again, atomically, in questionnaire order."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(self._others)
        minutes = self.minutes
        writer.writerows(
            self._row(q.id, self.answers[q.id], minutes)
            for q in self.questionnaire.questions
            if q.id in self.answers
        )
        atomic_write(self.path, buffer.getvalue())


def normalise_answer(text: str) -> str | None:
    """``"4"`` or ``"n/a"`` for a valid typed answer, None otherwise."""
    value, not_applicable, problem = parse_answer(text)
    if problem or (value is None and not not_applicable):
        return None
    return "n/a" if not_applicable else str(value)
