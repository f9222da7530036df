"""What every command shares: error handling, consoles, output formats and writing outputs."""

from __future__ import annotations

import errno
import functools
import io
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from boaudit.errors import BoauditError, ExitCode, OutputError, UsageError
from boaudit.fileio import atomic_write
from boaudit.textsafe import printable

P = ParamSpec("P")
R = TypeVar("R")


class State:
    """Process-wide CLI switches set by the root callback."""

    debug: bool = False


PLAIN_WIDTH = 10_000
"""Line width of tables that do not go to a terminal: wide enough that no cell is cut."""


class BoauditConsole(Console):
    """A rich console that shows text from the data as it is stored, never obeys it.

    Every string it renders has its control characters (escape sequences, bells, backspaces,
    bidirectional overrides) shown escaped. Without a terminal its tables are plain aligned
    text (no box drawing; cut at no width). A closed pipe raises :class:`BrokenPipeError`,
    for the command to end quietly (rich itself would exit 1).
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if not self.is_terminal:
            for item in objects:
                if isinstance(item, Table):
                    plain_table(item)
        super().print(*objects, **kwargs)

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader of stdout left")


def plain_table(table: Table) -> None:
    """Make ``table`` plain aligned text: no borders, a blank line for a section break."""
    table.box = None
    table.show_edge = False
    table.pad_edge = False
    if table.show_lines:  # rows of several lines each: a blank line between two rows
        table.leading = 1


def stderr_console() -> Console:
    """A console for people: stderr, no colour when not a terminal or when NO_COLOR is set."""
    return BoauditConsole(stderr=True, highlight=False, no_color=bool(os.environ.get("NO_COLOR")))


def stdout_console(width: int | None = None) -> Console:
    """A console for data on stdout (rich tables): on a terminal, boxed tables at its width;
    otherwise plain aligned text, as wide as the data. Markup is off: cells hold names and
    text from exports and questionnaires, where ``[x]`` is text."""
    console = BoauditConsole(
        highlight=False, markup=False, no_color=bool(os.environ.get("NO_COLOR")), width=width
    )
    if not console.is_terminal and width is None:
        console.width = PLAIN_WIDTH
    return console


def safe_text(text: str, style: str = "") -> Text:
    """A rich Text of data (an export's or a questionnaire's words), control characters
    shown escaped."""
    return Text(printable(text), style=style)


TERMINATED = 143
"""Exit status after SIGTERM (128 + 15), as a shell reports it."""


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(TERMINATED)


def clean_up_on_signals() -> None:
    """Turn SIGTERM into an exception, as Ctrl-C (SIGINT) already is, so that an interrupted
    atomic write removes its temporary file and the process exits 143. Only the console
    entry point calls this: a library must leave its host's signals alone."""
    signal.signal(signal.SIGTERM, _terminate)


PIPE_CLOSED = 141
"""Exit status when the reader of stdout left (``| head -1``): 128 + SIGPIPE, as a shell
reports a program the closed pipe stopped, so ``set -o pipefail`` scripts see what they
would see of ``grep`` or ``cat``. Nothing is printed."""


def _stdout_to_devnull() -> None:
    """Point the stdout file descriptor at /dev/null, so the interpreter's last flush of what
    is still buffered neither fails nor prints a complaint."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture stdout)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Write to stdout inside this block: a closed pipe ends the command quietly with
    :data:`PIPE_CLOSED`; any other failure (a full disk, ``>/dev/full``) is exit 73."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _stdout_to_devnull()
        if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
            raise typer.Exit(PIPE_CLOSED) from None
        raise OutputError(
            f"standard output: cannot write: {exc.strerror or exc}; free space or write to a "
            "file with -o"
        ) from exc


def fail(error: BoauditError) -> NoReturn:
    """Print ``error`` as one line per problem on stderr and exit with its code."""
    lines = error.lines
    shown = lines[:25]
    for line in shown:
        print(f"boaudit: error: {printable(line, lines=False)}", file=sys.stderr)
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
        except BrokenPipeError:  # the reader of stdout left: nothing to say, nobody to say it to
            _stdout_to_devnull()
            raise typer.Exit(PIPE_CLOSED) from None
        except Exception as error:  # a bug: keep it to one line unless --debug
            if State.debug:
                traceback.print_exc(file=sys.stderr)
            print(
                f"boaudit: internal error: {type(error).__name__}: "
                f"{printable(str(error), lines=False)}; "
                "rerun with --debug and report the traceback",
                file=sys.stderr,
            )
            raise typer.Exit(int(ExitCode.SOFTWARE)) from None

    return wrapper


FLAG_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})
"""Words a user may type after a flag, expecting it to take a value."""


def reject_flag_values(paths: list[Path], flag: str) -> None:
    """A path among ``paths`` that is ``true``/``false``/... and no file was meant for
    ``flag`` (``--by-role true``): say that a flag takes no value, not "true: no such file"."""
    for path in paths:
        if str(path).lower() in FLAG_WORDS and not path.exists():
            raise UsageError(
                f"'{path}' is not a file: {flag} is a flag and takes no value; give it alone "
                f"({flag}, not {flag} {path})"
            )


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
        with writing_stdout():
            if isinstance(data, bytes):
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data)
        return
    atomic_write(output, data)


def display(draw: Callable[[Console], None], output: Path | None) -> None:
    """Draw rich output on a terminal; into a pipe or ``output``, plain aligned text."""
    to_stdout = output is None or str(output) == "-"
    if to_stdout:
        console = stdout_console()
        if console.is_terminal:
            with writing_stdout():
                draw(console)
            return
    buffer = io.StringIO()
    plain = BoauditConsole(
        file=buffer,
        highlight=False,
        markup=False,
        no_color=True,
        width=PLAIN_WIDTH,
        force_terminal=False,
    )
    draw(plain)
    text = "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))
    write_output(text, None if to_stdout else output)


def rendered_xlsx(render: Callable[[], R], path: Path | str) -> R:
    """Run ``render`` (which builds a workbook) and say once on stderr when texts lost
    characters that a workbook (XML 1.0) cannot hold."""
    from boaudit.xlsxio import counting_removals

    with counting_removals() as removals:
        data = render()
    if removals.texts:
        note(
            f"note: {path}: {removals.texts:,} text(s) held control characters a workbook "
            "cannot store (such as \\x0b or \\x16); they were left out"
        )
    return data


def note(message: str) -> None:
    """A message for people, on stderr, one line (never wrapped: logs and greps stay whole);
    control characters from the data are shown escaped, never obeyed."""
    print(printable(message, lines=False), file=sys.stderr)
