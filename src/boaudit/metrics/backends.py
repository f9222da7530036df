"""Where the engine's queries run: DuckDB in-process (the default for files), Spark, or the
database a table already sits in.

The contract with ingest is an Arrow table with canonical column names; :func:`arrow_table`
makes one from the loader's frame. A backend turns it (or a table of its own) into an ibis table,
keeps the work table where that is cheaper than recomputing it, and hands back results only.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from boaudit.errors import UsageError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa  # type: ignore[import-untyped]
    from ibis.backends import BaseBackend


@functools.lru_cache(maxsize=512)
def _compiled(op: Any) -> str:
    import ibis

    return str(ibis.to_sql(op.to_expr(), dialect="duckdb"))


def _duckdb_sql(table: ir.Table) -> str:
    """The DuckDB SQL of a query; a query of the same shape (the same KPIs over a table of the
    same columns, as every test and every ``run`` repeats) is compiled once per process."""
    return _compiled(table.op())


ENGINES = ("duckdb", "pyspark")
"""The values of ``--engine``: where file inputs are computed."""


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The canonical frame as the engine's Arrow table: timestamps in microseconds (UTC),
    booleans and numbers as Arrow types, and a ``_pos`` column with each row's position."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    from boaudit.metrics.work import POSITION

    columns = {}
    for name in frame.columns:
        series = frame[name]
        array = pa.array(series, from_pandas=True)
        if pa.types.is_timestamp(array.type):
            array = pc.cast(array, pa.timestamp("us", tz="UTC"), safe=False)
        elif pa.types.is_date(array.type):
            array = pc.cast(array, pa.timestamp("us", tz="UTC"))
        elif pa.types.is_null(array.type):
            array = array.cast(pa.string())
        columns[str(name)] = array
    columns[POSITION] = pa.array(np.arange(len(frame), dtype=np.int64))
    return pa.table(columns)


@dataclass
class Backend:
    """An ibis connection, and how the engine uses it."""

    connection: BaseBackend
    """The ibis backend."""
    name: str
    """``duckdb``, ``pyspark``, or the URL scheme of a database."""
    keep_work: bool = True
    """Materialise the work table once (in-process engines) rather than recompute it in every
    query (a database where the user may not create tables)."""
    exact_quantiles: bool = True
    """The backend computes exact quantiles with linear interpolation."""
    _tables: list[str] = field(default_factory=list)

    def micros(self) -> Any:
        """The fastest epoch-microseconds function of this backend."""
        from boaudit.metrics import work

        if self.name == "duckdb":
            return work.builtin_micros("epoch_us")
        if self.name == "pyspark":
            return work.builtin_micros("unix_micros")
        return work.generic_micros

    def table(self, table: pa.Table | ir.Table) -> ir.Table:
        """An ibis table of this backend for an Arrow table (registered, not copied, where the
        backend can) or an ibis table."""
        import pyarrow as pa

        if isinstance(table, pa.Table):
            name = f"boaudit_input_{len(self._tables)}"
            if self.name == "duckdb":
                # Copied once into DuckDB's own columnar storage: every later query scans it
                # natively, where a registered Arrow view costs a Python round trip per scan.
                raw = self.connection.con
                raw.register(f"{name}_arrow", table)
                raw.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM "{name}_arrow"')
                raw.unregister(f"{name}_arrow")
                self._tables.append(name)
                return self.connection.table(name)
            self._tables.append(name)
            if self.name == "pyspark":
                # ibis cannot create a temporary table on Spark: the Arrow table becomes a
                # Spark DataFrame (Spark 4 takes Arrow as it is) behind a temporary view.
                session = self.connection._session
                session.createDataFrame(table).createOrReplaceTempView(name)
                return self.connection.table(name)
            return self.connection.create_table(name, table, temp=True)
        return table

    def materialise(self, table: ir.Table) -> ir.Table:
        """The work table, computed once where the backend keeps it."""
        if not self.keep_work:
            return table
        name = f"boaudit_work_{len(self._tables)}"
        self._tables.append(name)
        if self.name == "duckdb":
            sql = _duckdb_sql(table)
            self.connection.con.execute(f'CREATE TEMP TABLE "{name}" AS {sql}')
            return self.connection.table(name)
        if self.name == "pyspark":
            # Spark keeps a cached temporary view; the first query computes it.
            return self.connection.create_view(name, table, overwrite=True).cache()
        return self.connection.create_table(name, table, temp=True)

    def arrow(self, table: ir.Table) -> pa.Table:
        """A (small) result as an Arrow table."""
        if self.name == "duckdb":
            relation = self.connection.con.sql(_duckdb_sql(table))
            # DuckDB 2 names it to_arrow_table; 1.x's arrow() returns the same table
            fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
            result: pa.Table = fetch()
            return result
        result = table.to_pyarrow()
        if self.name == "pyspark":
            result = _utc_timestamps(result)
        return result

    def rows(self, table: ir.Table) -> list[dict[str, Any]]:
        """The rows of a (small) result."""
        result: list[dict[str, Any]] = self.arrow(table).to_pylist()
        return result

    def frame(self, table: ir.Table) -> pd.DataFrame:
        """A (small) result as a pandas frame."""
        frame: pd.DataFrame = self.arrow(table).to_pandas()
        return frame

    def close(self) -> None:
        """Let go of the connection and everything it holds (an in-process engine's tables).
        A Spark session stays up for the next computation in this process."""
        self._tables.clear()
        if self.name != "pyspark":
            self.connection.disconnect()


def _utc_timestamps(table: pa.Table) -> pa.Table:
    """``table`` with its timestamps marked UTC: Spark returns them without a time zone, in
    the session's, which boaudit sets to UTC."""
    import pyarrow as pa

    for index, column in enumerate(table.schema):
        if pa.types.is_timestamp(column.type) and column.type.tz is None:
            utc = table.column(index).cast(pa.timestamp(column.type.unit, tz="UTC"))
            table = table.set_column(index, column.name, utc)
    return table


WARM_UP_BYTES = 32 << 20
"""Inputs from this size on import the engine while they are read. Smaller ones are read in
less time than the import takes, and a small hostile file (a zip bomb) is refused before the
engine's libraries add their memory."""


def warm_up(sources: Sequence[str | Path] = ()) -> None:
    """Import the engine's libraries in a background thread while the caller reads its inputs
    (ibis and DuckDB take a few tenths of a second to import; reading overlaps them), when the
    files total :data:`WARM_UP_BYTES` or more. Call it after pandas is imported, so the two
    threads never import the same module at once."""
    size = 0
    for source in sources:
        with contextlib.suppress(OSError):
            size += Path(source).stat().st_size if str(source) != "-" else 0
    if size < WARM_UP_BYTES:
        return
    thread = threading.Thread(target=_import_engine, name="boaudit-engine-import", daemon=True)
    thread.start()


def _import_engine() -> None:
    try:
        import ibis

        ibis.duckdb  # noqa: B018 - the attribute imports the backend
    except Exception:  # the main thread imports it again and reports the error
        return


def duckdb_backend() -> Backend:
    """DuckDB in-process, in memory (spilling to a temporary folder beyond the memory limit)."""
    import ibis

    return Backend(ibis.duckdb.connect(), "duckdb")


def pyspark_backend() -> Backend:
    """Spark in local mode (``pip install boaudit[spark]``), one session per process."""
    try:
        import ibis

        # PySpark warns on every conversion that it does not "fully support" pandas 3; boaudit
        # hands Spark Arrow tables, not pandas frames, and its tests hold Spark's figures to
        # DuckDB's. That one warning only is silenced, for the rest of the process.
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError(
            "--engine pyspark needs Spark: pip install 'boaudit[spark]' (and Java 17)"
        ) from exc
    session = (
        SparkSession.builder.master("local[*]")
        .appName("boaudit")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        # local mode on one machine: a few partitions, not the cluster default of 200
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # stderr is boaudit's: no stage progress bars, no warnings about the local setup
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return Backend(ibis.pyspark.connect(session), "pyspark")


def engine_backend(engine: str) -> Backend:
    """The backend of an ``--engine`` value."""
    if engine == "duckdb":
        return duckdb_backend()
    if engine == "pyspark":
        return pyspark_backend()
    raise UsageError(f"--engine {engine}: use one of {', '.join(ENGINES)}")
