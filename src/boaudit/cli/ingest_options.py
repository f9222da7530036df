"""Options shared by every command that reads exports (inspect, metrics, report), defined once.

Each alias is an ``Annotated`` type for a Typer parameter; :data:`INGEST_OPTIONS` attaches them
to a command, which receives ``ingest_options`` (the library's
:class:`~boaudit.ingest.options.IngestOptions`, built by :func:`ingest_options`) and the
``quarantine`` path.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from boaudit.cli.bundles import OptionBundle, option
from boaudit.cli.common import note, stderr_console
from boaudit.errors import UsageError
from boaudit.fileio import atomic_write
from boaudit.ingest.options import DEFAULT_COMPLETION_PATTERNS, Decimal, IngestOptions, Limits

if TYPE_CHECKING:
    from boaudit.ingest import LoadResult, QuarantinedRow

# The light module only: reading the exports (pandas) is imported by the commands when they run.

_PANEL = "Reading exports"


class KindChoice(StrEnum):
    """The ``--kind`` of data in the inputs."""

    tasks = "tasks"
    invoices = "invoices"
    events = "events"


SourcesArg = Annotated[
    list[str],
    typer.Argument(
        help="Export files (CSV, TSV, .gz, XLSX, XLS, ODS, Parquet, XES), or - for stdin.",
        show_default=False,
    ),
]
KindOpt = Annotated[
    KindChoice | None,
    typer.Option("--kind", "-k", help="What the rows are; detected from the headers if omitted."),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of CSV files (default UTF-8, with or without BOM), e.g. cp1252.",
        rich_help_panel=_PANEL,
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        help="CSV field delimiter (default: sniffed among , ; TAB |); 'tab' for TAB.",
        rich_help_panel=_PANEL,
    ),
]
DecimalOpt = Annotated[
    str | None,
    typer.Option(
        "--decimal",
        help="Decimal separator of amounts when the values cannot tell: ',' or '.'.",
        rich_help_panel=_PANEL,
    ),
]
DayFirstOpt = Annotated[
    bool | None,
    typer.Option(
        "--dayfirst/--monthfirst",
        help="Read 01/02/2025 as 1 February (--dayfirst) or 2 January (--monthfirst); "
        "by default inferred per column when the values prove it.",
        rich_help_panel=_PANEL,
        show_default=False,
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Workbook sheet: a name, or a number from 1 (default: the first visible sheet).",
        rich_help_panel=_PANEL,
    ),
]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help='A TOML file of canonical_name = "Source column" lines overriding the synonyms.',
        rich_help_panel=_PANEL,
    ),
]
QuarantineOpt = Annotated[
    Path | None,
    typer.Option(
        "--quarantine",
        help="Write the rows that could not be used, with their reasons, to this CSV file.",
        rich_help_panel=_PANEL,
    ),
]
CompletionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--completion",
        help="Regex of an activity that completes an event-log case; repeat for several "
        "(replaces the defaults: close, resolve, complete, clear, pay, done, finish).",
        rich_help_panel=_PANEL,
    ),
]
_DEFAULTS = Limits()
MaxRowsOpt = Annotated[
    int,
    typer.Option("--max-rows", min=1, help="Most data rows per file.", rich_help_panel=_PANEL),
]
MaxColumnsOpt = Annotated[
    int,
    typer.Option("--max-columns", min=1, help="Most columns per file.", rich_help_panel=_PANEL),
]
MaxCellsOpt = Annotated[
    int,
    typer.Option(
        "--max-cells",
        min=1,
        help="Most cells in a sheet's used range (rows x columns up to its last cell).",
        rich_help_panel=_PANEL,
    ),
]
MaxCellCharsOpt = Annotated[
    int,
    typer.Option(
        "--max-cell-chars", min=1, help="Most characters in one cell.", rich_help_panel=_PANEL
    ),
]
MaxBytesOpt = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        min=1,
        help="Most bytes of a file after decompression (gzip, XLSX parts).",
        rich_help_panel=_PANEL,
    ),
]
DEFAULT_MAX_ROWS = _DEFAULTS.max_rows
DEFAULT_MAX_COLUMNS = _DEFAULTS.max_columns
DEFAULT_MAX_CELLS = _DEFAULTS.max_cells
DEFAULT_MAX_CELL_CHARS = _DEFAULTS.max_cell_chars
DEFAULT_MAX_BYTES = _DEFAULTS.max_bytes


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value.lower(), value)
    if len(value) != 1:
        raise UsageError(f"--delimiter {value!r}: give one character, or 'tab'")
    return value


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    if value == ",":
        return ","
    if value == ".":
        return "."
    raise UsageError(f"--decimal {value!r}: give ',' or '.'")


def ingest_options(
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    dayfirst: bool | None = None,
    sheet: str | None = None,
    map_file: Path | None = None,
    completion: list[str] | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cells: int = DEFAULT_MAX_CELLS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> IngestOptions:
    """Build :class:`IngestOptions` from the shared options (reads the ``--map`` file)."""
    from boaudit.ingest.mapping import read_map_file

    return IngestOptions(
        encoding=encoding,
        delimiter=_delimiter(delimiter),
        decimal=_decimal(decimal),
        date_order="auto" if dayfirst is None else ("dayfirst" if dayfirst else "monthfirst"),
        sheet=sheet,
        mapping=read_map_file(map_file) if map_file is not None else {},
        limits=Limits(
            max_rows=max_rows,
            max_columns=max_columns,
            max_cells=max_cells,
            max_cell_chars=max_cell_chars,
            max_bytes=max_bytes,
        ),
        completion_patterns=tuple(completion) if completion else DEFAULT_COMPLETION_PATTERNS,
    )


def _received(values: Mapping[str, Any]) -> dict[str, Any]:
    options = {name: value for name, value in values.items() if name != "quarantine"}
    return {"ingest_options": ingest_options(**options), "quarantine": values["quarantine"]}


INGEST_OPTIONS = OptionBundle(
    options=(
        option("quarantine", QuarantineOpt),
        option("encoding", EncodingOpt),
        option("delimiter", DelimiterOpt),
        option("decimal", DecimalOpt),
        option("dayfirst", DayFirstOpt),
        option("sheet", SheetOpt),
        option("map_file", MapOpt),
        option("completion", CompletionOpt),
        option("max_rows", MaxRowsOpt, DEFAULT_MAX_ROWS),
        option("max_columns", MaxColumnsOpt, DEFAULT_MAX_COLUMNS),
        option("max_cells", MaxCellsOpt, DEFAULT_MAX_CELLS),
        option("max_cell_chars", MaxCellCharsOpt, DEFAULT_MAX_CELL_CHARS),
        option("max_bytes", MaxBytesOpt, DEFAULT_MAX_BYTES),
    ),
    gives=("ingest_options", "quarantine"),
    build=_received,
)
"""The "Reading exports" options: the command takes ``*, ingest_options: IngestOptions,
quarantine: Path | None``, and the options stand in ``--help`` where those are declared."""


def load_with_progress(sources: list[str], kind: str | None, options: IngestOptions) -> LoadResult:
    """Load the exports, showing progress on a terminal (a bar of the bytes read of a large
    file, with the rate) and nothing otherwise."""
    from boaudit.cli.progress import TerminalProgress
    from boaudit.ingest import load

    if not sys.stderr.isatty():
        return load(sources, kind, options)  # type: ignore[arg-type]
    with TerminalProgress(stderr_console()) as progress:
        return load(sources, kind, options, on_progress=progress)  # type: ignore[arg-type]


def write_quarantine(path: Path, rows: list[QuarantinedRow]) -> None:
    """Write the ``--quarantine`` file and say so on stderr."""
    from boaudit.ingest import quarantine_csv

    atomic_write(path, quarantine_csv(rows))
    note(f"wrote {len(rows):,} quarantined row(s): {path}")
