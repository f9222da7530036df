"""The entry point: read one source, handing its bytes to the CSV, workbook or Parquet reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from boaudit.errors import InputDataError
from boaudit.ingest.options import IngestOptions
from boaudit.ingest.readers.csv import read_csv_file, read_csv_owned
from boaudit.ingest.readers.parquet import is_parquet, read_parquet_bytes
from boaudit.ingest.readers.source import (
    WORKBOOK_SUFFIXES,
    gunzip,
    read_path,
    read_stream,
    sniff_format,
)
from boaudit.ingest.readers.table import RawTable
from boaudit.ingest.readers.workbook import read_workbook_bytes
from boaudit.ingest.readers.xes import is_xes_name, looks_like_xes, read_xes_bytes, read_xes_file

Progress = Callable[[str], None]
"""Called with a message at each step. A callback that also has a ``read_bytes(source, done,
total)`` method is told the bytes of a file read so far, as they go (a progress bar)."""


def _progress(on_progress: Progress | None, message: str) -> None:
    if on_progress is not None:
        on_progress(message)


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
        data = read_stream(stream, "stdin", limits)
        suffix = ""
    else:
        path = Path(source)
        if path.suffix.lower() == ".parquet":
            table = read_parquet_bytes(read_path(path, where, limits), where, options)
            _progress(on_progress, f"read {table.read:,} rows from {where}")
            return table
        if is_xes_name(where):
            table = read_xes_file(path, where, limits)
            _progress(on_progress, f"read {table.read:,} events from {where}")
            return table
        track = getattr(on_progress, "read_bytes", None)
        on_bytes = None if track is None else (lambda done, total: track(where, done, total))
        streamed = read_csv_file(path, where, options, on_bytes)
        if streamed is not None:
            _progress(on_progress, f"read {streamed.read:,} rows from {where}")
            return streamed
        data = read_path(path, where, limits)
        if on_bytes is not None:
            on_bytes(len(data), len(data))
        suffix = path.suffix.lower()
    compression = None
    if data.startswith(b"\x1f\x8b"):
        data = gunzip(data, where, limits)
        compression = "gzip"
        suffix = Path(where.removesuffix(".gz")).suffix.lower() if suffix == ".gz" else ""
    if is_parquet(data, suffix):
        table = read_parquet_bytes(data, where, options)
        _progress(on_progress, f"read {table.read:,} rows from {where}")
        return table
    if looks_like_xes(data):
        table = read_xes_bytes(data, where, limits, compression)
        _progress(on_progress, f"read {table.read:,} events from {where}")
        return table
    fmt = sniff_format(data, suffix)
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
        table = read_csv_owned(box, where, options, compression)
        if text_note is not None:
            table = replace(table, notes=[text_note, *table.notes])
    else:
        table = read_workbook_bytes(data, where, fmt, options)
        if compression:
            table = replace(table, info=replace(table.info, compression=compression))
    _progress(on_progress, f"read {table.read:,} rows from {where}")
    return table
