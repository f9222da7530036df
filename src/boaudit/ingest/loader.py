"""The top-level loader: sources in, one clean frame and a full row account out."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from boaudit.document import JsonObject
from boaudit.errors import InputDataError, UsageError
from boaudit.ingest.accounting import QuarantinedRow, RowAccount
from boaudit.ingest.events import (
    case_events,
    collapse_events,
    collapse_updates,
    completion_summary,
)
from boaudit.ingest.mapping import (
    REQUIRED,
    SCHEMAS,
    ColumnMapping,
    ColumnType,
    Kind,
    LineItemColumns,
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
from boaudit.memory import release_memory

_MAX_EXAMPLES = 5
_PARSE_THREADS = 2
"""Columns parsed at once: two keep both cores of a small machine busy, and hold at most one
more column's temporaries than parsing one at a time."""

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
    short_rows: JsonObject | None = None
    """Rows kept with fewer fields than the header: ``{"rows", "first": {"source", "row",
    "fields", "of"}}``, or None when every row has them all."""
    map_text: str = ""
    """The mapping as a ``--map`` file (what ``--write-map`` writes)."""
    events: pa.Table | None = None
    """Events only: the accepted events (:func:`boaudit.ingest.events.case_events`: integer
    ``case`` codes, the rows of :attr:`frame`, sorted by case, timestamp and file order)."""
    completion: JsonObject | None = None
    """Events only: how the cases met the completion patterns
    (:func:`boaudit.ingest.events.completion_summary`)."""

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
    """Parse one table's mapped columns; quarantine rows whose required values fail.

    First what decides which rows are refused (required columns; for line items the vendor and
    the line amounts too); then the raw cells of the refused rows are kept for the quarantine,
    and every raw column is released as soon as it is parsed (memory: the raw text table is
    the largest thing alive during a load).
    """
    schema = SCHEMAS[kind]
    label = _label(table.info)
    data, rows, extra, skipped, notes = _without_duplicate_events(table, kind, label)
    length = len(data)
    found = _Columns(kind, table.info.source, rows, notes)
    line_items = mapping.line_items if kind == "invoices" else None
    raw_column = partial(_raw_column, data, mapping)
    parse = partial(
        _parse_mapped,
        mapping=mapping,
        schema=schema,
        options=options,
        label=label,
        epoch1904=table.epoch1904,
    )
    _parse_in_order(_deciding_columns(kind, mapping, line_items), raw_column, parse, found.record)
    lines = None
    if line_items is not None:
        lines = _line_values(data, mapping, line_items, options, label)
        if lines.derived is not None:
            found.record_line_amounts(lines.derived)
    has_extra = (extra != "").to_numpy(dtype=bool)
    found.reasons.append((has_extra, "extra-fields"))
    refused = found.refused(length)
    if lines is not None and refused.any():
        refused = _refuse_whole_invoices(found, refused)
    quarantined = _quarantine(table, data, rows, extra, has_extra, refused, found.reasons)
    del extra
    rest = [c for c in schema if c in mapping.positions and c not in found.values]
    needed = {p for c in rest for p in mapping.positions[c]}
    _release(data, [p for p in data.columns if int(p) not in needed])
    record = partial(_record_and_release, found, data, mapping)
    _parse_in_order(rest, raw_column, parse, record)
    frame = _table_frame(found.values, schema, table.info.source, rows, refused)
    if lines is not None and line_items is not None:
        kept = [v for v, r in zip(lines.decimals, refused.tolist(), strict=True) if not r]
        frame, dropped, note = _collapse_line_items(frame, kept, lines, mapping, line_items, label)
        if dropped:
            skipped["line-item"] = dropped
            notes.append(note)
    elif kind == "invoices":
        frame, dropped, note = _group_repeated_numbers(frame, label)
        if dropped:
            skipped["line-item"] = dropped
            notes.append(note)
    return _Parts(frame, quarantined, skipped, notes, found.scales, found.problems, found.examples)


def _label(info: SourceInfo) -> str:
    """The source as named in notes: the file, and the sheet of a workbook."""
    return info.source if info.sheet is None else f"{info.source} [{info.sheet}]"


def _without_duplicate_events(
    table: RawTable, kind: Kind, label: str
) -> tuple[pd.DataFrame, npt.NDArray[np.int64], pd.Series, dict[str, int], list[str]]:
    """The table's data, row numbers and extra fields, without exact duplicate event rows
    (events only); with the rows skipped and the note saying so."""
    skipped: dict[str, int] = {}
    notes: list[str] = []
    data = table.data
    if kind != "events" or not len(data):
        return data, table.rows, table.extra, skipped, notes
    duplicate = data.duplicated().to_numpy(dtype=bool)
    if not duplicate.any():
        return data, table.rows, table.extra, skipped, notes
    skipped["duplicate-event"] = int(duplicate.sum())
    notes.append(f"{label}: {int(duplicate.sum()):,} exact duplicate event row(s) ignored")
    data = data[~duplicate].reset_index(drop=True)
    extra = table.extra[~duplicate].reset_index(drop=True)
    return data, table.rows[~duplicate], extra, skipped, notes


def _deciding_columns(
    kind: Kind, mapping: ColumnMapping, line_items: LineItemColumns | None
) -> list[str]:
    """The mapped columns that decide whether a row is refused: the required ones, and for
    line items the vendor (an invoice is one id and vendor)."""
    first = [c for c in REQUIRED[kind] if c in mapping.positions]
    if line_items is not None and "vendor" in mapping.positions:
        first.append("vendor")
    return first


def _raw_column(data: pd.DataFrame, mapping: ColumnMapping, canonical: str) -> pd.Series:
    """The raw cells of a canonical column (repeated source columns coalesced)."""
    return _coalesce(data, mapping.positions[canonical])


def _parse_mapped(
    canonical: str,
    raw: pd.Series,
    *,
    mapping: ColumnMapping,
    schema: Mapping[str, ColumnType],
    options: IngestOptions,
    label: str,
    epoch1904: bool,
) -> Parsed:
    """Parse the raw cells of a canonical column as its type."""
    where = f"{label}, column {mapping.names[canonical]!r} ({canonical})"
    return _parse(raw, schema[canonical], options, where, epoch1904)


def _parse_in_order(
    names: Sequence[str],
    raw_column: Callable[[str], pd.Series],
    parse: Callable[[str, pd.Series], Parsed],
    record: Callable[[str, pd.Series, Parsed], None],
) -> None:
    """Parse ``names`` two at a time (NumPy and Arrow let go of the interpreter lock) and
    ``record`` them in order, so that notes and problems come out as from a plain loop.
    Only the workers parse; the raw table is read (``raw_column``) and changed (``record``)
    in the calling thread alone."""
    queue = deque(names)
    with ThreadPoolExecutor(max_workers=_PARSE_THREADS) as pool:
        pending: deque[tuple[str, pd.Series, Future[Parsed]]] = deque()
        while queue or pending:
            while queue and len(pending) < _PARSE_THREADS:
                canonical = queue.popleft()
                raw = raw_column(canonical)
                pending.append((canonical, raw, pool.submit(parse, canonical, raw)))
            canonical, raw, future = pending.popleft()
            record(canonical, raw, future.result())


@dataclass
class _Columns:
    """The parsed columns of one table, and what parsing them found."""

    kind: Kind
    source: str
    """The file name as given (for the examples of value problems)."""
    rows: npt.NDArray[np.int64]
    """1-based row number of each row."""
    notes: list[str]
    values: dict[str, pd.Series] = field(default_factory=dict)
    reasons: list[tuple[npt.NDArray[np.bool_], str]] = field(default_factory=list)
    """Per reason code, the rows it refuses."""
    scales: dict[str, int] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def record(self, canonical: str, raw: pd.Series, parsed: Parsed) -> None:
        """Keep a parsed column: refusals for a required one, problems for an optional one."""
        column_type = SCHEMAS[self.kind][canonical]
        self.values[canonical] = parsed.values.reset_index(drop=True)
        if parsed.note:
            self.notes.append(parsed.note)
        if parsed.scale is not None and column_type == "amount":
            self.scales[canonical] = parsed.scale
        if canonical in REQUIRED[self.kind]:
            missing = parsed.values.isna().to_numpy(dtype=bool) & ~parsed.bad
            self.reasons.append((missing, f"missing-required:{canonical}"))
            self.reasons.append((parsed.bad, f"{_REASON_PREFIX[column_type]}:{canonical}"))
        elif parsed.bad.any():
            bad_positions = np.flatnonzero(parsed.bad)
            self.problems[canonical] = len(bad_positions)
            self.examples[canonical] = [
                f"{self.source} row {self.rows[i]}: {_raw_text(raw.iat[i])!r}"
                for i in bad_positions[:_MAX_EXAMPLES].tolist()
            ]

    def record_line_amounts(self, derived: Parsed) -> None:
        """Keep the ``amount`` made of the line amounts (no amount column mapped)."""
        self.values["amount"] = derived.values
        if derived.scale is not None:
            self.scales["amount"] = derived.scale
        missing = derived.values.isna().to_numpy(dtype=bool) & ~derived.bad
        self.reasons.append((missing, "missing-required:amount"))
        self.reasons.append((derived.bad, "bad-amount:amount"))

    def refused(self, length: int) -> npt.NDArray[np.bool_]:
        """The rows some reason refuses."""
        refused = np.zeros(length, dtype=bool)
        for mask, _ in self.reasons:
            refused |= mask
        return refused


def _record_and_release(
    found: _Columns,
    data: pd.DataFrame,
    mapping: ColumnMapping,
    canonical: str,
    raw: pd.Series,
    parsed: Parsed,
) -> None:
    """Record a parsed column, then drop its raw columns."""
    found.record(canonical, raw, parsed)
    _release(data, mapping.positions[canonical])


def _refuse_whole_invoices(
    found: _Columns, refused: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """An invoice is whole or not at all: the other lines of an invoice with a refused line
    are refused too (its total, or its first line's fields, would be wrong)."""
    length = len(refused)
    keys = pd.DataFrame(
        {
            "invoice_id": found.values["invoice_id"],
            "vendor": found.values.get("vendor", _empty_column("text", length)),
        }
    )
    invoice = _invoice_codes(keys)
    partial_invoice = np.zeros(int(invoice.max()) + 1, dtype=bool)
    partial_invoice[invoice[refused & keys["invoice_id"].notna().to_numpy(dtype=bool)]] = True
    sibling = partial_invoice[invoice] & ~refused
    if sibling.any():
        found.reasons.append((sibling, "line-item:invoice-has-quarantined-line"))
        refused |= sibling
    return refused


def _quarantine(
    table: RawTable,
    data: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    extra: pd.Series,
    has_extra: npt.NDArray[np.bool_],
    refused: npt.NDArray[np.bool_],
    reasons: list[tuple[npt.NDArray[np.bool_], str]],
) -> list[QuarantinedRow]:
    """The refused rows with their raw cells (named by the header) and reason codes."""
    quarantined: list[QuarantinedRow] = []
    if not refused.any():
        return quarantined
    header = table.header
    refused_positions = np.flatnonzero(refused)
    values = data.iloc[refused_positions].to_numpy(dtype=object)
    for k, i in enumerate(refused_positions.tolist()):
        raw_values = {}
        for position, name in enumerate(header):
            key = name if name not in raw_values else f"{name} ({position + 1})"
            raw_values[key] = _raw_text(values[k, position])
        if has_extra[i]:
            raw_values["(extra fields)"] = str(extra.iat[i])
        codes = tuple(code for mask, code in reasons if mask[i])
        quarantined.append(
            QuarantinedRow(table.info.source, table.info.sheet, int(rows[i]), raw_values, codes)
        )
    return quarantined


def _table_frame(
    values: dict[str, pd.Series],
    schema: Mapping[str, ColumnType],
    source: str,
    rows: npt.NDArray[np.int64],
    refused: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    """Every canonical column in schema order (null when unmapped; ``values`` is emptied),
    ``_source`` and ``_row``, without the refused rows."""
    length = len(rows)
    for canonical, column_type in schema.items():
        if canonical not in values:
            values[canonical] = _empty_column(column_type, length)
    frame = pd.DataFrame({c: values.pop(c) for c in schema}, index=range(length))
    # One category, not a million copies of the path (41 MiB for a million rows).
    frame["_source"] = pd.Categorical.from_codes(
        np.zeros(length, dtype=np.int8), categories=pd.Index([source])
    )
    frame["_row"] = rows.astype(np.int64)
    return frame[~refused].reset_index(drop=True) if refused.any() else frame


# --------------------------------------------------------------------------- line items


@dataclass
class _LineValues:
    """Per row of a line-item table: the line's own amount, exactly."""

    decimals: list[Decimal | None]
    """The line amount column, else quantity x unit amount; None when unknown."""
    derived: Parsed | None
    """The ``amount`` column made of the line amounts, when no amount column is mapped."""


def _to_decimal(value: float) -> Decimal | None:
    """The decimal text a parsed amount came from (exact for up to 15 significant digits)."""
    return None if np.isnan(value) else Decimal(repr(value))


def _line_values(
    data: pd.DataFrame,
    mapping: ColumnMapping,
    line_items: LineItemColumns,
    options: IngestOptions,
    label: str,
) -> _LineValues:
    """Parse the line-amount (or quantity and unit amount) columns of a line-item table."""

    def column(role: str) -> Parsed:
        where = f"{label}, column {line_items.names[role]!r} (line item)"
        return parse_amounts(data[line_items.positions[role]], decimal=options.decimal, where=where)

    length = len(data)
    bad = np.zeros(length, dtype=bool)
    decimals: list[Decimal | None] = [None] * length
    scale = 0
    if "line_amount" in line_items.positions:
        parsed = column("line_amount")
        decimals = [_to_decimal(v) for v in parsed.values.tolist()]
        bad = parsed.bad
        scale = parsed.scale or 0
    elif line_items.has_line_value:
        quantity, unit = column("quantity"), column("unit_amount")
        with localcontext(prec=80):
            decimals = [
                None if q is None or u is None else q * u
                for q, u in zip(
                    map(_to_decimal, quantity.values.tolist()),
                    map(_to_decimal, unit.values.tolist()),
                    strict=True,
                )
            ]
        bad = quantity.bad | unit.bad
        scale = (quantity.scale or 0) + (unit.scale or 0)
    derived = None
    if "amount" not in mapping.positions and line_items.has_line_value:
        values = pd.Series([np.nan if d is None else float(d) for d in decimals], dtype="float64")
        derived = Parsed(values, np.asarray(bad, dtype=bool), scale=scale)
    return _LineValues(decimals, derived)


def _invoice_codes(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Per row, a number for its (invoice_id, vendor) pair, in order of first appearance."""
    grouped = frame.groupby(["invoice_id", "vendor"], sort=False, dropna=False)
    codes: npt.NDArray[np.int64] = np.asarray(grouped.ngroup(), dtype=np.int64)
    return codes


def _collapse_line_items(
    frame: pd.DataFrame,
    decimals: list[Decimal | None],
    lines: _LineValues,
    mapping: ColumnMapping,
    line_items: LineItemColumns,
    label: str,
) -> tuple[pd.DataFrame, int, str]:
    """One row per invoice (same id and vendor) of a line-item table; returns the rows dropped.

    The first line gives every field but ``amount``. ``amount`` is the mapped amount when every
    line repeats the same value (Xero's ``Total``), unless that value is also each line's own
    amount (then it is a line amount); otherwise the exact sum of the line amounts (the line
    amount column, else quantity x unit amount, else the mapped amount of each line).
    """
    if frame.empty:
        return frame, 0, ""
    codes = _invoice_codes(frame)
    sizes = np.bincount(codes)
    first = np.zeros(len(frame), dtype=bool)
    first[np.unique(codes, return_index=True)[1]] = True
    dropped = int((~first).sum())
    if not dropped:
        return frame, 0, ""
    amounts = frame["amount"].to_numpy(dtype=np.float64)
    own = np.array([np.nan if d is None else float(d) for d in decimals], dtype=np.float64)
    if lines.derived is not None:
        repeated = np.zeros(len(sizes), dtype=bool)
    else:
        series = pd.Series(amounts)
        same = (series.groupby(codes).min() == series.groupby(codes).max()).to_numpy(dtype=bool)
        is_line = pd.Series(own == amounts).groupby(codes).all().to_numpy(dtype=bool)
        repeated = same & ~is_line
    several = sizes > 1
    summed = several & ~repeated
    totals: dict[int, Decimal] = {}
    with localcontext(prec=80):
        for i in np.flatnonzero(summed[codes]).tolist():
            code = int(codes[i])
            value = decimals[i]
            if value is None:
                value = _to_decimal(float(amounts[i])) or Decimal(0)
            totals[code] = totals.get(code, Decimal(0)) + value
    result = frame[first].reset_index(drop=True)
    if totals:
        values = result["amount"].to_numpy(dtype=np.float64, copy=True)
        values[list(totals)] = [float(total) for total in totals.values()]
        result["amount"] = values
    how = []
    if (repeated & several).any():
        total_name = mapping.names.get("amount", "amount")
        how.append(f"{int((repeated & several).sum()):,} the {total_name!r} repeated on each line")
    if summed.any():
        if lines.derived is not None or "line_amount" in line_items.names:
            source = line_items.describe_line_value()
        else:
            source = f"{mapping.names.get('amount', 'amount')!r} of each line"
        how.append(f"{int(summed.sum()):,} the sum of the line amounts ({source})")
    note = (
        f"{label}: {dropped + int(several.sum()):,} line-item rows collapsed into "
        f"{int(several.sum()):,} invoice(s), one row per invoice id and vendor (amount: "
        f"{'; '.join(how)}); {dropped:,} row(s) skipped as line-item"
    )
    return result, dropped, note


def _group_repeated_numbers(frame: pd.DataFrame, label: str) -> tuple[pd.DataFrame, int, str]:
    """Lines of one invoice in an export without line-item columns (a council's "spend over
    500" file, a ledger's line report): rows with the same vendor, invoice number and invoice
    date whose amounts differ are one invoice, its amount the exact sum of the lines, its other
    fields the first line's. Rows that repeat the amount too stay rows: they are what the
    duplicate tests look for. Credit lines (amounts of 0 or less) are never grouped."""
    needed = {"invoice_id", "vendor", "invoice_date", "amount"}
    if frame.empty or not needed <= set(frame.columns):
        return frame, 0, ""
    numbers = frame["invoice_id"].astype("str").str.strip()
    # only numbers on several rows can be lines (most exports: none, checked in one pass)
    repeated = numbers.duplicated(keep=False).to_numpy(dtype=bool, copy=True)
    every = frame["amount"].to_numpy(dtype=np.float64)
    repeated &= every > 0
    if repeated.sum() < 2:
        return frame, 0, ""
    where = np.flatnonzero(repeated)
    keys = pd.DataFrame(
        {
            "v": frame["vendor"].iloc[where].astype("str").str.strip().str.casefold(),
            "n": numbers.iloc[where],
            "d": frame["invoice_date"].iloc[where],
        }
    )
    usable = (keys.notna().all(axis=1) & (keys["v"] != "")).to_numpy(dtype=bool)
    where, keys = where[usable], keys[usable]
    if len(where) < 2:
        return frame, 0, ""
    codes = keys.groupby(["v", "n", "d"], sort=False).ngroup().to_numpy()
    values = every[where]
    sizes = np.bincount(codes)
    low = np.full(len(sizes), np.inf)
    high = np.full(len(sizes), -np.inf)
    np.minimum.at(low, codes, values)
    np.maximum.at(high, codes, values)
    lined = (sizes > 1) & (low != high)
    if not lined.any():
        return frame, 0, ""
    in_lines = lined[codes]
    rows, line_codes = where[in_lines], codes[in_lines]
    first: dict[int, int] = {}
    totals: dict[int, Decimal] = {}
    with localcontext(prec=80):
        for row, code in zip(rows.tolist(), line_codes.tolist(), strict=True):
            first.setdefault(code, row)
            totals[code] = totals.get(code, Decimal(0)) + Decimal(repr(float(every[row])))
    drop = np.zeros(len(frame), dtype=bool)
    drop[rows] = True
    drop[list(first.values())] = False
    result = frame.copy()
    column = result["amount"].to_numpy(dtype=np.float64, copy=True)
    for code, row in first.items():
        column[row] = float(totals[code])
    result["amount"] = column
    result = result[~drop].reset_index(drop=True)
    invoices, lines = len(first), len(rows)
    note = (
        f"{label}: {lines:,} lines in {invoices:,} invoices: rows with the same vendor, invoice "
        "number and invoice date but different amounts are read as the lines of one invoice "
        f"(its amount: the sum of the lines); {lines - invoices:,} row(s) skipped as line-item"
    )
    return result, lines - invoices, note


def _release(data: pd.DataFrame, positions: Sequence[Any]) -> None:
    """Drop raw columns that are no longer needed, and hand their memory back."""
    gone = [p for p in positions if p in data.columns]
    if gone:
        # In place (the caller keeps its frame): del, since drop(inplace=True) is deprecated.
        for column in gone:
            del data[column]
        pa.default_memory_pool().release_unused()


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


def _where(table: RawTable) -> tuple[str, str]:
    """The source as named in these errors, and what it is (a file, or the input)."""
    if table.info.source == "-":
        return "stdin", "input"
    return _label(table.info), "file"


def _refuse_empty(tables: Sequence[RawTable]) -> None:
    """An empty source (nothing, or blank lines) is an error, before its columns are mapped."""
    for table in tables:
        unnamed = all(name == f"column {i}" for i, name in enumerate(table.header, 1))
        if len(table.data) == 0 and unnamed:
            where, what = _where(table)
            raise InputDataError(
                f"{where}: the {what} is empty; export it again, with its header row and its rows"
            )


def _refuse_no_rows(tables: Sequence[RawTable]) -> None:
    """Headers without a row, once the columns are known to fit: an error when no source has
    a row (one header-only export among several is a month with nothing in it, and loads)."""
    if all(len(table.data) == 0 for table in tables):
        where, what = _where(tables[0])
        raise InputDataError(
            f"{where}: the {what} has a header but no rows; check the export's filters or "
            "date range and export it again"
        )


def load(
    sources: Sequence[str | Path],
    kind: Kind | None,
    options: IngestOptions,
    on_progress: Callable[[str], None] | None = None,
    stdin: BinaryIO | None = None,
) -> LoadResult:
    """Load exports of one kind (``None``: detect it) into a :class:`LoadResult`.

    Several sources are concatenated (and, for events and update logs, collapsed together).
    ``-`` reads ``stdin`` (default ``sys.stdin.buffer``). ``on_progress`` gets a message at
    each step; when it also has a ``read_bytes(source, done, total)`` method, the bytes of each
    file as they are read (the command line draws a progress bar from them). Raises
    :class:`InputMissingError` for missing files, :class:`InputDataError` for unusable data
    or exceeded limits, :class:`ConfigError` for a map naming absent columns and
    :class:`UsageError` for contradictory requests.
    """
    if not sources:
        raise UsageError("no input files; give one or more paths, or - for stdin")
    if sum(1 for s in sources if str(s) == "-") > 1:
        raise UsageError("stdin (-) can be read only once")
    tables = [read_source(s, options, stdin=stdin, on_progress=on_progress) for s in sources]
    _refuse_empty(tables)
    detected: list[SourceInfo] = []
    mappings: list[ColumnMapping] = []
    kinds: list[Kind] = []
    for table in tables:
        where = _label(table.info)
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
    _refuse_no_rows(tables)
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
    if len(frames) > 1:
        # The same categories in every part, so that the concatenation stays categorical.
        sources = list(dict.fromkeys(table.info.source for table in tables))
        for part in frames:
            part["_source"] = part["_source"].cat.set_categories(sources)
        frame = pd.concat(frames, ignore_index=True)
    else:
        frame = frames[0]
    del frames
    # Arrow's allocator keeps freed memory for reuse; what comes next (metrics) allocates
    # through NumPy, so give the raw text's memory back now.
    tables = [replace(table, data=table.data.iloc[:0]) for table in tables]
    release_memory()
    read = sum(table.read for table in tables)
    cases: int | None = None
    completion: JsonObject | None = None
    events: pa.Table | None = None
    if final_kind == "events":
        accepted = len(frame)
        if on_progress is not None:
            on_progress(f"collapsing {accepted:,} events into cases")
        tasks = collapse_events(frame, options.completion_patterns)
        events = case_events(frame, tasks["task_id"])
        frame = _tasks_frame(tasks)
        cases = len(frame)
        notes.append(f"{accepted:,} events collapsed into {cases:,} cases")
        completion = completion_summary(tasks, options.completion_patterns)
        if completion["reason"]:
            notes.append(str(completion["reason"]))
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
        short_rows=_short_rows(tables),
        completion=completion,
        events=events,
    )


def _short_rows(tables: Sequence[RawTable]) -> JsonObject | None:
    """The rows with fewer fields than the header, over every source (see LoadResult)."""
    total = sum(table.short_rows for table in tables)
    first = next((t for t in tables if t.first_short is not None), None)
    if not total or first is None or first.first_short is None:
        return None
    row, fields = first.first_short
    return {
        "rows": total,
        "first": {
            "source": _label(first.info),
            "row": row,
            "fields": fields,
            "of": len(first.header),
        },
    }


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
    frame["_source"] = tasks["_source"].astype("category").array
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

    def to_dict(self) -> JsonObject:
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
