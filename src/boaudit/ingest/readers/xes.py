"""XES event logs (``.xes``, ``.xes.gz``): streamed, defused XML flattened into one row per event.

The file is parsed as it is read (``iterparse`` of defusedxml: a DTD, entities or an external
reference are refused), each event cleared once it is a row, so the memory is the rows', not
the XML tree's. The limits are the workbooks': the file's size and its decompressed size
(``--max-bytes``, counted as the bytes stream), events (``--max-rows``), distinct attributes
(``--max-columns``) and a value's length (``--max-cell-chars``), each checked before the rest
of the file is parsed.

Attributes are flattened as in a plain XES-to-CSV conversion: the trace's ``concept:name`` is
``case_id``, the event's ``concept:name`` ``activity``, ``time:timestamp`` ``timestamp``,
``org:resource`` ``resource``, ``lifecycle:transition`` ``lifecycle_transition``; any other
event attribute keeps its key with ``:`` as ``_`` (``org:group`` -> ``org_group``), and a
trace attribute other than its name is prefixed ``case_`` (values repeated on its events, an
event's own attribute of the same name wins). Nested attributes (children of an attribute)
and the log's ``global`` defaults are not rows. Values are the ``value`` text as written.

Every event is a row: row ``N`` is the ``N - 1``-th event in file order (as in the CSV
conversion, whose header is row 1). An event outside a trace has no ``case_id`` (the loader
quarantines it); a trace without events is counted in a note.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from boaudit.errors import InputDataError
from boaudit.ingest.options import Limits
from boaudit.ingest.readers.source import CHUNK, opened, too_big
from boaudit.ingest.readers.table import RawTable, SourceInfo

XES_SUFFIXES = (".xes", ".xes.gz")
"""File name endings read as XES."""

_EVENT_NAMES = {
    "concept:name": "activity",
    "time:timestamp": "timestamp",
    "org:resource": "resource",
    "lifecycle:transition": "lifecycle_transition",
}
_ATTRIBUTES = frozenset({"string", "date", "int", "float", "boolean", "id"})
"""The XES attribute elements with a ``key`` and a ``value`` (containers and lists are not)."""


def is_xes_name(where: str) -> bool:
    """True for a file named ``.xes`` or ``.xes.gz`` (any case)."""
    return where.lower().endswith(XES_SUFFIXES)


def looks_like_xes(data: bytes) -> bool:
    """True for XML whose first element is an XES ``<log``."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return b"<log" in head and (b"xes" in head.lower() or b"<trace" in head)


class _Readable(Protocol):
    """What the parser reads from: bytes, ``size`` at most."""

    def read(self, size: int = -1, /) -> bytes: ...


class _Counted(io.RawIOBase):
    """A byte stream that refuses to give more than the size limit."""

    def __init__(self, stream: _Readable, where: str, limit: int, what: str) -> None:
        self.stream = stream
        self.where = where
        self.limit = limit
        self.what = what
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.stream.read(min(len(buffer), CHUNK))
        self.done += len(chunk)
        if self.done > self.limit:
            raise too_big(self.where, self.what, self.limit)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def read_xes_file(path: Path, where: str, limits: Limits) -> RawTable:
    """Read an XES file (plain or gzip) from ``path`` into a :class:`RawTable`."""
    with opened(path, where, limits) as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        if not compressed:
            return _parse(
                _Counted(handle, where, limits.max_bytes, "the file is"), where, limits, None
            )
        # caught here: a bad gzip stream is an OSError, which opened() reports as unreadable
        try:
            with gzip.GzipFile(fileobj=handle) as unpacked:
                stream = _Counted(unpacked, where, limits.max_bytes, "decompresses to")
                return _parse(stream, where, limits, "gzip")
        except (EOFError, gzip.BadGzipFile) as exc:
            raise InputDataError(
                f"{where}: not a valid gzip file ({exc}); check the file"
            ) from None


def read_xes_bytes(data: bytes, where: str, limits: Limits, compression: str | None) -> RawTable:
    """Read XES already in memory (stdin, within the size limit) into a :class:`RawTable`."""
    return _parse(io.BytesIO(data), where, limits, compression)


def _local(tag: str) -> str:
    """The element name without its namespace."""
    return tag.rsplit("}", 1)[-1]


class _Rows:
    """The rows as they are found: one list per column, padded with None."""

    def __init__(self, where: str, limits: Limits) -> None:
        self.where = where
        self.limits = limits
        self.columns: dict[str, list[str | None]] = {}
        self.count = 0

    def add(self, values: dict[str, str]) -> None:
        if self.count >= self.limits.max_rows:
            raise InputDataError(
                f"{self.where}: more than {self.limits.max_rows:,} events, the limit of data "
                "rows; pass --max-rows N to raise it"
            )
        for name in values:
            if name not in self.columns:
                if len(self.columns) >= self.limits.max_columns:
                    raise InputDataError(
                        f"{self.where}: more than {self.limits.max_columns:,} distinct "
                        "attributes, the limit of columns; pass --max-columns N to raise it"
                    )
                self.columns[name] = [None] * self.count
        for name, column in self.columns.items():
            column.append(values.get(name))
        self.count += 1


def _parse(stream: _Readable, where: str, limits: Limits, compression: str | None) -> RawTable:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

    rows = _Rows(where, limits)
    rows.columns["case_id"] = []
    path: list[str] = []
    root: Any = None
    trace: dict[str, str] | None = None
    pending: list[dict[str, str]] = []
    event: dict[str, str] | None = None
    empty_traces = 0
    try:
        for action, element in iterparse(
            stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            name = _local(element.tag)
            if action == "start":
                root = element if root is None else root
                path.append(name)
                if path == ["log", "trace"]:
                    trace, pending = {}, []
                elif path in (["log", "trace", "event"], ["log", "event"]):
                    event = {}
                continue
            path.pop()
            if name in _ATTRIBUTES:
                _attribute(element, path, trace, event, where, limits)
            elif name == "event" and event is not None and path in (["log", "trace"], ["log"]):
                if path == ["log"]:
                    rows.add(event)  # outside a trace: no case_id
                else:
                    pending.append(event)
                event = None
            elif name == "trace" and path == ["log"] and trace is not None:
                case = {"case_id": trace.pop("case_id", ""), **trace}
                for values in pending:
                    rows.add({**case, **values})
                empty_traces += not pending
                trace, pending = None, []
                root.clear()  # the rows hold the values now: the tree stays small
    except (ParseError, DefusedXmlException) as exc:
        raise InputDataError(
            f"{where}: not a readable XES file ({exc}); check that it is a complete XES export"
        ) from None
    return _table(rows, where, compression, empty_traces)


def _attribute(
    element: Any,
    path: list[str],
    trace: dict[str, str] | None,
    event: dict[str, str] | None,
    where: str,
    limits: Limits,
) -> None:
    """Keep a direct attribute of an event or a trace (nested ones and globals are not)."""
    key = element.get("key")
    value = element.get("value")
    if key is None or value is None:
        return
    if event is not None and path in (["log", "trace", "event"], ["log", "event"]):
        target, name = event, _EVENT_NAMES.get(key, key.replace(":", "_"))
    elif trace is not None and event is None and path == ["log", "trace"]:
        target = trace
        name = "case_id" if key == "concept:name" else "case_" + key.replace(":", "_")
    else:
        return
    if len(value) > limits.max_cell_chars:
        raise InputDataError(
            f"{where}: attribute {key!r} has a value of {len(value):,} characters, more than "
            f"the limit of {limits.max_cell_chars:,}; pass --max-cell-chars N to raise it"
        )
    target[name] = value


def _table(rows: _Rows, where: str, compression: str | None, empty_traces: int) -> RawTable:
    header = list(rows.columns)
    data = pd.DataFrame(
        {
            position: pd.Series(values, dtype="str")
            for position, values in enumerate(rows.columns.values())
        },
        index=range(rows.count),
    )
    notes = []
    if empty_traces:
        notes.append(f"{where}: {empty_traces:,} trace(s) without events (no rows)")
    if rows.count == 0:
        raise InputDataError(
            f"{where}: the XES log has no events; check the export's filters and export it again"
        )
    return RawTable(
        info=SourceInfo(
            source=where, format="xes", compression=compression, header_row=1, rows=rows.count
        ),
        header=header,
        data=data,
        rows=np.arange(2, rows.count + 2, dtype=np.int64),
        extra=pd.Series("", index=range(rows.count), dtype="str"),
        read=rows.count,
        notes=notes,
    )
