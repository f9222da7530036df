"""Workbooks (XLSX/XLSM/XLSB, XLS, ODS) read with python-calamine, after the zip and its XML
parts are checked against the limits and for entity declarations; formulas are read as their
cached values, never evaluated."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree  # safe here: every part with a DTD is refused first

import pandas as pd
import python_calamine as calamine

from boaudit.errors import InputDataError
from boaudit.ingest.options import IngestOptions, Limits
from boaudit.ingest.readers.source import CHUNK, SNIFF_CHARS, too_big
from boaudit.ingest.readers.table import (
    HEADER_SCAN_ROWS,
    RawTable,
    SourceInfo,
    find_header,
    finish_table,
)


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> None:
    """Refuse an XML part that declares a DTD or entities (an entity bomb, or XXE)."""
    with archive.open(member) as handle:
        head = handle.read(SNIFF_CHARS)
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise InputDataError(
            f"{where}: part {member.filename} declares a DTD or XML entities, which no "
            "spreadsheet needs (an XML entity bomb?); refusing to read it"
        )


def _zip_members(data: bytes, where: str, limits: Limits) -> zipfile.ZipFile:
    """Open a workbook zip after checking its declared size and every XML part's prolog."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputDataError(
            f"{where}: not a valid workbook (bad zip); re-save it from Excel"
        ) from None
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.max_bytes:
        raise too_big(where, "unpacks to", limits.max_bytes)
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _check_xml_part(archive, info, where)
    return archive


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """XLSX: sheet name -> part path, and whether the workbook uses the 1904 date system."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}, False
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    epoch1904 = False
    for element in workbook.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "workbookPr":
            epoch1904 = element.get("date1904", "0").lower() in {"1", "true"}
        elif tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                parts[element.get("name", "")] = str(PurePosixPath(path))
    return parts, epoch1904


_DIMENSION_RE = re.compile(rb'<dimension[^>]*ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')
_CELL_RE = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]+\d+)\"[^>]*?>(.*?)</c>", re.S)


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _scan_sheet(archive: zipfile.ZipFile, part: str, where: str, limits: Limits) -> list[str]:
    """Check a sheet part's declared dimension and size; return formula cells lacking a value."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        return []
    size = 0
    has_formula = False
    with archive.open(info) as handle:
        head = handle.read(4096)
        match = _DIMENSION_RE.search(head)
        if match:
            columns, rows = _column_number(match.group(1).decode()), int(match.group(2))
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
        chunk = head
        tail = b""
        while chunk:
            size += len(chunk)
            if size > limits.max_bytes:
                raise too_big(where, "a sheet unpacks to", limits.max_bytes)
            has_formula = has_formula or b"<f" in tail + chunk
            tail = chunk[-2:]
            chunk = handle.read(CHUNK)
    if not has_formula:
        return []
    xml = archive.read(info)
    missing = []
    for ref, body in _CELL_RE.findall(xml):
        if b"<f" in body and not re.search(rb"<v>[^<]+</v>", body):
            missing.append(ref.decode())
    return missing


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
) -> int:
    """Copy each merged range's top-left value into its other cells; returns ranges filled."""
    filled = 0
    for (top, left), (bottom, right) in merged:
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else ""
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                rows[r][c] = value
        filled += 1
    return filled


def read_workbook_bytes(data: bytes, where: str, fmt: str, options: IngestOptions) -> RawTable:
    """Read an XLSX/XLSM/XLSB/XLS/ODS workbook (as bytes) into a :class:`RawTable`."""
    limits = options.limits
    notes: list[str] = []
    archive: zipfile.ZipFile | None = None
    parts: dict[str, str] = {}
    epoch1904 = False
    if fmt in {"xlsx", "xlsm", "xlsb", "ods"}:
        archive = _zip_members(data, where, limits)
        if fmt in {"xlsx", "xlsm"}:
            parts, epoch1904 = _sheet_parts(archive)
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
    missing_values: list[str] = []
    if archive is not None and sheet_name in parts:
        missing_values = _scan_sheet(archive, parts[sheet_name], label, limits)
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
    if merged and _fill_merged(rows, merged):
        notes.append(
            f"{label}: {len(merged)} merged cell range(s): each cell takes the range's value"
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
