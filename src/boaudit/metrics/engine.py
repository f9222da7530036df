"""The metrics engine's entry points: a canonical frame (or a load result) in, a result out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np
import pandas as pd

from boaudit.document import JsonObject
from boaudit.errors import InputDataError
from boaudit.metrics import compute
from boaudit.metrics.benchmarks import bundled_benchmarks, compare
from boaudit.metrics.model import Kind, MetricsOptions, MetricsResult


class AccountLike(Protocol):
    """What the engine reads of :class:`boaudit.ingest.RowAccount`."""

    def to_dict(self) -> dict[str, int]:
        """read, accepted, quarantined, skipped."""
        ...


class LoadLike(Protocol):
    """What the engine reads of :class:`boaudit.ingest.LoadResult`."""

    @property
    def kind(self) -> Kind:
        """tasks, invoices or events."""
        ...

    @property
    def frame(self) -> pd.DataFrame:
        """The canonical frame."""
        ...

    @property
    def columns(self) -> dict[str, str]:
        """canonical -> source column."""
        ...

    @property
    def account(self) -> AccountLike:
        """The row account."""
        ...

    @property
    def value_problems(self) -> dict[str, int]:
        """Optional values that failed to parse, per column."""
        ...

    @property
    def notes(self) -> list[str]:
        """The loader's notes."""
        ...


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
) -> MetricsResult:
    """Compute every metric of DESIGN.md section 4 for ``kind`` over a canonical ``frame``.

    ``frame`` has canonical column names (see :mod:`boaudit.ingest`); columns absent or entirely
    empty make their metrics null with a reason. ``sources``, ``rows``, ``columns``,
    ``value_problems`` and ``notes`` describe how the frame was loaded and are passed through
    to the result (``rows`` defaults to every row accepted). Raises :class:`UsageError` for a
    ``by`` column the frame does not have or a bad ``as_of``, :class:`InputDataError` for a
    frame without the kind's required columns.
    """
    options = options or MetricsOptions()
    roles = compute.ROLES[kind]
    required = (roles.id, "amount") if kind == "invoices" else (roles.id, "created_at")
    absent = [column for column in required if column not in frame.columns]
    if absent:
        raise InputDataError(
            f"cannot compute {kind} metrics: no {', '.join(absent)} column in the data"
        )
    by = _by_canonical(options.by, frame, columns or {})
    if by != tuple(options.by):
        options = replace(options, by=by)
    compute.check_by(frame, options.by)
    prep, duplicates = compute.prepare(frame, kind, options)
    names = compute.METRIC_NAMES[kind]
    size = 1 if len(frame) else 0
    codes = np.zeros(len(frame), dtype=np.int64)
    overall = compute.aggregate(
        prep,
        codes,
        max(size, 1),
        throughput_period=options.period or "week",
        options=options,
        duplicates=duplicates,
    )
    metrics, null_reasons = compute.block(prep, overall, 0, names)
    suspects = metrics.get("duplicate_suspects")
    if isinstance(suspects, dict):
        suspects["examples"] = prep.duplicate_examples
    groups: dict[str, JsonObject] = {}
    group_reasons: dict[str, JsonObject] = {}
    for column in options.by:
        groups[column], group_reasons[column] = compute.breakdown(prep, frame, column, options)
    context: dict[str, JsonObject] = {}
    for column in options.evidence_groups:
        if column not in groups and compute.available(frame, column):
            context[column], _ = compute.breakdown(
                prep, frame, column, options, names=compute.RATE_METRICS[kind]
            )
    periods = compute.trend(prep, options.period, options) if options.period else []
    benchmarks = options.benchmarks if options.benchmarks is not None else bundled_benchmarks()
    account = dict(rows) if rows is not None else _default_rows(len(frame))
    result = MetricsResult(
        kind=kind,
        as_of=compute.iso(prep.as_of) if prep.as_of is not None else None,
        sources=tuple(sources) or _sources(frame),
        rows=account,
        columns=dict(columns) if columns is not None else _columns(frame),
        metrics=metrics,
        null_reasons=null_reasons,
        basis=dict(sorted(prep.basis.items())),
        groups=groups,
        group_null_reasons={k: v for k, v in group_reasons.items() if v},
        periods=tuple(periods),
        benchmarks=compare(metrics, kind, benchmarks),
        data_quality=compute.data_quality(frame, kind, prep, account, value_problems or {}),
        notes=(*notes, *prep.notes),
        context_groups=context,
    )
    return result


def _by_canonical(
    by: Sequence[str], frame: pd.DataFrame, columns: Mapping[str, str]
) -> tuple[str, ...]:
    """``--by`` names as canonical columns: a name that is not one, but is the export's own
    header of one (``Group`` for ``team``, any case), is taken as that column."""
    headers = {source.casefold(): canonical for canonical, source in columns.items()}
    resolved = []
    for name in by:
        if name in frame.columns or name == "source":
            resolved.append(name)
        else:
            resolved.append(headers.get(name.strip().casefold(), name))
    return tuple(resolved)


def metrics_from_load(load: LoadLike, options: MetricsOptions | None = None) -> MetricsResult:
    """Compute the metrics of a :class:`boaudit.ingest.LoadResult` (what the CLI does)."""
    frame = load.frame
    detected = getattr(load, "detected", None) or []
    sources = tuple(dict.fromkeys(str(getattr(info, "source", info)) for info in detected))
    result = compute_metrics(
        frame,
        load.kind,
        options,
        sources=sources,
        rows=load.account.to_dict(),
        columns=load.columns,
        value_problems=load.value_problems,
        notes=load.notes,
    )
    short = getattr(load, "short_rows", None)
    if short:
        # Rows the export wrote with fewer fields than its header: kept, and counted here.
        result = replace(result, data_quality={**result.data_quality, "short_rows": short})
    return result


def _default_rows(count: int) -> dict[str, int]:
    return {"read": count, "accepted": count, "quarantined": 0, "skipped": 0}


def _sources(frame: pd.DataFrame) -> tuple[str, ...]:
    if "_source" not in frame:
        return ()
    return tuple(dict.fromkeys(str(s) for s in frame["_source"].dropna().unique()))


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    return {
        str(c): str(c)
        for c in frame.columns
        if not str(c).startswith("_") and frame[c].notna().any()
    }
