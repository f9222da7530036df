"""The work table: one derived column per KPI input, written once as ibis expressions.

The canonical table (what ingest hands over, or a database table mapped to canonical names) gets
one numeric column per input of a KPI: cycle time in days, error as 1/0/null, open at ``as_of``,
the duplicate keys... Every KPI of :mod:`boaudit.metrics.registry` is then a reduction over these
columns, grouped by whatever breakdown is asked for, and runs on any ibis backend.

The conventions are those of DESIGN.md section 4 and of the reference engine
(:mod:`boaudit.metrics.compute`), so that both give the same figures:

* durations are calendar days as floats: whole microseconds between the timestamps, times 1,000,
  as a float, / 1e9 / 86,400 (the reference's nanosecond arithmetic);
* a negative duration (an end before its start) is left out and counted;
* a rate is the share of items where its input is known.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from boaudit.metrics.compute import EVENT_TIMES, ROLES, TERMINAL_STATUS, Roles
from boaudit.metrics.model import Kind, MetricsOptions

if TYPE_CHECKING:
    import datetime as dt

POSITION = "_pos"
"""The row's position in the canonical table (0-based): ties are broken by it, as the reference
engine's stable sorts break them by row order."""

_US_PER_DAY = 86_400_000_000

WHITESPACE = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]+"
"""A run of the characters Python's ``str.split()`` splits on (the Unicode spaces too), in the
syntax every backend's regular expressions read (RE2, Java, ICU)."""


Micros = Callable[[ir.TimestampValue], ir.IntegerValue]
"""Microseconds since 1970-01-01 UTC of a timestamp, as the backend computes them fastest."""


def generic_micros(stamp: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds since the epoch on any backend (a calendar difference: slower)."""
    epoch = ibis.timestamp("1970-01-01 00:00:00", timezone="UTC")
    return stamp.delta(epoch, unit="microsecond")


@functools.cache
def builtin_micros(function: str) -> Micros:
    """A backend's own epoch-microseconds function (``epoch_us`` in DuckDB, ``unix_micros`` in
    Spark): a plain read of the stored value, where a calendar difference walks the dates."""
    import ibis.expr.datatypes as dt

    # ibis's decorators carry no types: the function is typed by Micros
    @ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator]
        name=function, signature=((dt.Timestamp(timezone="UTC"),), dt.int64)
    )
    def micros(stamp: ir.TimestampValue) -> ir.IntegerValue: ...

    return micros  # type: ignore[no-any-return]


_micros: Micros = generic_micros


def set_micros(function: Micros) -> None:
    """Use ``function`` for the timestamps of the next derivations (the backend's fastest)."""
    global _micros
    _micros = function


def micros(stamp: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds since 1970-01-01 UTC."""
    return _micros(stamp)


def days_between(end: ir.TimestampValue, start: ir.TimestampValue) -> ir.FloatingValue:
    """``end - start`` in calendar days (null where either is missing)."""
    return ((micros(end) - micros(start)) * 1000).cast("float64") / 1e9 / 86_400.0


def day_ordinal(stamp: ir.TimestampValue) -> ir.IntegerValue:
    """Days since 1970-01-01 of the timestamp's UTC date."""
    return (micros(stamp).cast("float64") / _US_PER_DAY).floor().cast("int64")


def month_ordinal(stamp: ir.TimestampValue) -> ir.IntegerValue:
    """Months since 1970-01 of the timestamp's UTC date."""
    return (stamp.year() - 1970) * 12 + stamp.month() - 1


def period_ordinal(stamp: ir.TimestampValue, period: str) -> ir.IntegerValue:
    """The calendar period of a timestamp as an ordinal: days since 1970-01-01, Monday-start
    weeks since the week of 1970-01-01, months since 1970-01, or quarters."""
    if period == "month":
        return month_ordinal(stamp)
    if period == "quarter":
        return (month_ordinal(stamp).cast("float64") / 3).floor().cast("int64")
    days = day_ordinal(stamp)
    if period == "day":
        return days
    return ((days + 3).cast("float64") / 7).floor().cast("int64")


def flag(value: ir.BooleanValue) -> ir.FloatingValue:
    """A boolean as 1.0 / 0.0 / null (unknown)."""
    return value.cast("float64")


def text_key(value: ir.StringValue) -> ir.StringValue:
    """Stripped text, null when empty: how group labels, assignees and statuses are compared."""
    stripped = value.cast("string").strip()
    return ibis.ifelse(stripped == "", ibis.null("string"), stripped)


def normalised_number(ids: ir.Value) -> ir.StringValue:
    """Invoice numbers compared the way auditors do: upper case, letters and digits only, no
    leading zeros in a run of digits (``inv 0042`` and ``INV-42`` -> ``INV42``)."""
    upper = ids.cast("string").upper().re_replace(r"[^0-9A-Z]", "")
    stripped = upper.re_replace(r"(^|[^0-9])0+([0-9])", r"\1\2")
    return ibis.ifelse(stripped == "", ibis.null("string"), stripped)


def with_lookup(
    table: ir.Table, column: str, name: str, transform: Callable[[ir.Value], ir.Value]
) -> ir.Table:
    """``table`` with a column ``name`` = ``transform(column)``, computed once per distinct
    value and joined back (a column of a few hundred names is transformed a few hundred times,
    not once per row)."""
    values = table.select(column).distinct()
    lookup = values.mutate(**{name: transform(values[column])})
    joined = table.left_join(lookup, column)
    return joined.drop(*(c for c in joined.columns if c.endswith("_right")))


def vendor_key(vendor: ir.Value) -> ir.StringValue:
    """A vendor name compared casefolded, with its spaces collapsed; null when empty."""
    key = vendor.cast("string").lower().re_replace(WHITESPACE, " ").strip()
    return ibis.ifelse(key == "", ibis.null("string"), key)


def currency_key(currency: ir.Value) -> ir.StringValue:
    """A currency code stripped and upper case; null when empty."""
    key = currency.cast("string").strip().upper()
    return ibis.ifelse(key == "", ibis.null("string"), key)


@dataclass(frozen=True)
class Facts:
    """What one pass over the canonical table says about it: which columns hold values, and
    the latest event time (the default ``as_of``)."""

    rows: int
    """Rows in the table."""
    non_null: Mapping[str, int]
    """Column -> values that are not null."""
    latest: Mapping[str, dt.datetime]
    """Event-time column -> its latest value."""

    def available(self, column: str) -> bool:
        """True when ``column`` is in the table and holds at least one value."""
        return self.non_null.get(column, 0) > 0


def gather_facts(table: ir.Table, rows: Callable[[ir.Table], list[dict[str, Any]]]) -> Facts:
    """One aggregate query, fetched with the backend's ``rows`` (which gives every backend's
    timestamps in UTC): the rows, the non-null counts and the latest event times."""
    reductions: dict[str, ir.Scalar] = {"__rows": table.count()}
    names = [c for c in table.columns if c != POSITION]
    for index, column in enumerate(names):
        reductions[f"n{index}"] = table[column].count()
    times = [c for c in EVENT_TIMES if c in table.columns]
    for index, column in enumerate(times):
        reductions[f"t{index}"] = table[column].max()
    row = rows(table.aggregate(**reductions))[0]
    return Facts(
        rows=int(row["__rows"]),
        non_null={column: int(row[f"n{index}"]) for index, column in enumerate(names)},
        latest={
            column: row[f"t{index}"]
            for index, column in enumerate(times)
            if row[f"t{index}"] is not None
        },
    )


@dataclass
class Work:
    """The work table and everything known about how its columns were derived."""

    kind: Kind
    """The kind of items."""
    table: ir.Table
    """The canonical table with the derived ``w_*`` columns."""
    facts: Facts
    """What the canonical table holds."""
    roles: Roles
    """Which columns play which part."""
    as_of: dt.datetime | None
    """Reference time of the backlog (UTC)."""
    start: ir.TimestampValue | None
    """Start of each item's cycle."""
    end_column: str | None
    """The completion (payment) column, when it holds values."""
    reasons: dict[str, str] = field(default_factory=dict)
    """metric -> why it cannot be computed at all (its inputs are absent)."""
    basis: dict[str, str] = field(default_factory=dict)
    """metric -> how it was computed."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(reduction name, sentence with ``{n}``): notes said when the count is not zero, in order;
    a reduction name of ``""`` is a note said always."""
    counters: dict[str, ir.BooleanValue] = field(default_factory=dict)
    """Per-row conditions counted overall (as ``c_NAME`` columns of the work table): the
    counts behind the notes and the negative durations."""

    def has(self, column: str) -> bool:
        """True when the work table has the derived column ``column``."""
        return column in self.table.columns

    def note(self, text: str, counter: str = "", rows: ir.BooleanValue | None = None) -> None:
        """A note for the user, said always or only when some ``rows`` hold (``{n}`` is their
        number)."""
        if rows is not None:
            self.counters[counter] = rows
        self.notes.append((counter, text))

    def said(self, counts: Mapping[str, Any]) -> list[str]:
        """The notes, in order, with the counts of ``counts`` filled in."""
        sentences = []
        for counter, text in self.notes:
            if not counter:
                sentences.append(text)
            elif counts.get(counter):
                sentences.append(text.format(n=int(counts[counter])))
        return sentences


def derive(table: ir.Table, kind: Kind, options: MetricsOptions, facts: Facts) -> Work:
    """The work table of ``kind`` over a canonical ``table`` (with a :data:`POSITION` column)."""
    from boaudit.metrics.compute import parse_as_of

    roles = ROLES[kind]
    table = _lookups(table, kind, facts)
    present = [c for c in roles.start if facts.available(c)]
    start: ir.TimestampValue | None = None
    start_label: str | None = None
    if present:
        start = (
            ibis.coalesce(*(table[c] for c in present)) if len(present) > 1 else table[present[0]]
        )
        start_label = present[0] if len(present) == 1 else "(" + ", else ".join(present) + ")"
    has_end = facts.available(roles.end)
    end: ir.TimestampValue | None = table[roles.end] if has_end else None

    as_of: dt.datetime | None
    if options.as_of is not None:
        as_of = parse_as_of(options.as_of).to_pydatetime()
        as_of_basis = "given with --as-of"
    else:
        as_of, as_of_basis = _default_as_of(facts)
    work = Work(
        kind=kind,
        table=table,
        facts=facts,
        roles=roles,
        as_of=as_of,
        start=start,
        end_column=roles.end if has_end else None,
    )
    if as_of is not None:
        work.basis["as_of"] = as_of_basis
    columns: dict[str, ir.Value] = {}
    if start is not None:
        columns["w_start"] = start

    if end is not None:
        columns["w_completed"] = flag(end.notnull())
        columns["w_end_period"] = period_ordinal(end, options.period or "week")
        work.basis["completed"] = f"items with {roles.end}"
    else:
        work.reasons["completed"] = f"no {roles.end} column in the export"

    cycle: ir.FloatingValue | None = None
    if start is None:
        work.reasons["cycle_time_days"] = f"no {' or '.join(roles.start)} column in the export"
    elif end is None:
        work.reasons["cycle_time_days"] = f"no {roles.end} column in the export"
    else:
        cycle = plausible(days_between(end, start), "cycle_time_days", work)
        columns["w_cycle"] = cycle
        work.basis["cycle_time_days"] = f"{roles.end} - {start_label}, completed items"

    if kind == "invoices":
        _invoice_columns(table, work, columns, start, start_label, end, has_end)
    elif end is not None and facts.available("due_at"):
        columns["w_due"] = ibis.ifelse(
            end.notnull() & table["due_at"].notnull(), flag(end <= table["due_at"]), None
        )
        work.basis["on_time_completion_rate"] = (
            f"{roles.end} at or before due_at, over completed items with one"
        )
    else:
        missing = roles.end if end is None else "due_at"
        work.reasons["on_time_completion_rate"] = (
            f'no {missing} column in the export: map one in a --map file ({missing} = "Column")'
        )

    if facts.available("error"):
        columns["w_error"] = flag(table["error"])
    else:
        work.reasons["error_rate"] = "no error (exception) column in the export"
    if facts.available("rework_count"):
        columns["w_rework"] = flag(table["rework_count"].cast("float64") > 0)
    else:
        work.reasons["rework_rate"] = "no rework_count column in the export"

    sla = _sla(table, work, cycle, end is not None, options)
    if sla is not None:
        columns["w_sla"] = sla
    cost = _cost(table, work, options)
    if cost is not None:
        columns["w_cost"] = cost

    if facts.available(roles.assignee):
        columns["w_assignee"] = table["k_assignee"]
    else:
        for name in ("consistency", "workload_gini"):
            work.reasons[name] = f"no {roles.assignee} column in the export"
    if not has_end:
        for name in ("consistency", "workload_gini", "throughput"):
            work.reasons.setdefault(name, f"no {roles.end} column in the export")
    if cycle is None:
        work.reasons.setdefault("consistency", work.reasons["cycle_time_days"])

    _backlog(table, work, columns, start, end, start_label)
    if kind == "invoices":
        _duplicate_columns(table, work, columns, options)
    for name, rows in work.counters.items():
        columns[f"c_{name}"] = rows.fill_null(False).cast("int64")
    work.table = table.mutate(**columns)
    return work


def _lookups(table: ir.Table, kind: Kind, facts: Facts) -> ir.Table:
    """The text keys, each computed once per distinct value: the assignee, the status's
    finished flag, and (invoices) the vendor and currency keys of the duplicate tests."""
    assignee = ROLES[kind].assignee
    if facts.available(assignee):
        table = with_lookup(table, assignee, "k_assignee", text_key)
    if facts.available("status"):
        pattern = "(?i)" + TERMINAL_STATUS.pattern
        table = with_lookup(
            table,
            "status",
            "k_finished",
            lambda status: text_key(status).re_search(pattern).fill_null(False),
        )
    if kind == "invoices" and facts.available("vendor"):
        table = with_lookup(table, "vendor", "k_vendor", vendor_key)
        if facts.available("currency"):
            table = with_lookup(table, "currency", "k_currency", currency_key)
    return table


def plausible(days: ir.FloatingValue, metric: str, work: Work) -> ir.FloatingValue:
    """``days`` without the implausible durations: an end before its start, or longer than
    :data:`~boaudit.metrics.compute.MAX_PLAUSIBLE_DAYS` (a date far outside the data). Both are
    counted (``data_quality``) and named in a note."""
    from boaudit.metrics.compute import MAX_PLAUSIBLE_DAYS

    negative = days < 0
    too_long = days > MAX_PLAUSIBLE_DAYS
    work.note(
        f"{metric}: {{n:,}} duration(s) end before they start; left out",
        f"negative_{metric}",
        negative,
    )
    work.note(
        f"{metric}: {{n:,}} duration(s) longer than 10 years (a date far outside the data, "
        "such as 1899-12-31, Excel serial 60 or year 1); left out",
        f"implausible_{metric}",
        too_long,
    )
    return ibis.ifelse(negative | too_long, ibis.null("float64"), days)


def _default_as_of(facts: Facts) -> tuple[dt.datetime | None, str]:
    latest: dt.datetime | None = None
    source = ""
    for column in EVENT_TIMES:
        value = facts.latest.get(column)
        if value is not None and (latest is None or value > latest):
            latest, source = value, column
    return latest, (f"the latest timestamp in the data ({source})" if latest is not None else "")


def _invoice_columns(
    table: ir.Table,
    work: Work,
    columns: dict[str, ir.Value],
    start: ir.TimestampValue | None,
    start_label: str | None,
    end: ir.TimestampValue | None,
    has_end: bool,
) -> None:
    facts = work.facts
    roles = work.roles
    if start is not None and facts.available("approved_at"):
        columns["w_approval"] = plausible(
            days_between(table["approved_at"], start), "approval_time_days", work
        )
        work.basis["approval_time_days"] = f"approved_at - {start_label}"
    else:
        missing = "approved_at" if start_label else " or ".join(roles.start)
        work.reasons["approval_time_days"] = f"no {missing} column in the export"
    if end is not None and facts.available("due_date"):
        late = (day_ordinal(end) - day_ordinal(table["due_date"])).cast("float64")
        columns["w_ontime"] = flag(late <= 0)
        # GREATEST skips nulls: an unpaid invoice stays unknown, not 0 days late
        columns["w_late"] = ibis.ifelse(
            late.isnull(), ibis.null("float64"), ibis.greatest(late, 0.0)
        )
        work.basis["on_time_payment_rate"] = (
            "paid on or before the due date (calendar dates), over paid invoices with one"
        )
    else:
        missing = roles.end if not has_end else "due_date"
        work.reasons["on_time_payment_rate"] = f"no {missing} column in the export"
        work.reasons["days_late"] = f"no {missing} column in the export"
    if facts.available("disputed"):
        columns["w_disputed"] = flag(table["disputed"])
    else:
        work.reasons["dispute_rate"] = "no disputed column in the export"


def _sla(
    table: ir.Table,
    work: Work,
    cycle: ir.FloatingValue | None,
    completed: bool,
    options: MetricsOptions,
) -> ir.FloatingValue | None:
    target = options.sla
    facts = work.facts
    if target is not None and target.by_priority is not None:
        if not facts.available("priority"):
            work.reasons["sla_compliance"] = (
                "--sla-map gives targets per priority but the export has no priority column"
            )
            return None
        targets = {str(key).strip().casefold(): value for key, value in target.by_priority.items()}
        fallback = targets.pop("*", math.nan)
        key = text_key(table["priority"]).lower()
        default = ibis.null("float64") if math.isnan(fallback) else ibis.literal(float(fallback))
        limit = key.substitute(
            {label: float(days) for label, days in targets.items()}, else_=default
        ).cast("float64")
        work.basis["sla_compliance"] = (
            f"cycle time within the target for its priority ({target.label}); "
            "completed items with a priority in the map"
        )
        if cycle is None:
            return None
        work.note(
            "sla_compliance: {n} completed item(s) have a priority the SLA map does not list "
            "(add a '*' entry for a default); they are left out",
            "sla_unmatched",
            limit.isnull() & cycle.notnull(),
        )
        return ibis.ifelse(cycle.notnull() & limit.notnull(), flag(cycle <= limit), None)
    if target is not None and target.days is not None:
        if not completed or cycle is None:
            work.reasons["sla_compliance"] = "no completion timestamps to measure against --sla"
            return None
        work.basis["sla_compliance"] = (
            f"cycle time within {target.label or target.days} "
            f"({target.days:g} calendar days), over completed items"
        )
        if facts.available("sla_met"):
            work.note("sla_compliance: --sla given, so the export's sla_met is not used")
        return ibis.ifelse(cycle.notnull(), flag(cycle <= target.days), None)
    if facts.available("sla_met"):
        met = flag(table["sla_met"])
        if completed:
            work.basis["sla_compliance"] = "the export's sla_met column, over completed items"
            return ibis.ifelse(table[work.roles.end].notnull(), met, None)
        work.basis["sla_compliance"] = "the export's sla_met column"
        return met
    work.reasons["sla_compliance"] = (
        "no sla_met column in the export; pass --sla DURATION or --sla-map FILE"
    )
    return None


def _cost(table: ir.Table, work: Work, options: MetricsOptions) -> ir.FloatingValue | None:
    facts = work.facts
    if facts.available("cost"):
        work.basis["cost_per_transaction"] = "sum of cost / items with a cost"
        if options.hourly_rate is not None:
            work.note("--hourly-rate not used: the export has a cost column")
        return table["cost"].cast("float64")
    if facts.available("handling_minutes"):
        if options.hourly_rate is None:
            work.reasons["cost_per_transaction"] = (
                "no cost column; handling_minutes is there: pass --hourly-rate to price it"
            )
            return None
        work.basis["cost_per_transaction"] = (
            f"handling_minutes / 60 x hourly rate {options.hourly_rate:g}, "
            "over items with handling minutes"
        )
        minutes = table["handling_minutes"].cast("float64")
        return minutes / 60.0 * options.hourly_rate
    work.reasons["cost_per_transaction"] = "no cost or handling_minutes column in the export"
    return None


def _backlog(
    table: ir.Table,
    work: Work,
    columns: dict[str, ir.Value],
    start: ir.TimestampValue | None,
    end: ir.TimestampValue | None,
    start_label: str | None,
) -> None:
    roles = work.roles
    if start is None or end is None or work.as_of is None:
        missing = roles.end if start_label is not None else " or ".join(roles.start)
        work.reasons["backlog"] = f"no {missing} column in the export"
        return
    as_of = ibis.literal(work.as_of, type="timestamp('UTC')")
    is_open = start.notnull() & (start <= as_of) & (end.isnull() | (end > as_of))
    if work.facts.available("status"):
        finished = table["k_finished"] & end.isnull()
        work.note(
            f"backlog: {{n}} item(s) without {roles.end} but with a finished status "
            "(cancelled, rejected, closed, ...) are not counted as open",
            "backlog_finished",
            is_open & finished,
        )
        is_open = is_open & ~finished
    columns["w_open"] = flag(is_open)
    columns["w_age"] = ibis.ifelse(is_open, days_between(as_of, start), None)
    work.basis["backlog"] = (
        f"items started by as_of and not {roles.end.replace('_at', '')} by then; "
        "age in whole days since the start"
    )


def _duplicate_columns(
    table: ir.Table, work: Work, columns: dict[str, ir.Value], options: MetricsOptions
) -> None:
    """The keys of the duplicate tests: vendor (casefolded, spaces collapsed), currency (upper
    case), amount and normalised number; the test itself is a windowed query (the registry)."""
    facts = work.facts
    if not facts.available("vendor"):
        work.reasons["duplicate_suspects"] = "no vendor column in the export"
        return
    columns["w_vendor"] = table["k_vendor"]
    if facts.available("currency"):
        columns["w_currency"] = table["k_currency"]
    else:
        columns["w_currency"] = ibis.null("string")
    columns["w_amount"] = table["amount"].cast("float64") + 0.0
    # the normalised number is computed for the candidates only (engine._with_duplicates)
    date_column = next((c for c in ("invoice_date", "received_at") if facts.available(c)), None)
    if date_column is not None:
        columns["w_when"] = micros(table[date_column])
    else:
        columns["w_when"] = ibis.null("int64")
        # said when some invoices share a vendor and an amount (the duplicates query counts)
        work.note("duplicate_suspects: no invoice date, so no near duplicates", "dup_no_date")
    work.basis["duplicate_suspects"] = (
        "exact: same vendor, amount and normalised invoice number; near: same vendor and "
        f"amount, invoice dates within {options.duplicate_window_days:g} days, another number"
    )


def literal_days(value: float) -> Any:
    """A number of days as microseconds, for comparing integer timestamps."""
    return round(value * _US_PER_DAY)
