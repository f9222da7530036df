"""``boaudit run`` (unattended, from a configuration file) and ``boaudit history``."""

from __future__ import annotations

import fcntl
import functools
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from boaudit import __version__
from boaudit.cli.common import display, handles_errors, rendered_xlsx, write_output
from boaudit.errors import ConfigError, ExitCode, InputMissingError, OutputError, UsageError
from boaudit.fileio import atomic_write, csv_text, dumps_json

# The audit layer, the history (sqlite3) and the report are imported in the commands:
# importing this module must stay cheap, every command's start-up pays for it.


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself while its outputs are written.

    Two runs writing reports into the same folder queue here instead of interleaving their
    renames. The lock is taken on the folder, so no lock file is left beside the reports.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here: {exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="The fix plan (XLSX) to read back, check against this run's data and "
            "rewrite (made when missing); default: the configuration's plan key.",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say what was done (on stderr).")
    ] = False,
) -> None:
    """Run the audit a configuration file describes, unattended (e.g. from cron).

    Builds the report, writes every output atomically (and the fix plan, with --plan or the
    plan key: read back, checked against the data, rewritten), records the run in the history, and
    exits 0, or 1 when a threshold is breached (each one listed on stderr). Quiet on success
    unless --verbose; never prompts. Exit 78 for an invalid configuration (every problem named
    with its key), 65/66 for unusable or missing inputs, 73 when an output cannot be written.
    """
    from boaudit.audit.run import audit_run, history_path, prepare_run, record_run
    from boaudit.history import History
    from boaudit.report import render

    prepared = prepare_run(config, as_of, plan)
    for index, (fmt, _path) in enumerate(prepared.outputs):
        try:
            fmt.require()
        except UsageError as exc:
            raise ConfigError(f"{config}: outputs[{index}].format: {exc.message}") from exc
    _say(verbose, f"running {config}")
    store_path = history_path(prepared.config, config)
    with History(store_path) as store:
        outcome = audit_run(prepared, baseline, store)
        with ExitStack() as stack:
            # Folders in one order for every run, so two runs never wait on each other.
            for folder in sorted({path.parent.resolve() for _, path in prepared.outputs}):
                stack.enter_context(locked(folder))
            for fmt, path in prepared.outputs:
                data = rendered_xlsx(functools.partial(render, outcome.report, fmt), path)
                atomic_write(path, data)
                _say(verbose, f"wrote {path}")
        if prepared.plan is not None and outcome.plan is not None:
            from boaudit.cli.report import write_plan

            write_plan(prepared.plan.path, outcome.plan)
            _say(verbose, outcome.plan.summary(str(prepared.plan.path)))
        run_id = record_run(store, outcome, config, __version__)
    _say(verbose, f"recorded run {run_id} in {store_path}")
    for breach in outcome.breaches:
        print(f"boaudit: threshold breached: {breach}", file=sys.stderr)
    if outcome.breaches:
        raise typer.Exit(int(ExitCode.THRESHOLD))


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

    from boaudit.audit.config import load_config
    from boaudit.audit.run import history_path
    from boaudit.history import History

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
    display(lambda console: console.print(table), output)
    if not rows:
        print("boaudit: no runs recorded for this configuration yet", file=sys.stderr)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
    return str(value)
