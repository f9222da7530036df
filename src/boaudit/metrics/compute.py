"""Vectorised KPI computations over a canonical frame (DESIGN.md section 4).

The frame is what :func:`boaudit.ingest.load` returns: canonical column names, datetimes
tz-aware UTC, booleans nullable, amounts float64. A column counts as *available* when it is in
the frame and holds at least one value: the loader keeps unmapped canonical columns as all-null
columns, and a metric over an empty column is null with a reason, never 0.

How it works: :func:`_prepare` derives one numeric work column per input of a metric (cycle
time in days, error as 1/0/NaN, ...), once. Every breakdown (the whole frame, each ``--by``
column, each period) is then an integer *code* per row, and :func:`_aggregate` computes every
metric for every code at once with ``numpy.bincount`` and one sort per distribution, so there
is no per-row (or per-group) Python loop.

Conventions, so a number can be redone by hand:

* durations are calendar days as floats (``(end - start) / 24 h``); quantiles interpolate
  linearly (numpy's and Excel's ``PERCENTILE.INC`` default);
* implausible durations are data errors: an end before its start, or longer than ten years
  (a date far outside the data), is left out of the duration, counted in
  ``data_quality.negative_durations`` or ``implausible_durations`` and in ``problem_share``,
  and named in the notes;
* a rate is the share of items where its input is known (``error`` null is unknown, not
  "no error");
* ``on_time_payment_rate`` and ``days_late`` compare calendar dates: an invoice paid at 15:00 on
  its due date is on time, and ``days_late`` is whole days after the due date (0 when on time),
  over paid invoices with a due date.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from boaudit.document import JsonObject
from boaudit.errors import UsageError
from boaudit.memory import release_memory
from boaudit.metrics.model import (
    BACKLOG_BUCKETS,
    Kind,
    MetricsOptions,
    Period,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DAY = pd.Timedelta(days=1)
ROUND = 6
"""Decimal places kept in the output (sums are not bit-identical across groupings)."""

BLANK = "(blank)"
"""The group label of rows whose ``--by`` value is empty."""


@dataclass(frozen=True)
class Roles:
    """Which canonical columns play which part for a kind."""

    id: str
    """The item's identifier."""
    start: tuple[str, ...]
    """Start of the cycle: the first non-null of these columns."""
    end: str
    """Completion (tasks) or payment (invoices)."""
    assignee: str
    """Who did the work."""


TASK_ROLES = Roles("task_id", ("created_at",), "completed_at", "assignee")
ROLES: dict[str, Roles] = {
    "tasks": TASK_ROLES,
    "events": TASK_ROLES,
    "invoices": Roles("invoice_id", ("received_at", "invoice_date"), "paid_at", "processed_by"),
}

EVENT_TIMES = (
    "created_at",
    "completed_at",
    "updated_at",
    "invoice_date",
    "received_at",
    "approved_at",
    "paid_at",
)
"""Columns whose latest value sets the default ``as_of`` (due dates are not events)."""

TERMINAL_STATUS = re.compile(
    r"\b(?:cancel\w*|void\w*|reject\w*|withdrawn|closed|resolved|done|complete\w*)\b", re.I
)
"""Statuses of items that are finished without a completion timestamp: not backlog."""

KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "tasks": ("assignee", "category", "priority"),
    "events": ("assignee",),
    "invoices": ("vendor", "invoice_date", "due_date", "processed_by"),
}
"""Optional columns whose missing values count as a data-quality problem when present."""

METRIC_NAMES: dict[str, tuple[str, ...]] = {
    "tasks": (
        "count",
        "completed",
        "cycle_time_days",
        "error_rate",
        "rework_rate",
        "sla_compliance",
        "on_time_completion_rate",
        "cost_per_transaction",
        "throughput",
        "backlog",
        "consistency",
        "workload_gini",
    ),
    "invoices": (
        "count",
        "completed",
        "cycle_time_days",
        "approval_time_days",
        "error_rate",
        "rework_rate",
        "sla_compliance",
        "on_time_payment_rate",
        "days_late",
        "dispute_rate",
        "cost_per_transaction",
        "throughput",
        "backlog",
        "consistency",
        "workload_gini",
        "duplicate_suspects",
    ),
}
METRIC_NAMES["events"] = METRIC_NAMES["tasks"]

COMPLETION_ANCHORED = frozenset(
    {
        "completed",
        "cycle_time_days",
        "sla_compliance",
        "on_time_payment_rate",
        "on_time_completion_rate",
        "days_late",
        "consistency",
        "workload_gini",
    }
)
"""Metrics that the ``periods`` trend buckets by completion (payment) date; the others go by
start date (arrival)."""

PERIOD_METRICS = (
    "count",
    "completed",
    "cycle_time_days",
    "approval_time_days",
    "error_rate",
    "rework_rate",
    "sla_compliance",
    "on_time_payment_rate",
    "on_time_completion_rate",
    "days_late",
    "dispute_rate",
    "cost_per_transaction",
)
"""Metrics repeated in every period of the trend."""


def available(frame: pd.DataFrame, column: str) -> bool:
    """True when ``column`` is in ``frame`` and holds at least one value."""
    return column in frame.columns and bool(frame[column].notna().any())


def parse_duration(text: str) -> float:
    """Parse an SLA duration into days: ``48h``, ``2d``, ``2.5 days``, ``1w``, ``90m``.

    The unit is required: a bare ``48`` could mean hours or days, and read as days it would
    pass nearly every item. Raises :class:`UsageError` when ``text`` is not a positive duration.
    """
    match = re.fullmatch(
        r"\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)?\s*",
        text,
        re.I,
    )
    if not match:
        raise UsageError(f"duration {text!r}: write it like 48h, 2d, 1.5 days, 1w or 90m")
    number = float(match.group(1))
    if number <= 0:
        raise UsageError(f"duration {text!r}: must be more than zero")
    if match.group(2) is None:
        raise UsageError(
            f"duration {text!r} has no unit: write {match.group(1)}h for hours or "
            f"{match.group(1)}d for days (or m, w)"
        )
    factor = {"m": 1 / 1440, "h": 1 / 24, "d": 1.0, "w": 7.0}[match.group(2).lower()[0]]
    return number * factor


def parse_as_of(text: str) -> pd.Timestamp:
    """Parse ``--as-of`` (ISO date or date-time); naive values are UTC. Raises UsageError."""
    try:
        stamp = pd.Timestamp(text.strip())
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--as-of {text!r}: write an ISO date such as 2025-06-30") from exc
    if pd.isna(stamp):
        raise UsageError(f"--as-of {text!r}: write an ISO date such as 2025-06-30")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def iso(stamp: pd.Timestamp) -> str:
    """ISO 8601 in UTC with a ``Z``."""
    return str(stamp.tz_convert("UTC").isoformat()).replace("+00:00", "Z")


def _r(value: float) -> float | None:
    """Round for output; None for NaN or infinity."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), ROUND)


def _days(end: pd.Series, start: pd.Series) -> pd.Series:
    """``end - start`` in calendar days, NaN where either is missing."""
    utc_ns = pd.DatetimeTZDtype("ns", "UTC")
    if end.dtype == utc_ns and start.dtype == utc_ns and end.index.equals(start.index):
        # The same arithmetic as below (nanoseconds / 1e9 / 86400) on the underlying UTC
        # nanoseconds, without the intermediate timedelta and seconds columns.
        e = end.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
        s = start.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
        days = (e.view(np.int64) - s.view(np.int64)) / 1_000_000_000
        days /= 86_400.0
        days[np.isnat(e) | np.isnat(s)] = np.nan
        return pd.Series(days, index=end.index, dtype="float64")
    delta: pd.Series = end - start
    return pd.Series(delta.dt.total_seconds() / 86_400.0, index=delta.index, dtype="float64")


MAX_PLAUSIBLE_DAYS = 3_652.5
"""Ten years: a duration beyond it comes from a date outside the data (``1899-12-31``, Excel
serial 60, year 1), not from work that took that long."""


def _plausible(days: pd.Series, metric: str, prep: Prepared) -> pd.Series:
    """``days`` without the implausible durations (negative, or beyond
    :data:`MAX_PLAUSIBLE_DAYS`), which are counted in ``data_quality`` and named in a note."""
    negative = days < 0
    too_long = days > MAX_PLAUSIBLE_DAYS
    if negative.any():
        prep.negative[metric] = int(negative.sum())
        prep.notes.append(
            f"{metric}: {int(negative.sum()):,} duration(s) end before they start; left out"
        )
    if too_long.any():
        prep.implausible[metric] = int(too_long.sum())
        prep.notes.append(
            f"{metric}: {int(too_long.sum()):,} duration(s) longer than 10 years (a date far "
            "outside the data, such as 1899-12-31, Excel serial 60 or year 1); left out"
        )
    return days.mask(negative | too_long)


def _flag(series: pd.Series) -> pd.Series:
    """A boolean column as 1.0 / 0.0 / NaN (unknown)."""
    return series.astype("boolean").astype("float64")


def factorize_text(
    series: pd.Series, transform: Callable[[pd.Series], pd.Series], *, sort: bool = False
) -> tuple[IntArray, list[str]]:
    """Codes (-1 for empty) and labels of a text column after ``transform``, which runs on
    the distinct values only (a few names, not a million rows)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    normal = transform(pd.Series(uniques, dtype="string")).replace("", pd.NA)
    inner, labels = pd.factorize(normal, sort=sort, use_na_sentinel=True)
    # Code -1 (empty) takes the last entry, -1: one lookup, no full-size temporaries.
    lookup = np.append(np.asarray(inner, dtype=np.int64), -1)
    mapped: IntArray = lookup[codes]
    return mapped, [str(label) for label in labels]


def _strip(values: pd.Series) -> pd.Series:
    return values.str.strip()


def _naive_utc(series: pd.Series) -> pd.Series:
    """Datetimes as naive UTC (for numpy calendar arithmetic)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return pd.Series(series.dt.tz_convert("UTC").dt.tz_localize(None))
    return pd.Series(pd.to_datetime(series))


# ---------------------------------------------------------------------------------------------
# Calendar periods as integer ordinals: day = days since 1970-01-01, week = Monday-start weeks
# since the week of 1970-01-01 (a Thursday), month = months since 1970-01, quarter = quarters.


def period_ordinals(series: pd.Series, period: Period) -> FloatArray:
    """Each timestamp's calendar period as an ordinal (float, NaN for missing)."""
    naive = _naive_utc(series).to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(naive)
    if period == "month" or period == "quarter":
        months = naive.astype("datetime64[M]").astype(np.int64)
        values = months if period == "month" else np.floor_divide(months, 3)
    else:
        days = naive.astype("datetime64[D]").astype(np.int64)
        values = days if period == "day" else np.floor_divide(days + 3, 7)
    result = values.astype(np.float64)
    result[missing] = np.nan
    return result


def period_bounds(ordinal: int, period: Period) -> tuple[str, pd.Timestamp, pd.Timestamp]:
    """(label, start, end exclusive) of a period ordinal; weeks are ISO weeks (``2025-W09``)."""
    if period == "day":
        start = pd.Timestamp(np.datetime64(ordinal, "D"), tz="UTC")
        return start.strftime("%Y-%m-%d"), start, start + DAY
    if period == "week":
        start = pd.Timestamp(np.datetime64(ordinal * 7 - 3, "D"), tz="UTC")
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}", start, start + 7 * DAY
    months = ordinal if period == "month" else ordinal * 3
    start = pd.Timestamp(np.datetime64(months, "M"), tz="UTC")
    if period == "month":
        return start.strftime("%Y-%m"), start, start + pd.DateOffset(months=1)
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}", start, start + pd.DateOffset(months=3)


# ---------------------------------------------------------------------------------------------
# Preparation: one numeric work column per metric input, computed once.


@dataclass
class Prepared:
    """The work columns and everything known about how they were derived."""

    kind: Kind
    """The kind of items."""
    work: pd.DataFrame
    """One row per item: float work columns (see :func:`_prepare`) and ``assignee``."""
    start: pd.Series
    """Start of each item's cycle (may be all NaT)."""
    end: pd.Series
    """Completion or payment time (may be all NaT)."""
    as_of: pd.Timestamp | None
    """Reference time of the backlog."""
    reasons: dict[str, str] = field(default_factory=dict)
    """metric -> why it cannot be computed at all (its inputs are absent)."""
    basis: dict[str, str] = field(default_factory=dict)
    """metric -> how it was computed."""
    notes: list[str] = field(default_factory=list)
    """Plain sentences for the user."""
    negative: dict[str, int] = field(default_factory=dict)
    """Durations left out because the end precedes the start."""
    implausible: dict[str, int] = field(default_factory=dict)
    """Durations left out because they are longer than :data:`MAX_PLAUSIBLE_DAYS`."""
    duplicate_examples: list[JsonObject] = field(default_factory=list)
    """The largest duplicate suspects, with their rows."""
    exact_group: IntArray | None = None
    """Per row: the id of its exact-duplicate group, -1 when none."""
    assignees: tuple[IntArray, list[str]] | None = None
    """Per row: the assignee's code (-1 when empty), and the names."""


class DuplicatesInFlight:
    """Duplicate detection running in a worker thread, while the rest is prepared and
    aggregated. :func:`prepare` returns it beside the Prepared; whoever reads the duplicate
    columns first hands it to :func:`aggregate`, which takes the findings in at its end."""

    def __init__(self, future: Future[Prepared]) -> None:
        self._future: Future[Prepared] | None = future

    def take_into(self, prep: Prepared) -> None:
        """Wait for the detection and put what it found into ``prep``: its work columns,
        groups, examples, notes, basis and reasons (once; later calls do nothing)."""
        if self._future is None:
            return
        part = self._future.result()
        self._future = None
        for column in part.work.columns:
            prep.work[column] = part.work[column]
        prep.exact_group = part.exact_group
        prep.duplicate_examples = part.duplicate_examples
        prep.notes.extend(part.notes)
        prep.basis.update(part.basis)
        prep.reasons.update(part.reasons)
        del part
        release_memory()  # the worker's temporaries sit in its own malloc arena


def _start_column(frame: pd.DataFrame, roles: Roles) -> tuple[pd.Series, str | None]:
    present = [column for column in roles.start if available(frame, column)]
    if not present:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]"), None
    start = frame[present[0]]
    for column in present[1:]:
        start = start.fillna(frame[column])
    if len(present) == 1:
        return start, present[0]
    return start, "(" + ", else ".join(present) + ")"


def _sla(
    frame: pd.DataFrame,
    cycle: pd.Series,
    completed: pd.Series | None,
    options: MetricsOptions,
    prep: Prepared,
) -> pd.Series | None:
    target = options.sla
    if target is not None and target.by_priority is not None:
        if not available(frame, "priority"):
            prep.reasons["sla_compliance"] = (
                "--sla-map gives targets per priority but the export has no priority column"
            )
            return None
        table = {str(key).strip().casefold(): value for key, value in target.by_priority.items()}
        fallback = table.pop("*", math.nan)
        codes, labels = factorize_text(frame["priority"], lambda v: v.str.strip().str.casefold())
        per_label = np.array([table.get(label, fallback) for label in labels] + [fallback])
        limit = pd.Series(per_label[codes], index=frame.index, dtype="float64")
        unmatched = int((limit.isna() & cycle.notna()).sum())
        prep.basis["sla_compliance"] = (
            f"cycle time within the target for its priority ({target.label}); "
            "completed items with a priority in the map"
        )
        if unmatched:
            prep.notes.append(
                f"sla_compliance: {unmatched} completed item(s) have a priority the SLA map "
                "does not list (add a '*' entry for a default); they are left out"
            )
        met = (cycle <= limit).astype("float64")
        return met.where(cycle.notna() & limit.notna())
    if target is not None and target.days is not None:
        if completed is None:
            prep.reasons["sla_compliance"] = "no completion timestamps to measure against --sla"
            return None
        prep.basis["sla_compliance"] = (
            f"cycle time within {target.label or target.days} "
            f"({target.days:g} calendar days), over completed items"
        )
        if available(frame, "sla_met"):
            prep.notes.append("sla_compliance: --sla given, so the export's sla_met is not used")
        return (cycle <= target.days).astype("float64").where(cycle.notna())
    if available(frame, "sla_met"):
        met = _flag(frame["sla_met"])
        if completed is not None:
            met = met.where(completed == 1.0)
            prep.basis["sla_compliance"] = "the export's sla_met column, over completed items"
        else:
            prep.basis["sla_compliance"] = "the export's sla_met column"
        return met
    prep.reasons["sla_compliance"] = (
        "no sla_met column in the export; pass --sla DURATION or --sla-map FILE"
    )
    return None


def _cost(frame: pd.DataFrame, options: MetricsOptions, prep: Prepared) -> pd.Series | None:
    if available(frame, "cost"):
        prep.basis["cost_per_transaction"] = "sum of cost / items with a cost"
        if options.hourly_rate is not None:
            prep.notes.append("--hourly-rate not used: the export has a cost column")
        return frame["cost"].astype("float64")
    if available(frame, "handling_minutes"):
        if options.hourly_rate is None:
            prep.reasons["cost_per_transaction"] = (
                "no cost column; handling_minutes is there: pass --hourly-rate to price it"
            )
            return None
        prep.basis["cost_per_transaction"] = (
            f"handling_minutes / 60 x hourly rate {options.hourly_rate:g}, "
            "over items with handling minutes"
        )
        return frame["handling_minutes"].astype("float64") / 60.0 * options.hourly_rate
    prep.reasons["cost_per_transaction"] = "no cost or handling_minutes column in the export"
    return None


def _default_as_of(frame: pd.DataFrame) -> tuple[pd.Timestamp | None, str]:
    latest: pd.Timestamp | None = None
    source = ""
    for column in EVENT_TIMES:
        if available(frame, column):
            value = frame[column].max()
            if latest is None or value > latest:
                latest, source = value, column
    return latest, source


def prepare(
    frame: pd.DataFrame, kind: Kind, options: MetricsOptions
) -> tuple[Prepared, DuplicatesInFlight | None]:
    """Derive the work columns of every metric from a canonical frame (vectorised)."""
    roles = ROLES[kind]
    start, start_label = _start_column(frame, roles)
    has_end = available(frame, roles.end)
    end = frame[roles.end] if has_end else pd.Series(pd.NaT, index=frame.index)
    work = pd.DataFrame(index=frame.index)

    if options.as_of is not None:
        as_of: pd.Timestamp | None = parse_as_of(options.as_of)
        as_of_basis = "given with --as-of"
    else:
        as_of, column = _default_as_of(frame)
        as_of_basis = f"the latest timestamp in the data ({column})" if as_of is not None else ""
    prep = Prepared(kind=kind, work=work, start=start, end=end, as_of=as_of)
    if as_of is not None:
        prep.basis["as_of"] = as_of_basis
    # Duplicate suspects (invoices) are the costliest part: found in a worker thread while
    # the rest is prepared and aggregated; the first aggregate takes them in.
    pending = (
        _in_background(_duplicates_apart, frame, options, prep) if kind == "invoices" else None
    )

    completed: pd.Series | None = None
    if has_end:
        completed = end.notna().astype("float64")
        work["completed"] = completed
        prep.basis["completed"] = f"items with {roles.end}"
    else:
        prep.reasons["completed"] = f"no {roles.end} column in the export"

    cycle = pd.Series(np.nan, index=frame.index)
    if start_label is None:
        prep.reasons["cycle_time_days"] = f"no {' or '.join(roles.start)} column in the export"
    elif not has_end:
        prep.reasons["cycle_time_days"] = f"no {roles.end} column in the export"
    else:
        cycle = _plausible(_days(end, start), "cycle_time_days", prep)
        work["cycle"] = cycle
        prep.basis["cycle_time_days"] = f"{roles.end} - {start_label}, completed items"

    if kind == "invoices":
        if start_label is not None and available(frame, "approved_at"):
            approval = _plausible(_days(frame["approved_at"], start), "approval_time_days", prep)
            work["approval"] = approval
            prep.basis["approval_time_days"] = f"approved_at - {start_label}"
        else:
            missing = "approved_at" if start_label else " or ".join(roles.start)
            prep.reasons["approval_time_days"] = f"no {missing} column in the export"
        if has_end and available(frame, "due_date"):
            paid_day = _naive_utc(end).dt.normalize()
            due_day = _naive_utc(frame["due_date"]).dt.normalize()
            late = ((paid_day - due_day) / DAY).astype("float64")
            work["ontime"] = (late <= 0).astype("float64").where(late.notna())
            work["late"] = late.clip(lower=0)
            prep.basis["on_time_payment_rate"] = (
                "paid on or before the due date (calendar dates), over paid invoices with one"
            )
        else:
            missing = roles.end if not has_end else "due_date"
            prep.reasons["on_time_payment_rate"] = f"no {missing} column in the export"
            prep.reasons["days_late"] = f"no {missing} column in the export"
        if available(frame, "disputed"):
            work["disputed"] = _flag(frame["disputed"])
        else:
            prep.reasons["dispute_rate"] = "no disputed column in the export"

    else:
        if has_end and available(frame, "due_at"):
            due = frame["due_at"]
            work["due"] = (end <= due).astype("float64").where(end.notna() & due.notna())
            prep.basis["on_time_completion_rate"] = (
                f"{roles.end} at or before due_at, over completed items with one"
            )
        else:
            missing = roles.end if not has_end else "due_at"
            prep.reasons["on_time_completion_rate"] = (
                f'no {missing} column in the export: map one in a --map file ({missing} = "Column")'
            )

    if available(frame, "error"):
        work["error"] = _flag(frame["error"])
    else:
        prep.reasons["error_rate"] = "no error (exception) column in the export"
    if available(frame, "rework_count"):
        rework = frame["rework_count"].astype("Float64")
        work["rework"] = (rework > 0).astype("boolean").astype("float64")
    else:
        prep.reasons["rework_rate"] = "no rework_count column in the export"

    sla = _sla(frame, cycle, completed, options, prep)
    if sla is not None:
        work["sla"] = sla
    cost = _cost(frame, options, prep)
    if cost is not None:
        work["cost"] = cost

    if available(frame, roles.assignee):
        # sorted names: ties between assignees go the same way whatever the row order
        prep.assignees = factorize_text(frame[roles.assignee], _strip, sort=True)
    else:
        for name in ("consistency", "workload_gini"):
            prep.reasons[name] = f"no {roles.assignee} column in the export"
    if not has_end:
        for name in ("consistency", "workload_gini", "throughput"):
            prep.reasons.setdefault(name, f"no {roles.end} column in the export")
    if "cycle" not in work:
        prep.reasons.setdefault("consistency", prep.reasons["cycle_time_days"])

    _backlog(frame, start, end, has_end, start_label, prep)
    _narrow_flags(work)
    return prep, (DuplicatesInFlight(pending) if pending is not None else None)


def _narrow_flags(work: pd.DataFrame) -> None:
    """Keep 0/1/NaN work columns as float32: the same values exactly, at half the memory (a
    million invoices: 36 MB less at the metrics step's peak). Sums read them as float64."""
    for column in FLAG_COLUMNS:
        if column in work and work[column].dtype == np.float64:
            work[column] = work[column].astype(np.float32)


def _duplicates_apart(frame: pd.DataFrame, options: MetricsOptions, prep: Prepared) -> Prepared:
    """:func:`_duplicates` into a scratch :class:`Prepared` (for a worker thread)."""
    part = Prepared(
        kind=prep.kind,
        work=pd.DataFrame(index=frame.index),
        start=prep.start,
        end=prep.end,
        as_of=prep.as_of,
    )
    _duplicates(frame, options, part)
    _narrow_flags(part.work)
    return part


def _in_background(
    job: Callable[[pd.DataFrame, MetricsOptions, Prepared], Prepared],
    frame: pd.DataFrame,
    options: MetricsOptions,
    prep: Prepared,
) -> Future[Prepared]:
    """Run ``job`` in a worker thread: it reads the frame only, and its sorts and Arrow
    string work let go of the interpreter lock, so it overlaps the other metrics' work."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="boaudit-duplicates")
    try:
        return pool.submit(job, frame, options, prep)
    finally:
        pool.shutdown(wait=False)


def _backlog(
    frame: pd.DataFrame,
    start: pd.Series,
    end: pd.Series,
    has_end: bool,
    start_label: str | None,
    prep: Prepared,
) -> None:
    roles = ROLES[prep.kind]
    if start_label is None or not has_end or prep.as_of is None:
        missing = roles.end if start_label is not None else " or ".join(roles.start)
        prep.reasons["backlog"] = f"no {missing} column in the export"
        return
    as_of = prep.as_of
    is_open = start.notna() & (start <= as_of) & (end.isna() | (end > as_of))
    if available(frame, "status"):
        codes, labels = factorize_text(frame["status"], _strip)
        terminal = np.array([bool(TERMINAL_STATUS.search(label)) for label in labels] + [False])
        finished = pd.Series(terminal[codes], index=frame.index) & end.isna()
        excluded = int((is_open & finished).sum())
        is_open &= ~finished
        if excluded:
            prep.notes.append(
                f"backlog: {excluded} item(s) without {roles.end} but with a finished status "
                "(cancelled, rejected, closed, ...) are not counted as open"
            )
    age = _days(pd.Series(as_of, index=frame.index), start).where(is_open)
    prep.work["open"] = is_open.astype("float64")
    prep.work["age"] = age
    prep.basis["backlog"] = (
        f"items started by as_of and not {roles.end.replace('_at', '')} by then; "
        "age in whole days since the start"
    )


def _normalised_ids(ids: pd.Series) -> pd.Series:
    """Invoice numbers compared the way auditors do: upper case, letters and digits only, no
    leading zeros in a run of digits (``inv 0042`` and ``INV-42`` -> ``INV42``)."""
    upper = ids.astype("string").str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)
    # Leading zeros of each run of digits (what ``(?<![0-9])0+(?=[0-9])`` removes), written
    # without look-arounds so that Arrow's regular expressions run it, not Python per value.
    return upper.str.replace(r"(^|[^0-9])0+([0-9])", r"\1\2", regex=True)


def _codes(series: pd.Series) -> IntArray:
    codes, _ = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def _repeated(vendor: IntArray, currency: IntArray, amount: FloatArray) -> npt.NDArray[np.bool_]:
    """Rows whose (vendor, currency, amount) occurs more than once, among rows with a vendor
    and an amount: what ``DataFrame.duplicated(keep=False)`` says there, found by sorting
    instead of hashing three columns, which is faster and needs a fraction of the memory.

    Amounts are ranked by their bits (one sort), and the rank and the (vendor, currency)
    pair are combined into one integer key, sorted once more; equal neighbours are repeats.
    Neither sort needs to be stable, so both use NumPy's fast unstable sort."""
    repeated = np.zeros(len(amount), dtype=bool)
    rows = np.flatnonzero((vendor >= 0) & ~np.isnan(amount))
    if len(rows) < 2:
        return repeated
    pair = vendor[rows] * (int(currency.max()) + 2) + currency[rows] + 1
    # 0.0 and -0.0 are the same amount (as for pandas); no NaN is left among these rows.
    bits = (amount[rows] + 0.0).view(np.int64)
    by_bits = np.argsort(bits)
    ordered = bits[by_bits]
    rank = np.empty(len(rows), dtype=np.int64)
    rank[by_bits] = np.cumsum(np.concatenate(([0], ordered[1:] != ordered[:-1])))
    del bits, by_bits, ordered
    width = int(pair.max()) + 1
    if int(rank.max()) + 1 <= (2**62) // width:
        key = rank * width + pair
        order = np.argsort(key)
        key = key[order]
        same = key[1:] == key[:-1]
    else:  # the combined key would overflow 64 bits: compare the two columns
        order = np.lexsort((pair, rank))
        rank, pair = rank[order], pair[order]
        same = (rank[1:] == rank[:-1]) & (pair[1:] == pair[:-1])
    flagged = np.zeros(len(rows), dtype=bool)
    flagged[1:] |= same
    flagged[:-1] |= same
    repeated[rows[order[flagged]]] = True
    return repeated


def _duplicates(frame: pd.DataFrame, options: MetricsOptions, prep: Prepared) -> None:
    """Exact (vendor, amount, normalised number) and near (vendor, amount, dates within the
    window, different number) duplicate suspects, on the few rows sharing vendor and amount."""
    if not available(frame, "vendor"):
        prep.reasons["duplicate_suspects"] = "no vendor column in the export"
        return
    vendor_key, _ = factorize_text(
        frame["vendor"], lambda v: v.str.casefold().str.split().str.join(" ")
    )
    currency = (
        factorize_text(frame["currency"], lambda v: v.str.strip().str.upper())[0]
        if available(frame, "currency")
        else np.zeros(len(frame), dtype=np.int64)
    )
    amount = frame["amount"].to_numpy(dtype="float64", na_value=np.nan)
    candidates = _repeated(vendor_key, currency, amount)
    n = len(frame)
    exact = np.zeros(n, dtype=np.float64)
    near = np.zeros(n, dtype=np.float64)
    extra = np.zeros(n, dtype=np.float64)
    group = np.full(n, -1, dtype=np.int64)
    positions = np.flatnonzero(candidates)
    prep.basis["duplicate_suspects"] = (
        "exact: same vendor, amount and normalised invoice number; near: same vendor and "
        f"amount, invoice dates within {options.duplicate_window_days:g} days, another number"
    )
    if len(positions):
        number = _codes(_normalised_ids(frame["invoice_id"].iloc[positions]))
        key = pd.DataFrame(
            {
                "v": vendor_key[positions],
                "c": currency[positions],
                "a": amount[positions],
                "n": number,
            }
        )
        dup = key.duplicated(keep=False).to_numpy() & (number >= 0)
        exact[positions[dup]] = 1.0
        ids = key[dup].groupby(["v", "c", "a", "n"], sort=False).ngroup().to_numpy()
        group[positions[dup]] = ids
        first = key[dup].duplicated(keep="first").to_numpy()
        extra[positions[dup][first]] = amount[positions[dup][first]]
        date_column = next(
            (c for c in ("invoice_date", "received_at") if available(frame, c)), None
        )
        if date_column is not None:
            stamps = _naive_utc(frame[date_column].iloc[positions]).to_numpy(dtype="datetime64[ns]")
            when = stamps.astype(np.int64) / 86_400e9
            when[np.isnat(stamps)] = np.nan
            order = np.lexsort(
                (when, key["a"].to_numpy(), key["c"].to_numpy(), key["v"].to_numpy())
            )
            v, c, a, d, num = (
                key["v"].to_numpy()[order],
                key["c"].to_numpy()[order],
                key["a"].to_numpy()[order],
                when[order],
                number[order],
            )
            link = (
                (v[1:] == v[:-1])
                & (c[1:] == c[:-1])
                & (a[1:] == a[:-1])
                & (np.abs(d[1:] - d[:-1]) <= options.duplicate_window_days)
                & (num[1:] != num[:-1])
            )
            flagged = np.zeros(len(order), dtype=bool)
            flagged[:-1] |= link
            flagged[1:] |= link
            near[positions[order[flagged]]] = 1.0
            _near_examples(frame, positions[order], link, prep)
        else:
            prep.notes.append("duplicate_suspects: no invoice date, so no near duplicates")
        _exact_examples(frame, positions[dup], np.asarray(ids, dtype=np.int64), prep)
    prep.work["dup_exact"] = exact
    prep.work["dup_near"] = near
    prep.work["dup_extra"] = extra
    prep.exact_group = group
    prep.duplicate_examples.sort(key=lambda e: (-e["amount"], e["match"], e["vendor"]))
    del prep.duplicate_examples[20:]


_EXAMPLE_COLUMNS = ("invoice_id", "vendor", "amount", "_source", "_row")


def _fetch(frame: pd.DataFrame, rows: npt.NDArray[np.intp]) -> dict[str, dict[int, Any]]:
    """The values the examples show, for ``rows`` only: column -> row position -> value (one
    take per column for every example, not one per example)."""
    wanted = np.unique(np.asarray(rows, dtype=np.intp))
    keys = wanted.tolist()
    return {
        column: dict(zip(keys, frame[column].iloc[wanted].tolist(), strict=True))
        for column in _EXAMPLE_COLUMNS
        if column in frame
    }


def _row_refs(values: dict[str, dict[int, Any]], rows: npt.NDArray[np.intp]) -> list[JsonObject]:
    refs = []
    for row in rows.tolist():
        ref: JsonObject = {"invoice_id": str(values["invoice_id"][row])}
        if "_source" in values:
            ref["source"] = str(values["_source"][row])
        if "_row" in values:
            ref["row"] = int(values["_row"][row])
        refs.append(ref)
    # the same rows in any input order give the same example
    return sorted(refs, key=lambda r: (r.get("source", ""), r.get("row", 0), r["invoice_id"]))


def _ordered(
    values: dict[str, dict[int, Any]], members: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """Member positions in source and row order, so any input order gives the same example."""
    if "_source" not in values or "_row" not in values:
        return members
    source, row = values["_source"], values["_row"]
    keys = members.tolist()
    order = sorted(range(len(keys)), key=lambda k: (source[keys[k]], row[keys[k]]))
    return members[np.asarray(order, dtype=np.intp)]


def _example(
    values: dict[str, dict[int, Any]], match: str, members: npt.NDArray[np.intp]
) -> JsonObject:
    members = _ordered(values, members)
    return {
        "match": match,
        "vendor": str(values["vendor"][int(members[0])]),
        "amount": float(values["amount"][int(members[0])]),
        "invoices": _row_refs(values, members),
    }


def _exact_examples(
    frame: pd.DataFrame, rows: npt.NDArray[np.intp], ids: IntArray, prep: Prepared
) -> None:
    if not len(rows):
        return
    amounts = frame["amount"].to_numpy(dtype="float64")[rows]
    # The 20 largest groups only: this loop is over at most 20 groups, never over rows.
    by_group = pd.DataFrame({"g": ids, "a": amounts, "r": rows}).sort_values(["a", "g", "r"])
    top = by_group.drop_duplicates("g").nlargest(20, "a", keep="first")["g"]
    groups = by_group["g"].to_numpy()
    members = [by_group["r"].to_numpy()[groups == gid] for gid in top]
    values = _fetch(frame, np.concatenate(members))
    for group in members:
        prep.duplicate_examples.append(_example(values, "exact", group))


def _near_examples(
    frame: pd.DataFrame,
    ordered_rows: npt.NDArray[np.intp],
    link: npt.NDArray[np.bool_],
    prep: Prepared,
) -> None:
    pairs = np.flatnonzero(link)
    if not len(pairs):
        return
    amounts = frame["amount"].to_numpy(dtype="float64")[ordered_rows[pairs]]
    members = [
        ordered_rows[[index, index + 1]]
        for index in pairs[np.argsort(-amounts, kind="stable")[:20]]
    ]
    values = _fetch(frame, np.concatenate(members))
    for pair in members:
        prep.duplicate_examples.append(_example(values, "near", pair))


# ---------------------------------------------------------------------------------------------
# Aggregation: every metric for every code at once.


def _count(codes: IntArray, size: int, values: FloatArray | None = None) -> FloatArray:
    """Per code: the number of rows (``values`` None) or of known values, and their sum."""
    valid = codes >= 0
    if values is None:
        return np.bincount(codes[valid], minlength=size).astype(np.float64)
    valid &= ~np.isnan(values)
    return np.bincount(codes[valid], minlength=size).astype(np.float64)


def _sum_and_count(
    codes: IntArray,
    size: int,
    values: npt.NDArray[np.floating[Any]],
    coded: npt.NDArray[np.bool_] | None,
) -> tuple[FloatArray, FloatArray]:
    """Per code: the sum of the known values and their number; ``coded`` is ``codes >= 0``
    (None when every row has a code). A float32 array is a flag column (1.0, 0.0, NaN): its
    sum is the number of ones, counted rather than added (the same number exactly)."""
    valid = ~np.isnan(values)
    flag = values.dtype == np.float32
    if size == 1 and coded is None:  # the overall block: no per-row codes to look up
        known = np.array([np.count_nonzero(valid)], dtype=np.float64)
        if flag:
            return np.array([np.count_nonzero(values == 1)], dtype=np.float64), known
        ones = np.zeros(int(known[0]), dtype=np.intp)
        return np.bincount(ones, weights=values[valid], minlength=1).astype(np.float64), known
    if coded is not None:
        valid &= coded
    kept = codes[valid]
    counts = np.bincount(kept, minlength=size).astype(np.float64)
    if flag:
        one = values == 1
        if coded is not None:
            one &= coded
        return np.bincount(codes[one], minlength=size).astype(np.float64), counts
    sums = np.bincount(kept, weights=values[valid], minlength=size).astype(np.float64)
    return sums, counts


def _by_code_then_value(values: FloatArray, codes: IntArray, size: int) -> npt.NDArray[np.intp]:
    """An order by code, then value; equal values of one code in any order, which is all a
    quantile needs. With few codes: NumPy's fast unstable sort by value, then a stable
    (radix) sort by 16-bit code; ``numpy.lexsort`` otherwise."""
    if size >= 1 << 15:
        return np.lexsort((values, codes))
    by_value = np.argsort(values)
    by_code = np.argsort(codes[by_value].astype(np.int16), kind="stable")
    order: npt.NDArray[np.intp] = by_value[by_code]
    return order


def _dense(combined: IntArray, bound: int) -> tuple[IntArray, IntArray]:
    """``numpy.unique(combined, return_inverse=True)`` for values in ``[0, bound)``: counted
    rather than sorted when ``bound`` is small."""
    if bound > max(4 * len(combined), 1 << 20):
        keys, inverse = np.unique(combined, return_inverse=True)
        return np.asarray(keys, dtype=np.int64), np.asarray(inverse, dtype=np.int64)
    present = np.bincount(combined, minlength=bound) > 0
    rank = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present).astype(np.int64), rank[combined]


def group_quantiles(
    codes: IntArray, values: FloatArray, size: int, quantiles: Sequence[float]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per code: (count, mean, quantiles[size, len(quantiles)]) of the non-NaN values, with
    linear interpolation (NumPy's default method). One sort for all codes."""
    valid = (codes >= 0) & ~np.isnan(values)
    c, v = codes[valid], values[valid]
    if size == 1:  # the overall block: a plain sort
        v = np.sort(v)
    else:
        order = _by_code_then_value(v, c, size)
        c, v = c[order], v[order]
    counts = np.bincount(c, minlength=size).astype(np.int64)
    sums = np.bincount(c, weights=v, minlength=size)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    result = np.full((size, len(quantiles)), np.nan)
    have = counts > 0
    for column, q in enumerate(quantiles):
        h = (counts[have] - 1) * q
        low = np.floor(h).astype(np.int64)
        high = np.minimum(low + 1, counts[have] - 1)
        base = offsets[have]
        lo_v, hi_v = v[base + low], v[base + high]
        result[have, column] = lo_v + (h - low) * (hi_v - lo_v)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / counts
    return counts.astype(np.float64), mean, result


_FEW_CODES = 256
"""Up to this many codes, medians are selected per code instead of sorting every value."""


def group_medians(codes: IntArray, values: FloatArray, size: int) -> tuple[FloatArray, FloatArray]:
    """Per code: (count, median) of the values (all known), the median as
    :func:`group_quantiles` gives it. With few codes, the values are put in code order by a
    radix pass and each code's two middle values selected with ``numpy.partition``: the
    same order statistics as a full sort, in linear time."""
    if size > _FEW_CODES:
        counts, _, quant = group_quantiles(codes, values, size, (0.5,))
        return counts, quant[:, 0]
    order = np.argsort(codes.astype(np.int16), kind="stable")
    ordered = values[order]
    counts = np.bincount(codes, minlength=size).astype(np.int64)
    ends = np.cumsum(counts)
    medians = np.full(size, np.nan)
    for code in np.flatnonzero(counts).tolist():
        segment = ordered[ends[code] - counts[code] : ends[code]]
        h = (len(segment) - 1) * 0.5
        low = int(np.floor(h))
        high = min(low + 1, len(segment) - 1)
        picked = np.partition(segment, [low, high])
        lo_v, hi_v = picked[low], picked[high]
        medians[code] = lo_v + (h - low) * (hi_v - lo_v)
    return counts.astype(np.float64), medians


@dataclass
class Aggregates:
    """Per-code arrays of every metric's ingredients."""

    size: int
    """Number of codes."""
    count: FloatArray
    """Items per code."""
    sums: dict[str, FloatArray]
    """Work column -> per-code sum of its known values."""
    known: dict[str, FloatArray]
    """Work column -> per-code count of its known values."""
    dist: dict[str, tuple[FloatArray, FloatArray, FloatArray]]
    """Duration column -> (count, mean, [median, p90, max])."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Metric -> per-code objects (throughput, consistency, gini, backlog buckets, groups)."""


RATE_COLUMNS = (
    "completed",
    "error",
    "rework",
    "sla",
    "ontime",
    "due",
    "disputed",
    "cost",
    "open",
    "dup_exact",
    "dup_near",
    "dup_extra",
)
FLAG_COLUMNS = tuple(c for c in RATE_COLUMNS if c not in {"cost", "dup_extra"})
"""Work columns holding only 1.0, 0.0 and NaN (the rates; cost and extra money are sums)."""
DIST_COLUMNS = ("cycle", "approval", "late", "age")
DUPLICATE_COLUMNS = ("dup_exact", "dup_near", "dup_extra")
LIGHT_COLUMNS = ("completed", "error", "rework", "sla", "ontime", "due", "disputed", "cost")
"""The rate columns behind :data:`RATE_METRICS`, all a light breakdown sums."""


def aggregate(
    prep: Prepared,
    codes: IntArray,
    size: int,
    *,
    throughput_period: Period | None,
    options: MetricsOptions,
    light: bool = False,
    duplicates: DuplicatesInFlight | None = None,
) -> Aggregates:
    """Every metric's ingredients for each of ``size`` codes (rows with code -1 are left out).

    ``duplicates``, the detection :func:`prepare` left running, is taken into ``prep`` after
    everything else is aggregated (it overlaps that work) and before the duplicate columns are
    read. Later calls need no handle: the columns are in ``prep`` by then.

    ``light`` computes counts and rates only (no distributions, consistency, Gini, throughput,
    backlog): enough for the evidence rules' breakdowns."""
    work = prep.work
    agg = Aggregates(size=size, count=_count(codes, size), sums={}, known={}, dist={})
    coded = codes >= 0
    shared = None if coded.all() else coded

    def rates(columns: Sequence[str]) -> None:
        for column in columns:
            if column in work:
                series = work[column]
                values = (  # flags stay float32: see _sum_and_count
                    series.to_numpy()
                    if series.dtype == np.float32
                    else series.to_numpy(dtype=np.float64, na_value=np.nan)
                )
                agg.sums[column], agg.known[column] = _sum_and_count(codes, size, values, shared)

    # The duplicate columns last: their detection may still be running (``duplicates``).
    wanted = LIGHT_COLUMNS if light else RATE_COLUMNS
    rates([c for c in wanted if c not in DUPLICATE_COLUMNS])
    for column in DIST_COLUMNS if not light else ():
        if column in work:
            values = work[column].to_numpy(dtype=np.float64, na_value=np.nan)
            agg.dist[column] = group_quantiles(codes, values, size, (0.5, 0.9, 1.0))
    if "open" in work and not light:
        age = work["age"].to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.floor(age)
        edges = ((0, 7), (8, 30), (31, 90), (91, math.inf))
        agg.extra["buckets"] = [
            _count(codes, size, np.where((whole >= lo) & (whole <= hi), 1.0, np.nan))
            for lo, hi in edges
        ]
        agg.extra["over_30"] = _count(codes, size, np.where(whole > 30, 1.0, np.nan))
    if prep.assignees is not None and not light:
        acodes, names = prep.assignees
        if "completed" in work:
            agg.extra["gini"] = _gini(codes, acodes, work["completed"].to_numpy(), size)
        if "cycle" in work:
            agg.extra["consistency"] = _consistency(
                codes,
                acodes,
                names,
                work["cycle"].to_numpy(dtype=np.float64, na_value=np.nan),
                size,
                options.consistency_min_items,
            )
    if "completed" in work and throughput_period is not None and not light:
        agg.extra["throughput"] = _throughput(prep, codes, size, throughput_period)
    # Taken in last: the duplicate detection overlaps everything above.
    if duplicates is not None:
        duplicates.take_into(prep)
    rates([c for c in DUPLICATE_COLUMNS if c in wanted])
    if prep.exact_group is not None and not light:
        valid = (codes >= 0) & (prep.exact_group >= 0)
        pairs = np.unique(np.stack([codes[valid], prep.exact_group[valid]]), axis=1)
        agg.extra["exact_groups"] = np.bincount(pairs[0], minlength=size).astype(np.float64)
    return agg


def _gini(codes: IntArray, acodes: IntArray, completed: FloatArray, size: int) -> FloatArray:
    """Per code: the Gini coefficient of completed items per assignee (assignees with any item,
    including those with none completed); NaN with fewer than 2 assignees or no completion."""
    valid = (codes >= 0) & (acodes >= 0)
    width = int(acodes.max()) + 1 if len(acodes) else 1
    combined = codes[valid] * width + acodes[valid]
    keys, inverse = _dense(combined, size * width)
    done = np.bincount(inverse, weights=np.nan_to_num(completed[valid]))
    owner = keys // width
    order = np.lexsort((done, owner))
    owner, done = owner[order], done[order]
    n = np.bincount(owner, minlength=size).astype(np.float64)
    start = np.concatenate(([0], np.cumsum(n)[:-1])).astype(np.int64)
    rank = np.arange(len(owner)) - start[owner] + 1
    total = np.bincount(owner, weights=done, minlength=size)
    weighted = np.bincount(owner, weights=rank * done, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        gini = 2 * weighted / (n * total) - (n + 1) / n
    gini[(n < 2) | (total <= 0)] = np.nan
    return np.asarray(gini, dtype=np.float64)


def _consistency(
    codes: IntArray,
    acodes: IntArray,
    names: list[str],
    cycle: FloatArray,
    size: int,
    min_items: int,
) -> list[JsonObject | str]:
    """Per code: the spread of per-assignee median cycle times, or why there is none."""
    valid = (codes >= 0) & (acodes >= 0) & ~np.isnan(cycle)
    width = len(names) or 1
    combined = codes[valid] * width + acodes[valid]
    keys, inverse = _dense(combined, size * width)
    counts, medians = group_medians(inverse.astype(np.int64), cycle[valid], len(keys))
    frame = pd.DataFrame({"code": keys // width, "who": keys % width, "n": counts, "m": medians})
    frame = frame[frame["n"] >= min_items]
    result: list[JsonObject | str] = [
        f"fewer than 2 assignees with {min_items}+ completed items" for _ in range(size)
    ]
    if frame.empty:
        return result
    stats = frame.groupby("code")["m"].agg(["min", "max", "mean", "size"])
    stats["std"] = frame.groupby("code")["m"].std(ddof=0)
    fastest = frame.loc[frame.sort_values(["code", "m", "who"]).groupby("code").head(1).index]
    slowest = frame.loc[
        frame.sort_values(["code", "m", "who"], ascending=[True, False, True])
        .groupby("code")
        .head(1)
        .index
    ]
    fast = dict(zip(fastest["code"], fastest["who"], strict=True))
    slow = dict(zip(slowest["code"], slowest["who"], strict=True))
    for code, row in stats[stats["size"] >= 2].iterrows():  # one per group, not per row
        index = int(code)  # type: ignore[call-overload]
        spread = row["max"] / row["min"] if row["min"] > 0 else math.nan
        result[index] = {
            "assignees": int(row["size"]),
            "fastest": names[int(fast[index])],
            "slowest": names[int(slow[index])],
            "min_median_days": _r(row["min"]),
            "max_median_days": _r(row["max"]),
            "spread": _r(spread),
            "cv": _r(row["std"] / row["mean"]) if row["mean"] > 0 else None,
        }
    return result


def _throughput(
    prep: Prepared, codes: IntArray, size: int, period: Period
) -> list[JsonObject | None]:
    """Per code: completed items per calendar period, over every period from the first to the
    last completion in the whole data (periods with none count as 0)."""
    ordinal = period_ordinals(prep.end, period)
    done = ~np.isnan(ordinal) & (codes >= 0)
    if not done.any():
        return [None] * size
    first = int(np.nanmin(ordinal))
    span = int(np.nanmax(ordinal)) - first + 1
    cell = codes[done] * span + (ordinal[done].astype(np.int64) - first)
    matrix = np.bincount(cell, minlength=size * span).reshape(size, span).astype(np.float64)
    means = matrix.mean(axis=1)
    medians = np.median(matrix, axis=1)
    maxima = matrix.max(axis=1)
    return [
        {
            "per": period,
            "mean": _r(means[index]),
            "median": _r(medians[index]),
            "max": int(maxima[index]),
            "periods": span,
        }
        for index in range(size)
    ]


# ---------------------------------------------------------------------------------------------
# Assembly: per code, a JSON-ready block of metrics and the reasons of its nulls.


def _rate(agg: Aggregates, column: str, index: int) -> float | None:
    known = agg.known[column][index]
    return _r(agg.sums[column][index] / known) if known else None


def _dist(agg: Aggregates, column: str, index: int, p90: str = "p90") -> JsonObject | None:
    counts, mean, quant = agg.dist[column]
    if not counts[index]:
        return None
    return {
        "mean": _r(mean[index]),
        "median": _r(quant[index, 0]),
        p90: _r(quant[index, 1]),
        "n": int(counts[index]),
    }


EMPTY_REASONS: dict[str, str] = {
    "completed": "no items",
    "cycle_time_days": "no completed item with both timestamps",
    "approval_time_days": "no approved item with a start date",
    "error_rate": "error not known for any item",
    "rework_rate": "rework_count not known for any item",
    "sla_compliance": "no completed item with an SLA judgement",
    "on_time_payment_rate": "no paid invoice with a due date",
    "on_time_completion_rate": "no completed item with a due_at",
    "days_late": "no paid invoice with a due date",
    "dispute_rate": "disputed not known for any item",
    "cost_per_transaction": "no item with a cost",
    "throughput": "no completed items",
    "backlog": "no items",
    "workload_gini": "fewer than 2 assignees, or nothing completed",
    "duplicate_suspects": "no items",
}


def block(
    prep: Prepared, agg: Aggregates, index: int, names: Sequence[str]
) -> tuple[JsonObject, dict[str, str]]:
    """The metrics ``names`` for code ``index``, and the reason of each null among them."""
    values: JsonObject = {}
    reasons: dict[str, str] = {}
    count = int(agg.count[index])
    builders: dict[str, Callable[[], Any]] = {
        "count": lambda: count,
        "completed": lambda: int(agg.sums["completed"][index]),
        "cycle_time_days": lambda: _dist(agg, "cycle", index),
        "approval_time_days": lambda: _dist(agg, "approval", index),
        "error_rate": lambda: _rate(agg, "error", index),
        "rework_rate": lambda: _rate(agg, "rework", index),
        "sla_compliance": lambda: _rate(agg, "sla", index),
        "on_time_payment_rate": lambda: _rate(agg, "ontime", index),
        "on_time_completion_rate": lambda: _rate(agg, "due", index),
        "days_late": lambda: _days_late(agg, index),
        "dispute_rate": lambda: _rate(agg, "disputed", index),
        "cost_per_transaction": lambda: _rate(agg, "cost", index),
        "throughput": lambda: agg.extra["throughput"][index] if count else None,
        "backlog": lambda: _backlog_block(agg, index),
        "consistency": lambda: agg.extra["consistency"][index],
        "workload_gini": lambda: _r(agg.extra["gini"][index]),
        "duplicate_suspects": lambda: _duplicates_block(agg, index, count),
    }
    for name in names:
        if name in prep.reasons:
            values[name], reasons[name] = None, prep.reasons[name]
            continue
        if name == "throughput" and "throughput" not in agg.extra:
            continue
        value: Any = builders[name]() if (count or name in ("count", "completed")) else None
        reason: str
        if isinstance(value, str):  # a reason computed per group
            value, reason = None, value
        else:
            reason = EMPTY_REASONS.get(name, "no data") if count else "no items"
        values[name] = value
        if value is None:
            reasons[name] = reason
    return values, reasons


def _days_late(agg: Aggregates, index: int) -> JsonObject | None:
    late = _dist(agg, "late", index)
    if late is None:
        return None
    late["max"] = _r(agg.dist["late"][2][index, 2])
    return late


def _backlog_block(agg: Aggregates, index: int) -> JsonObject | None:
    open_items = int(agg.sums["open"][index])
    age = _dist(agg, "age", index)
    if age is not None:
        del age["n"]
        age["max"] = _r(agg.dist["age"][2][index, 2])
    return {
        "open": open_items,
        "buckets": {
            label: int(agg.extra["buckets"][position][index])
            for position, label in enumerate(BACKLOG_BUCKETS)
        },
        "age_days": age,
        "over_30_share": _r(agg.extra["over_30"][index] / open_items) if open_items else None,
    }


def _duplicates_block(agg: Aggregates, index: int, count: int) -> JsonObject:
    exact = int(agg.sums["dup_exact"][index])
    near = int(agg.sums["dup_near"][index])
    return {
        "exact": {
            "groups": int(agg.extra["exact_groups"][index]),
            "invoices": exact,
            "share": _r(exact / count),
            "extra_amount": _r(agg.sums["dup_extra"][index]),
        },
        "near": {"invoices": near, "share": _r(near / count)},
    }


# ---------------------------------------------------------------------------------------------
# Breakdowns.


def group_codes(frame: pd.DataFrame, column: str) -> tuple[IntArray, list[str]]:
    """Codes and sorted labels of a ``--by`` column; empty values are the group ``(blank)``."""
    if column == "source":
        column = "_source"
    codes, labels = factorize_text(frame[column].astype("string"), _strip, sort=True)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels = [*labels, BLANK]
    return codes, labels


def check_by(frame: pd.DataFrame, by: Sequence[str]) -> None:
    """Raise :class:`UsageError` for a ``--by`` column the frame does not have."""
    if not by:
        return
    usable = sorted(c for c in frame.columns if not c.startswith("_") and available(frame, c))
    for column in by:
        if column == "source" and "_source" in frame:
            continue
        if column not in usable:
            raise UsageError(
                f"--by {column}: no such column with values; use one of: "
                + ", ".join([*usable, "source"])
            )


def breakdown(
    prep: Prepared,
    frame: pd.DataFrame,
    column: str,
    options: MetricsOptions,
    names: Sequence[str] | None = None,
) -> tuple[dict[str, JsonObject], dict[str, dict[str, str]]]:
    """Metrics per value of ``column`` (all, or only the count and rate metrics ``names``):
    (values by group, null reasons by group)."""
    codes, labels = group_codes(frame, column)
    light = names is not None
    agg = aggregate(
        prep,
        codes,
        len(labels),
        throughput_period=options.period or "week",
        options=options,
        light=light,
    )
    names = names if names is not None else METRIC_NAMES[prep.kind]
    values: dict[str, JsonObject] = {}
    reasons: dict[str, dict[str, str]] = {}
    for index, label in enumerate(labels):  # one pass per group, each a dict assembly
        values[label], why = block(prep, agg, index, names)
        if why:
            reasons[label] = why
    return values, reasons


def trend(prep: Prepared, period: Period, options: MetricsOptions) -> list[JsonObject]:
    """The ``periods`` list: arrival metrics by start period, completion metrics by end period,
    and ``open_at_end`` (items started before the period's end and not finished by then)."""
    arrival = period_ordinals(prep.start, period)
    completion = period_ordinals(prep.end, period)
    both = np.concatenate([arrival[~np.isnan(arrival)], completion[~np.isnan(completion)]])
    if not len(both):
        return []
    first, last = int(both.min()), int(both.max())
    if prep.as_of is not None:
        last = min(last, int(period_ordinals(pd.Series([prep.as_of]), period)[0]))
        first = min(first, last)
    span = last - first + 1

    def to_codes(ordinal: FloatArray) -> IntArray:
        codes = np.where(np.isnan(ordinal), -1, ordinal - first).astype(np.int64)
        codes[(codes < 0) | (codes >= span)] = -1
        return codes

    arrival_codes, completion_codes = to_codes(arrival), to_codes(completion)
    by_arrival = aggregate(prep, arrival_codes, span, throughput_period=None, options=options)
    by_completion = aggregate(prep, completion_codes, span, throughput_period=None, options=options)
    # open at the end of period k = started in periods <= k minus completed in periods <= k,
    # among items with a start.
    started = np.cumsum(np.bincount(arrival_codes[arrival_codes >= 0], minlength=span))
    has_start = ~np.isnan(arrival)
    closed_codes = np.where(has_start, completion_codes, -1)
    finished = np.cumsum(np.bincount(closed_codes[closed_codes >= 0], minlength=span))
    names = [n for n in PERIOD_METRICS if n in METRIC_NAMES[prep.kind]]
    result: list[JsonObject] = []
    for index in range(span):  # one pass per calendar period
        label, start, end = period_bounds(first + index, period)
        arrived, _ = block(prep, by_arrival, index, names)
        closed, _ = block(prep, by_completion, index, names)
        entry: JsonObject = {"period": label, "start": iso(start), "end": iso(end)}
        for name in names:
            entry[name] = (closed if name in COMPLETION_ANCHORED else arrived).get(name)
        has_end = "completed" not in prep.reasons
        entry["open_at_end"] = int(started[index] - finished[index]) if has_end else None
        result.append(entry)
    return result


def data_quality(
    frame: pd.DataFrame,
    kind: Kind,
    prep: Prepared,
    rows: Mapping[str, int],
    value_problems: Mapping[str, int],
) -> JsonObject:
    """Missing and unparsable values, negative durations: the ``data_quality`` object."""
    count = len(frame)
    missing: dict[str, float] = {}
    for column in KEY_COLUMNS[kind]:
        if available(frame, column):
            share = float(frame[column].isna().mean())
            if share > 0:
                missing[column] = round(share, ROUND)
    worst = max(missing.items(), key=lambda item: (item[1], item[0]), default=None)
    read = int(rows.get("read", count))
    problems = int(
        sum(value_problems.values()) + sum(prep.negative.values()) + sum(prep.implausible.values())
    )
    quarantined = int(rows.get("quarantined", 0))
    return {
        "read": read,
        "quarantined": quarantined,
        "value_problems": dict(sorted(value_problems.items())),
        "problem_share": _r((quarantined + problems) / read) if read else None,
        "missing_share": missing,
        "worst_missing": {"column": worst[0], "share": worst[1]} if worst else None,
        "negative_durations": dict(prep.negative),
        "implausible_durations": dict(prep.implausible),
    }


RATE_METRICS: dict[str, tuple[str, ...]] = {
    kind: tuple(
        name
        for name in names
        if name
        in (
            "count",
            "completed",
            "error_rate",
            "rework_rate",
            "sla_compliance",
            "on_time_payment_rate",
            "on_time_completion_rate",
            "dispute_rate",
            "cost_per_transaction",
        )
    )
    for kind, names in METRIC_NAMES.items()
}
"""The metrics a light breakdown (for the evidence rules) computes."""
