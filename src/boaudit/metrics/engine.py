"""The metrics engine: a canonical table in, a :class:`MetricsResult` out, on any ibis backend.

The KPIs are the entries of :mod:`boaudit.metrics.registry`, reductions over the work table of
:mod:`boaudit.metrics.work`. A breakdown (the whole table, each ``--by`` column, each period of
the trend) is one grouped query of every entry's reductions, plus the staged queries of the
metrics that aggregate twice (consistency, the Gini, throughput). Only results come back: one row
per group, and the rows of the duplicate examples.

Files are computed in-process by DuckDB (the default) or by Spark in local mode
(``--engine pyspark``); a database table is computed where it sits (``--connect``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from boaudit.document import JsonObject
from boaudit.errors import InputDataError, UsageError
from boaudit.metrics.benchmarks import bundled_benchmarks, compare
from boaudit.metrics.compute import ROLES
from boaudit.metrics.inputs import (
    LoadLike,
    by_canonical,
    columns_of,
    default_rows,
    load_sources,
    sources_of,
)
from boaudit.metrics.model import Kind, MetricsOptions, MetricsResult, Period

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa  # type: ignore[import-untyped]

    from boaudit.metrics.backends import Backend
    from boaudit.metrics.registry import Kpi, Row
    from boaudit.metrics.work import Work

BLANK = "(blank)"
"""The group label of rows whose ``--by`` value is empty."""

KEY = "g_key"
"""The grouping column of a breakdown."""


def compute_metrics(
    frame: pd.DataFrame,
    kind: Kind,
    options: MetricsOptions | None = None,
    *,
    sources: Sequence[str] = (),
    rows: Mapping[str, int] | None = None,
    columns: Mapping[str, str] | None = None,
    value_problems: Mapping[str, int] | None = None,
    notes: Sequence[str] = (),
    backend: Backend | None = None,
    completion: Mapping[str, Any] | None = None,
) -> MetricsResult:
    """Compute every metric of DESIGN.md section 4 for ``kind`` over a canonical ``frame``.

    ``frame`` has canonical column names (see :mod:`boaudit.ingest`); columns absent or entirely
    empty make their metrics null with a reason. ``sources``, ``rows``, ``columns``,
    ``value_problems`` and ``notes`` describe how the frame was loaded and are passed through
    to the result (``rows`` defaults to every row accepted). ``backend`` is where the work runs
    (DuckDB in-process by default). ``completion`` (events) is the loader's completion summary:
    when no case completed, its reason replaces "no completed_at column" in the null reasons.
    Raises :class:`UsageError` for a ``by`` column the frame does not have or a bad ``as_of``,
    :class:`InputDataError` for a frame without the kind's required columns.
    """
    from boaudit.metrics.backends import arrow_table, engine_backend

    table = arrow_table(frame)
    owned = backend is None
    backend = backend or engine_backend((options or MetricsOptions()).engine)
    try:
        return compute_table(
            table,
            kind,
            options,
            backend=backend,
            sources=tuple(sources) or sources_of(frame),
            rows=dict(rows) if rows is not None else default_rows(len(frame)),
            columns=dict(columns) if columns is not None else columns_of(frame),
            value_problems=value_problems,
            notes=notes,
            completion=completion,
        )
    finally:
        if owned:
            backend.close()


def metrics_from_load(
    load: LoadLike, options: MetricsOptions | None = None, *, backend: Backend | None = None
) -> MetricsResult:
    """Compute the metrics of a :class:`boaudit.ingest.LoadResult` (what the CLI does)."""
    result = compute_metrics(
        load.frame,
        load.kind,
        options,
        sources=load_sources(load),
        rows=load.account.to_dict(),
        columns=load.columns,
        value_problems=load.value_problems,
        notes=load.notes,
        backend=backend,
        completion=getattr(load, "completion", None),
    )
    events = getattr(load, "events", None)
    if load.kind == "events" and events is not None:
        from boaudit.metrics.process import ProcessOptions, process_metrics

        chosen = options or MetricsOptions()
        result = replace(
            result,
            process=process_metrics(
                events,
                ProcessOptions(
                    variants=chosen.variants, expected=chosen.expected, calendar=chosen.calendar
                ),
            ),
        )
    short = getattr(load, "short_rows", None)
    if short:
        # Rows the export wrote with fewer fields than its header: kept, and counted here.
        result = replace(result, data_quality={**result.data_quality, "short_rows": short})
    return result


def compute_table(
    table: pa.Table | ir.Table,
    kind: Kind,
    options: MetricsOptions | None,
    *,
    backend: Backend,
    sources: Sequence[str],
    rows: Mapping[str, int] | None,
    columns: Mapping[str, str],
    value_problems: Mapping[str, int] | None = None,
    notes: Sequence[str] = (),
    completion: Mapping[str, Any] | None = None,
) -> MetricsResult:
    """Compute every metric over a canonical table (Arrow, or a table of ``backend``)."""
    from boaudit.metrics import registry
    from boaudit.metrics import work as work_module

    options = options or MetricsOptions()
    canonical = backend.table(table)
    roles = ROLES[kind]
    required = (roles.id, "amount") if kind == "invoices" else (roles.id, "created_at")
    absent = [column for column in required if column not in canonical.columns]
    if absent:
        raise InputDataError(
            f"cannot compute {kind} metrics: no {', '.join(absent)} column in the data"
        )
    work_module.set_micros(backend.micros())
    facts = work_module.gather_facts(canonical, backend.rows)
    by = by_canonical(options.by, canonical.columns, columns)
    if by != tuple(options.by):
        options = replace(options, by=by)
    _check_by(canonical, facts, options.by)
    work = work_module.derive(canonical, kind, options, facts)
    tested = None
    if kind == "invoices" and options.audit_tests:
        from boaudit.metrics.audit_tests import run_tests

        tested = run_tests(canonical, backend, facts, work.as_of, options.tests)
    _completion_reasons(work, completion)
    kept = {
        work_module.POSITION,
        *(c for c in work.table.columns if c.startswith(("w_", "c_"))),
        *(c for c in (*options.by, *options.evidence_groups) if c in canonical.columns),
        *(c for c in ("_source", "_row", roles.id, "vendor", "amount") if c in canonical.columns),
        *((work.end_column,) if work.end_column else ()),
        *(("approved_at",) if options.calendar and "w_approval" in work.table.columns else ()),
    }
    work.table = work.table.select(*(c for c in work.table.columns if c in kept))
    if kind == "invoices" and "duplicate_suspects" not in work.reasons:
        work.table = _with_duplicates(work.table, options)
    # in row order: the window functions of the duplicate tests reorder rows, and sums over
    # the stored table then add in row order, as the reference engine does
    work.table = backend.materialise(work.table.order_by(work_module.POSITION))
    run = _Run(work, options, registry.kpis_for(kind), backend)

    overall_rows = run.aggregate(None, registry.kpis_for(kind), counters=True)
    overall = overall_rows.get(None, {})
    metrics, null_reasons = run.block(overall, registry.kpis_for(kind))
    suspects = metrics.get("duplicate_suspects")
    if isinstance(suspects, dict):
        suspects["examples"] = _duplicate_examples(
            work, backend, suspects["exact"]["invoices"], suspects["near"]["invoices"]
        )
    groups: dict[str, JsonObject] = {}
    group_reasons: dict[str, JsonObject] = {}
    for column in options.by:
        groups[column], group_reasons[column] = run.breakdown(column, registry.kpis_for(kind))
    context: dict[str, JsonObject] = {}
    for column in options.evidence_groups:
        if column not in groups and facts.available(column):
            context[column], _ = run.breakdown(column, registry.light_kpis(kind))
    periods = run.trend(options.period) if options.period else []
    benchmarks = options.benchmarks if options.benchmarks is not None else bundled_benchmarks()
    account = dict(rows) if rows is not None else default_rows(facts.rows)
    negative, implausible = (
        {
            name: int(overall[f"{what}_{name}"])
            for name in ("cycle_time_days", "approval_time_days")
            if overall.get(f"{what}_{name}")
        }
        for what in ("negative", "implausible")
    )
    business = _business_time(work, backend, options) if options.calendar else None
    return MetricsResult(
        kind=kind,
        as_of=_iso(work.as_of) if work.as_of is not None else None,
        business_time=business,
        sources=tuple(sources),
        rows=account,
        columns=dict(columns),
        metrics=metrics,
        null_reasons=null_reasons,
        basis=dict(sorted(work.basis.items())),
        groups=groups,
        group_null_reasons={k: v for k, v in group_reasons.items() if v},
        periods=tuple(periods),
        benchmarks=compare(metrics, kind, benchmarks),
        data_quality=_data_quality(work, account, value_problems or {}, negative, implausible),
        notes=(*notes, *work.said(overall)),
        context_groups=context,
        tests=tested.to_dict() if tested else {},
        test_population=tested.population.to_dict() if tested and tested.population else None,
        exceptions=tested.exceptions if tested else (),
    )


def _business_time(work: Work, backend: Backend, options: MetricsOptions) -> JsonObject:
    """The duration KPIs again in business hours (``--calendar``): the same items and the same
    two timestamps as the calendar-day figures, the working seconds between them."""
    calendar = options.calendar
    assert calendar is not None
    table = work.table
    block: JsonObject = {
        "clock": calendar.clock(),
        "calendar": calendar.label,
        "clocks": {},
    }
    pairs = [("cycle_time", "w_cycle", work.end_column)]
    if "approved_at" in table.columns:
        pairs.append(("approval_time", "w_approval", "approved_at"))
    for name, days, end in pairs:
        if days not in table.columns or end is None or "w_start" not in table.columns:
            continue
        timed = table.filter(table[days].notnull()).select("w_start", end)
        arrow = backend.arrow(timed)
        start = arrow.column("w_start").cast("int64").to_numpy()
        stop = arrow.column(end).cast("int64").to_numpy()
        hours = calendar.hours_between(start, stop)
        block["clocks"][f"{name}_days"] = "calendar days (24 hours a day, every day)"
        block["clocks"][f"{name}_hours"] = calendar.clock()
        block[f"{name}_hours"] = hour_distribution(hours)
    return block


def hour_distribution(hours: np.ndarray[Any, np.dtype[np.float64]]) -> JsonObject | None:
    """``{mean, median, p90, n}`` of business hours (exact quantiles, linear interpolation, as
    the calendar-day figures); None without values."""
    if not len(hours):
        return None
    return {
        "mean": _rounded(float(hours.mean())),
        "median": _rounded(float(np.quantile(hours, 0.5))),
        "p90": _rounded(float(np.quantile(hours, 0.9))),
        "n": len(hours),
    }


def _completion_reasons(work: Work, completion: Mapping[str, Any] | None) -> None:
    """Events where no case completed: the metrics null for want of a completion say why (an
    event log has no completed_at column; its completions come from the activities)."""
    reason = (completion or {}).get("reason")
    if work.kind != "events" or not reason:
        return
    absent = f"no {work.roles.end} column in the export"
    for name, said in work.reasons.items():
        if said == absent:
            work.reasons[name] = str(reason)


def _iso(stamp: dt.datetime) -> str:
    return str(pd.Timestamp(stamp).tz_convert("UTC").isoformat()).replace("+00:00", "Z")


def _check_by(table: ir.Table, facts: Any, by: Sequence[str]) -> None:
    if not by:
        return
    usable = sorted(c for c in table.columns if not c.startswith("_") and facts.available(c))
    for column in by:
        if column == "source" and "_source" in table.columns:
            continue
        if column not in usable:
            raise UsageError(
                f"--by {column}: no such column with values; use one of: "
                + ", ".join([*usable, "source"])
            )


def _with_duplicates(table: ir.Table, options: MetricsOptions) -> ir.Table:
    """The duplicate tests as per-row columns: ``w_dup_exact`` (1.0 when another invoice has
    the same vendor, currency, amount and normalised number), ``w_dup_group`` (the exact group,
    named by its first row), ``w_dup_extra`` (the amount of every member but the first: what
    was paid or is payable twice), ``w_dup_near`` (same vendor, currency and amount as the
    invoice dated just before or after it, within the window, with another number),
    ``w_dup_pair`` and ``w_dup_next`` (this row and the next one in date order are a near
    pair), ``w_dup_candidate`` (another invoice has the same vendor, currency and amount).

    Only the candidates (rows sharing vendor, currency and amount, a small share of any real
    export) go through the windows; the rest join back with zeros."""
    import ibis

    from boaudit.metrics.work import POSITION, literal_days, normalised_number

    keys = ["w_vendor", "w_ckey", "w_amount"]
    narrow = table.select(POSITION, "w_vendor", "w_currency", "w_amount", "w_when", "invoice_id")
    # only the amount is tested here: a test on w_vendor would be pushed down to every row's
    # vendor text; rows without a vendor key fall out of the join below (null never matches)
    narrow = narrow.filter(narrow["w_amount"].notnull())
    narrow = narrow.mutate(w_ckey=narrow["w_currency"].fill_null(""))
    shared = narrow.group_by(keys).aggregate(w_shared=narrow.count())
    shared = shared.filter(shared["w_shared"] > 1)
    cands = narrow.inner_join(shared, keys).select(
        POSITION, *keys, "w_currency", "w_when", "invoice_id"
    )
    cands = cands.mutate(w_number=normalised_number(cands["invoice_id"]))
    pos = cands[POSITION]
    exact_window = ibis.window(group_by=[cands[k] for k in (*keys, "w_number")])
    members = pos.count().over(exact_window)
    first = pos.min().over(exact_window)
    is_exact = cands["w_number"].notnull() & (members > 1)
    ordered = ibis.window(
        group_by=[cands[k] for k in keys],
        order_by=[ibis.asc(cands["w_when"], nulls_first=False), ibis.asc(pos)],
    )
    number = cands["w_number"].fill_null("\x00")
    window = literal_days(options.duplicate_window_days)

    def linked(after: bool) -> ir.BooleanValue:
        when = cands["w_when"]
        other_when = when.lead().over(ordered) if after else when.lag().over(ordered)
        other_number = number.lead().over(ordered) if after else number.lag().over(ordered)
        close = (when - other_when).abs() <= window
        return (close & (number != other_number)).fill_null(False)

    with_prev, with_next = linked(after=False), linked(after=True)
    flagged = cands.mutate(
        w_dup_exact=ibis.ifelse(is_exact, 1.0, 0.0),
        w_dup_group=ibis.ifelse(is_exact, first, None),
        w_dup_extra=ibis.ifelse(is_exact & (pos != first), cands["w_amount"], 0.0),
        w_dup_near=ibis.ifelse(with_prev | with_next, 1.0, 0.0),
        w_dup_pair=with_next,
        w_dup_next=ibis.ifelse(with_next, pos.lead().over(ordered), None),
    )
    # first appearance of the vendor and the currency: how the reference engine orders the
    # near pairs of equal amounts (its codes are in order of appearance)
    vendors = table.group_by("w_vendor").aggregate(w_vendor_first=table[POSITION].min())
    currency = table.mutate(w_ckey=table["w_currency"].fill_null(""))
    currencies = currency.group_by("w_ckey").aggregate(w_currency_first=currency[POSITION].min())
    flagged = (
        flagged.inner_join(vendors, "w_vendor")
        .inner_join(currencies, "w_ckey")
        .select(
            POSITION,
            "w_dup_exact",
            "w_dup_group",
            "w_dup_extra",
            "w_dup_near",
            "w_dup_pair",
            "w_dup_next",
            "w_vendor_first",
            "w_currency_first",
        )
    )
    joined = table.left_join(flagged, POSITION)
    joined = joined.drop(*(c for c in joined.columns if c.endswith("_right")))
    return joined.mutate(
        w_dup_exact=joined["w_dup_exact"].fill_null(0.0),
        w_dup_extra=joined["w_dup_extra"].fill_null(0.0),
        w_dup_near=joined["w_dup_near"].fill_null(0.0),
        w_dup_pair=joined["w_dup_pair"].fill_null(False),
        w_dup_candidate=joined["w_vendor_first"].notnull().cast("int64"),
    )


class _Run:
    """The queries of one result: every breakdown over one work table."""

    def __init__(
        self, work: Work, options: MetricsOptions, kpis: Sequence[Kpi], backend: Backend
    ) -> None:
        self.work = work
        self.options = options
        self.kpis = kpis
        self.backend = backend
        self.span: tuple[int, int] | None = None
        """The first and last throughput period of the whole data (from the overall query)."""
        self.consistency_reason = "no data"

    def _missing(self, kpi: Kpi) -> bool:
        return kpi.name in self.work.reasons or any(not self.work.has(c) for c in kpi.work)

    def aggregate(
        self,
        key: ir.Value | None,
        kpis: Sequence[Kpi],
        *,
        counters: bool = False,
        light: bool = False,
        throughput: bool = True,
        where: ir.BooleanValue | None = None,
    ) -> dict[Any, dict[str, Any]]:
        """Every reduction of ``kpis`` per value of ``key`` (one group ``None`` without one)."""
        table = self.work.table
        if key is not None:
            table = table.mutate(**{KEY: key})
        if where is not None:
            table = table.filter(where)
        reductions: dict[str, ir.Scalar] = {}
        for kpi in kpis:
            if not self._missing(kpi):
                reductions.update(kpi.reductions(table))
        if "count__n" not in reductions:
            reductions["count__n"] = table.count()
        if counters and "w_end_period" in table.columns:
            reductions["tp_lo"] = table["w_end_period"].min()
            reductions["tp_hi"] = table["w_end_period"].max()
        if counters:
            for name in self.work.counters:
                reductions[name] = table[f"c_{name}"].sum()
            if "w_dup_candidate" in table.columns:
                reductions["dup_no_date"] = table["w_dup_candidate"].sum()
        grouped = (
            table.group_by(KEY).aggregate(**reductions)
            if key is not None
            else (table.aggregate(**reductions))
        )
        result: dict[Any, dict[str, Any]] = {}
        for row in self.backend.rows(grouped):
            result[row.pop(KEY, None)] = row
        if counters and result.get(None, {}).get("tp_lo") is not None:
            self.span = (int(result[None]["tp_lo"]), int(result[None]["tp_hi"]))
        if not light:
            names = {kpi.name for kpi in kpis if not self._missing(kpi)}
            staged = self.staged(table, key is not None, names)
            for group, values in staged.items():
                result.setdefault(group, {"count__n": 0}).update(values)
            if "consistency" in names:
                for values in result.values():
                    values.setdefault("consistency", self.consistency_reason)
            if throughput and "throughput" in names:
                period = self.options.period or "week"
                computed = self.throughput(table, key is not None, period)
                for group, values in result.items():
                    # a group with no completion in the span counts 0 in every period
                    values["throughput"] = computed.get(group, self._no_throughput(period))
        return result

    def staged(self, table: ir.Table, keyed: bool, names: set[str]) -> dict[Any, dict[str, Any]]:
        """Consistency and the Gini, from one query per group and assignee (completed items
        and the median cycle time), then per group here."""
        result: dict[Any, dict[str, Any]] = {}
        gini, consistency = "workload_gini" in names, "consistency" in names
        if "w_assignee" not in table.columns or not (gini or consistency):
            return result
        keys = [KEY, "w_assignee"] if keyed else ["w_assignee"]
        per = table.filter(table["w_assignee"].notnull())
        parts: dict[str, ir.Scalar] = {}
        if gini:
            parts["done"] = per["w_completed"].fill_null(0.0).sum()
        if consistency:
            parts["n"] = per["w_cycle"].count()
            parts["m"] = per["w_cycle"].quantile(0.5)
        frame = self.backend.frame(per.group_by(keys).aggregate(**parts))
        minimum = self.options.consistency_min_items
        reason = f"fewer than 2 assignees with {minimum}+ completed items"
        for group, part in _groups(frame, keyed):
            values = result.setdefault(group, {})
            if gini:
                values["workload_gini"] = _gini(part["done"].to_numpy())
            if consistency:
                timed = part[part["n"] > 0]
                values["consistency"] = _consistency(timed, minimum) or reason
        if consistency:
            self.consistency_reason = reason
        return result

    def throughput(self, table: ir.Table, keyed: bool, period: Period) -> dict[Any, Any]:
        """Completed items per calendar period, over every period from the first to the last
        completion in the whole data (periods with none count as 0)."""
        if self.span is None:
            return {}
        first, last = self.span
        span = last - first + 1
        done = table.filter(table["w_end_period"].notnull())
        keys = [KEY, "w_end_period"] if keyed else ["w_end_period"]
        frame = self.backend.frame(done.group_by(keys).aggregate(n=done.count()))
        result: dict[Any, Any] = {}
        for group, part in _groups(frame, keyed):
            counts = np.zeros(span, dtype=np.float64)
            counts[part["w_end_period"].to_numpy(dtype=np.int64) - first] = part["n"].to_numpy()
            result[group] = {
                "per": period,
                "mean": _rounded(float(counts.mean())),
                "median": _rounded(float(np.median(counts))),
                "max": int(counts.max()),
                "periods": span,
            }
        return result

    def _no_throughput(self, period: Period) -> JsonObject | None:
        if self.span is None:
            return None
        span = self.span[1] - self.span[0] + 1
        return {"per": period, "mean": 0.0, "median": 0.0, "max": 0, "periods": span}

    def block(self, row: Row, kpis: Sequence[Kpi]) -> tuple[JsonObject, dict[str, str]]:
        """The metrics of one group's row, and the reason of each null among them."""
        values: JsonObject = {}
        reasons: dict[str, str] = {}
        count = int(row.get("count__n") or 0)
        for kpi in kpis:
            if kpi.name in self.work.reasons:
                values[kpi.name], reasons[kpi.name] = None, self.work.reasons[kpi.name]
                continue
            if kpi.name == "throughput" and "throughput" not in row:
                continue  # not computed for this breakdown (the trend's periods)
            value: Any = kpi.value(row) if (count or kpi.name in ("count", "completed")) else None
            if isinstance(value, str):
                values[kpi.name], reasons[kpi.name] = None, value
                continue
            values[kpi.name] = value
            if value is None:
                reasons[kpi.name] = kpi.empty_reason if count else "no items"
        return values, reasons

    def breakdown(
        self, column: str, kpis: Sequence[Kpi]
    ) -> tuple[dict[str, JsonObject], dict[str, dict[str, str]]]:
        """Metrics per value of ``column``: (values by group, null reasons by group)."""
        from boaudit.metrics.work import text_key

        source = "_source" if column == "source" else column
        key = text_key(self.work.table[source]).fill_null(BLANK)
        light = all(kpi.light for kpi in kpis)
        grouped = self.aggregate(key, kpis, light=light)
        labels = sorted(label for label in grouped if label != BLANK)
        if BLANK in grouped:
            labels.append(BLANK)
        values: dict[str, JsonObject] = {}
        reasons: dict[str, dict[str, str]] = {}
        for label in labels:
            values[label], why = self.block(grouped[label], kpis)
            if why:
                reasons[label] = why
        return values, reasons

    def trend(self, period: Period) -> list[JsonObject]:
        """The ``periods`` list: arrival metrics by start period, completion metrics by end
        period, and ``open_at_end`` (items started before the period's end and not finished by
        then)."""
        import ibis

        from boaudit.metrics import registry
        from boaudit.metrics.compute import period_bounds, period_ordinals
        from boaudit.metrics.work import period_ordinal

        work = self.work
        table = work.table
        if "w_start" not in table.columns:
            return []
        start = table["w_start"]
        end = table[work.end_column] if work.end_column else None
        coded = table.mutate(
            p_arrival=period_ordinal(start, period),
            p_completion=(period_ordinal(end, period) if end is not None else ibis.null("int64")),
            p_started=start.notnull(),
        )
        span_row = self.backend.rows(
            coded.aggregate(
                alo=coded["p_arrival"].min(),
                ahi=coded["p_arrival"].max(),
                clo=coded["p_completion"].min(),
                chi=coded["p_completion"].max(),
            )
        )[0]
        bounds = [span_row[k] for k in ("alo", "ahi", "clo", "chi") if span_row.get(k) is not None]
        if not bounds:
            return []
        first, last = int(min(bounds)), int(max(bounds))
        if work.as_of is not None:
            as_of = pd.Series([pd.Timestamp(work.as_of)])
            last = min(last, int(period_ordinals(as_of, period)[0]))
            first = min(first, last)
        span = last - first + 1
        kpis = list(registry.period_kpis(work.kind))
        arrived_kpis = [k for k in kpis if k.period == "arrival" or k.name == "completed"]
        closed_kpis = [k for k in kpis if k.period == "completion" or k.name == "count"]
        saved = self.work.table
        self.work.table = coded
        try:
            arrival = coded["p_arrival"]
            by_arrival = self.aggregate(
                arrival - first, arrived_kpis, light=True, where=arrival.between(first, last)
            )
            by_completion: dict[Any, dict[str, Any]] = {}
            finished = np.zeros(span, dtype=np.int64)
            if end is not None:
                completion = coded["p_completion"]
                inside = completion.between(first, last)
                by_completion = self.aggregate(
                    completion - first, closed_kpis, light=True, where=inside
                )
                closed = coded.filter(inside & coded["p_started"])
                closed = closed.mutate(**{KEY: closed["p_completion"] - first})
                for r in self.backend.rows(closed.group_by(KEY).aggregate(n=closed.count())):
                    finished[int(r[KEY])] = int(r["n"])
        finally:
            self.work.table = saved
        started = np.zeros(span, dtype=np.int64)
        for code, r in by_arrival.items():
            started[int(code)] = int(r.get("count__n") or 0)
        started_total = np.cumsum(started)
        finished_total = np.cumsum(finished) if end is not None else None
        result: list[JsonObject] = []
        empty: dict[str, Any] = {"count__n": 0}
        for index in range(span):
            label, period_start, period_end = period_bounds(first + index, period)
            arrived, _ = self.block(by_arrival.get(index, empty), kpis)
            closed, _ = self.block(by_completion.get(index, empty), kpis)
            entry: JsonObject = {
                "period": label,
                "start": _iso(period_start.to_pydatetime()),
                "end": _iso(period_end.to_pydatetime()),
            }
            for kpi in kpis:
                source = closed if kpi.period == "completion" else arrived
                entry[kpi.name] = source.get(kpi.name)
            has_end = "completed" not in work.reasons
            entry["open_at_end"] = (
                int(started_total[index] - finished_total[index])
                if has_end and finished_total is not None
                else None
            )
            result.append(entry)
        return result


def _groups(frame: pd.DataFrame, keyed: bool) -> list[tuple[Any, pd.DataFrame]]:
    if not keyed:
        return [(None, frame)] if len(frame) else []
    return [(key, part) for key, part in frame.groupby(KEY, sort=False)]


def _rounded(value: float) -> float | None:
    from boaudit.metrics.registry import rounded

    return rounded(value)


def _gini(done: np.ndarray[Any, np.dtype[np.float64]]) -> float | None:
    """The Gini coefficient of completed items per assignee (those with any item); None with
    fewer than 2 assignees or nothing completed."""
    values = np.sort(done.astype(np.float64))
    n = float(len(values))
    total = float(np.bincount(np.zeros(len(values), dtype=np.intp), weights=values).sum())
    if n < 2 or total <= 0:
        return None
    rank = np.arange(1, len(values) + 1, dtype=np.float64)
    weighted = float(np.bincount(np.zeros(len(values), dtype=np.intp), weights=rank * values)[0])
    return _rounded(2 * weighted / (n * total) - (n + 1) / n)


def _consistency(part: pd.DataFrame, minimum: int) -> JsonObject | None:
    part = part[part["n"] >= minimum]
    if len(part) < 2:
        return None
    medians = part["m"].astype("float64")
    ordered = part.assign(m=medians).sort_values(["m", "w_assignee"])
    slowest = part.assign(m=medians).sort_values(["m", "w_assignee"], ascending=[False, True])
    low, high, mean = float(medians.min()), float(medians.max()), float(medians.mean())
    std = float(medians.std(ddof=0))
    spread = high / low if low > 0 else float("nan")
    return {
        "assignees": len(part),
        "fastest": str(ordered["w_assignee"].iloc[0]),
        "slowest": str(slowest["w_assignee"].iloc[0]),
        "min_median_days": _rounded(low),
        "max_median_days": _rounded(high),
        "spread": _rounded(spread),
        "cv": _rounded(std / mean) if mean > 0 else None,
    }


def _data_quality(
    work: Work,
    rows: Mapping[str, int],
    value_problems: Mapping[str, int],
    negative: Mapping[str, int],
    implausible: Mapping[str, int],
) -> JsonObject:
    from boaudit.metrics.compute import KEY_COLUMNS
    from boaudit.metrics.registry import rounded

    facts = work.facts
    count = facts.rows
    missing: dict[str, float] = {}
    for column in KEY_COLUMNS[work.kind]:
        if facts.available(column):
            share = float((count - facts.non_null[column]) / count)
            if share > 0:
                missing[column] = round(share, 6)
    worst = max(missing.items(), key=lambda item: (item[1], item[0]), default=None)
    read = int(rows.get("read", count))
    problems = int(
        sum(value_problems.values()) + sum(negative.values()) + sum(implausible.values())
    )
    quarantined = int(rows.get("quarantined", 0))
    return {
        "read": read,
        "quarantined": quarantined,
        "value_problems": dict(sorted(value_problems.items())),
        "problem_share": rounded((quarantined + problems) / read) if read else None,
        "missing_share": missing,
        "worst_missing": {"column": worst[0], "share": worst[1]} if worst else None,
        "negative_durations": dict(negative),
        "implausible_durations": dict(implausible),
    }


def _duplicate_examples(
    work: Work, backend: Backend, exact_count: int, near: int
) -> list[JsonObject]:
    """The largest exact groups and near pairs (20 of each at most, then the 20 largest of
    those), with their rows."""
    from boaudit.metrics.work import POSITION

    table = work.table
    backend_rows = backend.rows
    exact = table.filter(table["w_dup_exact"] == 1.0)
    top_groups = (
        backend_rows(
            exact.group_by("w_dup_group")
            .aggregate(amount=exact["w_amount"].max())
            .order_by([_desc("amount"), "w_dup_group"])
            .limit(20)
        )
        if exact_count
        else []
    )
    examples: list[JsonObject] = []
    keep = [c for c in ("invoice_id", "vendor", "amount", "_source", "_row") if c in table.columns]
    if top_groups:
        ids = [int(r["w_dup_group"]) for r in top_groups]
        member_rows = backend_rows(
            exact.filter(exact["w_dup_group"].isin(ids)).select(POSITION, "w_dup_group", *keep)
        )
        by_group: dict[int, list[dict[str, Any]]] = {}
        for r in member_rows:
            by_group.setdefault(int(r["w_dup_group"]), []).append(r)
        for gid in ids:
            members = sorted(by_group[gid], key=lambda r: r[POSITION])
            examples.append(_example("exact", members))
    pairs = table.filter(table["w_dup_pair"])
    top_pairs = (
        backend_rows(
            pairs.select(
                POSITION, "w_dup_next", "w_amount", "w_vendor_first", "w_currency_first", "w_when"
            )
            .order_by(
                [
                    _desc("w_amount"),
                    "w_vendor_first",
                    "w_currency_first",
                    _asc_last("w_when"),
                    POSITION,
                ]
            )
            .limit(20)
        )
        if near
        else []
    )
    if top_pairs:
        following = {int(r[POSITION]): int(r["w_dup_next"]) for r in top_pairs}
        wanted = sorted({*following, *following.values()})
        found = {
            int(r[POSITION]): r
            for r in backend_rows(
                table.filter(table[POSITION].isin(wanted)).select(POSITION, *keep)
            )
        }
        for r in top_pairs:
            position = int(r[POSITION])
            examples.append(_example("near", [found[position], found[following[position]]]))
    examples.sort(key=lambda e: (-e["amount"], e["match"], e["vendor"]))
    del examples[20:]
    return examples


def _desc(name: str) -> Any:
    import ibis

    return ibis.desc(name)


def _asc_last(name: str) -> Any:
    import ibis

    return ibis.asc(name, nulls_first=False)


def _example(match: str, members: list[dict[str, Any]]) -> JsonObject:
    if members and "_source" in members[0] and "_row" in members[0]:
        members = sorted(members, key=lambda r: (r["_source"], r["_row"]))
    refs = []
    for member in members:
        ref: JsonObject = {"invoice_id": str(member["invoice_id"])}
        if "_source" in member:
            ref["source"] = str(member["_source"])
        if "_row" in member:
            ref["row"] = int(member["_row"])
        refs.append(ref)
    refs.sort(key=lambda r: (r.get("source", ""), r.get("row", 0), r["invoice_id"]))
    return {
        "match": match,
        "vendor": str(members[0]["vendor"]),
        "amount": float(members[0]["amount"]),
        "invoices": refs,
    }
