"""Parquet files: typed columns, read as workbook values are (no text to guess from).

The row count and the columns are read from the file's footer and checked against the limits
before any data is read; each column then arrives with its own type (timestamps, numbers,
booleans, text), which the value parsers take as they take a workbook's typed cells.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from boaudit.errors import InputDataError
from boaudit.ingest.options import IngestOptions
from boaudit.ingest.readers.table import RawTable, SourceInfo, finish_table

MAGIC = b"PAR1"
"""The first (and last) four bytes of a Parquet file."""


def is_parquet(data: bytes, suffix: str) -> bool:
    """True for a Parquet file: its name ends in ``.parquet`` or its bytes start with PAR1."""
    return suffix == ".parquet" or data[:4] == MAGIC


def read_parquet_bytes(data: bytes, where: str, options: IngestOptions) -> RawTable:
    """Read a Parquet file (as bytes) into a :class:`RawTable`."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    limits = options.limits
    try:
        file = pq.ParquetFile(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputDataError(f"{where}: not a readable Parquet file ({_one_line(exc)})") from None
    rows = file.metadata.num_rows
    names = [str(name) for name in file.schema_arrow.names]
    if rows > limits.max_rows:
        raise InputDataError(
            f"{where}: {rows:,} data rows, more than the limit of {limits.max_rows:,}; "
            "pass --max-rows N to raise it"
        )
    if len(names) > limits.max_columns:
        raise InputDataError(
            f"{where}: {len(names):,} columns, more than the limit of {limits.max_columns:,}; "
            "pass --max-columns N to raise it"
        )
    try:
        table = file.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputDataError(f"{where}: cannot read the Parquet data ({_one_line(exc)})") from None
    columns: dict[int, pd.Series] = {}
    for position, column in enumerate(table.columns):
        columns[position] = _values(column, names[position])
    body = pd.DataFrame(columns)
    header = pd.DataFrame([dict(enumerate(names))])
    frame = pd.concat([header.astype(object), body], ignore_index=True) if rows else header
    info = SourceInfo(source=where, format="parquet", header_row=1)
    return finish_table(frame, names, 0, info, "", limits, [], False, check_cells=False)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _values(column: Any, name: str) -> pd.Series:
    """One column as the value parsers read it: text as strings, every other type as Python
    values (datetimes UTC, numbers, booleans), missing as None."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    array: Any = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    kind = array.type
    values: list[Any]
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        if pa.types.is_date(kind):
            array = pc.cast(array, pa.timestamp("us"))
        if array.type.tz is None:
            array = pc.assume_timezone(array, "UTC")
        values = array.to_pylist()  # datetimes with their time zone
    elif (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
    ):
        values = array.to_pylist()
    elif pa.types.is_decimal(kind):
        values = [None if v is None else float(v) for v in array.to_pylist()]
    else:
        raise InputDataError(
            f"column {name!r} has the Parquet type {kind}, which boaudit does not read; "
            "write it as text, a number, a boolean or a timestamp"
        )
    return pd.Series(values, dtype=object)
