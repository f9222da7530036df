"""The top-level loader: sources in, one clean frame and a full row account out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pandas as pd

from boaudit.errors import InputDataError, UsageError
from boaudit.ingest.accounting import QuarantinedRow, RowAccount
from boaudit.ingest.events import collapse_events, collapse_updates
from boaudit.ingest.mapping import (
    REQUIRED,
    SCHEMAS,
    ColumnMapping,
    ColumnType,
    Kind,
    MissingColumnsError,
    detect_kind,
    map_columns,
    render_map,
    require_complete,
)
from boaudit.ingest.options import IngestOptions
from boaudit.ingest.readers import RawTable, SourceInfo, read_source
from boaudit.ingest.values import (
    Parsed,
    parse_amounts,
    parse_booleans,
    parse_dates,
    parse_integers,
    parse_minutes,
    parse_text,
)

_MAX_EXAMPLES = 5

_REASON_PREFIX: dict[ColumnType, str] = {
    "text": "bad-value",
    "datetime": "bad-date",
    "amount": "bad-amount",
    "number": "bad-number",
    "integer": "bad-number",
    "minutes": "bad-number",
    "boolean": "bad-boolean",
}

TASK_COLUMNS: tuple[str, ...] = tuple(SCHEMAS["tasks"])
"""The columns of a tasks frame (also what events collapse into)."""


@dataclass(frozen=True)
class LoadResult:
    """A clean frame and everything known about how it was made. See :mod:`boaudit.ingest`."""

    kind: Kind
    """``tasks``, ``invoices`` or ``events`` (whose frame holds one task per case)."""
    frame: pd.DataFrame
    """One row per accepted task or invoice (per case for events), canonical columns plus
    ``_source`` and ``_row``."""
    columns: dict[str, str]
    """canonical -> source column used (the first file's name when several files)."""
    unmapped: list[str]
    """Source columns not used."""
    account: RowAccount
    """read = accepted + quarantined + skipped."""
    detected: list[SourceInfo]
    """Per source: format, encoding, delimiter, sheet, header row, likely kind."""
    amount_scale: dict[str, int] = field(default_factory=dict)
    """Decimal places seen per amount column (``amount``, ``cost``)."""
    notes: list[str] = field(default_factory=list)
    """Human notes: sheet used, day/month order inferred, rows collapsed..."""
    value_problems: dict[str, int] = field(default_factory=dict)
    """Optional values that failed to parse (and became null), per canonical column."""
    value_examples: dict[str, list[str]] = field(default_factory=dict)
    """Up to five examples per column of :attr:`value_problems` (``file row N: 'value'``)."""
    cases: int | None = None
    """Events only: the number of cases (rows of :attr:`frame`)."""
    map_text: str = ""
    """The mapping as a ``--map`` file (what ``--write-map`` writes)."""

    @property
    def column_types(self) -> dict[str, str]:
        """canonical -> parsed type for the columns of :attr:`frame`."""
        schema = SCHEMAS["tasks"] if self.kind == "events" else SCHEMAS[self.kind]
        return dict(schema)


@dataclass
class _Parts:
    """What one table contributes."""

    frame: pd.DataFrame
    quarantined: list[QuarantinedRow]
    skipped: dict[str, int]
    notes: list[str]
    scales: dict[str, int]
    problems: dict[str, int]
    examples: dict[str, list[str]]


def _coalesce(data: pd.DataFrame, positions: tuple[int, ...]) -> pd.Series:
    """The column at ``positions[0]``, filled from the next ones where empty (repeated headers)."""
    result = data[positions[0]]
    for position in positions[1:]:
        other = data[position]
        if result.dtype == object or other.dtype == object:
            empty = result.isna() | result.map(lambda v: isinstance(v, str) and not v.strip())
        else:
            empty = result.isna() | (result.str.strip() == "")
        result = result.where(~empty, other)
    return result


def _parse(
    values: pd.Series, kind_type: ColumnType, options: IngestOptions, where: str, epoch1904: bool
) -> Parsed:
    if kind_type == "datetime":
        return parse_dates(values, order=options.date_order, where=where, epoch1904=epoch1904)
    if kind_type == "amount":
        return parse_amounts(values, decimal=options.decimal, where=where)
    if kind_type == "number":
        return parse_amounts(values, decimal=options.decimal, where=where)
    if kind_type == "minutes":
        return parse_minutes(values, decimal=options.decimal, where=where)
    if kind_type == "integer":
        return parse_integers(values, decimal=options.decimal, where=where)
    if kind_type == "boolean":
        return parse_booleans(values)
    return parse_text(values)


def _raw_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _empty_column(column_type: ColumnType, length: int) -> pd.Series:
    """A null column of the right dtype."""
    if column_type == "datetime":
        return pd.Series(pd.NaT, index=range(length), dtype="datetime64[ns, UTC]")
    if column_type in {"amount", "number", "minutes"}:
        return pd.Series(np.nan, index=range(length), dtype="float64")
    if column_type == "integer":
        return pd.Series(pd.NA, index=range(length), dtype="Int64")
    if column_type == "boolean":
        return pd.Series(pd.NA, index=range(length), dtype="boolean")
    return pd.Series(pd.NA, index=range(length), dtype="str")


def _table_parts(
    table: RawTable, mapping: ColumnMapping, options: IngestOptions, kind: Kind
) -> _Parts:
    """Parse one table's mapped columns; quarantine rows whose required values fail."""
    schema = SCHEMAS[kind]
    label = (
        table.info.source
        if table.info.sheet is None
        else f"{table.info.source} [{table.info.sheet}]"
    )
    data = table.data
    rows = table.rows
    skipped: dict[str, int] = {}
    notes: list[str] = []
    if kind == "events" and len(data):
        duplicate = data.duplicated().to_numpy(dtype=bool)
        if duplicate.any():
            skipped["duplicate-event"] = int(duplicate.sum())
            notes.append(f"{label}: {int(duplicate.sum()):,} exact duplicate event row(s) ignored")
            data = data[~duplicate].reset_index(drop=True)
            rows = rows[~duplicate]
            extra = table.extra[~duplicate].reset_index(drop=True)
        else:
            extra = table.extra
    else:
        extra = table.extra
    length = len(data)
    columns: dict[str, pd.Series] = {}
    reasons: list[tuple[npt.NDArray[np.bool_], str]] = []
    scales: dict[str, int] = {}
    problems: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for canonical, column_type in schema.items():
        if canonical not in mapping.positions:
            columns[canonical] = _empty_column(column_type, length)
            continue
        raw = _coalesce(data, mapping.positions[canonical])
        where = f"{label}, column {mapping.names[canonical]!r} ({canonical})"
        parsed = _parse(raw, column_type, options, where, table.epoch1904)
        columns[canonical] = parsed.values.reset_index(drop=True)
        if parsed.note:
            notes.append(parsed.note)
        if parsed.scale is not None and column_type == "amount":
            scales[canonical] = parsed.scale
        if canonical in REQUIRED[kind]:
            missing = parsed.values.isna().to_numpy(dtype=bool) & ~parsed.bad
            reasons.append((missing, f"missing-required:{canonical}"))
            reasons.append((parsed.bad, f"{_REASON_PREFIX[column_type]}:{canonical}"))
        elif parsed.bad.any():
            bad_positions = np.flatnonzero(parsed.bad)
            problems[canonical] = len(bad_positions)
            examples[canonical] = [
                f"{table.info.source} row {rows[i]}: {_raw_text(raw.iat[i])!r}"
                for i in bad_positions[:_MAX_EXAMPLES].tolist()
            ]
    has_extra = (extra != "").to_numpy(dtype=bool)
    reasons.append((has_extra, "extra-fields"))
    frame = pd.DataFrame(columns, index=range(length))
    frame["_source"] = pd.Series(table.info.source, index=frame.index, dtype="str")
    frame["_row"] = rows.astype(np.int64)
    refused = np.zeros(length, dtype=bool)
    for mask, _ in reasons:
        refused |= mask
    quarantined: list[QuarantinedRow] = []
    if refused.any():
        header = table.header
        values = data.to_numpy(dtype=object)
        for i in np.flatnonzero(refused).tolist():
            raw_values = {}
            for position, name in enumerate(header):
                key = name if name not in raw_values else f"{name} ({position + 1})"
                raw_values[key] = _raw_text(values[i, position])
            if has_extra[i]:
                raw_values["(extra fields)"] = str(extra.iat[i])
            codes = tuple(code for mask, code in reasons if mask[i])
            quarantined.append(
                QuarantinedRow(table.info.source, table.info.sheet, int(rows[i]), raw_values, codes)
            )
    frame = frame[~refused].reset_index(drop=True)
    return _Parts(frame, quarantined, skipped, notes, scales, problems, examples)


def _merge_counts(target: dict[str, int], extra: dict[str, int]) -> None:
    for key, value in extra.items():
        target[key] = target.get(key, 0) + value


def _likely_kind(
    table: RawTable, options: IngestOptions, where: str
) -> tuple[Kind | None, ColumnMapping | None]:
    try:
        return detect_kind(table.header, options.mapping, where)
    except MissingColumnsError:
        return None, None


def load(
    sources: Sequence[str | Path],
    kind: Kind | None,
    options: IngestOptions,
    on_progress: Callable[[str], None] | None = None,
    stdin: BinaryIO | None = None,
) -> LoadResult:
    """Load exports of one kind (``None``: detect it) into a :class:`LoadResult`.

    Several sources are concatenated (and, for events and update logs, collapsed together).
    ``-`` reads ``stdin`` (default ``sys.stdin.buffer``). Raises :class:`InputMissingError`
    for missing files, :class:`InputDataError` for unusable data or exceeded limits,
    :class:`ConfigError` for a map naming absent columns and :class:`UsageError` for
    contradictory requests.
    """
    if not sources:
        raise UsageError("no input files; give one or more paths, or - for stdin")
    if sum(1 for s in sources if str(s) == "-") > 1:
        raise UsageError("stdin (-) can be read only once")
    tables = [read_source(s, options, stdin=stdin, on_progress=on_progress) for s in sources]
    detected: list[SourceInfo] = []
    mappings: list[ColumnMapping] = []
    kinds: list[Kind] = []
    for table in tables:
        where = (
            table.info.source
            if table.info.sheet is None
            else f"{table.info.source} [{table.info.sheet}]"
        )
        likely, likely_mapping = _likely_kind(table, options, where)
        if kind is None:
            found, mapping = detect_kind(table.header, options.mapping, where)
        else:
            found = kind
            mapping = (
                likely_mapping
                if likely == kind and likely_mapping is not None
                else map_columns(table.header, kind, options.mapping, where)
            )
            require_complete(mapping, table.header, where)
        kinds.append(found)
        mappings.append(mapping)
        detected.append(replace(table.info, likely_kind=likely))
    if len(set(kinds)) > 1:
        listing = ", ".join(
            f"{t.info.source} looks like {k}" for t, k in zip(tables, kinds, strict=True)
        )
        raise InputDataError(
            f"the inputs are of different kinds ({listing}); pass --kind or load them apart"
        )
    final_kind = kinds[0]
    notes: list[str] = []
    for table in tables:
        notes.extend(table.notes)
    for mapping in mappings:
        notes.extend(mapping.notes)
    skipped: dict[str, int] = {}
    quarantined: list[QuarantinedRow] = []
    scales: dict[str, int] = {}
    problems: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    frames = []
    for table, mapping in zip(tables, mappings, strict=True):
        if on_progress is not None:
            on_progress(f"parsing {table.info.source}")
        _merge_counts(skipped, table.skipped)
        parts = _table_parts(table, mapping, options, final_kind)
        frames.append(parts.frame)
        quarantined.extend(parts.quarantined)
        _merge_counts(skipped, parts.skipped)
        notes.extend(parts.notes)
        for key, value in parts.scales.items():
            scales[key] = max(scales.get(key, 0), value)
        _merge_counts(problems, parts.problems)
        for key, items in parts.examples.items():
            examples[key] = (examples.get(key, []) + items)[:_MAX_EXAMPLES]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    read = sum(table.read for table in tables)
    cases: int | None = None
    if final_kind == "events":
        accepted = len(frame)
        if on_progress is not None:
            on_progress(f"collapsing {accepted:,} events into cases")
        tasks = collapse_events(frame, options.completion_patterns)
        frame = _tasks_frame(tasks)
        cases = len(frame)
        notes.append(f"{accepted:,} events collapsed into {cases:,} cases")
    else:
        if final_kind == "tasks":
            frame, dropped = collapse_updates(frame, "updated_at" in mappings[0].positions)
            if dropped:
                skipped["collapsed-update"] = dropped
                by = "updated_at" if "updated_at" in mappings[0].positions else "file order"
                notes.append(
                    f"{dropped + len(frame):,} rows of an update log collapsed into "
                    f"{len(frame):,} tasks (latest row per task_id by {by})"
                )
        accepted = len(frame)
    account = RowAccount(read=read, accepted=accepted, quarantined=quarantined, skipped=skipped)
    if quarantined:
        notes.append(f"{len(quarantined):,} row(s) quarantined; write them with --quarantine FILE")
    first = mappings[0]
    unmapped = list(dict.fromkeys(name for m in mappings for name in m.unmapped))
    return LoadResult(
        kind=final_kind,
        frame=frame,
        columns=dict(first.names),
        unmapped=unmapped,
        account=account,
        detected=detected,
        amount_scale=scales,
        notes=notes,
        value_problems=problems,
        value_examples=examples,
        cases=cases,
        map_text=render_map(first, detected[0].source),
    )


def _tasks_frame(tasks: pd.DataFrame) -> pd.DataFrame:
    """Give collapsed events every tasks column, with the tasks dtypes, in schema order."""
    length = len(tasks)
    columns: dict[str, pd.Series] = {}
    for canonical, column_type in SCHEMAS["tasks"].items():
        if canonical in tasks.columns:
            series = tasks[canonical].reset_index(drop=True)
            if column_type == "datetime":
                series = series.astype("datetime64[ns, UTC]")
            elif column_type == "text":
                series = series.astype("str")
            elif column_type == "integer":
                series = series.astype("Int64")
            columns[canonical] = series
        else:
            columns[canonical] = _empty_column(column_type, length)
    frame = pd.DataFrame(columns, index=range(length))
    frame["_source"] = tasks["_source"].astype("str").to_numpy()
    frame["_row"] = tasks["_row"].astype(np.int64).to_numpy()
    return frame


@dataclass(frozen=True)
class ColumnSummary:
    """What ``inspect`` shows about one canonical column of a load."""

    column: str
    """Canonical name."""
    source: str | None
    """Source column (None when not found; for events, the case-level column is derived)."""
    type: str
    """Parsed type: text, datetime, amount, number, integer, minutes, boolean."""
    examples: list[str]
    """Up to three distinct values as parsed."""
    nulls: int
    """Rows of the frame where the value is missing."""
    problems: int
    """Values that failed to parse and became null (optional columns only)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "column": self.column,
            "source": self.source,
            "type": self.type,
            "examples": self.examples,
            "nulls": self.nulls,
            "problems": self.problems,
        }


def _example_text(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


_FROM_EVENTS = {
    "task_id": "case_id",
    "created_at": "timestamp",
    "completed_at": "timestamp",
    "updated_at": "timestamp",
    "status": "activity",
    "rework_count": "activity",
    "assignee": "resource",
    "team": "team",
    "category": "category",
    "priority": "priority",
}
"""For events: the event column each case-level column is derived from."""


def column_summaries(result: LoadResult) -> list[ColumnSummary]:
    """Per canonical column of ``result.frame``: source, type, examples, nulls and problems."""
    summaries = []
    for column, column_type in result.column_types.items():
        series = result.frame[column]
        if result.kind == "events":
            event_column = _FROM_EVENTS.get(column)
            source = result.columns.get(event_column) if event_column else None
        else:
            source = result.columns.get(column)
        present = series.dropna()
        examples = [_example_text(v) for v in present.drop_duplicates().head(3).tolist()]
        summaries.append(
            ColumnSummary(
                column=column,
                source=source,
                type=column_type,
                examples=examples,
                nulls=int(series.isna().sum()),
                problems=result.value_problems.get(column, 0),
            )
        )
    return summaries
