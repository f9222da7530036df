"""The raw table every reader returns, and what all readers share: finding the header (below
a report preamble) and the tail that splits it off, drops blank, total and label rows
(counted) and checks cell lengths."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow.compute as pc  # type: ignore[import-untyped]

from boaudit.document import JsonObject
from boaudit.errors import InputDataError
from boaudit.ingest.mapping import is_known_name, normalise
from boaudit.ingest.options import Limits
from boaudit.ingest.values import null_or_empty, starts_with_space

HEADER_SCAN_ROWS = 50
"""Rows looked at for the header."""
_TOTAL_RE = r"^\s*(?:grand\s+)?total\b"


@dataclass(frozen=True)
class SourceInfo:
    """What was detected about one source."""

    source: str
    """The file name as given (``-`` for stdin)."""
    format: str
    """``csv``, ``xlsx``, ``xls``, ``xlsb``, ``ods``, ``parquet`` or ``xes``."""
    encoding: str | None = None
    """Text encoding (CSV only)."""
    delimiter: str | None = None
    """Field delimiter (CSV only)."""
    compression: str | None = None
    """``gzip`` when the file was compressed."""
    sheet: str | None = None
    """The sheet read (workbooks only)."""
    sheets: tuple[str, ...] = ()
    """Every sheet of the workbook."""
    header_row: int = 1
    """1-based row number of the header."""
    rows: int = 0
    """Data rows read (after the header)."""
    likely_kind: str | None = None
    """The kind the header looks like (set by the loader)."""

    def to_dict(self) -> JsonObject:
        """A JSON-ready dict."""
        return {
            "source": self.source,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "compression": self.compression,
            "sheet": self.sheet,
            "sheets": list(self.sheets),
            "header_row": self.header_row,
            "rows": self.rows,
            "likely_kind": self.likely_kind,
        }


@dataclass(frozen=True)
class RawTable:
    """One source read as a table, before mapping and value parsing."""

    info: SourceInfo
    """What was detected."""
    header: list[str]
    """Source column names in file order (repeats kept; blanks named ``column N``)."""
    data: pd.DataFrame
    """Data rows kept (columns are positions ``0..n-1``); text, or workbook values."""
    rows: npt.NDArray[np.int64]
    """1-based row number of each row of ``data``."""
    extra: pd.Series
    """Per row of ``data``: values beyond the header's width joined by the delimiter, or ""."""
    read: int
    """Data rows read, including the skipped ones."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Rows skipped by reason (``blank``, ``total-row``, ``label-row``)."""
    notes: list[str] = field(default_factory=list)
    """Human notes (sheet used, formulas without a value...)."""
    epoch1904: bool = False
    """Whether the workbook uses the 1904 date system (for serial numbers)."""
    short_rows: int = 0
    """Data rows kept with fewer fields than the header (CSV; their missing fields are empty)."""
    first_short: tuple[int, int] | None = None
    """The first such row: its row number and how many fields it has."""


def find_header(records: list[list[str]]) -> int:
    """Index of the header among the first records: most known names, else first non-blank."""
    best_index, best_score = -1, 1
    for index, record in enumerate(records[:HEADER_SCAN_ROWS]):
        score = len({normalise(cell) for cell in record if cell.strip() and is_known_name(cell)})
        if score > best_score:
            best_index, best_score = index, score
    if best_index >= 0:
        return best_index
    for index, record in enumerate(records):
        if any(cell.strip() for cell in record):
            return index
    return 0


def _empty_mask(column: pd.Series) -> npt.NDArray[np.bool_]:
    """True where a cell is empty or only whitespace."""
    if column.dtype == object:
        # Workbook cells: calamine gives "" for an empty cell; whitespace-only text is rare
        # enough in typed columns to be checked only among the text cells.
        empty = np.array((column.isna() | (column == "")).to_numpy(dtype=bool))
        text = column.map(type).isin([str]).to_numpy(dtype=bool)
        if text.any():
            stripped = column[text].astype("str").str.strip() == ""
            empty[np.flatnonzero(text)] |= stripped.to_numpy(dtype=bool)
        return empty
    return ((column == "") | column.str.isspace()).to_numpy(dtype=bool)


def _contains_total(cells: pd.Series) -> npt.NDArray[np.bool_]:
    """Cells containing "total" in any case. For Arrow strings: ASCII lower case, then a
    plain search (3x faster than a case-insensitive one); no other character folds to t, o,
    a or l, so the same cells are found."""
    if isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow":
        chunked = cells.array.__arrow_array__()
        found = pc.match_substring(pc.ascii_lower(chunked), "total")
        return np.asarray(
            found.to_numpy(zero_copy_only=False), dtype=bool
        ) & cells.notna().to_numpy(dtype=bool)
    hint = cells.str.contains("total", case=False, regex=False)
    return np.asarray(hint.to_numpy(dtype=bool, na_value=False), dtype=bool)


def _total_rows(
    body: pd.DataFrame, first: npt.NDArray[np.intp], blank: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Rows whose first filled cell is text matching ``_TOTAL_RE`` (``Total``, ``Grand total``).

    Looked up column by column on the rows whose first filled cell is there; text columns are
    narrowed first to the cells containing "total" (any case), so the regular expression runs
    on a handful of cells rather than on every row.
    """
    total = np.zeros(len(body), dtype=bool)
    for position, column in enumerate(body.columns):
        rows = np.flatnonzero(~blank & (first == position))
        if not len(rows):
            continue
        cells = body[column].iloc[rows]
        if cells.dtype == object:
            cells = cells.map(lambda v: v if isinstance(v, str) else "").astype("str")
        else:
            narrow = _contains_total(cells)
            rows, cells = rows[narrow], cells[narrow]
        if len(rows):
            found = cells.str.contains(_TOTAL_RE, case=False).to_numpy(dtype=bool, na_value=False)
            total[rows[found]] = True
    return total


def finish_table(
    frame: pd.DataFrame,
    header_cells: list[str],
    header_index: int,
    info: SourceInfo,
    delimiter: str,
    limits: Limits,
    notes: list[str],
    epoch1904: bool,
    check_cells: bool = True,
) -> RawTable:
    """Split off the header, drop blank/total/label rows (counted) and check cell lengths."""
    where = info.source if info.sheet is None else f"{info.source} [{info.sheet}]"
    body = frame.iloc[header_index + 1 :]
    read = len(body)
    rows = np.arange(header_index + 2, header_index + 2 + read, dtype=np.int64)
    if check_cells:
        for column in body.columns:
            if body[column].dtype != object and read:
                longest = float(body[column].str.len().max())
                if longest > limits.max_cell_chars:
                    raise InputDataError(
                        f"{where}: a cell in column {int(column) + 1} has {int(longest):,} "
                        f"characters, more than the limit of {limits.max_cell_chars:,}; "
                        "pass --max-cell-chars N to raise it"
                    )
    if body.shape[1]:
        columns = [null_or_empty(body[c]) for c in body.columns]
        filled = np.zeros(read, dtype=np.int32)
        for column_empty in columns:
            filled += ~column_empty
        empty = np.column_stack(columns)
        del columns
        # Whitespace-only cells matter for blank, total and label rows: rows with at most two
        # filled cells, and rows whose first filled cell starts with a space (all-whitespace
        # rows, a padded cell before "Total"). Checking only those keeps the per-cell string
        # work off ordinary data rows.
        spaced = np.zeros(read, dtype=bool)
        first_filled = np.argmax(~empty, axis=1)
        for position in np.unique(first_filled[filled > 0]).tolist():
            column = body[body.columns[position]]
            spaced |= (first_filled == position) & starts_with_space(column)
        few = np.flatnonzero((filled <= 2) | spaced)
        if len(few):
            empty[few] = np.column_stack([_empty_mask(body[c].iloc[few]) for c in body.columns])
    else:
        empty = np.ones((read, 1), dtype=bool)
        few = np.arange(read)
        first_filled = np.zeros(read, dtype=np.intp)
    # Trailing unnamed header cells count only when some row has a value under them.
    width = len(header_cells)
    while (
        width > 1
        and not header_cells[width - 1].strip()
        and (width - 1 >= empty.shape[1] or bool(empty[:, width - 1].all()))
    ):
        width -= 1
    width = max(width, 1)
    header = [
        (header_cells[i].strip() if i < len(header_cells) else "") or f"column {i + 1}"
        for i in range(width)
    ]
    # Rows with three or more filled cells are not blank; the others were looked at whole.
    blank = np.zeros(read, dtype=bool)
    blank[few] = empty[few].all(axis=1)
    first = first_filled
    first[few] = np.argmax(~empty[few], axis=1)
    total = _total_rows(body, first, np.asarray(blank, dtype=bool))
    label = np.zeros(read, dtype=bool)
    if info.header_row > 1 and empty.shape[1] > 1:
        filled = (~empty).sum(axis=1)
        label = ~blank & ~total & (filled == 1) & (first <= 1)
    keep = ~(blank | total | label)
    skipped = {
        reason: int(mask.sum())
        for reason, mask in (("blank", blank), ("total-row", total), ("label-row", label))
        if mask.any()
    }
    kept = body if keep.all() else body[keep]
    extra = pd.Series("", index=range(int(keep.sum())), dtype="str")
    if kept.shape[1] > width:
        beyond = ~empty[keep][:, width:]
        has_extra: npt.NDArray[np.bool_] = np.asarray(beyond.any(axis=1), dtype=bool)
        if has_extra.any():
            cells = kept.iloc[:, width:].astype("str").fillna("")
            separator = delimiter or ","
            joined = pd.Series([separator.join(r) for r in cells.to_numpy().tolist()], dtype="str")
            extra = joined.where(has_extra, "").astype("str")
    kept = kept.iloc[:, :width].reset_index(drop=True)
    if kept.shape[1] < width:
        for position in range(kept.shape[1], width):
            kept[position] = pd.Series("", index=kept.index, dtype="str")
    kept.columns = pd.RangeIndex(width)
    info = replace(info, rows=read)
    if skipped:
        described = ", ".join(f"{n} {reason}" for reason, n in skipped.items())
        notes = [*notes, f"{where}: skipped {described} row(s)"]
    return RawTable(
        info=info,
        header=header,
        data=kept,
        rows=rows[keep],
        extra=extra,
        read=read,
        skipped=skipped,
        notes=notes,
        epoch1904=epoch1904,
    )
