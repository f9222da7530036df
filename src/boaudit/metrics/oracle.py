"""The reference (NumPy) engine: every KPI computed with pandas and NumPy over a canonical frame.

It stays as the test oracle of the table engine (:mod:`boaudit.metrics.engine`): a test computes
every KPI both ways and asserts they agree. Users never run it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from boaudit.document import JsonObject
from boaudit.errors import InputDataError
from boaudit.metrics import compute
from boaudit.metrics.benchmarks import bundled_benchmarks, compare
from boaudit.metrics.inputs import by_canonical, columns_of, default_rows, sources_of
from boaudit.metrics.model import Kind, MetricsOptions, MetricsResult


def oracle_metrics(
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
    by = by_canonical(options.by, frame.columns, columns or {})
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
    account = dict(rows) if rows is not None else default_rows(len(frame))
    result = MetricsResult(
        kind=kind,
        as_of=compute.iso(prep.as_of) if prep.as_of is not None else None,
        sources=tuple(sources) or sources_of(frame),
        rows=account,
        columns=dict(columns) if columns is not None else columns_of(frame),
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
