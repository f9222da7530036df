"""Workbooks (XLSX/XLSM/XLSB, XLS, ODS) read with python-calamine, after the zip and its XML
parts are checked against the limits and for entity declarations; formulas are read as their
cached values, never evaluated."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pandas as pd
import python_calamine as calamine

from boaudit.errors import InputDataError
from boaudit.ingest.options import IngestOptions, Limits
from boaudit.ingest.readers.guard import (
    column_number,
    damaged_zip,
    open_zip,
    refuse_encrypted,
    scan_sheet,
    sheet_parts,
)
from boaudit.ingest.readers.table import (
    HEADER_SCAN_ROWS,
    RawTable,
    SourceInfo,
    find_header,
    finish_table,
)

_DIMENSION_RE = re.compile(rb'<dimension[^>]*ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')


def _check_dimension(archive: zipfile.ZipFile, part: str, where: str, limits: Limits) -> None:
    """Refuse a sheet whose declared dimension is beyond the limits (calamine sizes by it)."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        return
    with damaged_zip(where), archive.open(info) as handle:
        head = handle.read(4096)
    match = _DIMENSION_RE.search(head)
    if match is None:
        return
    columns, rows = column_number(match.group(1).decode()), int(match.group(2))
    if rows - 1 > limits.max_rows:
        raise InputDataError(
            f"{where}: the sheet declares {rows:,} rows, more than the limit of "
            f"{limits.max_rows:,}; pass --max-rows N to raise it"
        )
    if columns > limits.max_columns:
        raise InputDataError(
            f"{where}: the sheet declares {columns:,} columns, more than the limit of "
            f"{limits.max_columns:,}; pass --max-columns N to raise it"
        )


def _choose_sheet(
    workbook: calamine.CalamineWorkbook, wanted: str | None, where: str
) -> tuple[str, str | None]:
    """The sheet to read and a note saying why."""
    names = list(workbook.sheet_names)
    if not names:
        raise InputDataError(f"{where}: the workbook has no sheets")
    listing = ", ".join(repr(n) for n in names)
    if wanted is not None:
        if wanted in names:
            return wanted, None
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            return names[int(wanted) - 1], None
        raise InputDataError(
            f"{where}: no sheet {wanted!r}; pass --sheet with one of: {listing} "
            "(or a number from 1)"
        )
    visible = [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible == calamine.SheetVisibleEnum.Visible
        and meta.typ == calamine.SheetTypeEnum.WorkSheet
    ] or names
    chosen = visible[0]
    note = None
    if len(names) > 1:
        note = (
            f"{where}: read sheet {chosen!r}, the first visible of {len(names)} ({listing}); "
            "pass --sheet to choose"
        )
    return chosen, note


def _fill_merged(
    rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]
) -> list[str]:
    """Copy each merged range's top-left value into its other cells; returns the ranges filled,
    each as ``D2:D4 ('A')``."""
    filled: list[str] = []
    for (top, left), (bottom, right) in merged:
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else ""
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                rows[r][c] = value
        shown = _cell_text(value)
        shown = shown if len(shown) <= 30 else shown[:29] + "…"
        filled.append(
            f"{_reference(top, left)}:{_reference(bottom, right)} ({shown!r})"
            if shown
            else f"{_reference(top, left)}:{_reference(bottom, right)} (empty)"
        )
    return filled


def _reference(row: int, column: int) -> str:
    """A 0-based cell position as a spreadsheet reference (0, 0 -> A1)."""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def read_workbook_bytes(data: bytes, where: str, fmt: str, options: IngestOptions) -> RawTable:
    """Read an XLSX/XLSM/XLSB/XLS/ODS workbook (as bytes) into a :class:`RawTable`."""
    limits = options.limits
    notes: list[str] = []
    archive: zipfile.ZipFile | None = None
    parts: dict[str, str] = {}
    epoch1904 = False
    if fmt in {"xlsx", "xlsm", "xlsb", "ods"}:
        archive = open_zip(data, where, limits)
        if fmt in {"xlsx", "xlsm"}:
            with damaged_zip(where):
                parts, epoch1904 = sheet_parts(archive)
    else:
        refuse_encrypted(data, where)
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise InputDataError(
            f"{where}: the workbook is password-protected; save a copy without a password"
        ) from None
    except (calamine.CalamineError, ValueError, OSError) as exc:
        raise InputDataError(
            f"{where}: cannot read the workbook ({exc}); re-save it from Excel"
        ) from None
    sheet_name, note = _choose_sheet(workbook, options.sheet, where)
    if note:
        notes.append(note)
    label = f"{where} [{sheet_name}]"
    missing_values: tuple[str, ...] = ()
    if archive is not None and sheet_name in parts:
        _check_dimension(archive, parts[sheet_name], label, limits)
        missing_values = scan_sheet(archive, parts[sheet_name], label, limits).missing_values
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
        if sheet.total_height - 1 > limits.max_rows + HEADER_SCAN_ROWS:
            raise InputDataError(
                f"{label}: more than {limits.max_rows:,} data rows (the limit); "
                "pass --max-rows N to raise it"
            )
        # calamine's total_width is the last column's 0-based index (4 columns: 3).
        if sheet.total_width + 1 > limits.max_columns:
            raise InputDataError(
                f"{label}: {sheet.total_width + 1:,} columns, more than the limit of "
                f"{limits.max_columns:,}; pass --max-columns N to raise it"
            )
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except calamine.CalamineError as exc:
        raise InputDataError(
            f"{label}: cannot read the sheet ({exc}); re-save it from Excel"
        ) from None
    filled = _fill_merged(rows, merged) if merged else []
    if filled:
        shown = ", ".join(filled[:3]) + (f" and {len(filled) - 3} more" if len(filled) > 3 else "")
        notes.append(
            f"{label}: {len(filled)} merged cell range(s), {shown}: every cell of a range reads "
            "the value of its top-left cell"
        )
    if missing_values:
        shown = ", ".join(missing_values[:5]) + (" ..." if len(missing_values) > 5 else "")
        notes.append(
            f"{label}: {len(missing_values)} formula cell(s) have no saved value ({shown}) and "
            "are read as empty (formulas are never evaluated); open and save the file in Excel"
        )
    records = [[_cell_text(v) for v in row] for row in rows[:HEADER_SCAN_ROWS]]
    header_index = find_header(records)
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame(rows, columns=range(width)) if rows else pd.DataFrame(columns=range(0))
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object:
            if values.iloc[header_index + 1 :].map(type).isin([str]).all():
                frame[column] = values.astype("str")
        elif not isinstance(values.dtype, pd.StringDtype):
            # pandas gave the column one type (only numbers, only booleans...): keep the
            # workbook values as objects, since a non-object column is read as text later.
            frame[column] = values.astype(object)
    header_cells = records[header_index] if records else []
    info = SourceInfo(
        source=where,
        format=fmt,
        sheet=sheet_name,
        sheets=tuple(workbook.sheet_names),
        header_row=header_index + 1,
    )
    if len(frame) - header_index - 1 > limits.max_rows:
        raise InputDataError(
            f"{label}: more than {limits.max_rows:,} data rows (the limit); "
            "pass --max-rows N to raise it"
        )
    return finish_table(frame, header_cells, header_index, info, "", limits, notes, epoch1904)


def _cell_text(value: Any) -> str:
    """A workbook cell as header text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
