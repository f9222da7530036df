"""What a reader gave, as plain values to compare: the table's parts, or the error message."""

from __future__ import annotations

from collections.abc import Callable

from boaudit.errors import InputDataError
from boaudit.ingest import readers


def outcome(read: Callable[[], readers.RawTable] | readers.RawTable) -> object:
    """``read``'s table (called first when it is a function) as comparable values; an
    :class:`InputDataError` as its message."""
    try:
        table = read() if callable(read) else read
    except InputDataError as exc:
        return str(exc)
    return (
        table.info,
        table.header,
        table.data.astype(object).values.tolist(),
        table.rows.tolist(),
        table.extra.tolist(),
        table.read,
        table.skipped,
        table.notes,
    )
