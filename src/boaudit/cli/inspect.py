"""``boaudit inspect``: what the loader makes of an export, before any metric is computed."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from boaudit.cli.common import OutputOpt, display, handles_errors, write_output
from boaudit.cli.ingest_options import (
    INGEST_OPTIONS,
    KindOpt,
    SourcesArg,
    load_with_progress,
    write_quarantine,
)
from boaudit.document import JsonObject
from boaudit.fileio import atomic_write, dumps_json

if TYPE_CHECKING:
    from rich.console import Console

    from boaudit.ingest import LoadResult
    from boaudit.ingest.options import IngestOptions

# Reading the exports (pandas) is imported in the command: every command's start-up imports
# this module to build the options.


def note(message: str) -> None:
    """A message for people on stderr, never wrapped (paths stay whole for copy and paste)."""
    typer.echo(message, err=True)


class InspectFormat(StrEnum):
    """Formats of ``boaudit inspect``."""

    table = "table"
    json = "json"


def inspect_dict(result: LoadResult) -> JsonObject:
    """The JSON document of ``inspect`` (``rows`` is ``RowAccount.to_dict()``)."""
    from boaudit.ingest import column_summaries

    return {
        "kind": result.kind,
        "sources": [info.to_dict() for info in result.detected],
        "mapping": dict(result.columns),
        "unmapped": list(result.unmapped),
        "columns": [summary.to_dict() for summary in column_summaries(result)],
        "rows": result.account.to_dict(),
        "skipped": dict(result.account.skipped),
        "cases": result.cases,
        "completion": result.completion,
        "amount_scale": dict(result.amount_scale),
        "value_problems": {
            column: {"count": count, "examples": result.value_examples.get(column, [])}
            for column, count in result.value_problems.items()
        },
        "notes": list(result.notes),
    }


def _render_table(result: LoadResult, console: Console) -> None:
    from rich.table import Table

    from boaudit.ingest import column_summaries

    detected = Table(title="Detected", title_justify="left")
    for heading in (
        "source",
        "format",
        "encoding",
        "delimiter",
        "sheet",
        "header row",
        "rows",
        "looks like",
    ):
        detected.add_column(heading)
    for info in result.detected:
        detected.add_row(
            info.source,
            info.format + (f" ({info.compression})" if info.compression else ""),
            info.encoding or "",
            {"\t": "TAB"}.get(info.delimiter or "", info.delimiter or ""),
            info.sheet or "",
            str(info.header_row),
            f"{info.rows:,}",
            info.likely_kind or "?",
        )
    console.print(detected)
    columns = Table(title=f"Columns (kind: {result.kind})", title_justify="left")
    for heading in ("canonical", "<- source", "type", "examples", "nulls", "problems"):
        columns.add_column(heading)
    for summary in column_summaries(result):
        if summary.source is None and summary.nulls == len(result.frame) and len(result.frame):
            continue
        columns.add_row(
            summary.column,
            summary.source or "-",
            summary.type,
            ", ".join(summary.examples),
            f"{summary.nulls:,}",
            f"{summary.problems:,}" if summary.problems else "",
        )
    console.print(columns)
    if result.unmapped:
        console.print("Unmapped source columns: " + ", ".join(result.unmapped))
    rows = result.account.to_dict()
    line = (
        f"Rows: read {rows['read']:,}, accepted {rows['accepted']:,}, "
        f"quarantined {rows['quarantined']:,}, skipped {rows['skipped']:,}"
    )
    if result.account.skipped:
        line += " (" + ", ".join(f"{k} {v:,}" for k, v in result.account.skipped.items()) + ")"
    if result.cases is not None:
        line += f"; cases {result.cases:,}"
    completion = result.completion
    if completion is not None:
        line += f", completed {completion['completed']:,}"
    console.print(line)


@handles_errors
@INGEST_OPTIONS
def inspect(
    sources: SourcesArg,
    kind: KindOpt = None,
    output_format: Annotated[
        InspectFormat, typer.Option("--format", "-f", help="Output format.")
    ] = InspectFormat.table,
    output: OutputOpt = None,
    write_map: Annotated[
        Path | None,
        typer.Option(
            "--write-map",
            help="Write the column mapping as a file to edit and pass back with --map.",
        ),
    ] = None,
    *,
    ingest_options: IngestOptions,
    quarantine: Path | None,
) -> None:
    """Show what boaudit detects in export files: format, column mapping, types and row counts.

    Use it before metrics to check the mapping; --write-map writes the mapping as a file to
    edit and pass back with --map, --quarantine writes the rows that could not be used.
    """
    result = _load(sources, kind.value if kind is not None else None, ingest_options, write_map)
    if write_map is not None:
        atomic_write(write_map, result.map_text)
        note(f"wrote the column map: {write_map} (edit it, then pass --map {write_map})")
    if quarantine is not None:
        write_quarantine(quarantine, result.account.quarantined)
    if output_format is InspectFormat.json:
        write_output(dumps_json(inspect_dict(result)), output)
    elif output is not None and str(output) != "-":
        # A table is for people; a file gets the JSON document.
        atomic_write(output, dumps_json(inspect_dict(result)))
    else:
        display(lambda console: _render_table(result, console), None)
    for line in result.notes:
        note(line)


def _load(
    sources: list[str], kind: str | None, options: IngestOptions, write_map: Path | None
) -> LoadResult:
    """Load the exports; when columns are missing, ``write_map`` gets a map to fill in."""
    from boaudit.ingest import MissingColumnsError

    try:
        return load_with_progress(sources, kind, options)
    except MissingColumnsError as error:
        if write_map is not None:
            atomic_write(write_map, error.proposal)
            note(f"wrote a column map to fill in: {write_map}")
        raise
