"""What every command shares: error handling, consoles, output formats and writing outputs."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from boaudit.errors import BoauditError, ExitCode
from boaudit.fileio import atomic_write

P = ParamSpec("P")
R = TypeVar("R")


class State:
    """Process-wide CLI switches set by the root callback."""

    debug: bool = False


def stderr_console() -> Console:
    """A console for people: stderr, no colour when not a terminal or when NO_COLOR is set."""
    return Console(stderr=True, highlight=False, no_color=bool(os.environ.get("NO_COLOR")))


def stdout_console(width: int | None = None) -> Console:
    """A console for data on stdout (rich tables); plain when not a terminal. Markup is off:
    cells hold names and text from exports and questionnaires, where ``[x]`` is text."""
    return Console(
        highlight=False, markup=False, no_color=bool(os.environ.get("NO_COLOR")), width=width
    )


def fail(error: BoauditError) -> NoReturn:
    """Print ``error`` as one line per problem on stderr and exit with its code."""
    lines = error.lines
    shown = lines[:25]
    for line in shown:
        print(f"boaudit: error: {line}", file=sys.stderr)
    if len(lines) > len(shown):
        print(f"boaudit: error: ... and {len(lines) - len(shown)} more", file=sys.stderr)
    if State.debug:
        traceback.print_exc(file=sys.stderr)
    raise typer.Exit(int(error.exit_code))


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn boaudit errors into one line each on stderr and the documented exit code.

    Unexpected exceptions are bugs: they exit 70 with one line, and the traceback with --debug.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except BoauditError as error:
            fail(error)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # a bug: keep it to one line unless --debug
            if State.debug:
                traceback.print_exc(file=sys.stderr)
            print(
                f"boaudit: internal error: {type(error).__name__}: {error}; "
                "rerun with --debug and report the traceback",
                file=sys.stderr,
            )
            raise typer.Exit(int(ExitCode.SOFTWARE)) from None

    return wrapper


class TextFormat(StrEnum):
    """Formats for commands that print a table or structured data."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the output here (- for stdout).")
]
"""``--output`` of the commands that write data (inspect, metrics)."""


def write_output(data: str | bytes, output: Path | None) -> None:
    """Write ``data`` to ``output`` atomically, or to stdout when ``output`` is None or ``-``."""
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    atomic_write(output, data)


def display(draw: Callable[[Console], None], output: Path | None, width: int = 100) -> None:
    """Draw rich output on the terminal, or into ``output`` as plain text ``width`` wide."""
    if output is None or str(output) == "-":
        draw(stdout_console())
        return
    console = stdout_console(width=width)
    with console.capture() as capture:
        draw(console)
    write_output(capture.get(), output)


def note(message: str) -> None:
    """A message for people, on stderr, one line (never wrapped: logs and greps stay whole)."""
    print(message, file=sys.stderr)
