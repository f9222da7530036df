"""Bytes in: a source's bytes from a path or a stream within the size limit, gzip
decompressed within it, and its format sniffed from its name and first bytes."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from boaudit.errors import InputDataError, InputMissingError, LimitError
from boaudit.ingest.options import Limits

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
"""File name endings read as workbooks."""
SNIFF_CHARS = 65_536
"""Characters (bytes, for workbook parts) looked at to sniff a delimiter or an XML prolog."""
CHUNK = 1 << 20
"""Bytes handled at a time when data is decompressed or scanned."""


def too_big(where: str, what: str, limit: int) -> LimitError:
    """The error for data beyond the size limit (``what``: "the file is", "unpacks to"...)."""
    return LimitError(
        f"{where}: {what} more than {limit:,} bytes (the limit)",
        "--max-bytes",
        "pass --max-bytes N to raise it if the file is genuine",
    )


@contextmanager
def opened(path: Path, where: str, limits: Limits) -> Iterator[BinaryIO]:
    """A file opened for reading once it is known to be a file within the size limit; the
    operating system's refusals, while opening or reading, become one clear line."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputMissingError(f"{where}: not a file; give the path of an export file")
        if size > limits.max_bytes:
            raise too_big(where, "the file is", limits.max_bytes)
        with path.open("rb") as handle:
            yield handle
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


def read_path(path: Path, where: str, limits: Limits) -> bytes:
    """The bytes of a file, refusing one larger than the size limit before reading it."""
    with opened(path, where, limits) as handle:
        return handle.read()


def read_stream(stream: BinaryIO, where: str, limits: Limits) -> bytes:
    """At most ``max_bytes`` bytes from a stream; more is an error."""
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise too_big(where, "the input is", limits.max_bytes)
    return data


def gunzip(data: bytes, where: str, limits: Limits) -> bytes:
    """Decompress gzip data in chunks, stopping as soon as it exceeds the size limit."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            while chunk := handle.read(CHUNK):
                out.write(chunk)
                if out.tell() > limits.max_bytes:
                    raise too_big(where, "decompresses to", limits.max_bytes)
    except (OSError, EOFError) as exc:
        raise InputDataError(f"{where}: not a valid gzip file ({exc}); check the file") from None
    return out.getvalue()


def _is_text(data: bytes) -> bool:
    """Whether a file's first bytes are text (UTF-8, or UTF-16 with its byte-order mark),
    not a workbook's zip or OLE container."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if not head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in head:
        return False
    return not any(b < 9 or 13 < b < 32 for b in head[:512] if b != 27)


def sniff_format(data: bytes, suffix: str) -> str:
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
