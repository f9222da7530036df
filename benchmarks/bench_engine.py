"""boaudit's metrics engine against bare pandas, one DuckDB query and polars, pair by pair.

Usage::

    python benchmarks/bench_engine.py [--sizes 1M,10M] [--events 2M] [--parquet 100M]
                                      [--rounds 5] [--json OUT] [--no-warmup]

Datasets (generated once, in a fresh process, into ``$BOAUDIT_BENCH_CACHE`` or the user cache
folder ``boaudit-bench``; never into the repository):

* ``invoices-N.csv``: N invoices from the sample organisation's generator
  (``sample_data/generate.py``), written a million rows at a time (the 1M file is exactly
  ``invoice_frame(1_000_000)``; later millions use the next seeds and carry their block number
  in the invoice number, so no two blocks share invoices);
* ``events-N.csv``: an accounts-payable event log of N events in about N/10 cases (receipt,
  scan, check, requests for information and re-checks, approval, posting, payment; about 15 %
  of the cases still open), seeded;
* ``invoices-N.parquet``: N invoices as typed Parquet, written a million rows at a time with
  ``pyarrow.parquet.ParquetWriter``; only generated once boaudit reads Parquet (a small probe
  file is tried first; until then the script says so and measures nothing on it).

Contenders, each run in a fresh process:

* ``boaudit``: ``python -m boaudit metrics invoices|events FILE --format json -o OUT
  --hourly-rate 45`` (the rate prices the handling minutes, so that cost per transaction is
  computed as by the other contenders), with ``--max-rows``/``--max-bytes`` raised only for a
  file beyond the defaults (the command says so);
* ``pandas.read_csv``: a bare ``pandas.read_csv(FILE)``, no KPI at all (CSV datasets only);
* ``duckdb``: one SQL query computing the headline KPIs from the file (below);
* ``polars``: the same KPIs with polars' lazy API (when polars is installed).

Headline KPIs, with boaudit's definitions (DESIGN.md section 4): invoices: count, completed,
cycle time (paid_at - (received_at, else invoice_date), negative ones left out) mean / median /
p90 / n, approval time likewise, error, dispute and on-time payment rates, cost per
transaction (handling minutes / 60 x the hourly rate), exact duplicate groups (same vendor,
currency, amount and normalised invoice number: groups, invoices, extra amount). Events: exact
duplicate rows dropped, then per case the first and last timestamp, whether an activity
matches boaudit's completion patterns and whether an activity repeats; then count, completed,
the cycle-time distribution of completed cases and the rework rate. The yardsticks write their
figures and the script checks them against boaudit's JSON ("agreement"), so each ratio is
between programs that computed the same numbers.

Method: for each dataset and each yardstick, ``--rounds`` rounds of the pair boaudit and that
yardstick back to back (boaudit first in odd rounds, second in even ones, so that neither is
always the one running on a warm or a cold machine), after one discarded warm-up run of each
contender. Each run's wall seconds (seen by this process), CPU seconds (user + system of the
finished child, from ``os.wait4``) and peak resident memory (the child's ``ru_maxrss``) are
recorded; a pair's time figure is the median over the rounds of the per-round ratio
boaudit / yardstick, so that a burst of load from another process on this shared machine
moves one ratio, not the whole comparison. Peak memory is the largest of boaudit's runs,
against the size of the input file.

Targets (issue 13) are printed beside the figures; the exit status is 0 whatever they say (1
only when a contender failed, 2 for a usage error). ``--json OUT`` writes every figure.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

HOURLY_RATE = 45.0
"""The hourly rate that prices handling minutes, for boaudit and the yardsticks alike."""

CHUNK = 1_000_000
"""Invoices generated and written at a time."""

COMPLETION_PATTERNS = (
    r"\bclos(?:e|ed|ing|ure)\b",
    r"\bresolv(?:e|ed|ing)\b",
    r"\bcomplet(?:e|ed|ion)\b",
    r"\bclear(?:ed)?\b",
    r"\bpa(?:y|id)\b",
    r"\bdone\b",
    r"\bfinish(?:ed)?\b",
)
"""boaudit's default completion patterns (a test keeps them equal), copied here so that the
yardsticks' processes do not pay for importing boaudit."""

DEFAULT_MAX_ROWS = 5_000_000
DEFAULT_MAX_BYTES = 1_073_741_824
"""boaudit's default ingest limits (a test keeps them equal): a larger file needs them raised."""

GIB = 2**30
MIB = 2**20


# ---------------------------------------------------------------------------------------------
# Pure parts: sizes, ratios, targets, agreement.


def parse_count(text: str) -> int:
    """``2M``, ``200k``, ``1.5M``, ``100_000`` -> a count of rows."""
    cleaned = text.strip().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000, "b": 1_000_000_000}
    factor = scale.get(cleaned[-1:].lower(), 1)
    number = cleaned[:-1] if factor != 1 else cleaned
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write a count such as 1M, 200k or 5000"
        ) from None
    count = round(value * factor)
    if count <= 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r}: the count must be positive")
    return count


def label(count: int) -> str:
    """1000000 -> ``1M``, 200000 -> ``200k``, 1500000 -> ``1.5M``, 1234 -> ``1234``."""
    for factor, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if count >= factor:
            text = f"{count / factor:g}{suffix}"
            if parse_count(text) == count:
                return text
    return str(count)


def parse_counts(text: str) -> list[int]:
    """``1M,10M`` -> [1000000, 10000000]; an empty text -> no dataset."""
    return [parse_count(part) for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    wall: float
    cpu: float
    rss_mib: float


@dataclass(frozen=True)
class PairSummary:
    """boaudit against one yardstick over the rounds."""

    wall_ratios: list[float]
    cpu_ratios: list[float]

    @property
    def wall_ratio(self) -> float:
        return statistics.median(self.wall_ratios)

    @property
    def cpu_ratio(self) -> float:
        return statistics.median(self.cpu_ratios)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; infinity for a zero denominator (never a division error)."""
    if denominator <= 0:
        return math.inf
    return numerator / denominator


def summarise(ours: Sequence[Run], theirs: Sequence[Run]) -> PairSummary:
    """Per-round ratios of boaudit's runs to the yardstick's (paired by round)."""
    if len(ours) != len(theirs) or not ours:
        raise ValueError("a pair needs the same number of runs on each side, at least one")
    return PairSummary(
        wall_ratios=[ratio(a.wall, b.wall) for a, b in zip(ours, theirs, strict=True)],
        cpu_ratios=[ratio(a.cpu, b.cpu) for a, b in zip(ours, theirs, strict=True)],
    )


def order_of_round(index: int) -> tuple[bool, bool]:
    """(boaudit first?, yardstick first?) for round ``index`` (0-based): A B, B A, A B, ..."""
    first = index % 2 == 0
    return first, not first


@dataclass(frozen=True)
class Target:
    """A bound from the issue: on the time ratio against one yardstick, or on memory."""

    text: str
    yardstick: str | None = None
    max_ratio: float | None = None
    max_memory_ratio: float | None = None
    max_memory_bytes: float | None = None


BASELINE_1M_READ_CSV = 3.18
"""Median wall ratio of boaudit to a bare ``pandas.read_csv`` on 1M invoices on main before
the engine issue, measured with this script (benchmarks/README.md, "Baseline before the
engine issue"). The 1M target is "no slower than that"."""


def targets_for(dataset: str) -> list[Target]:
    """The issue's targets for a dataset name (``invoices-1M``, ...); none for other sizes."""
    if dataset == "invoices-1M":
        return [
            Target(
                f"no slower than today against pandas.read_csv (<= {BASELINE_1M_READ_CSV:g}x)",
                yardstick="pandas.read_csv",
                max_ratio=BASELINE_1M_READ_CSV,
            ),
            Target("peak memory within 3x the CSV", max_memory_ratio=3.0),
        ]
    if dataset == "invoices-10M":
        return [
            Target("within 1.5x the DuckDB query", yardstick="duckdb", max_ratio=1.5),
            Target("peak memory within 2x the CSV", max_memory_ratio=2.0),
        ]
    if dataset == "events-2M":
        return [
            Target("within 1.5x the DuckDB query", yardstick="duckdb", max_ratio=1.5),
            Target("peak memory within 3x the CSV", max_memory_ratio=3.0),
        ]
    if dataset == "invoices-100M.parquet":
        return [Target("peak memory under 6 GiB", max_memory_bytes=6 * GIB)]
    return []


def verdict(target: Target, pairs: Mapping[str, PairSummary], peak_bytes: float, size: int) -> str:
    """``met``, ``MISSED`` or ``not measured`` (the yardstick did not run)."""
    if target.yardstick is not None and target.max_ratio is not None:
        pair = pairs.get(target.yardstick)
        if pair is None:
            return "not measured"
        return "met" if pair.wall_ratio <= target.max_ratio else "MISSED"
    if target.max_memory_ratio is not None:
        return "met" if peak_bytes <= target.max_memory_ratio * size else "MISSED"
    if target.max_memory_bytes is not None:
        return "met" if peak_bytes < target.max_memory_bytes else "MISSED"
    raise ValueError(f"target without a bound: {target.text}")


INVOICE_FIGURES = (
    "count",
    "completed",
    "cycle_time_days.mean",
    "cycle_time_days.median",
    "cycle_time_days.p90",
    "cycle_time_days.n",
    "approval_time_days.mean",
    "approval_time_days.median",
    "approval_time_days.p90",
    "approval_time_days.n",
    "error_rate",
    "dispute_rate",
    "on_time_payment_rate",
    "cost_per_transaction",
    "duplicate_suspects.exact.groups",
    "duplicate_suspects.exact.invoices",
    "duplicate_suspects.exact.extra_amount",
)
EVENT_FIGURES = (
    "count",
    "completed",
    "cycle_time_days.mean",
    "cycle_time_days.median",
    "cycle_time_days.p90",
    "cycle_time_days.n",
    "rework_rate",
)


def figures_of(kind: str) -> tuple[str, ...]:
    return INVOICE_FIGURES if kind == "invoices" else EVENT_FIGURES


def flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects -> dotted keys (``cycle_time_days.mean``); lists are left out."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            flat[f"{prefix}{key}"] = value
    return flat


def rounded(value: Any) -> Any:
    """Figures as boaudit prints them: floats to 6 decimals, None for NaN, integers as is."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = float(value)
    if not math.isfinite(number):
        return None
    return round(number, 6)


def disagreements(
    ours: Mapping[str, Any], theirs: Mapping[str, Any], names: Sequence[str]
) -> list[str]:
    """The figures two contenders do not agree on (6 decimals, one unit of the last allowed
    for rounding), as ``name: ours vs theirs``."""
    differ = []
    for name in names:
        a, b = rounded(ours.get(name)), rounded(theirs.get(name))
        if a is None or b is None:
            same = a is None and b is None
        else:
            same = abs(float(a) - float(b)) <= 1.5e-6 * max(1.0, abs(float(a)))
        if not same:
            differ.append(f"{name}: {a} vs {b}")
    return differ


# ---------------------------------------------------------------------------------------------
# The yardsticks' queries (run in their own processes; imports inside the functions).


def _sql_source(path: str) -> str:
    quoted = path.replace("'", "''")
    if path.endswith(".parquet"):
        return f"read_parquet('{quoted}')"
    return f"read_csv('{quoted}', header = true)"


def _sql_flag(column: str) -> str:
    """A yes/no column (text or boolean) as 1.0 / 0.0 / NULL, like boaudit's boolean parsing
    of the generator's values."""
    text = f"lower(trim(CAST({column} AS VARCHAR)))"
    return (
        f"CASE WHEN {text} IN ('yes', 'y', 'true', 't', '1') THEN 1.0 "
        f"WHEN {text} IN ('no', 'n', 'false', 'f', '0') THEN 0.0 END"
    )


def invoices_sql(path: str, hourly_rate: float = HOURLY_RATE) -> str:
    """One DuckDB query: the headline invoice KPIs from the export file (CSV or Parquet)."""
    return f"""
WITH raw AS (SELECT * FROM {_sql_source(path)}),
inv AS (
  SELECT
    CAST("Paid" AS TIMESTAMP) AS paid,
    COALESCE(CAST("Received" AS TIMESTAMP), CAST("Invoice Date" AS TIMESTAMP)) AS start,
    CAST("Approved" AS TIMESTAMP) AS approved,
    CAST("Due Date" AS DATE) AS due,
    {_sql_flag('"Exception"')} AS error,
    {_sql_flag('"Disputed"')} AS disputed,
    CAST("Handling Minutes" AS DOUBLE) / 60.0 * {hourly_rate!r} AS cost,
    CAST("Amount" AS DOUBLE) AS amount,
    "Vendor" AS vendor_text,
    upper(trim("Currency")) AS currency,
    CAST("Invoice Number" AS VARCHAR) AS number_text
  FROM raw
),
work AS (
  SELECT *,
    CASE WHEN paid >= start THEN (epoch(paid) - epoch(start)) / 86400.0 END AS cycle,
    CASE WHEN approved >= start THEN (epoch(approved) - epoch(start)) / 86400.0 END
      AS approval,
    CASE WHEN paid IS NOT NULL AND due IS NOT NULL
      THEN CASE WHEN CAST(paid AS DATE) <= due THEN 1.0 ELSE 0.0 END END AS ontime
  FROM inv
),
headline AS (
  SELECT
    count(*) AS "count",
    count(paid) AS "completed",
    avg(cycle) AS "cycle_time_days.mean",
    quantile_cont(cycle, 0.5) AS "cycle_time_days.median",
    quantile_cont(cycle, 0.9) AS "cycle_time_days.p90",
    count(cycle) AS "cycle_time_days.n",
    avg(approval) AS "approval_time_days.mean",
    quantile_cont(approval, 0.5) AS "approval_time_days.median",
    quantile_cont(approval, 0.9) AS "approval_time_days.p90",
    count(approval) AS "approval_time_days.n",
    avg(error) AS "error_rate",
    avg(disputed) AS "dispute_rate",
    avg(ontime) AS "on_time_payment_rate",
    avg(cost) AS "cost_per_transaction"
  FROM work
),
-- Duplicates the way boaudit finds them: vendor names normalised once per distinct name,
-- then only the rows sharing (vendor, currency, amount) get their invoice number normalised.
vendors AS (
  SELECT vendor_text, regexp_replace(lower(trim(vendor_text)), '\\s+', ' ', 'g') AS vendor
  FROM (SELECT DISTINCT vendor_text FROM work WHERE vendor_text IS NOT NULL)
),
keyed AS (
  SELECT v.vendor, w.currency, w.amount, w.number_text
  FROM work w JOIN vendors v ON w.vendor_text = v.vendor_text
  WHERE w.amount IS NOT NULL
),
repeated AS (
  SELECT vendor, currency, amount FROM keyed GROUP BY ALL HAVING count(*) > 1
),
candidates AS (
  SELECT k.vendor, k.currency, k.amount,
    regexp_replace(
      regexp_replace(upper(k.number_text), '[^0-9A-Z]', '', 'g'),
      '(^|[^0-9])0+([0-9])', '\\1\\2', 'g'
    ) AS number
  FROM keyed k JOIN repeated r
    ON k.vendor = r.vendor AND k.amount = r.amount
    AND k.currency IS NOT DISTINCT FROM r.currency
  WHERE k.number_text IS NOT NULL
),
groups AS (
  SELECT count(*) AS n, any_value(amount) AS amount
  FROM candidates
  GROUP BY vendor, currency, amount, number
  HAVING count(*) > 1
),
duplicates AS (
  SELECT
    count(*) AS "duplicate_suspects.exact.groups",
    coalesce(sum(n), 0) AS "duplicate_suspects.exact.invoices",
    coalesce(sum(amount * (n - 1)), 0) AS "duplicate_suspects.exact.extra_amount"
  FROM groups
)
SELECT * FROM headline, duplicates
"""


def completion_regex() -> str:
    """boaudit's completion patterns as one regular expression (RE2 and Rust's regex alike)."""
    return "|".join(f"(?:{p})" for p in COMPLETION_PATTERNS)


def events_sql(path: str) -> str:
    """One DuckDB query: the event log collapsed into cases, then the case KPIs."""
    pattern = completion_regex().replace("'", "''")
    return f"""
WITH ev AS (SELECT DISTINCT * FROM {_sql_source(path)}),
cases AS (
  SELECT
    "Case ID" AS case_id,
    min(CAST("Timestamp" AS TIMESTAMP)) AS first,
    max(CAST("Timestamp" AS TIMESTAMP)) AS last,
    bool_or(regexp_matches("Activity", '{pattern}', 'i')) AS done,
    count(*) - count(DISTINCT "Activity") AS rework
  FROM ev
  GROUP BY "Case ID"
),
work AS (
  SELECT *, CASE WHEN done THEN (epoch(last) - epoch(first)) / 86400.0 END AS cycle
  FROM cases
)
SELECT
  count(*) AS "count",
  count(cycle) AS "completed",
  avg(cycle) AS "cycle_time_days.mean",
  quantile_cont(cycle, 0.5) AS "cycle_time_days.median",
  quantile_cont(cycle, 0.9) AS "cycle_time_days.p90",
  count(cycle) AS "cycle_time_days.n",
  avg(CASE WHEN rework > 0 THEN 1.0 ELSE 0.0 END) AS "rework_rate"
FROM work
"""


def run_duckdb(kind: str, path: str) -> dict[str, Any]:
    """The yardstick query's figures (dotted names, as :func:`flatten` gives boaudit's)."""
    import duckdb

    sql = invoices_sql(path) if kind == "invoices" else events_sql(path)
    connection = duckdb.connect()
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    row = cursor.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def _polars_flag(column: str) -> Any:
    import polars as pl

    text = pl.col(column).cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(text.is_in(["yes", "y", "true", "t", "1"]))
        .then(1.0)
        .when(text.is_in(["no", "n", "false", "f", "0"]))
        .then(0.0)
        .otherwise(None)
    )


def _polars_scan(path: str) -> Any:
    import polars as pl

    if path.endswith(".parquet"):
        return pl.scan_parquet(path)
    return pl.scan_csv(path, try_parse_dates=True, infer_schema_length=10_000)


def _polars_days(end: Any, start: Any) -> Any:
    import polars as pl

    seconds = (end - start).dt.total_milliseconds() / 1000.0
    return pl.when(end >= start).then(seconds / 86_400.0).otherwise(None)


def _polars_distribution(name: str, values: Any) -> list[Any]:
    return [
        values.mean().alias(f"{name}.mean"),
        values.median().alias(f"{name}.median"),
        values.quantile(0.9, interpolation="linear").alias(f"{name}.p90"),
        values.count().alias(f"{name}.n"),
    ]


def run_polars(kind: str, path: str) -> dict[str, Any]:
    """The same figures with polars' lazy API."""
    import polars as pl

    scan = _polars_scan(path)
    if kind == "events":
        cases = (
            scan.unique()
            .group_by("Case ID")
            .agg(
                pl.col("Timestamp").cast(pl.Datetime("us")).min().alias("first"),
                pl.col("Timestamp").cast(pl.Datetime("us")).max().alias("last"),
                pl.col("Activity").str.contains("(?i)" + completion_regex()).any().alias("done"),
                (pl.len() - pl.col("Activity").n_unique()).alias("rework"),
            )
            .with_columns(
                pl.when(pl.col("done"))
                .then(_polars_days(pl.col("last"), pl.col("first")))
                .otherwise(None)
                .alias("cycle")
            )
        )
        frame = cases.select(
            pl.len().alias("count"),
            pl.col("cycle").count().alias("completed"),
            *_polars_distribution("cycle_time_days", pl.col("cycle")),
            (pl.col("rework") > 0).cast(pl.Float64).mean().alias("rework_rate"),
        ).collect()
        return frame.row(0, named=True)
    stamp = pl.Datetime("us")
    work = scan.select(
        pl.col("Paid").cast(stamp).alias("paid"),
        pl.coalesce(pl.col("Received").cast(stamp), pl.col("Invoice Date").cast(stamp)).alias(
            "start"
        ),
        pl.col("Approved").cast(stamp).alias("approved"),
        pl.col("Due Date").cast(pl.Date).alias("due"),
        _polars_flag("Exception").alias("error"),
        _polars_flag("Disputed").alias("disputed"),
        (pl.col("Handling Minutes").cast(pl.Float64) / 60.0 * HOURLY_RATE).alias("cost"),
        pl.col("Amount").cast(pl.Float64).alias("amount"),
        pl.col("Vendor")
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .alias("vendor"),
        pl.col("Currency").str.strip_chars().str.to_uppercase().alias("currency"),
        pl.col("Invoice Number")
        .cast(pl.String)
        .str.to_uppercase()
        .str.replace_all("[^0-9A-Z]", "")
        .str.replace_all("(^|[^0-9])0+([0-9])", "${1}${2}")
        .alias("number"),
    ).with_columns(
        _polars_days(pl.col("paid"), pl.col("start")).alias("cycle"),
        _polars_days(pl.col("approved"), pl.col("start")).alias("approval"),
        pl.when(pl.col("paid").is_not_null() & pl.col("due").is_not_null())
        .then((pl.col("paid").dt.date() <= pl.col("due")).cast(pl.Float64))
        .otherwise(None)
        .alias("ontime"),
    )
    headline = work.select(
        pl.len().alias("count"),
        pl.col("paid").count().alias("completed"),
        *_polars_distribution("cycle_time_days", pl.col("cycle")),
        *_polars_distribution("approval_time_days", pl.col("approval")),
        pl.col("error").mean().alias("error_rate"),
        pl.col("disputed").mean().alias("dispute_rate"),
        pl.col("ontime").mean().alias("on_time_payment_rate"),
        pl.col("cost").mean().alias("cost_per_transaction"),
    )
    keys = ["vendor", "currency", "amount", "number"]
    groups = (
        work.filter(
            pl.col("vendor").is_not_null()
            & pl.col("amount").is_not_null()
            & pl.col("number").is_not_null()
        )
        .group_by(keys)
        .agg(pl.len().alias("n"))
        .filter(pl.col("n") > 1)
        .select(
            pl.len().alias("duplicate_suspects.exact.groups"),
            pl.col("n").sum().alias("duplicate_suspects.exact.invoices"),
            (pl.col("amount") * (pl.col("n") - 1))
            .sum()
            .alias("duplicate_suspects.exact.extra_amount"),
        )
    )
    first, second = pl.collect_all([headline, groups])
    return {**first.row(0, named=True), **second.row(0, named=True)}


# ---------------------------------------------------------------------------------------------
# Datasets.


def cache_dir() -> Path:
    """``$BOAUDIT_BENCH_CACHE``, else the user cache folder ``boaudit-bench``."""
    explicit = os.environ.get("BOAUDIT_BENCH_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("boaudit-bench"))


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", REPO / "sample_data" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chunk_sizes(total: int, chunk: int = CHUNK) -> list[int]:
    """``total`` rows as blocks of ``chunk`` (the last one shorter)."""
    return [min(chunk, total - start) for start in range(0, total, chunk)]


def tag_block(numbers: Sequence[str], block: int) -> list[str]:
    """Invoice numbers of block ``block`` (from 1) made unique across blocks, keeping the
    generator's duplicates: ``INV-100123`` -> ``INV-7B100123``, ``inv 100123`` ->
    ``inv 7B100123``, ``INV-9100123`` (a near duplicate's) -> ``INV-7B9100123``. The letter
    ends the block number, so the normalised numbers of two blocks never meet."""
    return [f"{n[:4]}{block}B{n[4:]}" for n in numbers]


def invoice_blocks(total: int) -> Iterator[Any]:
    """The generator's invoice frames, a million rows at a time, seeded per block."""
    generate = _generator()
    for block, size in enumerate(chunk_sizes(total)):
        frame = generate.invoice_frame(size, seed=generate.EXPORT_SEED + block)
        if block:
            frame["Invoice Number"] = tag_block(frame["Invoice Number"].tolist(), block)
        yield frame


def write_invoices_csv(path: Path, total: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        for block, frame in enumerate(invoice_blocks(total)):
            frame.to_csv(handle, index=False, header=block == 0, lineterminator="\n")
    tmp.replace(path)


def _typed_invoices(frame: Any) -> Any:
    """The generator's text frame as a typed Arrow table (what a Parquet export carries)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name in frame.columns:
        text = pa.array(frame[name].to_numpy(dtype=object), type=pa.string())
        empty = pc.equal(text, "")
        text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
        if name in {"Invoice Date", "Due Date"}:
            columns[name] = text.cast(pa.date32())
        elif name in {"Received", "Approved", "Paid"}:
            columns[name] = text.cast(pa.timestamp("s"))
        elif name in {"Amount", "Handling Minutes"}:
            columns[name] = text.cast(pa.float64())
        elif name in {"Exception", "Disputed"}:
            columns[name] = pc.equal(text, "Yes")
        else:
            columns[name] = text
    return pa.table(columns)


def write_invoices_parquet(path: Path, total: int) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    writer = None
    try:
        for frame in invoice_blocks(total):
            table = _typed_invoices(frame)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=CHUNK)
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(path)


ACTIVITIES = (
    "Receive invoice",
    "Scan invoice",
    "Check invoice",
    "Approve invoice",
    "Post invoice",
    "Pay invoice",
)
REWORK = ("Request information", "Check invoice")
RESOURCES = tuple(f"AP clerk {i}" for i in range(1, 13))
EVENTS_SEED = 20261213


def event_log(total: int, seed: int = EVENTS_SEED) -> Any:
    """``total`` events of an AP process, about ten per case, in time order (a text frame).

    A case runs receive, scan, check, then ``r`` rounds of request information and check
    again (``r`` ~ Poisson(2)), approve, post, pay; about 15 % of the cases stop early (still
    open). Each case has an owner who handles ~70 % of its events."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    cases = max(total // 10, 1)
    loops = rng.poisson(2.0, size=cases)
    full = len(ACTIVITIES) + 2 * loops
    open_case = rng.random(cases) < 0.15
    lengths = np.where(open_case, rng.integers(1, np.maximum(full, 2), size=cases), full)
    # Exactly ``total`` events: cases are added or trimmed at the end.
    while lengths.sum() < total:
        lengths = np.concatenate([lengths, lengths[: max(1, len(lengths) // 10)]])
        loops = np.concatenate([loops, loops[: max(1, len(loops) // 10)]])
    ends = np.cumsum(lengths)
    cases = int(np.searchsorted(ends, total) + 1)
    lengths, loops = lengths[:cases].copy(), loops[:cases]
    lengths[-1] -= int(ends[cases - 1] - total)
    case = np.repeat(np.arange(cases), lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    position = np.arange(total) - starts[case]
    loop = loops[case]
    in_rework = (position >= 3) & (position < 3 + 2 * loop)
    after = np.clip(position - 2 * loop, 0, len(ACTIVITIES) - 1)
    base = np.where(position < 3, position, after)
    names = np.array(ACTIVITIES, dtype=object)[base]
    names = np.where(in_rework, np.array(REWORK, dtype=object)[(position - 3) % 2], names)
    # Time: each case starts within nine months; steps wait hours to days.
    start = rng.uniform(0, 270 * 86_400, size=cases)
    gaps = rng.exponential(14 * 3_600, size=total)
    gaps[starts] = 0.0
    elapsed = np.cumsum(gaps)
    elapsed -= elapsed[starts][case]
    seconds = np.round(start[case] + elapsed).astype("int64")
    stamp = np.datetime64("2026-01-05T00:00:00") + seconds.astype("timedelta64[s]")
    owner = rng.integers(0, len(RESOURCES), size=cases)[case]
    other = rng.integers(0, len(RESOURCES), size=total)
    resource = np.where(rng.random(total) < 0.7, owner, other)
    order = np.argsort(stamp, kind="stable")
    return pd.DataFrame(
        {
            "Case ID": np.char.add("CASE-", (100_000 + case[order]).astype(str)),
            "Activity": names[order],
            "Timestamp": np.datetime_as_string(stamp[order], unit="s"),
            "Resource": np.array(RESOURCES, dtype=object)[resource[order]],
        }
    )


def write_events_csv(path: Path, total: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    event_log(total).to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)


WRITERS: dict[str, Callable[[Path, int], None]] = {
    "invoices-csv": write_invoices_csv,
    "invoices-parquet": write_invoices_parquet,
    "events-csv": write_events_csv,
}


def ensure(kind: str, fmt: str, count: int, folder: Path) -> Path:
    """The cached dataset, generated (in a fresh process, so that this one stays small and
    its children's peak memory is their own) when it is not there yet."""
    path = folder / f"{kind}-{label(count)}.{fmt}"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    print(f"generating {path} ...", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [*_script("_generate", f"{kind}-{fmt}", str(count)), str(path)],
        check=True,
    )
    size = path.stat().st_size / MIB
    print(f"  {size:,.1f} MiB in {time.perf_counter() - start:.0f} s", flush=True)
    return path


# ---------------------------------------------------------------------------------------------
# Running contenders.


READ_CSV = (sys.executable, "-c", "import pandas, sys; pandas.read_csv(sys.argv[1])")
"""The bare-read contender (the file's path follows)."""


def _script(*args: str) -> list[str]:
    """This script in a fresh interpreter, with ``args``."""
    return [sys.executable, str(Path(__file__).resolve()), *args]


@dataclass
class Contender:
    name: str
    command: list[str]
    output: Path | None = None
    """Where the contender writes its figures (JSON), for the agreement check."""


def measure(command: Sequence[str], log: Path) -> tuple[Run, int]:
    """Run ``command`` in a fresh process: its wall time, CPU time and peak RSS, and its
    exit status (stdout and stderr go to ``log``)."""
    env = {**os.environ, "NO_COLOR": "1"}
    with log.open("wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    run = Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mib=usage.ru_maxrss / 1024)
    return run, child.returncode


def last_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


class ContenderFailed(Exception):
    pass


def run_once(contender: Contender, scratch: Path) -> Run:
    log = scratch / f"{contender.name}.log"
    run, code = measure(contender.command, log)
    if code != 0:
        raise ContenderFailed(f"{contender.name} exited {code}: {last_line(log)}")
    return run


def boaudit_command(kind: str, path: Path, rows: int, out: Path) -> tuple[list[str], str | None]:
    """The boaudit contender, with the limits raised only for a file beyond the defaults."""
    command = [sys.executable, "-m", "boaudit", "metrics", kind, str(path)]
    command += ["--format", "json", "-o", str(out)]
    if kind == "invoices":
        command += ["--hourly-rate", f"{HOURLY_RATE:g}"]
    note = None
    size = path.stat().st_size
    if rows > DEFAULT_MAX_ROWS or size > DEFAULT_MAX_BYTES:
        max_rows, max_bytes = max(rows * 2, DEFAULT_MAX_ROWS), max(size * 2, DEFAULT_MAX_BYTES)
        command += ["--max-rows", str(max_rows), "--max-bytes", str(max_bytes)]
        note = (
            f"boaudit run with --max-rows {max_rows} --max-bytes {max_bytes} "
            "(its defaults refuse this file)"
        )
    return command, note


YARDSTICKS = ("pandas.read_csv", "duckdb", "polars")


def yardsticks(
    kind: str, path: Path, scratch: Path, chosen: Sequence[str] = YARDSTICKS
) -> tuple[list[Contender], list[str]]:
    found: list[Contender] = []
    notes: list[str] = []
    if "pandas.read_csv" in chosen and path.suffix == ".csv":
        found.append(Contender("pandas.read_csv", [*READ_CSV, str(path)]))
    elif "pandas.read_csv" in chosen:
        notes.append(
            "pandas.read_parquet not run: the whole frame would not fit this machine's memory"
        )
    for engine in ("duckdb", "polars"):
        if engine not in chosen:
            continue
        if importlib.util.find_spec(engine) is None:
            notes.append(f"{engine} not installed: pip install 'boaudit[bench]'")
            continue
        out = scratch / f"{engine}.json"
        command = [*_script("_run", engine, kind, str(path)), str(out)]
        found.append(Contender(engine, command, out))
    return found, notes


@dataclass
class DatasetResult:
    name: str
    kind: str
    path: str
    rows: int
    size_bytes: int
    rounds: int
    notes: list[str] = field(default_factory=list)
    runs: dict[str, dict[str, list[Run]]] = field(default_factory=dict)
    pairs: dict[str, PairSummary] = field(default_factory=dict)
    agreement: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def boaudit_peak_mib(self) -> float:
        runs = [run for pair in self.runs.values() for run in pair.get("boaudit", [])]
        return max((run.rss_mib for run in runs), default=math.nan)


def compare_figures(kind: str, boaudit_out: Path, other: Contender) -> list[str]:
    """What ``other`` computed differently from boaudit (empty: they agree)."""
    assert other.output is not None
    ours = flatten(json.loads(boaudit_out.read_text())["metrics"])
    theirs = json.loads(other.output.read_text())
    return disagreements(ours, theirs, figures_of(kind))


def bench_dataset(
    name: str,
    kind: str,
    path: Path,
    rows: int,
    rounds: int,
    warmup: bool,
    chosen: Sequence[str] = YARDSTICKS,
) -> DatasetResult:
    result = DatasetResult(name, kind, str(path), rows, path.stat().st_size, rounds)
    with tempfile.TemporaryDirectory(prefix="boaudit-bench-") as folder:
        scratch = Path(folder)
        boaudit_out = scratch / "boaudit.json"
        command, note = boaudit_command(kind, path, rows, boaudit_out)
        if note:
            result.notes.append(note)
        ours = Contender("boaudit", command, boaudit_out)
        others, notes = yardsticks(kind, path, scratch, chosen)
        result.notes.extend(notes)
        print(f"\n== {name}: {path.name}, {rows:,} rows, {result.size_bytes / MIB:,.1f} MiB")
        for line in result.notes:
            print(f"   note: {line}")
        if warmup:
            for contender in [ours, *others]:
                try:
                    run_once(contender, scratch)
                except ContenderFailed as failure:
                    result.failures.append(f"warm-up: {failure}")
                    print(f"   FAILED {failure}")
            if any(f.startswith("warm-up: boaudit") for f in result.failures):
                return result
        for other in others:
            runs: dict[str, list[Run]] = {"boaudit": [], other.name: []}
            try:
                for index in range(rounds):
                    first = [ours, other] if order_of_round(index)[0] else [other, ours]
                    for contender in first:
                        runs[contender.name].append(run_once(contender, scratch))
                    print(
                        f"   round {index + 1}/{rounds} vs {other.name}: boaudit "
                        f"{runs['boaudit'][-1].wall:.2f} s, {other.name} "
                        f"{runs[other.name][-1].wall:.2f} s",
                        flush=True,
                    )
            except ContenderFailed as failure:
                result.failures.append(str(failure))
                print(f"   FAILED {failure}")
                continue
            result.runs[other.name] = runs
            result.pairs[other.name] = summarise(runs["boaudit"], runs[other.name])
            if other.output is not None:
                result.agreement[other.name] = compare_figures(kind, boaudit_out, other)
    return result


def median_of(runs: Sequence[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def report(result: DatasetResult) -> list[str]:
    """The dataset's figures as printed lines."""
    size_mib = result.size_bytes / MIB
    lines = [
        f"{result.name} ({result.size_bytes / MIB:,.1f} MiB, {result.rows:,} rows), "
        f"{result.rounds} rounds per pair, medians:"
    ]
    header = (
        f"  {'yardstick':<17}{'boaudit wall/cpu s':>20}{'yardstick wall/cpu s':>22}"
        f"{'wall ratio':>12}{'(range)':>15}{'cpu ratio':>11}"
    )
    lines.append(header)
    for name, runs in result.runs.items():
        pair = result.pairs[name]
        ours, theirs = runs["boaudit"], runs[name]
        spread = f"({min(pair.wall_ratios):.2f}-{max(pair.wall_ratios):.2f})"
        lines.append(
            f"  {name:<17}"
            f"{median_of(ours, 'wall'):>12.2f} / {median_of(ours, 'cpu'):<5.2f}"
            f"{median_of(theirs, 'wall'):>14.2f} / {median_of(theirs, 'cpu'):<5.2f}"
            f"{pair.wall_ratio:>11.2f}x{spread:>15}{pair.cpu_ratio:>10.2f}x"
        )
    peaks = [f"boaudit {result.boaudit_peak_mib():,.0f} MiB"]
    for name, runs in result.runs.items():
        peak = max(run.rss_mib for run in runs[name])
        peaks.append(f"{name} {peak:,.0f} MiB ({peak / size_mib:.2f}x)")
    if result.runs:
        lines.append(
            f"  peak RSS: {peaks[0]} = {result.boaudit_peak_mib() / size_mib:.2f}x the file; "
            + ", ".join(peaks[1:])
        )
    for name, differ in result.agreement.items():
        if differ:
            lines.append(f"  agreement: {name} DIFFERS from boaudit on " + "; ".join(differ))
        else:
            count = len(figures_of(result.kind))
            lines.append(f"  agreement: {name} computed the same {count} figures as boaudit")
    peak_bytes = result.boaudit_peak_mib() * MIB
    lines.extend(
        f"  target: {target.text}: " + verdict(target, result.pairs, peak_bytes, result.size_bytes)
        for target in targets_for(result.name)
    )
    lines.extend(f"  FAILED: {failure}" for failure in result.failures)
    return lines


def as_json(result: DatasetResult) -> dict[str, Any]:
    peak_bytes = result.boaudit_peak_mib() * MIB
    return {
        "dataset": result.name,
        "kind": result.kind,
        "file": result.path,
        "rows": result.rows,
        "file_bytes": result.size_bytes,
        "rounds": result.rounds,
        "notes": result.notes,
        "failures": result.failures,
        "boaudit_peak_rss_mib": None
        if math.isnan(result.boaudit_peak_mib())
        else round(result.boaudit_peak_mib(), 1),
        "pairs": {
            name: {
                "wall_ratio_median": result.pairs[name].wall_ratio,
                "cpu_ratio_median": result.pairs[name].cpu_ratio,
                "wall_ratios": result.pairs[name].wall_ratios,
                "cpu_ratios": result.pairs[name].cpu_ratios,
                "runs": {
                    who: [
                        {"wall_s": r.wall, "cpu_s": r.cpu, "peak_rss_mib": r.rss_mib}
                        for r in runs[who]
                    ]
                    for who in runs
                },
                "disagreements": result.agreement.get(name),
            }
            for name, runs in result.runs.items()
        },
        "targets": [
            {
                "target": target.text,
                "verdict": verdict(target, result.pairs, peak_bytes, result.size_bytes),
            }
            for target in targets_for(result.name)
        ],
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for package in ("boaudit", "pandas", "pyarrow", "numpy", "duckdb", "polars"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # not installed, or not as a distribution
            versions[package] = None
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit or None,
        "versions": versions,
    }


def parquet_probe(folder: Path) -> str | None:
    """None when boaudit reads a small Parquet export; else why not (its error line)."""
    probe = folder / "probe-invoices-1000.parquet"
    if not probe.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [*_script("_generate", "invoices-parquet", "1000"), str(probe)],
            check=True,
        )
    with tempfile.TemporaryDirectory(prefix="boaudit-bench-") as scratch:
        out = Path(scratch) / "probe.json"
        command, _ = boaudit_command("invoices", probe, 1000, out)
        log = Path(scratch) / "probe.log"
        _, code = measure(command, log)
        if code == 0:
            return None
        return f"exit {code}: {last_line(log)}"


def _yardstick_list(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in YARDSTICKS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"{text!r}: choose among {', '.join(YARDSTICKS)}, separated by commas"
        )
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_generate"]:
        WRITERS[args[1]](Path(args[3]), int(args[2]))
        return 0
    if args[:1] == ["_run"]:
        engine, kind, path, out = args[1:5]
        figures = run_duckdb(kind, path) if engine == "duckdb" else run_polars(kind, path)
        Path(out).write_text(json.dumps(figures, default=str))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="Datasets are cached in $BOAUDIT_BENCH_CACHE or the user cache folder.",
    )
    parser.add_argument("--sizes", type=parse_counts, default=parse_counts("1M,10M"))
    parser.add_argument("--events", type=parse_counts, default=parse_counts("2M"))
    parser.add_argument("--parquet", type=parse_counts, default=parse_counts("100M"))
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each pair")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--no-warmup", action="store_true", help="skip the warm-up runs")
    parser.add_argument(
        "--yardsticks",
        type=_yardstick_list,
        default=list(YARDSTICKS),
        help=f"comma-separated, among {', '.join(YARDSTICKS)} (default: all)",
    )
    options = parser.parse_args(args)
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    folder = cache_dir()
    info = machine()
    print(
        f"{info['date']}, {info['cores']} cores, {info['memory_gib']} GiB, Python "
        f"{info['python']}, commit {info['commit']}; cache {folder}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    results: list[DatasetResult] = []
    skipped: list[str] = []
    plan: list[tuple[str, str, str, int]] = [
        (f"invoices-{label(n)}", "invoices", "csv", n) for n in options.sizes
    ]
    plan += [(f"events-{label(n)}", "events", "csv", n) for n in options.events]
    if options.parquet:
        why_not = parquet_probe(folder)
        if why_not is None:
            plan += [
                (f"invoices-{label(n)}.parquet", "invoices", "parquet", n) for n in options.parquet
            ]
        else:
            message = (
                "boaudit cannot read Parquet yet (a 1,000-row probe file: "
                f"{why_not}); the Parquet datasets "
                f"({', '.join(label(n) for n in options.parquet)}) are neither generated "
                "nor measured"
            )
            skipped.append(message)
            print(f"\nnote: {message}")

    def write_json() -> None:
        if options.json:
            document = {
                "machine": info,
                "command": ["benchmarks/bench_engine.py", *args],
                "rounds": options.rounds,
                "datasets": [as_json(result) for result in results],
                "not_measured": skipped,
            }
            options.json.write_text(json.dumps(document, indent=2) + "\n")

    for name, kind, fmt, count in plan:
        path = ensure(kind, fmt, count, folder)
        result = bench_dataset(
            name, kind, path, count, options.rounds, not options.no_warmup, options.yardsticks
        )
        results.append(result)
        print("\n".join(report(result)), flush=True)
        write_json()  # after each dataset: an interrupted run keeps what it measured
    print("\n==== summary (ratio = boaudit / yardstick, median of the per-round ratios)")
    for result in results:
        print("\n".join(report(result)))
    for message in skipped:
        print(f"not measured: {message}")
    if options.json:
        print(f"figures written to {options.json}")
    return 1 if any(result.failures for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
