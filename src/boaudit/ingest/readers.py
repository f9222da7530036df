"""Readers: CSV/TSV (plain, gzip, stdin) and workbooks (XLSX/XLSM, XLS, ODS) into a raw table.

A reader returns a :class:`RawTable`: the header as found, the data rows as text (CSV) or as the
workbook's own values (numbers, datetimes, booleans), the 1-based row number of every data row
(the header line counts, like a spreadsheet) and the rows it skipped on purpose (``blank``,
``total-row`` and, below a report preamble, ``label-row`` group headers and footers).

Nothing is guessed silently:

* Text is UTF-8 (a BOM is fine) unless ``encoding`` says otherwise; a decoding error is an
  :class:`InputDataError` naming the byte and line, never a latin-1 fallback.
* The delimiter is sniffed among ``, ; TAB |`` by the most consistent field count.
* The header is the row, among the first 50, with the most known column names (QuickBooks and
  Xero reports open with a preamble); when none has two, the first non-blank row.
* Limits (:class:`Limits`) are checked before a parser runs: file and decompressed size, the
  declared sheet dimension, and the rows and columns parsed; a DTD or entity declaration in a
  workbook part (an XML entity bomb) is refused. Workbooks are read with python-calamine; a
  formula is read as its cached value and a formula without one is reported, never evaluated.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from xml.etree import ElementTree  # safe here: every part with a DTD is refused first

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import python_calamine as calamine

from boaudit.errors import InputDataError, InputMissingError, UsageError
from boaudit.ingest.mapping import is_known_name, normalise
from boaudit.ingest.options import IngestOptions, Limits
from boaudit.ingest.values import null_or_empty, starts_with_space

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
"""File name endings read as workbooks."""
DELIMITERS = (",", ";", "\t", "|")
"""Delimiters the sniffer chooses among."""

_HEADER_SCAN_ROWS = 50
_SNIFF_CHARS = 65_536
_CHUNK = 1 << 20
_TOTAL_RE = r"^\s*(?:grand\s+)?total\b"


@dataclass(frozen=True)
class SourceInfo:
    """What was detected about one source."""

    source: str
    """The file name as given (``-`` for stdin)."""
    format: str
    """``csv``, ``xlsx``, ``xls``, ``xlsb`` or ``ods``."""
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

    def to_dict(self) -> dict[str, Any]:
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


Progress = Callable[[str], None]


def _progress(on_progress: Progress | None, message: str) -> None:
    if on_progress is not None:
        on_progress(message)


# --------------------------------------------------------------------------- bytes in


def _too_big(where: str, what: str, limit: int) -> InputDataError:
    return InputDataError(
        f"{where}: {what} more than {limit:,} bytes (the limit); "
        "pass --max-bytes N to raise it if the file is genuine"
    )


def _read_path(path: Path, where: str, limits: Limits) -> bytes:
    """The bytes of a file, refusing one larger than the size limit before reading it."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputMissingError(f"{where}: not a file; give the path of an export file")
        if size > limits.max_bytes:
            raise _too_big(where, "the file is", limits.max_bytes)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputMissingError(f"{where}: no such file; check the path") from None
    except PermissionError:
        raise InputMissingError(
            f"{where}: permission denied; check the file's permissions"
        ) from None
    except IsADirectoryError:
        raise InputMissingError(f"{where}: is a folder; give the path of an export file") from None
    except OSError as exc:
        raise InputMissingError(f"{where}: cannot read: {exc.strerror or exc}") from None


def _read_stream(stream: BinaryIO, where: str, limits: Limits) -> bytes:
    """At most ``max_bytes`` bytes from a stream; more is an error."""
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise _too_big(where, "the input is", limits.max_bytes)
    return data


def _gunzip(data: bytes, where: str, limits: Limits) -> bytes:
    """Decompress gzip data in chunks, stopping as soon as it exceeds the size limit."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            while chunk := handle.read(_CHUNK):
                out.write(chunk)
                if out.tell() > limits.max_bytes:
                    raise _too_big(where, "decompresses to", limits.max_bytes)
    except (OSError, EOFError) as exc:
        raise InputDataError(f"{where}: not a valid gzip file ({exc}); check the file") from None
    return out.getvalue()


# --------------------------------------------------------------------------- CSV


def _decode(data: bytes, encoding: str | None, where: str) -> tuple[str, str]:
    """Decode strictly; returns the text and the encoding name to report. Without
    ``encoding``: UTF-8, or UTF-16 when the data starts with its byte-order mark (Excel's
    "Unicode Text" and SAP's spreadsheet exports)."""
    if encoding is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    name = encoding or "utf-8"
    codec = "utf-8-sig" if name.replace("_", "-").lower() in {"utf-8", "utf8"} else name
    try:
        text = data.decode(codec)
    except LookupError:
        raise UsageError(
            f"--encoding {name}: unknown encoding; try utf-8, cp1252 or latin-1"
        ) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = "pass --encoding cp1252 (Windows) or the file's encoding"
        raise InputDataError(
            f"{where}: not valid {name} at byte {exc.start} (line {line}); {hint}"
        ) from None
    if data.startswith(b"\xef\xbb\xbf") and codec == "utf-8-sig":
        name = "utf-8-sig"
    return text.lstrip("\ufeff"), name


def _sample_records(sample: str, delimiter: str) -> list[list[str]]:
    """Parse a text sample with the csv module (the last, possibly cut, line dropped).

    Lines end at ``\\n``, ``\\r\\n`` or a bare ``\\r`` (old Mac exports), as for the parsers."""
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if 0 < cut < len(sample) - 1:
        sample = sample[: cut + 1]
    try:
        return list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error:
        return []


def sniff_delimiter(sample: str, prefer: str | None = None) -> str:
    """The delimiter among ``, ; TAB |`` whose field count is most consistent in ``sample``."""
    best = (0, 0, 0)
    choice = prefer or ","
    for rank, delimiter in enumerate(DELIMITERS):
        counts = [len(r) for r in _sample_records(sample, delimiter) if any(c.strip() for c in r)]
        if not counts:
            continue
        width, frequency = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (frequency, 1 if delimiter == prefer else 0, -rank)
        if score > best:
            best, choice = score, delimiter
    return choice


def _find_header(records: list[list[str]]) -> int:
    """Index of the header among the first records: most known names, else first non-blank."""
    best_index, best_score = -1, 1
    for index, record in enumerate(records[:_HEADER_SCAN_ROWS]):
        score = len({normalise(cell) for cell in record if cell.strip() and is_known_name(cell)})
        if score > best_score:
            best_index, best_score = index, score
    if best_index >= 0:
        return best_index
    for index, record in enumerate(records):
        if any(cell.strip() for cell in record):
            return index
    return 0


_PARSER_WIDTH_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parse_csv(
    utf8: bytes, delimiter: str, width: int, nrows: int, where: str, limits: Limits
) -> pd.DataFrame:
    """Parse the whole file as text columns, widening when a row has more fields."""
    while True:
        try:
            return pd.read_csv(
                io.BytesIO(utf8),
                sep=delimiter,
                header=None,
                names=range(width),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                nrows=nrows,
                engine="c",
                encoding="utf-8",
                quoting=csv.QUOTE_MINIMAL,
            )
        except pd.errors.ParserError as exc:
            match = _PARSER_WIDTH_RE.search(str(exc))
            if match is None:
                raise InputDataError(
                    f"{where}: cannot parse as CSV ({str(exc).strip()}); check the quoting, or "
                    "pass --delimiter"
                ) from None
            width = int(match.group(3))
            if width > limits.max_columns:
                raise InputDataError(
                    f"{where}: line {match.group(2)} has {width:,} fields, more than the "
                    f"limit of {limits.max_columns:,}; pass --max-columns N to raise it"
                ) from None
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=range(width), dtype="str")


def _longest_line(utf8: bytes) -> int:
    """The length in bytes of the longest line, scanned in blocks (no full-size mask)."""
    view = np.frombuffer(utf8, dtype=np.uint8)
    longest, start = 0, 0  # start: the first byte of the line being scanned
    step = 16 * _CHUNK
    for offset in range(0, len(view), step):
        ends = np.flatnonzero(view[offset : offset + step] == 10) + offset
        if len(ends):
            bounds = np.concatenate(([start - 1], ends))
            longest = max(longest, int(np.diff(bounds).max()) - 1)
            start = int(ends[-1]) + 1
    return max(longest, len(utf8) - start)


class _Appended:
    """A read-only stream of ``data`` followed by ``tail``, read block by block by Arrow."""

    closed = False

    def __init__(self, data: bytes, tail: bytes) -> None:
        self._parts = [memoryview(data), memoryview(tail)]

    def read(self, size: int = -1) -> bytes:
        out: list[bytes] = []
        while self._parts and size != 0:
            part = self._parts[0]
            take = part if size < 0 else part[:size]
            out.append(bytes(take))
            if size > 0:
                size -= len(take)
            if len(take) == len(part):
                self._parts.pop(0)
            else:
                self._parts[0] = part[len(take) :]
        return b"".join(out)


def _arrow_options(delimiter: str, width: int, quoted: bool = True) -> dict[str, Any]:
    """Arrow CSV options: ``width`` text columns, every cell kept as its exact text. Data
    without a quote character cannot hold a newline in a cell (``quoted`` False): Arrow then
    splits the file at any newline and parses the blocks in parallel."""
    names = [str(i) for i in range(width)]
    return {
        "read_options": pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
        "parse_options": pa_csv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=quoted,
            ignore_empty_lines=False,
        ),
        "convert_options": pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        ),
    }


def _arrow_usable(delimiter: str, width: int) -> bool:
    """Whether Arrow's reader can take the file at all (else the C parser does)."""
    return width >= 2 and len(delimiter) == 1 and delimiter not in '"\r\n'


def _sentinel(delimiter: str, width: int, data_end: bytes) -> bytes:
    """A row of empty cells to append after data ending with ``data_end`` (see below)."""
    row = delimiter.encode() * (width - 1) + b"\n"
    return row if data_end.endswith((b"\n", b"\r")) else b"\n" + row


def _arrow_frame(
    source: Any, delimiter: str, width: int, sentinel: bool, quoted: bool = True
) -> pd.DataFrame | None:
    """Read ``source`` with Arrow; with ``sentinel``, the source ends with :func:`_sentinel`,
    which must come back as a row of its own (and is dropped), else None."""
    try:
        table = pa_csv.read_csv(source, **_arrow_options(delimiter, width, quoted))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if sentinel:
        last = table.slice(table.num_rows - 1)
        if table.num_rows == 0 or any(last.column(i)[0].as_py() != "" for i in range(width)):
            return None
        table = table.slice(0, table.num_rows - 1)
    frame: pd.DataFrame = table.to_pandas(self_destruct=True, split_blocks=True)
    frame.columns = pd.RangeIndex(width)
    return frame


def _parse_csv_arrow(utf8: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """Parse a rectangular CSV with Arrow's reader into Arrow-backed text columns.

    Only for the plain case: every record has exactly ``width`` fields (no blank lines, no
    ragged rows, no preamble of another width). Arrow refuses anything else, and then this
    returns None so that the pandas C parser, which widens and pads rows, reads the file. The
    quoting rules are the same (RFC 4180: ``""`` inside quotes, quoted newlines), and every
    cell is kept as the exact text, never a null. No Python object per cell is created, which
    is what keeps a large file's text compact in memory.
    """
    if not _arrow_usable(delimiter, width) or not utf8:
        return None
    # Arrow takes a quoted field still open at the end of the data as ending there, where the
    # C parser refuses the file. A sentinel row of empty cells tells them apart: it comes back
    # as a row of its own only when no quote was left open (then it is dropped).
    quoted = b'"' in utf8
    source: Any = pa.py_buffer(utf8)
    if quoted:
        source = _Appended(utf8, _sentinel(delimiter, width, utf8[-1:]))
    return _arrow_frame(source, delimiter, width, quoted)


_CHECK_BLOCK = 1 << 24
"""Bytes read at a time when a file on disk is checked (beside Arrow's own read of it)."""


class _CheckedStream:
    """A file read by Arrow block by block, checked on the way: strict UTF-8 (``failed`` when
    not), and whether some line is longer than ``limit`` bytes (``long_line``, what
    ``_longest_line(data) > limit`` says); after the file, a sentinel row."""

    closed = False

    def __init__(
        self, handle: BinaryIO, head: bytes, delimiter: str, width: int, limit: int
    ) -> None:
        self._handle = handle
        self._pending = head
        self._carry = b""
        self._tail: bytes | None = None
        self._delimiter, self._width = delimiter, width
        self._limit = limit
        # A run of 2 * block - 1 bytes holds a whole aligned block: when every block of a chunk
        # has a newline, no line inside it is longer than the limit.
        self._block = max(1, (limit + 2) // 2)
        self._position = 0
        self._line_start = 0
        self._last = b""
        self.failed = False
        self.long_line = False

    def _check(self, chunk: bytes) -> None:
        if self._carry or not chunk.isascii():
            try:
                _, used = codecs.utf_8_decode(self._carry + chunk, "strict", False)
            except UnicodeDecodeError:
                self.failed = True
                return
            whole = self._carry + chunk
            self._carry = whole[used:]
        if not self.long_line:
            self._lines(chunk)
        self._position += len(chunk)
        self._last = chunk[-1:]

    def _lines(self, chunk: bytes) -> None:
        """Whether a line ending in (or running through) ``chunk`` is longer than the limit."""
        first = chunk.find(b"\n")
        if first < 0:
            return  # the current line goes on; measured when it ends
        if self._position + first - self._line_start > self._limit:
            self.long_line = True
            return
        last = chunk.rfind(b"\n")
        block = self._block
        for start in range(first + 1, last - block + 1, block):
            if chunk.find(b"\n", start, start + block) < 0:
                view = np.frombuffer(chunk, dtype=np.uint8)[first : last + 1]
                ends = np.flatnonzero(view == 10)
                self.long_line = bool(len(ends) > 1 and int(np.diff(ends).max()) - 1 > self._limit)
                break
        self._line_start = self._position + last + 1

    def _next(self, size: int) -> bytes:
        if self._tail is None:
            if self._pending:
                cut = len(self._pending) if size < 0 else size
                chunk, self._pending = self._pending[:cut], self._pending[cut:]
            else:
                chunk = self._handle.read(size)
            if chunk:
                self._check(chunk)
                return b"" if self.failed else chunk
            if self._carry:
                self.failed = True  # the file ends inside a character
                return b""
            if self._position - self._line_start > self._limit:
                self.long_line = True
            self._tail = (
                _sentinel(self._delimiter, self._width, self._last) if self._position else b""
            )
        cut = len(self._tail) if size < 0 else size
        chunk, self._tail = self._tail[:cut], self._tail[cut:]
        return chunk

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all when negative); b"" at the end or once a check failed."""
        first = self._next(size)
        if not first or size < 0 or len(first) >= size:
            return first
        parts = [first]
        got = len(first)
        while got < size and (piece := self._next(size - got)):
            parts.append(piece)
            got += len(piece)
        return b"".join(parts)


def _reserve(size: int) -> None:
    """Have Arrow's allocator take the memory a file of ``size`` bytes will need in one
    piece, and give it back: its reader threads then find it ready instead of each asking
    the operating system for more while the others wait (the first large read of a process
    took 0.2 to 0.65 s instead of a steady 0.2 s). The pages are not touched, so this costs
    no resident memory."""
    if size < 1 << 24:
        return
    try:
        buffer = pa.allocate_buffer(min(2 * size, 1 << 33))
    except (MemoryError, pa.ArrowMemoryError):
        return  # a strict overcommit policy: the reader will ask as it goes
    del buffer


def _finds_quote(stream: _CheckedStream) -> bool:
    """Read ``stream`` to its end (running its checks), or to its first quote character."""
    while chunk := stream.read(_CHECK_BLOCK):
        if b'"' in chunk:
            return True
    return False


def _read_csv_file(path: Path, where: str, options: IngestOptions) -> RawTable | None:
    """Read a plain UTF-8 CSV file on disk without holding its bytes: Arrow reads the file
    itself through :class:`_CheckedStream`, which checks the encoding and measures the lines
    as it goes. None whenever anything is unusual (gzip, a workbook, another encoding, a
    decoding error, NUL bytes, too many columns, a file Arrow refuses): the bytes path then
    reads the file and gives the same result or the same error as always."""
    limits = options.limits
    suffix = path.suffix.lower()
    if options.encoding not in (None, "utf-8") or suffix in WORKBOOK_SUFFIXES | {".gz"}:
        return None
    try:
        if not path.is_file():
            return None
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None
        handle = path.open("rb")
    except OSError:
        return None
    with handle:
        head = handle.read(4 * _SNIFF_CHARS + 4)
        ended = len(head) < 4 * _SNIFF_CHARS + 4
        if not head or head.startswith(b"\x1f\x8b") or _sniff_format(head, suffix) != "csv":
            return None
        bom = head.startswith(b"\xef\xbb\xbf")
        body = head[3:] if bom else head
        if body.startswith(b"\xef\xbb\xbf"):
            return None
        try:
            text, _ = codecs.utf_8_decode(body, "strict", ended)
        except UnicodeDecodeError:
            return None
        sample = text[:_SNIFF_CHARS]
        if "\x00" in sample:
            return None
        prefer = "\t" if where.lower().endswith((".tsv", ".tab")) else None
        delimiter = options.delimiter or sniff_delimiter(sample, prefer)
        records = _sample_records(sample, delimiter)
        header_index = _find_header(records)
        width = max((len(r) for r in records), default=1)
        if width > limits.max_columns or not _arrow_usable(delimiter, width):
            return None
        _reserve(size)
        stream = _CheckedStream(handle, body, delimiter, width, limits.max_cell_chars)
        frame: pd.DataFrame | None = None
        quoted = b'"' in head
        if not quoted:
            # Most likely no quote anywhere: Arrow reads the file itself, in parallel blocks
            # (a UTF-8 byte-order mark is skipped by Arrow, as by the checks), while a worker
            # thread runs the checks over the whole file, stopping at the first quote.
            with ThreadPoolExecutor(max_workers=1) as pool:
                checks = pool.submit(_finds_quote, stream)
                frame = _arrow_frame(str(path), delimiter, width, sentinel=False, quoted=False)
                quoted = checks.result()
        if stream.failed:
            return None
        if quoted:
            # Quoted cells may hold newlines, and a quote left open must be caught: Arrow
            # reads the checked stream, which ends with a sentinel row (see _sentinel). A
            # frame read above assumed no cell held a newline, so it is read again.
            frame = None
            handle.seek(len(head))
            stream = _CheckedStream(handle, body, delimiter, width, limits.max_cell_chars)
            frame = _arrow_frame(stream, delimiter, width, sentinel=True)
            if stream.failed or frame is None:
                return None
        elif frame is None:
            return None
    pa.default_memory_pool().release_unused()
    if len(frame) > header_index + 1 + limits.max_rows:
        raise InputDataError(
            f"{where}: more than {limits.max_rows:,} data rows (the limit); "
            "pass --max-rows N to raise it"
        )
    info = SourceInfo(
        source=where,
        format="csv",
        encoding="utf-8-sig" if bom else "utf-8",
        delimiter=delimiter,
        header_row=header_index + 1,
    )
    header_cells = records[header_index] if records else []
    check = stream.long_line
    return _finish(frame, header_cells, header_index, info, delimiter, limits, [], False, check)


def read_csv_bytes(
    data: bytes, where: str, options: IngestOptions, *, compression: str | None = None
) -> RawTable:
    """Read CSV/TSV bytes (already decompressed) into a :class:`RawTable`."""
    return _read_csv_owned([data], where, options, compression)


def _read_csv_owned(
    box: list[bytes], where: str, options: IngestOptions, compression: str | None
) -> RawTable:
    """:func:`read_csv_bytes` taking the only reference to the bytes (``box``, emptied), so that
    they are freed as soon as the parser is done with them, before the rows are checked."""
    limits = options.limits
    data = box.pop()
    text, encoding = _decode(data, options.encoding, where)
    if "\x00" in text[:_SNIFF_CHARS]:
        raise InputDataError(
            f"{where}: contains NUL bytes, so it is not a text CSV; is it a workbook or a "
            "UTF-16 file (then pass --encoding utf-16)?"
        )
    sample = text[:_SNIFF_CHARS]
    prefer = "\t" if where.lower().removesuffix(".gz").endswith((".tsv", ".tab")) else None
    delimiter = options.delimiter or sniff_delimiter(sample, prefer)
    records = _sample_records(sample, delimiter)
    header_index = _find_header(records)
    width = max((len(r) for r in records), default=1)
    if width > limits.max_columns:
        raise InputDataError(
            f"{where}: {width:,} columns, more than the limit of {limits.max_columns:,}; "
            "pass --max-columns N to raise it"
        )
    utf8 = (
        text.encode("utf-8")
        if encoding not in {"utf-8", "utf-8-sig"}
        else data.removeprefix(b"\xef\xbb\xbf")
    )
    del text  # the parsers read the bytes; the decoded copy was only for the strict check
    del data  # utf8 is the same bytes (UTF-8 input) or their re-encoding
    # A cell is never longer than its line, so look at cells only when some line is long.
    check = _longest_line(utf8) > limits.max_cell_chars
    nrows = header_index + 1 + limits.max_rows + 1
    frame = _parse_csv_arrow(utf8, delimiter, width)
    if frame is None:
        frame = _parse_csv(utf8, delimiter, max(width, 1), nrows, where, limits)
    del utf8
    pa.default_memory_pool().release_unused()
    if len(frame) > header_index + 1 + limits.max_rows:
        raise InputDataError(
            f"{where}: more than {limits.max_rows:,} data rows (the limit); "
            "pass --max-rows N to raise it"
        )
    header_cells = records[header_index] if records else []
    info = SourceInfo(
        source=where,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        compression=compression,
        header_row=header_index + 1,
    )
    return _finish(frame, header_cells, header_index, info, delimiter, limits, [], False, check)


# --------------------------------------------------------------------------- workbooks


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> None:
    """Refuse an XML part that declares a DTD or entities (an entity bomb, or XXE)."""
    with archive.open(member) as handle:
        head = handle.read(_SNIFF_CHARS)
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
        raise _too_big(where, "unpacks to", limits.max_bytes)
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
                raise _too_big(where, "a sheet unpacks to", limits.max_bytes)
            has_formula = has_formula or b"<f" in tail + chunk
            tail = chunk[-2:]
            chunk = handle.read(_CHUNK)
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
        if sheet.total_height - 1 > limits.max_rows + _HEADER_SCAN_ROWS:
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
    records = [[_cell_text(v) for v in row] for row in rows[:_HEADER_SCAN_ROWS]]
    header_index = _find_header(records)
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
    return _finish(frame, header_cells, header_index, info, "", limits, notes, epoch1904)


def _cell_text(value: Any) -> str:
    """A workbook cell as header text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- shared tail


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


def _finish(
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


# --------------------------------------------------------------------------- entry point


def _is_text(data: bytes) -> bool:
    """Whether a file's first bytes are text (UTF-8, or UTF-16 with its byte-order mark),
    not a workbook's zip or OLE container."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if not head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in head:
        return False
    return not any(b < 9 or 13 < b < 32 for b in head[:512] if b != 27)


def _sniff_format(data: bytes, suffix: str) -> str:
    """``csv`` or a workbook format, from the name's ending, else the first bytes. A name
    ending like a workbook on a file of plain text (SAP's "Spreadsheet" export writes
    tab-separated text named ``.xls``) is ``csv``."""
    if suffix in WORKBOOK_SUFFIXES and _is_text(data):
        return "csv"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".xls", ".xlsb", ".ods"}:
        return suffix.lstrip(".")
    if data.startswith(b"PK\x03\x04"):
        return "ods" if b"opendocument.spreadsheet" in data[:200] else "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def read_source(
    source: str | Path,
    options: IngestOptions,
    *,
    stdin: BinaryIO | None = None,
    on_progress: Progress | None = None,
) -> RawTable:
    """Read one source (a path, or ``-`` for ``stdin``) into a :class:`RawTable`.

    Raises :class:`InputMissingError` for a missing or unreadable file and
    :class:`InputDataError` for content that cannot be read within the limits.
    """
    where = str(source)
    limits = options.limits
    _progress(on_progress, f"reading {where}")
    if where == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_stream(stream, "stdin", limits)
        suffix = ""
    else:
        path = Path(source)
        streamed = _read_csv_file(path, where, options)
        if streamed is not None:
            _progress(on_progress, f"read {streamed.read:,} rows from {where}")
            return streamed
        data = _read_path(path, where, limits)
        suffix = path.suffix.lower()
    compression = None
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip(data, where, limits)
        compression = "gzip"
        suffix = Path(where.removesuffix(".gz")).suffix.lower() if suffix == ".gz" else ""
    fmt = _sniff_format(data, suffix)
    if fmt == "csv" and suffix in WORKBOOK_SUFFIXES:
        if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5].lower() in (b"<html", b"<!doc", b"<tabl"):
            raise InputDataError(
                f"{where}: a web page named {suffix}, not a workbook; open it in a "
                "spreadsheet program and save it as XLSX or CSV"
            )
        text_note = f"{where}: named {suffix} but holds text; read as delimited text"
    else:
        text_note = None
    if fmt == "csv":
        box = [data]
        del data  # the reader owns the bytes now and frees them once parsed
        table = _read_csv_owned(box, where, options, compression)
        if text_note is not None:
            table = replace(table, notes=[text_note, *table.notes])
    else:
        table = read_workbook_bytes(data, where, fmt, options)
        if compression:
            table = replace(table, info=replace(table.info, compression=compression))
    _progress(on_progress, f"read {table.read:,} rows from {where}")
    return table
