"""``boaudit metrics``: KPIs of task, invoice or event exports, with benchmarks and evidence."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from boaudit.cli.common import OutputOpt, display, handles_errors, note, write_output
from boaudit.cli.ingest_options import (
    INGEST_OPTIONS,
    KindChoice,
    SourcesArg,
    load_with_progress,
    write_quarantine,
)
from boaudit.cli.metrics_options import METRICS_OPTIONS
from boaudit.errors import UsageError

if TYPE_CHECKING:
    from boaudit.ingest.options import IngestOptions
    from boaudit.metrics import MetricsOptions, MetricsResult


class MetricsFormat(StrEnum):
    """Formats of ``boaudit metrics``."""

    table = "table"
    json = "json"
    csv = "csv"


@handles_errors
@METRICS_OPTIONS
@INGEST_OPTIONS
def metrics(
    kind: Annotated[KindChoice, typer.Argument(help="What the rows are: tasks, invoices, events.")],
    sources: SourcesArg,
    output_format: Annotated[
        MetricsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = MetricsFormat.table,
    output: OutputOpt = None,
    exceptions: Annotated[
        Path | None,
        typer.Option(
            "--exceptions",
            help="Invoices: write every invoice the audit tests flag, ranked by score, to this "
            ".csv or .xlsx file (the XLSX: a summary sheet and one sheet per test).",
        ),
    ] = None,
    *,
    metrics_options: MetricsOptions,
    ingest_options: IngestOptions,
    quarantine: Path | None,
) -> None:
    """Compute KPIs of exports, compare them with published benchmarks, find pitfall evidence.

    The exports are tasks, invoices or events (one row per event, collapsed to cases).

    \b
    Definitions (redo them by hand; durations in calendar days):
    - cycle_time_days: tasks completed_at - created_at; invoices paid_at - (received_at,
      else invoice_date); completed items; mean, median, p90 (linear interpolation)
    - approval_time_days (invoices): approved_at - (received_at, else invoice_date)
    - error_rate, rework_rate, dispute_rate: share of items where the value is known
    - sla_compliance: the export's sla_met, or cycle time within --sla / --sla-map
    - on_time_payment_rate: paid invoices paid on or before the due date
    - on_time_completion_rate (tasks, events): completed items with a due_at (a case's
      first deadline value) completed at or before it
    - cost_per_transaction: sum of cost (else handling minutes x --hourly-rate) / items
    - backlog: open items at --as-of, aged 0-7, 8-30, 31-90, >90 days
    - consistency: per-assignee median cycle time (10+ completed items), spread and CV
    - workload_gini: Gini of completed items per assignee
    - duplicate_suspects (invoices): same vendor, amount and normalised number (exact);
      same vendor and amount within 7 days (near)
    - tests (invoices): the audit test pack (duplicates, early payment, weekend postings,
      splits below a limit, Benford, ...), every flagged invoice with --exceptions FILE;
      parameters with --test ID.PARAM=VALUE (the README lists the tests)
    - process (events): variants (activity sequences; top --variants with cases, share,
      median first-to-last days), transitions between consecutive events (count, waiting
      median, p90, total), bottlenecks (transitions by total waiting, share of all), rework
      (cases repeating an activity), loops A>B>A, handovers between resources and teams;
      with --expected, the share of cases following it exactly and the deviations
    A metric whose inputs are absent is null with a reason, never 0.
    """
    # Imported here: only this command computes metrics, the others need not load them.
    from boaudit.metrics.backends import warm_up

    _check_exceptions(exceptions, kind.value, metrics_options)
    warm_up(sources)  # the engine's imports overlap the reading of large files
    loaded = load_with_progress(sources, kind.value, ingest_options)
    from boaudit.findings import with_evidence
    from boaudit.metrics import metrics_from_load

    if quarantine is not None:
        write_quarantine(quarantine, loaded.account.quarantined)
    result = with_evidence(metrics_from_load(loaded, metrics_options))
    _write(result, output_format, output)
    if exceptions is not None:
        _write_exceptions(exceptions, result)
    for column, count in sorted(loaded.value_problems.items()):
        source = loaded.columns.get(column)
        examples = loaded.value_examples.get(column, [])
        note(
            f"{count:,} value(s) of {column}"
            + (f" ({source!r})" if source else "")
            + " could not be read and count as missing"
            + (f", first: {examples[0]}" if examples else "")
        )
    rows = result.rows
    if rows.get("quarantined"):
        note(
            f"{rows['quarantined']:,} of {rows['read']:,} rows quarantined"
            + ("" if quarantine else "; see them with --quarantine FILE")
        )


def _check_exceptions(path: Path | None, kind: str, options: MetricsOptions) -> None:
    """``--exceptions`` is refused before any file is read when it cannot be written."""
    if path is None:
        return
    if kind != "invoices":
        raise UsageError("--exceptions: only invoices have audit tests; drop it for " + kind)
    if not options.audit_tests:
        raise UsageError("--exceptions needs the audit tests: drop --no-tests")
    if path.suffix.lower() not in {".csv", ".xlsx"}:
        raise UsageError(f"--exceptions {path}: give a .csv or .xlsx file name")


def _write_exceptions(path: Path, result: MetricsResult) -> None:
    from boaudit.fileio import atomic_write
    from boaudit.report.exceptions import exceptions_csv, exceptions_xlsx

    if path.suffix.lower() == ".xlsx":
        atomic_write(path, exceptions_xlsx(result.tests, result.exceptions))
    else:
        atomic_write(path, exceptions_csv(result.exceptions))
    note(f"wrote {len(result.exceptions):,} exception(s) of {len(result.tests)} tests: {path}")


def _write(result: MetricsResult, output_format: MetricsFormat, output: Path | None) -> None:
    """Write the result in ``output_format``; the table's notes go to stderr."""
    from boaudit.metrics import metrics_csv, metrics_json

    if output_format is MetricsFormat.json:
        write_output(metrics_json(result), output)
    elif output_format is MetricsFormat.csv:
        write_output(metrics_csv(result), output)
    else:
        display(lambda console: print_metrics(result, console), output)
        for line in result.notes:  # for people: stderr (json and csv carry them as data)
            note(f"note: {line}")


def _value(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def _summary(name: str, value: Any) -> str:
    """One cell for a metric: a number, or the main figures of an object metric."""
    if not isinstance(value, dict):
        if name.endswith("_rate") or name == "sla_compliance":
            return f"{value * 100:.1f}%" if isinstance(value, float) else "n/a"
        return _value(value)
    if {"mean", "median"} <= value.keys():
        return f"mean {_value(value['mean'])}, median {_value(value['median'])}" + (
            f", p90 {_value(value['p90'])}" if "p90" in value else ""
        )
    if name == "backlog":
        buckets = ", ".join(f"{k}: {v}" for k, v in value["buckets"].items())
        return f"{value['open']:,} open ({buckets})"
    if name == "consistency":
        return (
            f"spread {_value(value['spread'])}x, cv {_value(value['cv'])} "
            f"({value['fastest']} .. {value['slowest']})"
        )
    if name == "duplicate_suspects":
        exact, near = value["exact"], value["near"]
        return f"exact {exact['invoices']} in {exact['groups']} groups, near {near['invoices']}"
    return ", ".join(f"{k} {_value(v)}" for k, v in value.items() if not isinstance(v, list))


def print_metrics(result: MetricsResult, console: Console) -> None:
    """Print the result as rich tables on ``console``."""
    from rich.table import Table

    rows = result.rows
    table = Table(
        title=f"{result.kind} metrics as of {result.as_of or 'n/a'}",
        caption=(
            f"rows: read {rows.get('read', 0):,}, accepted {rows.get('accepted', 0):,}, "
            f"quarantined {rows.get('quarantined', 0):,}, skipped {rows.get('skipped', 0):,}"
        ),
        title_justify="left",
    )
    table.add_column("metric")
    table.add_column("value")
    table.add_column("benchmark / why null")
    positions: dict[str, list[str]] = {}
    for comparison in result.benchmarks:
        positions.setdefault(comparison.metric.split(".")[0], []).append(comparison.position)
    for name, value in result.metrics.items():
        extra = "\n".join(positions.get(name, [])) or result.null_reasons.get(name, "")
        table.add_row(name, _summary(name, value), extra)
    business = result.business_time
    if business is not None:
        clock = str(business.get("clock", "business hours"))
        for name, figures in business.items():
            if name.endswith("_hours") and isinstance(figures, dict):
                summary = ", ".join(
                    f"{k} {_value(v)}" for k, v in figures.items() if k in ("mean", "median", "p90")
                )
                table.add_row(name, summary or "n/a", clock)
    console.print(table)
    for column, groups in result.groups.items():
        names = [
            n
            for n in (
                "count",
                "cycle_time_days",
                "error_rate",
                "sla_compliance",
                "on_time_payment_rate",
                "on_time_completion_rate",
                "cost_per_transaction",
            )
            if n in result.metrics
        ]
        by = Table(title=f"by {column}", title_justify="left")
        by.add_column(column)
        for name in names:
            by.add_column(name)
        for label, values in groups.items():
            by.add_row(label, *(_summary(n, values.get(n)) for n in names))
        console.print(by)
    if result.periods:
        trend = Table(title="trend", title_justify="left")
        columns = ["count", "completed", "cycle_time_days", "error_rate", "open_at_end"]
        trend.add_column("period")
        for name in columns:
            trend.add_column(name)
        for entry in result.periods:
            trend.add_row(entry["period"], *(_summary(n, entry.get(n)) for n in columns))
        console.print(trend)
    if result.tests:
        _print_tests(result, console)
    if result.process:
        _print_process(result.process, console)
    if result.evidence:
        evidence = Table(title="evidence", title_justify="left")
        for heading in ("pitfall", "severity", "finding"):
            evidence.add_column(heading)
        for item in result.evidence:
            evidence.add_row(item.pitfall, f"{item.severity:.2f}", item.message)
        console.print(evidence)


def _print_tests(result: MetricsResult, console: Console) -> None:
    from rich.table import Table

    population = result.test_population or {}
    excluded = population.get("excluded", {})
    tests = Table(
        title="audit tests",
        caption=(
            f"tested {population.get('tested', 0):,} of {population.get('invoices', 0):,} "
            f"invoices; left out: {excluded.get('cancelled', 0):,} cancelled, "
            f"{excluded.get('credit', 0):,} credit notes, {excluded.get('reversed', 0):,} "
            "reversed by one"
        ),
        title_justify="left",
    )
    for heading in ("test", "flagged", "amount", "what it flags / why skipped"):
        tests.add_column(heading)
    for test_id, entry in result.tests.items():
        if entry["status"] != "ran":
            tests.add_row(test_id, "skipped", "", entry.get("reason", ""))
            continue
        amounts = ", ".join(f"{v:,.2f} {c}" for c, v in entry["amount"].items())
        tests.add_row(test_id, f"{entry['flagged']:,}", amounts, entry["flags"])
    console.print(tests)


_SHOWN = 5
"""Variants and bottlenecks shown in the table (the JSON document has them all)."""


def _print_process(process: Mapping[str, Any], console: Console) -> None:
    """The short process section: the top variants and the slowest transitions."""
    from rich.table import Table

    variants = process["variants"]
    table = Table(
        title=f"process: {variants['distinct']:,} variants over {process['cases']:,} cases "
        f"(durations in {process['clock']} days)",
        title_justify="left",
    )
    for heading in ("variant", "cases", "share", "cumulative", "median days"):
        table.add_column(heading)
    for variant in variants["top"][:_SHOWN]:
        table.add_row(
            " > ".join(variant["activities"]),
            f"{variant['cases']:,}",
            f"{variant['share'] * 100:.1f}%",
            f"{variant['cumulative_share'] * 100:.1f}%",
            _value(variant["median_days"]),
        )
    console.print(table)
    slow = Table(title="bottlenecks: waiting time between activities", title_justify="left")
    for heading in ("from > to", "count", "median days", "total days", "share"):
        slow.add_column(heading)
    for item in process["bottlenecks"][:_SHOWN]:
        share = item["share"]
        slow.add_row(
            f"{item['from']} > {item['to']}",
            f"{item['count']:,}",
            _value(item["median_days"]),
            _value(item["total_days"]),
            f"{share * 100:.1f}%" if isinstance(share, float) else "n/a",
        )
    console.print(slow)
    conformance = process.get("conformance")
    if conformance:
        deviations = "; ".join(
            f"{d['deviation']} {d['activity']} {d['cases']:,}"
            if d["activity"]
            else f"{d['deviation']} {d['cases']:,}"
            for d in conformance["deviations"][:_SHOWN]
        )
        console.print(
            f"conformance to {' > '.join(conformance['expected'])}: "
            f"{conformance['conforming']:,} of {conformance['cases']:,} cases "
            f"({conformance['share'] * 100:.1f}%)"
            + (f"; deviations: {deviations}" if deviations else "")
        )
    processing = process.get("processing")
    if processing:
        days = processing["processing_days"]
        share = processing["share_of_case_time"]
        console.print(
            f"processing (lifecycle start to complete): {processing['instances']:,} activity "
            f"instance(s), median {_value(days['median'])} days, total {_value(days['total'])} "
            "days"
            + (f", {share * 100:.1f}% of the cases' time (the rest is waiting)" if share else "")
            + (
                f"; {processing['unpaired_starts']:,} start(s) without a complete"
                if processing["unpaired_starts"]
                else ""
            )
        )
    handovers = process.get("handovers")
    if handovers:
        per_case = handovers["reassignments_per_case"]
        console.print(
            f"handovers between resources {handovers['resources']:,}"
            + (f", between teams {handovers['teams']:,}" if handovers["teams"] is not None else "")
            + f"; ping-pong in {handovers['ping_pong_cases']:,} cases; reassignments per case "
            f"median {_value(per_case['median'])}, max {_value(per_case['max'])}"
        )
