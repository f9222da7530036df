"""Options shared by the commands that compute metrics (metrics, report), defined once.

:data:`METRICS_OPTIONS` attaches them to a command, which receives ``metrics_options`` (the
library's :class:`~boaudit.metrics.MetricsOptions`, built by :func:`build_options`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from boaudit.cli.bundles import OptionBundle, option
from boaudit.errors import UsageError

if TYPE_CHECKING:
    from boaudit.metrics import MetricsOptions, Period, SlaTarget
    from boaudit.metrics.benchmarks import Benchmark

# boaudit.metrics (pydantic models of the benchmarks) is imported in build_options: declaring
# the options must stay cheap, every command's start-up pays for it.

PANEL = "Metrics"


class PeriodChoice(StrEnum):
    """Calendar buckets of the trend."""

    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"


class EngineChoice(StrEnum):
    """Where the metrics of file inputs are computed."""

    duckdb = "duckdb"
    pyspark = "pyspark"


def build_options(
    *,
    by: list[str] | None,
    period: PeriodChoice | None,
    sla: str | None,
    sla_map: Path | None,
    hourly_rate: float | None,
    as_of: str | None,
    benchmarks: Path | None,
    engine: EngineChoice = EngineChoice.duckdb,
    test: list[str] | None = None,
    no_tests: bool = False,
    variants: int = 10,
    expected: str | None = None,
    calendar: Path | None = None,
) -> MetricsOptions:
    """Turn the command's options into :class:`MetricsOptions` (reads the SLA map and the
    benchmarks file)."""
    # The light modules only: the benchmarks (pydantic models) are loaded when a file is
    # given, else by the computation, which falls back on the bundled ones.
    from boaudit.metrics.compute import parse_as_of, parse_duration
    from boaudit.metrics.model import MetricsOptions, SlaTarget
    from boaudit.metrics.sla import load_sla_map

    if as_of is not None:
        parse_as_of(as_of)  # checked before any file is read or written
    if sla is not None and sla_map is not None:
        raise UsageError("give --sla or --sla-map, not both")
    target: SlaTarget | None = None
    if sla is not None:
        try:
            target = SlaTarget(days=parse_duration(sla), label=sla)
        except UsageError as exc:
            raise UsageError(f"--sla {sla}: {exc.message}") from None
    elif sla_map is not None:
        target = load_sla_map(sla_map)
    if hourly_rate is not None and hourly_rate <= 0:
        raise UsageError("--hourly-rate must be more than zero")
    chosen: Period | None = period.value if period is not None else None
    return MetricsOptions(
        tests=_test_params(test or []),
        audit_tests=not no_tests,
        by=tuple(dict.fromkeys(by or [])),
        period=chosen,
        sla=target,
        hourly_rate=hourly_rate,
        as_of=as_of,
        benchmarks=_benchmarks(benchmarks),
        engine=engine.value,
        variants=variants,
        expected=_steps(expected),
        calendar=_calendar(calendar),
    )


def _calendar(path: Path | None) -> Any:
    """The business calendar of ``--calendar FILE`` (checked now), or None."""
    if path is None:
        return None
    from boaudit.metrics.calendar import load_calendar

    return load_calendar(path)


def _test_params(values: list[str]) -> dict[str, dict[str, Any]]:
    """``--test ID.PARAM=VALUE`` options as test id -> parameter -> value, checked now."""
    from boaudit.metrics.audit_tests import parse_test_option, resolve_params

    given: dict[str, dict[str, Any]] = {}
    for text in values:
        test_id, name, value = parse_test_option(text)
        given.setdefault(test_id, {})[name] = value
    try:
        resolve_params(given)
    except UsageError as exc:
        raise UsageError(f"--test: {exc.message.removeprefix('tests: ')}") from None
    return given


def _steps(expected: str | None) -> tuple[str, ...]:
    """``--expected "A > B > C"`` (or a ``.toml`` file of ``steps``) as its activities."""
    if expected is None:
        return ()
    if expected.strip().lower().endswith(".toml"):
        from boaudit.audit.config import load_expected

        return load_expected(Path(expected))
    from boaudit.metrics.process import parse_expected

    try:
        return parse_expected(expected)
    except UsageError as exc:
        raise UsageError(f"--expected {expected!r}: {exc.message}") from None


def _benchmarks(path: Path | None) -> tuple[Benchmark, ...] | None:
    """The bundled benchmarks with ``path``'s entries, or None (the bundled ones) without."""
    if path is None:
        return None
    from boaudit.metrics.benchmarks import load_benchmarks

    return load_benchmarks(path)


ByOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="Break every metric down by this column (team, provider, assignee, vendor, "
        "category, source, ..., or the export's own header of one); repeat for several.",
        rich_help_panel=PANEL,
    ),
]
PeriodOpt = Annotated[
    PeriodChoice | None,
    typer.Option("--period", help="Add the trend per calendar period.", rich_help_panel=PANEL),
]
SlaOpt = Annotated[
    str | None,
    typer.Option(
        "--sla",
        help="SLA target on cycle time, e.g. 48h, 2d, 1w (default: the export's sla_met).",
        rich_help_panel=PANEL,
    ),
]
SlaMapOpt = Annotated[
    Path | None,
    typer.Option(
        "--sla-map",
        help='SLA targets per priority: TOML lines P1 = "4h" ("*" for the rest) or CSV '
        "priority,target.",
        rich_help_panel=PANEL,
    ),
]
HourlyRateOpt = Annotated[
    float | None,
    typer.Option(
        "--hourly-rate",
        help="Cost of an hour of handling, to price handling minutes when there is no cost.",
        rich_help_panel=PANEL,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Reference date of the backlog, ISO (default: the latest timestamp in the data).",
        rich_help_panel=PANEL,
    ),
]
BenchmarksOpt = Annotated[
    Path | None,
    typer.Option(
        "--benchmarks",
        help="A TOML file of benchmarks adding to or replacing (same id) the bundled ones.",
        rich_help_panel=PANEL,
    ),
]

EngineOpt = Annotated[
    EngineChoice,
    typer.Option(
        "--engine",
        help="Where the metrics are computed: duckdb (in-process, the default) or pyspark "
        "(Spark in local mode: pip install 'boaudit[spark]'). The figures are the same.",
        rich_help_panel=PANEL,
    ),
]
VariantsOpt = Annotated[
    int,
    typer.Option(
        "--variants",
        min=1,
        help="Event logs: how many of the most frequent variants (activity sequences) to list.",
        rich_help_panel=PANEL,
    ),
]

ExpectedOpt = Annotated[
    str | None,
    typer.Option(
        "--expected",
        help='Event logs: the expected activities in order, e.g. "Receive > Approve > Pay", '
        "or a .toml file with steps = [...]; gives the share of cases that follow it and "
        "the common deviations.",
        rich_help_panel=PANEL,
    ),
]

TestOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--test",
        help="Set a parameter of an invoice audit test, ID.PARAM=VALUE, e.g. "
        "split-below-limit.limit=5000 or duplicate-near.window_days=10; repeat for several "
        "(the tests and their parameters: the README).",
        rich_help_panel=PANEL,
    ),
]
NoTestsOpt = Annotated[
    bool,
    typer.Option(
        "--no-tests",
        help="Skip the invoice audit tests (duplicates, early payment, splits, Benford, ...).",
        rich_help_panel=PANEL,
    ),
]


CalendarOpt = Annotated[
    Path | None,
    typer.Option(
        "--calendar",
        help='A TOML file of working days, hours (hours = "09:00-17:00"), country for public '
        "holidays and closed dates: the durations are also given in business hours.",
        rich_help_panel=PANEL,
    ),
]


def _received(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"metrics_options": build_options(**values)}


METRICS_OPTIONS = OptionBundle(
    options=(
        option("by", ByOpt),
        option("period", PeriodOpt),
        option("sla", SlaOpt),
        option("sla_map", SlaMapOpt),
        option("hourly_rate", HourlyRateOpt),
        option("as_of", AsOfOpt),
        option("benchmarks", BenchmarksOpt),
        option("engine", EngineOpt, EngineChoice.duckdb),
        option("test", TestOpt),
        option("no_tests", NoTestsOpt, False),
        option("variants", VariantsOpt, 10),
        option("expected", ExpectedOpt),
        option("calendar", CalendarOpt),
    ),
    gives=("metrics_options",),
    build=_received,
)
"""The "Metrics" options: the command takes ``*, metrics_options: MetricsOptions``, and the
options stand in ``--help`` where it is declared."""
