"""Delimited text: strict decoding, delimiter sniffing and parsing (Arrow for the plain case,
the pandas C parser otherwise), from bytes or streamed from a file on disk."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

from boaudit.errors import InputDataError, UsageError
from boaudit.ingest.options import IngestOptions, Limits
from boaudit.ingest.readers.source import CHUNK, SNIFF_CHARS, WORKBOOK_SUFFIXES, sniff_format
from boaudit.ingest.readers.table import RawTable, SourceInfo, find_header, finish_table

DELIMITERS = (",", ";", "\t", "|")
"""Delimiters the sniffer chooses among."""


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
    step = 16 * CHUNK
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
        self,
        handle: BinaryIO,
        head: bytes,
        delimiter: str,
        width: int,
        limit: int,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self._handle = handle
        self._on_bytes = on_bytes
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
        if self._on_bytes is not None:
            self._on_bytes(self._position)

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


def read_csv_file(
    path: Path,
    where: str,
    options: IngestOptions,
    on_bytes: Callable[[int, int], None] | None = None,
) -> RawTable | None:
    """Read a plain UTF-8 CSV file on disk without holding its bytes: Arrow reads the file
    itself through :class:`_CheckedStream`, which checks the encoding and measures the lines
    as it goes. None whenever anything is unusual (gzip, a workbook, another encoding, a
    decoding error, NUL bytes, too many columns, a file Arrow refuses): the bytes path then
    reads the file and gives the same result or the same error as always. ``on_bytes`` is
    called with the bytes checked so far and the file's size, as the reading goes."""
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
        head = handle.read(4 * SNIFF_CHARS + 4)
        ended = len(head) < 4 * SNIFF_CHARS + 4
        if not head or head.startswith(b"\x1f\x8b") or sniff_format(head, suffix) != "csv":
            return None
        bom = head.startswith(b"\xef\xbb\xbf")
        body = head[3:] if bom else head
        if body.startswith(b"\xef\xbb\xbf"):
            return None
        try:
            text, _ = codecs.utf_8_decode(body, "strict", ended)
        except UnicodeDecodeError:
            return None
        sample = text[:SNIFF_CHARS]
        if "\x00" in sample:
            return None
        prefer = "\t" if where.lower().endswith((".tsv", ".tab")) else None
        delimiter = options.delimiter or sniff_delimiter(sample, prefer)
        records = _sample_records(sample, delimiter)
        header_index = find_header(records)
        width = max((len(r) for r in records), default=1)
        if width > limits.max_columns or not _arrow_usable(delimiter, width):
            return None
        _reserve(size)
        counted = None if on_bytes is None else (lambda done: on_bytes(done, size))
        stream = _CheckedStream(handle, body, delimiter, width, limits.max_cell_chars, counted)
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
            stream = _CheckedStream(handle, body, delimiter, width, limits.max_cell_chars, counted)
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
    return finish_table(
        frame, header_cells, header_index, info, delimiter, limits, [], False, check
    )


def _field_counts(utf8: bytes, delimiter: str, records: int) -> npt.NDArray[np.int64] | None:
    """Fields per record (0 for a blank line); None when the count cannot be matched record
    for record with the parsed rows."""
    text = io.StringIO(utf8.decode("utf-8", "replace"), newline="")
    reader = csv.reader(text, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    try:
        counts = np.fromiter((len(row) for row in reader), dtype=np.int64)
    except csv.Error:
        return None
    return counts if len(counts) == records else None


def _with_short_rows(table: RawTable, fields: npt.NDArray[np.int64] | None, where: str) -> RawTable:
    """Count the kept rows with fewer fields than the header, and say so in a note."""
    width = len(table.header)
    if fields is None or width < 2 or not len(table.rows):
        return table
    kept = fields[table.rows - 1]
    short = np.flatnonzero((kept > 0) & (kept < width))
    if not len(short):
        return table
    row, count = int(table.rows[short[0]]), int(kept[short[0]])
    note = (
        f"{where}: {len(short):,} row(s) have fewer fields than the header (first: row {row}, "
        f"{count} of {width}); kept, with the missing fields empty"
    )
    return replace(
        table, short_rows=len(short), first_short=(row, count), notes=[*table.notes, note]
    )


def read_csv_bytes(
    data: bytes, where: str, options: IngestOptions, *, compression: str | None = None
) -> RawTable:
    """Read CSV/TSV bytes (already decompressed) into a :class:`RawTable`."""
    return read_csv_owned([data], where, options, compression)


def read_csv_owned(
    box: list[bytes], where: str, options: IngestOptions, compression: str | None
) -> RawTable:
    """:func:`read_csv_bytes` taking the only reference to the bytes (``box``, emptied), so that
    they are freed as soon as the parser is done with them, before the rows are checked."""
    limits = options.limits
    data = box.pop()
    text, encoding = _decode(data, options.encoding, where)
    if "\x00" in text[:SNIFF_CHARS]:
        raise InputDataError(
            f"{where}: contains NUL bytes, so it is not a text CSV; is it a workbook or a "
            "UTF-16 file (then pass --encoding utf-16)?"
        )
    sample = text[:SNIFF_CHARS]
    prefer = "\t" if where.lower().removesuffix(".gz").endswith((".tsv", ".tab")) else None
    delimiter = options.delimiter or sniff_delimiter(sample, prefer)
    records = _sample_records(sample, delimiter)
    header_index = find_header(records)
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
    fields: npt.NDArray[np.int64] | None = None
    if frame is None:
        # Arrow takes only records of one width; any other file may have short rows.
        frame = _parse_csv(utf8, delimiter, max(width, 1), nrows, where, limits)
        fields = _field_counts(utf8, delimiter, len(frame))
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
    table = finish_table(
        frame, header_cells, header_index, info, delimiter, limits, [], False, check
    )
    return _with_short_rows(table, fields, where)
