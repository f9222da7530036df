"""The command line as a user meets it: value names in ``--help``, one-line usage errors.

:class:`BoauditGroup` is the root command's class. Before parsing it names the value of every
option the way a user types it (``FILE``, ``DATE``, ``COLUMN``; nothing after a flag), and it
turns a usage error into one line on stderr, ``boaudit: error: ...; see 'boaudit CMD --help'``,
with exit 2, like every other error of boaudit.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any, get_args

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from boaudit.cli.common import FLAG_WORDS
from boaudit.errors import ExitCode
from boaudit.textsafe import printable

METAVARS = {
    "annual_volume": "KIND=N",
    "answers": "FILE",
    "as_of": "DATE",
    "baseline": "RUN|DATE",
    "benchmarks": "FILE",
    "by": "COLUMN",
    "completion": "REGEX",
    "config": "CONFIG",
    "currency": "CODE",
    "date": "DATE",
    "database": "FILE",
    "decimal": "CHAR",
    "delimiter": "CHAR",
    "effort": "PITFALL=LEVEL",
    "encoding": "ENCODING",
    "error_cost": "AMOUNT",
    "events": "FILE",
    "exceptions": "FILE",
    "expected": "STEPS",
    "hourly_rate": "AMOUNT",
    "interviewer": "NAME",
    "invoices": "FILE",
    "kind": "KIND",
    "late_payment_rate": "SHARE",
    "map_file": "FILE",
    "max_bytes": "BYTES",
    "max_cell_chars": "CHARS",
    "max_columns": "COLUMNS",
    "max_rows": "ROWS",
    "output": "FILE",
    "path": "FILE",
    "plan": "FILE",
    "quarantine": "FILE",
    "questionnaire": "ID|FILE",
    "respondent": "NAME",
    "role": "ROLE",
    "sheet": "SHEET",
    "sla": "DURATION",
    "sla_map": "FILE",
    "sources": "FILE",
    "tasks": "FILE",
    "test": "ID.PARAM=VALUE",
    "title": "TEXT",
    "variants": "K",
    "write_map": "FILE",
}
"""The value a user types after each option (or as each argument), by parameter name."""

_BY_TYPE: dict[Any, str] = {Path: "FILE", int: "N", float: "NUMBER", str: "TEXT"}


def _metavar(param: TyperOption | TyperArgument) -> str:
    """What ``--help`` shows for ``param``'s value: empty for a flag."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    descriptor = param.type_descriptor
    name = METAVARS.get(param.name or "")
    if name is None and descriptor.is_choice and descriptor.choices:
        name = "|".join(str(c.value if isinstance(c, Enum) else c) for c in descriptor.choices)
    if name is None:
        annotation = descriptor.annotation
        inner = get_args(annotation)
        base = inner[0] if descriptor.is_list and inner else annotation
        name = _BY_TYPE.get(base, "VALUE")
    if isinstance(param, TyperArgument) and param.nargs != 1:
        name += "..."
    return name


def _no_type(ctx: Any) -> None:
    return None


def name_values(command: Any) -> None:
    """Give every parameter of ``command`` a user-facing value name."""
    for param in getattr(command, "params", ()):
        if isinstance(param, TyperOption | TyperArgument) and param.metavar is None:
            param.metavar = _metavar(param)
        if isinstance(param, TyperArgument):
            # An argument's name column shows its metavar already; no Python type beside it,
            # and the usage line shows FILE... (required) or [FILE...], as man pages do.
            vars(param)["display_type_rich"] = _no_type
            shown = param.metavar if param.required else f"[{param.metavar}]"
            vars(param)["_usage_display_name"] = lambda shown=shown: shown


def _help_flag(option: Any) -> Any:
    if option is not None:
        option.metavar = ""
    return option


class BoauditCommand(TyperCommand):
    """A sub-command: user-facing value names in its help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_values(self)

    def get_help_option(self, ctx: Any) -> Any:
        return _help_flag(super().get_help_option(ctx))


_WORDING = {
    "Input should be a valid integer, unable to parse string as an integer": (
        "give a whole number"
    ),
    "Input should be a valid number, unable to parse string as a number": "give a number",
}


def one_line(error: Exception) -> str:
    """A usage error's message as one line: which option, what is wrong, what to do."""
    format_message = getattr(error, "format_message", None)
    message = format_message() if callable(format_message) else str(error)
    message = " ".join(message.replace("Value error, ", "").split())
    for pydantic, plain in _WORDING.items():
        message = message.replace(pydantic, plain)
    message = re.sub(r"^Invalid value for ('[^']+')( / '-\w')?: ", r"\1: ", message)
    extra = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.+)\)", message)
    if extra and set(extra.group(1).lower().split()) & FLAG_WORDS:
        message += "; a flag (--by-role, --verbose, --review, ...) takes no value: give it alone"
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        message = message.rstrip(".") + f"; see '{ctx.command_path} --help'"
    return printable(message)


class BoauditGroup(TyperGroup):
    """A command group (the root one and ``questionnaires``): its help shows no Python types;
    the root one prints usage errors as one line (exit 2)."""

    def get_help_option(self, ctx: Any) -> Any:
        return _help_flag(super().get_help_option(ctx))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        # The click that Typer ships: its usage errors are these classes.
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            code = super().main(
                args,
                prog_name or "boaudit",
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except NoArgsIsHelpError:  # the help is printed already
            code = int(ExitCode.USAGE)
        except ClickException as error:
            print(f"boaudit: error: {one_line(error)}", file=sys.stderr)
            code = error.exit_code
        except typer.Abort:
            print("boaudit: stopped", file=sys.stderr)
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)
