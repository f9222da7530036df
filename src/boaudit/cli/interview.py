"""``boaudit interview``: ask a questionnaire in the terminal, saving every answer at once."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from boaudit.cli.common import BoauditConsole, handles_errors
from boaudit.errors import ExitCode, OutputError, UsageError
from boaudit.fileio import make_folder

if TYPE_CHECKING:
    from boaudit.questionnaire.interview import InterviewFile
    from boaudit.questionnaire.models import Question, Questionnaire

# The questionnaire package and the taxonomy (pydantic models) are imported where they are
# used: importing this module must stay cheap, every command's start-up pays for it.

INTERRUPTED = 130
"""Exit status after Ctrl-C or end of input, as shells report SIGINT."""

KEYS = "1-5, n/a, ? more help, b back, s skip, q quit"


class _Back(Exception):
    pass


class _Skip(Exception):
    pass


class _Quit(Exception):
    pass


@handles_errors
def interview(
    questionnaire: Annotated[str, typer.Argument(help="A bundled id or a path to a .toml file.")],
    respondent: Annotated[str, typer.Option("--respondent", "-r", help="Who is answering.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The answer file (.csv); resumed if it exists.")
    ],
    role: Annotated[
        str | None, typer.Option("--role", help="The respondent's role, e.g. 'AP clerk'.")
    ] = None,
    review: Annotated[
        bool, typer.Option("--review", help="List the answers given and change any of them.")
    ] = False,
    interviewer: Annotated[
        str | None, typer.Option("--interviewer", help="Who runs the interview (a role).")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The interview's date, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Run an interview in the terminal; every answer is saved the moment it is given.

    Each question shows its guidance and what each answer 1 to 5 looks like. Type 1 to 5 or
    n/a, '?' for more help, 'b' to go back, 's' to skip for now, 'q' to stop; then how the
    respondent knows it (e seen evidence, t told, g guess: scoring weights 1.0, 0.7, 0.4;
    Enter: not given, 1.0) and an optional comment. Each row also records the date, the
    interviewer and the minutes spent so far (added up over resumed sessions). The answers go to
    a long-format CSV that 'boaudit assess' reads; running the same command again resumes at
    the first unanswered question. Without a terminal, use 'boaudit template' instead.
    """
    from boaudit.questionnaire.answers import parse_interview_date

    day, problem = parse_interview_date(date)
    if problem:  # checked first: a mistyped option is said before anything else
        raise UsageError(f"--date: {problem}")
    if not sys.stdin.isatty():
        raise UsageError(
            "interview needs a terminal to ask questions; to collect answers another way, "
            "write a sheet with 'boaudit template ID -o answers.xlsx' and score it with "
            "'boaudit assess'"
        )
    if output.suffix.lower() != ".csv":
        raise UsageError(f"{output}: the interview file must be a .csv")
    name = respondent.strip()
    if not name:
        raise UsageError("--respondent is blank; give the respondent's name or role")
    from boaudit.questionnaire import load_questionnaire
    from boaudit.questionnaire.interview import InterviewFile

    loaded = load_questionnaire(questionnaire)
    # The folder is made, and checked writable, before the first question: an answer
    # typed must never be lost to a file that cannot be written.
    folder = make_folder(output)
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise OutputError(f"{output}: cannot write here (no permission); choose another -o")
    sheet = InterviewFile(
        output,
        loaded,
        name,
        role.strip() if role else None,
        interviewer=interviewer.strip() if interviewer and interviewer.strip() else None,
        date=day,
    )
    console = BoauditConsole(highlight=False)
    try:
        if review:
            _review(console, sheet)
        else:
            _ask_all(console, sheet)
    except (KeyboardInterrupt, EOFError, _Quit) as stop:
        console.print()
        console.print(
            f"Stopped: {sheet.answered} of {len(loaded.questions)} answers are saved in "
            f"{output}. Run the same command to resume.",
            markup=False,
        )
        code = ExitCode.OK if isinstance(stop, _Quit) else INTERRUPTED
        raise typer.Exit(int(code)) from None


def _ask_all(console: Console, sheet: InterviewFile) -> None:
    questions = sheet.questionnaire.questions
    total = len(questions)
    skipped: set[str] = set()
    index = sheet.first_unanswered()
    if index is None:
        console.print(
            f"All {total} questions are answered in {sheet.path}; use --review to change one.",
            markup=False,
        )
        return
    if sheet.answered:
        console.print(
            f"Resuming {sheet.respondent}: {sheet.answered} of {total} answered.", markup=False
        )
    while index is not None:
        at: int = index
        try:
            _ask(console, sheet, at)
            index = sheet.first_unanswered(at, frozenset(skipped))
        except _Back:
            if at == 0:
                console.print("This is the first question.")
            index = max(at - 1, 0)
        except _Skip:
            skipped.add(questions[at].id)
            index = sheet.first_unanswered(at, frozenset(skipped))
    left = total - sheet.answered
    console.print(
        f"Done: {sheet.answered} of {total} answered and saved in {sheet.path}.", markup=False
    )
    if left:
        console.print(
            f"{left} question(s) skipped or unanswered: run the same command to answer them.",
            markup=False,
        )


def _header(console: Console, questionnaire: Questionnaire, question: Question, index: int) -> None:
    from boaudit.taxonomy import load_taxonomy

    section = questionnaire.section_of(question.id)
    number = [s.number for s in questionnaire.sections].index(section.number) + 1
    pitfall = load_taxonomy().get(question.pitfall).title
    console.rule(
        f"Section {section.number} ({number} of {len(questionnaire.sections)}): {section.title}",
        style="dim",
    )
    console.print(
        f"Question {index + 1} of {len(questionnaire.questions)}  [{question.id}]  "
        f"pitfall: {pitfall}  weight {question.weight}",
        markup=False,
    )
    console.print(question.text, style="bold", markup=False)
    console.print(f"Guidance: {question.guidance}", style="dim", markup=False)
    rubric = question.rubric.as_dict()
    for key in sorted(rubric):
        console.print(f"  {key} = {rubric[key]}", markup=False)


def _ask(console: Console, sheet: InterviewFile, index: int) -> None:
    """Ask one question until it gets a valid answer; raise _Back/_Skip/_Quit on request."""
    from boaudit.questionnaire.interview import GivenAnswer, normalise_answer
    from boaudit.taxonomy import load_taxonomy

    question = sheet.questionnaire.questions[index]
    _header(console, sheet.questionnaire, question, index)
    current = sheet.answers.get(question.id)
    while True:
        hint = f" (now {current.answer}; Enter keeps it)" if current else ""
        reply = console.input(f"Answer [{KEYS}]{hint}: ").strip().lower()
        if reply == "" and current:
            return
        if reply in {"b", "back"}:
            raise _Back
        if reply in {"s", "skip"}:
            raise _Skip
        if reply in {"q", "quit"}:
            raise _Quit
        if reply in {"?", "h", "help"}:
            pitfall = load_taxonomy().get(question.pitfall)
            console.print(f"{pitfall.title}: {pitfall.description}", markup=False)
            console.print(
                "1 = the mistake is fully present, 5 = best practice; pick the rubric line "
                "closest to what you heard; n/a = does not apply here (left out of the score).",
                markup=False,
            )
            continue
        answer = normalise_answer(reply)
        if answer is None:
            console.print(f"Please type {KEYS}.", markup=False)
            continue
        confidence = "" if answer == "n/a" else _confidence(console)
        comment = console.input("Comment (Enter for none): ").strip()
        sheet.record(question, GivenAnswer(answer, comment, confidence))
        return


CONFIDENCE_KEYS = {"e": "seen", "t": "told", "g": "guess", "": ""}
CONFIDENCE_NAMES = {"seen": "seen evidence", "told": "told", "guess": "guess"}


def _confidence(console: Console) -> str:
    """How the respondent knows the answer: seen evidence, told, guess, or not given."""
    while True:
        reply = console.input(
            "How do they know? e seen evidence, t told, g guess (Enter: not given): "
        )
        level = CONFIDENCE_KEYS.get(reply.strip().lower())
        if level is not None:
            return level
        console.print("Please type e, t, g or press Enter.", markup=False)


def _review(console: Console, sheet: InterviewFile) -> None:
    from rich.table import Table
    from rich.text import Text

    from boaudit.textsafe import printable

    questions = sheet.questionnaire.questions
    while True:
        table = Table(
            title=f"{sheet.respondent}: {sheet.answered} of {len(questions)} answered",
            show_lines=True,
        )
        table.add_column("#", justify="right")
        table.add_column("question", ratio=3)
        table.add_column("answer", no_wrap=True)
        table.add_column("comment", ratio=1)
        for number, question in enumerate(questions, start=1):
            given = sheet.answers.get(question.id)
            text = Text(printable(question.text))
            text.append(f"\n{question.id}", style="dim")
            table.add_row(
                str(number),
                text,
                (
                    f"{given.answer} ({CONFIDENCE_NAMES[given.confidence]})"
                    if given and given.confidence
                    else given.answer
                    if given
                    else "- (not answered)"
                ),
                printable(given.comment) if given else "",
            )
        console.print(table)
        reply = console.input("Number of the question to change (Enter to finish): ").strip()
        if not reply:
            return
        if not reply.isdigit() or not 1 <= int(reply) <= len(questions):
            console.print(f"Type a number from 1 to {len(questions)}, or Enter.", markup=False)
            continue
        try:
            _ask(console, sheet, int(reply) - 1)
        except (_Back, _Skip):
            continue
