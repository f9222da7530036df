"""The guarded opening every workbook goes through, exports and answer files alike.

Before any reader (calamine, openpyxl) builds a row, the container and every sheet are checked
against the limits: an encrypted file is named as such; a zip that is not one, or whose headers
do not match its contents, is refused; the declared unpacked size, each XML part's prolog (no DTD,
no entities) and each sheet's real extent (its rows and cells as they stream, not the
``dimension`` element, which may lie) must stay within :class:`Limits`. Every refusal is an
:class:`InputDataError` (exit 65) naming the file and what to do.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree  # safe here: open_zip refuses every part with a DTD

from boaudit.errors import InputDataError, LimitError
from boaudit.ingest.options import Limits
from boaudit.ingest.readers.source import CHUNK, SNIFF_CHARS, too_big

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE2 compound file (XLS, and the wrapper of an encrypted XLSX)."""
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
"""The stream name Excel gives a password-protected XLSX inside its OLE2 wrapper."""
MAX_SHEET_COLUMNS = 16_384
"""Columns a spreadsheet can have (A to XFD); a reference beyond it is malformed."""
MAX_SHEET_ROWS = 1_048_576
"""Rows a spreadsheet can have; a reference beyond it is malformed."""

_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF_ATTR_RE = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_CELL_REF_RE = re.compile(rb"([A-Z]{1,3})([1-9][0-9]{0,9})")
_ROW_REF_RE = re.compile(rb"[1-9][0-9]{0,9}")
_PAD = 16
"""Zero bytes after a stretch of XML, so that looking a few bytes ahead never runs off it."""
_TAG_ENDS = (0x20, 0x09, 0x0A, 0x0D, 0x3E, 0x2F)
_SPACES = (0x20, 0x09, 0x0A, 0x0D)
_CELL_RE = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]+\d+)\"[^>]*?>(.*?)</c>", re.S)


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is a password-protected Office file (OLE2 holding EncryptedPackage)."""
    return data.startswith(OLE_MAGIC) and _ENCRYPTED_PACKAGE in data


def refuse_encrypted(data: bytes, where: str) -> None:
    """Raise the one clear error for an encrypted workbook."""
    if is_encrypted(data):
        raise InputDataError(
            f"{where}: the workbook is encrypted (password-protected); open it in Excel and "
            "save a copy without a password (File > Info > Protect Workbook), then read that"
        )


@contextmanager
def damaged_zip(where: str) -> Iterator[None]:
    """Turn the errors of a zip whose headers lie (sizes, checksums, methods) into one line."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise InputDataError(
            f"{where}: the workbook's zip is damaged or its headers do not match its contents "
            f"({exc}); re-save it from Excel"
        ) from None


def open_zip(data: bytes, where: str, limits: Limits) -> zipfile.ZipFile:
    """Open a workbook zip after checking its declared size and every XML part's prolog."""
    refuse_encrypted(data, where)
    if data.startswith(OLE_MAGIC):
        raise InputDataError(
            f"{where}: an Excel 97-2003 (.xls) workbook under an .xlsx name; rename it to .xls "
            "or save it from Excel as .xlsx"
        )
    with damaged_zip(where):
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


def sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
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


def check_workbook(data: bytes, where: str, limits: Limits) -> None:
    """Put an XLSX workbook through every check before a reader opens it: the container, the
    declared size, each XML part's prolog and every worksheet's real extent."""
    archive = open_zip(data, where, limits)
    with damaged_zip(where):
        parts, _ = sheet_parts(archive)
    for name, part in parts.items():
        scan_sheet(archive, part, f"{where} [{name}]", limits)


def column_number(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


@dataclass(frozen=True)
class SheetScan:
    """What streaming a sheet's XML found: its real extent and formula cells without a value."""

    rows: int
    """The last row holding a cell or a row element (1-based), 0 for an empty sheet."""
    columns: int
    """The last column holding a cell (1-based)."""
    last_cell: str
    """The reference of the cell furthest down (then right): where a stray cell hides."""
    missing_values: tuple[str, ...]


class _Extent:
    """The running extent of a sheet while its XML streams past, tag by tag."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.row = 0
        self.column = 0
        self.rows = 0
        self.columns = 0
        self.last_cell = ""
        self.off_grid = ""
        """The first cell reference beyond any spreadsheet's grid (XFD1048576)."""

    def malformed(self, what: str, value: bytes) -> InputDataError:
        shown = value[:40].decode("utf-8", "replace")
        after = f" (after row {self.row:,})" if self.row else ""
        return InputDataError(
            f"{self.where}: malformed {what} {shown!r} in the sheet's XML{after}; the file was "
            "not written by a spreadsheet program: re-save it from Excel"
        )

    def feed(self, text: bytes) -> None:
        """Take a stretch of the sheet's XML holding whole tags only."""
        if not self._feed_fast(text):
            self._feed_tags(text)

    def _feed_fast(self, text: bytes) -> bool:
        """The common case at C speed: every row and cell carries its reference (``r``).
        Returns False, having changed nothing, when a tag lacks one or has a namespace prefix
        (the counts of tags and references then differ)."""
        import numpy as np

        size = len(text)
        data = np.frombuffer(text + bytes(_PAD), np.uint8)
        # Tags written another way (``<c/>``, a line break before the attributes) make the
        # counts differ from the references found, and the tag-by-tag path reads the stretch.
        cell_tags = text.count(b"<c ") + text.count(b"<c>")
        row_tags = text.count(b"<row ") + text.count(b"<row>")
        # An attribute `` r="..."``: the ``=`` after a space and an ``r``, then a quote.
        equals = np.flatnonzero(data[:size] == 0x3D)
        equals = equals[equals >= 2]
        at = equals[
            (data[equals - 1] == 0x72)
            & (data[equals + 1] == 0x22)
            & _lookup(_SPACES)[data[equals - 2]]
        ]
        starts = at + 2
        # The closing quote, within the longest reference (3 letters, 10 digits) and one more.
        closing = np.full(len(starts), size, dtype=np.int64)
        for k in range(_PAD - 2, -1, -1):
            closing = np.where(data[starts + k] == 0x22, starts + k, closing)
        upper = [(data[starts + k] - 65) < 26 for k in range(4)]
        letters = (
            upper[0].astype(np.int64)
            + (upper[0] & upper[1])
            + (upper[0] & upper[1] & upper[2])
            + (upper[0] & upper[1] & upper[2] & upper[3])
        )
        is_cell = letters > 0
        cells = int(np.count_nonzero(is_cell))
        if cells != cell_tags or len(starts) - cells != row_tags:
            return False
        if not len(starts):
            return True
        digits = closing - starts - letters
        valid = (
            (letters <= 3)
            & (digits >= 1)
            & (digits <= 10)
            & (closing < size)
            & (data[starts + letters] != 0x30)
        )
        numbers = np.zeros(len(starts), np.int64)
        for k in range(10):
            digit = data[starts + letters + k].astype(np.int64) - 48
            inside = k < digits
            valid &= ~inside | ((digit >= 0) & (digit <= 9))
            numbers = np.where(inside, numbers * 10 + digit, numbers)
        if not valid.all():
            first = int(np.argmin(valid))
            value = text[int(starts[first]) : int(closing[first])]
            raise self.malformed("cell reference" if is_cell[first] else "row number", value)
        head = [data[starts + k].astype(np.int64) - 64 for k in range(3)]
        columns = np.where(
            letters == 1,
            head[0],
            np.where(
                letters == 2,
                head[0] * 26 + head[1],
                head[0] * 676 + head[1] * 26 + head[2],
            ),
        )
        columns = np.where(is_cell, columns, 0)
        cell_rows = np.where(is_cell, numbers, 0)
        far_row, far_column = int(cell_rows.max()), int(columns.max())
        if far_row > self.rows or far_column > self.columns:
            furthest = int(np.argmax(cell_rows * (MAX_SHEET_COLUMNS * 64) + columns))
            self.rows = max(self.rows, far_row)
            self.columns = max(self.columns, far_column)
            self.last_cell = _reference(int(numbers[furthest]), int(columns[furthest]))
            if not self.off_grid and (far_row > MAX_SHEET_ROWS or far_column > MAX_SHEET_COLUMNS):
                self.off_grid = self.last_cell
        row_refs = np.flatnonzero(~is_cell)
        if len(row_refs):
            self.row = int(numbers[row_refs[-1]])
        self.column = int(columns[-1]) if is_cell[-1] else 0
        return True

    def _feed_tags(self, text: bytes) -> None:
        for match in _TAG_RE.finditer(text):
            ref = _REF_ATTR_RE.search(match.group(2))
            if match.group(1) == b"row":
                if ref is None:
                    self.row += 1
                elif _ROW_REF_RE.fullmatch(ref.group(1)):
                    self.row = int(ref.group(1))
                else:
                    raise self.malformed("row number", ref.group(1))
                self.column = 0
                continue
            if ref is None:
                self.column += 1
                row = max(self.row, 1)
            else:
                cell = _CELL_REF_RE.fullmatch(ref.group(1))
                if cell is None:
                    raise self.malformed("cell reference", ref.group(1))
                self.column = column_number(cell.group(1).decode())
                row = int(cell.group(2))
            if row > self.rows or self.column > self.columns:
                self.rows = max(self.rows, row)
                self.columns = max(self.columns, self.column)
                self.last_cell = _reference(row, self.column)
                if not self.off_grid and (row > MAX_SHEET_ROWS or self.column > MAX_SHEET_COLUMNS):
                    self.off_grid = self.last_cell


def _lookup(codes: tuple[int, ...]) -> Any:
    """A 256-entry table: True for the byte values in ``codes``."""
    import numpy as np

    table = np.zeros(256, bool)
    table[list(codes)] = True
    return table


def _reference(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def scan_sheet(archive: zipfile.ZipFile, part: str, where: str, limits: Limits) -> SheetScan:
    """Stream a sheet part: refuse one beyond the size, row, column or cell limits, or with a
    malformed reference, before any reader builds its rows; note formula cells lacking a value."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        return SheetScan(0, 0, "", ())
    extent = _Extent(where)
    size = 0
    has_formula = False
    carry = b""
    with damaged_zip(where), archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise too_big(where, "a sheet unpacks to", limits.max_bytes)
            buffer = carry + chunk
            has_formula = has_formula or b"<f" in buffer
            # A tag may straddle two chunks: keep an unclosed one for the next round.
            start = buffer.rfind(b"<")
            if start == -1 or buffer.find(b">", start) != -1:
                extent.feed(buffer)
                carry = b""
            else:
                extent.feed(buffer[:start])
                carry = buffer[start:]
            _check_extent(extent, where, limits)
        extent.feed(carry)
        _check_extent(extent, where, limits)
    missing: list[str] = []
    if has_formula:
        with damaged_zip(where):
            xml = archive.read(info)
        for ref, body in _CELL_RE.findall(xml):
            if b"<f" in body and not re.search(rb"<v>[^<]+</v>", body):
                missing.append(ref.decode())
    return SheetScan(extent.rows, extent.columns, extent.last_cell, tuple(missing))


def _check_extent(extent: _Extent, where: str, limits: Limits) -> None:
    """Refuse a sheet whose used range is beyond the limits (a reader fills every cell of it)."""
    from boaudit.ingest.readers.table import HEADER_SCAN_ROWS

    far = f" (its last cell is {extent.last_cell})" if extent.last_cell else ""
    if extent.rows - 1 > limits.max_rows + HEADER_SCAN_ROWS:
        raise LimitError(
            f"{where}: the sheet reaches row {extent.rows:,}{far}, more than the limit of "
            f"{limits.max_rows:,} data rows",
            "--max-rows",
            "delete stray cells below the data, or pass --max-rows N to raise the limit if "
            "the rows are genuine",
        )
    if extent.columns > limits.max_columns:
        raise LimitError(
            f"{where}: the sheet reaches column {extent.columns:,}{far}, more than the limit "
            f"of {limits.max_columns:,} columns",
            "--max-columns",
            "delete stray cells right of the data, or pass --max-columns N to raise the limit "
            "if the columns are genuine",
        )
    if extent.off_grid:
        raise InputDataError(
            f"{where}: malformed cell reference {extent.off_grid!r}, beyond the last cell a "
            "spreadsheet can have (XFD1048576); re-save the file from Excel"
        )
    cells = extent.rows * extent.columns
    if cells > limits.max_cells:
        raise LimitError(
            f"{where}: the sheet's used range is {extent.rows:,} rows x {extent.columns:,} "
            f"columns{far}, {cells:,} cells, more than the limit of {limits.max_cells:,} (a "
            "reader fills every cell of the range)",
            "--max-cells",
            "delete stray cells beyond the data, or pass --max-cells N to raise the limit",
        )
