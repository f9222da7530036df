"""The one exception tree of boaudit and the exit codes it maps to.

The core raises these; the CLI catches :class:`BoauditError` in one place, prints each line of
:attr:`BoauditError.lines` to stderr and exits with :attr:`BoauditError.exit_code`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (DESIGN.md section 5), modelled on BSD ``sysexits.h``."""

    OK = 0
    """Success."""
    THRESHOLD = 1
    """A threshold in the run's configuration was breached."""
    USAGE = 2
    """The command line was wrong."""
    DATAERR = 65
    """Input data is unusable."""
    NOINPUT = 66
    """An input is missing or unreadable."""
    SOFTWARE = 70
    """An internal error: a bug in boaudit."""
    CANTCREAT = 73
    """An output cannot be written."""
    TEMPFAIL = 75
    """A resource is busy (the history is locked by another run); try again."""
    CONFIG = 78
    """A configuration or questionnaire file is invalid."""


class BoauditError(Exception):
    """Base of every error boaudit raises on purpose.

    ``message`` is one line a person can act on: what is wrong, where (file, row, column or
    key) and what to do. ``details`` are further lines of the same kind, for errors that
    collect several problems (e.g. every bad answer in a file).
    """

    exit_code: ExitCode = ExitCode.SOFTWARE

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line to show the user, the headline first."""
        return (self.message, *self.details)


class InputDataError(BoauditError):
    """Input data exists but cannot be used as it is (exit 65)."""

    exit_code = ExitCode.DATAERR


class LimitError(InputDataError):
    """Input beyond one of the limits against hostile files (exit 65).

    ``fault`` says what is too big, ``option`` names the command-line option that raises the
    limit; a reader whose command has no such option (answer files) words its own advice.
    """

    def __init__(self, fault: str, option: str, advice: str) -> None:
        super().__init__(f"{fault}; {advice}")
        self.fault = fault
        self.option = option


class InputMissingError(BoauditError):
    """An input file is missing or cannot be read at all (exit 66)."""

    exit_code = ExitCode.NOINPUT


class OutputError(BoauditError):
    """An output file cannot be written (exit 73)."""

    exit_code = ExitCode.CANTCREAT


class BusyError(BoauditError):
    """A resource another process holds, such as the history during another run (exit 75)."""

    exit_code = ExitCode.TEMPFAIL


class ConfigError(BoauditError):
    """A configuration, mapping or questionnaire file is invalid (exit 78)."""

    exit_code = ExitCode.CONFIG


class QuestionnaireError(ConfigError):
    """A questionnaire file is invalid or cannot be found."""


class AnswersError(InputDataError):
    """Answer files that cannot be scored as they are."""


class UsageError(BoauditError):
    """Options that contradict each other or cannot be honoured (exit 2)."""

    exit_code = ExitCode.USAGE
