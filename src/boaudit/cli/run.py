"""``boaudit run`` (unattended, from a configuration file) and ``boaudit history``."""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from boaudit import __version__
from boaudit.cli.common import display, handles_errors, write_output
from boaudit.errors import ExitCode, InputMissingError, OutputError
from boaudit.fileio import atomic_write, csv_text, dumps_json

if TYPE_CHECKING:
    from boaudit.runconfig import RunConfig

# The configuration, the history (sqlite3), the report and platformdirs are imported in the
# commands: importing this module must stay cheap, every command's start-up pays for it.

DEFAULT_HISTORY = "history.sqlite"


def history_path(config: RunConfig | None, config_path: Path | None) -> Path:
    """The history database: the config's ``history`` key, else the user data folder."""
    from platformdirs import user_data_dir

    if config is not None and config.history and config_path is not None:
        path = Path(config.history).expanduser()
        return path if path.is_absolute() else config_path.parent / path
    return Path(user_data_dir("boaudit", appauthor=False)) / DEFAULT_HISTORY


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (a hidden ``.NAME.lock`` beside it) while writing.

    Two runs writing the same report queue here instead of interleaving their renames.
    """
    lock = path.with_name(f".{path.name}.lock")
    try:
        handle = lock.open("a")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}") from exc
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _say(verbose: bool, message: str) -> None:
    if verbose:
        print(f"boaudit: {message}", file=sys.stderr)


@handles_errors
def run(
    config: Annotated[Path, typer.Argument(help="The boaudit.toml to run.")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Reference date of the data (ISO); fills {date} in paths."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="A recorded run to compare with: its number, or a date (the latest run as of "
            "that date).",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say what was done (on stderr).")
    ] = False,
) -> None:
    """Run the audit a configuration file describes, unattended (e.g. from cron).

    Builds the report, writes every output atomically, records the run in the history, and
    exits 0, or 1 when a threshold is breached (each one listed on stderr). Quiet on success
    unless --verbose; never prompts. Exit 78 for an invalid configuration (every problem named
    with its key), 65/66 for unusable or missing inputs, 73 when an output cannot be written.
    """
    from boaudit.history import History, compare
    from boaudit.report import render
    from boaudit.report.pipeline import run_audit
    from boaudit.runconfig import check_thresholds, load_config, output_paths, to_inputs

    loaded = load_config(config)
    inputs = to_inputs(loaded, config, as_of)
    outputs = output_paths(loaded, config, as_of)
    for _, path in outputs:
        if not path.parent.is_dir():
            raise OutputError(f"{path}: the folder {path.parent} does not exist; create it first")
    _say(verbose, f"running {config}")
    result = run_audit(inputs)
    key = str(config.resolve())
    with History(history_path(loaded, config)) as store:
        previous = store.runs(key)
        changes: dict[str, Any] = {}
        fresh = result.report.to_dict()
        if previous:
            last = previous[-1]
            changes["since_last"] = {
                "run": last.id,
                **compare(fresh, store.report_of(last.id)),
            }
        if baseline is not None:
            chosen = store.find(key, baseline)
            if chosen is None:
                raise InputMissingError(
                    f"--baseline {baseline}: no recorded run of {config} matches; see "
                    f"'boaudit history {config}'"
                )
            changes["since_baseline"] = {
                "run": chosen.id,
                **compare(fresh, store.report_of(chosen.id)),
            }
        trend = [*store.metric_series(key)]
        report = replace(result.report, changes=changes)
        current = {"run": "this run", "as_of": report.as_of, **_series_row(report.to_dict())}
        report = replace(report, trend=(*trend, current))
        document = report.to_dict()
        breaches = check_thresholds(loaded, document)
        with ExitStack() as stack:
            for _, path in outputs:
                stack.enter_context(locked(path))
            for fmt, path in outputs:
                atomic_write(path, render(report, fmt))
                _say(verbose, f"wrote {path}")
        run_id = store.record(document, config=key, breaches=breaches, version=__version__)
    _say(verbose, f"recorded run {run_id} in {history_path(loaded, config)}")
    for breach in breaches:
        print(f"boaudit: threshold breached: {breach}", file=sys.stderr)
    if breaches:
        raise typer.Exit(int(ExitCode.THRESHOLD))


def _series_row(document: dict[str, Any]) -> dict[str, Any]:
    """The same columns History.metric_series gives, for the run being made."""
    from boaudit.history.store import scalar_metrics

    row: dict[str, Any] = {}
    assessment = document.get("assessment") or {}
    row["overall_score"] = (assessment.get("overall") or {}).get("score")
    for kind, doc in (document.get("metrics") or {}).items():
        for name, value in scalar_metrics(doc).items():
            row[f"{kind}.{name}"] = value
    return row


class HistoryFormat(StrEnum):
    """Formats of ``boaudit history``."""

    table = "table"
    json = "json"
    csv = "csv"


TABLE_COLUMNS = (
    ("run", "run"),
    ("as_of", "as of"),
    ("overall_score", "score"),
    ("breaches", "breaches"),
    ("invoices.error_rate", "inv. errors"),
    ("invoices.on_time_payment_rate", "inv. on time"),
    ("invoices.cycle_time_days.median", "inv. days"),
    ("tasks.sla_compliance", "task SLA"),
    ("tasks.cycle_time_days.median", "task days"),
    ("events.cycle_time_days.median", "case days"),
)


@handles_errors
def history(
    config: Annotated[
        Path | None,
        typer.Argument(help="Only this configuration's runs (and its history database)."),
    ] = None,
    database: Annotated[
        Path | None, typer.Option("--db", help="The history database (default: per config).")
    ] = None,
    format: Annotated[HistoryFormat, typer.Option("--format", "-f", help="Output format.")] = (
        HistoryFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Show KPIs and scores over time, one row per recorded run."""
    from rich.table import Table

    from boaudit.history import History
    from boaudit.runconfig import load_config

    loaded = load_config(config) if config is not None else None
    path = database or history_path(loaded, config)
    if not path.exists():
        raise InputMissingError(f"{path}: no history yet; 'boaudit run CONFIG' records runs")
    with History(path) as store:
        rows = store.metric_series(str(config.resolve()) if config else None)
    if format is HistoryFormat.json:
        write_output(dumps_json(rows), output)
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if format is HistoryFormat.csv:
        write_output(csv_text(columns, [[row.get(c) for c in columns] for row in rows]), output)
        return
    shown = [(key, label) for key, label in TABLE_COLUMNS if any(key in row for row in rows)]
    table = Table(
        title=f"Runs recorded in {path}",
        title_justify="left",
        caption="medians in days; every column: --format csv or json",
    )
    for key, label in shown:
        table.add_column(label, justify="left" if key == "as_of" else "right", no_wrap=True)
    for row in rows:
        table.add_row(*(_cell(row.get(key))[: 10 if key == "as_of" else None] for key, _ in shown))
    display(lambda console: console.print(table), output, width=160)
    if not rows:
        print("boaudit: no runs recorded for this configuration yet", file=sys.stderr)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
    return str(value)
