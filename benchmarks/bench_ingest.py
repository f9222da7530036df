"""Ingestion speed: boaudit's loader against pandas, side by side in one run.

Usage: ``python benchmarks/bench_ingest.py [--rows N] [--repeat K]``

Generates an XLSX of N rows x 12 columns (default 200,000) and a CSV of the same data times
five into ``benchmarks/out/`` (git-ignored), then times:

* XLSX: ``boaudit.ingest.load`` (python-calamine, mapping and typed parsing included) versus
  ``pandas.read_excel(engine="openpyxl")`` (no typing at all) and
  ``pandas.read_excel(engine="calamine")``;
* CSV: ``boaudit.ingest.load`` versus bare ``pandas.read_csv`` (default type inference).

Each timing is the best of ``--repeat`` runs (openpyxl runs once: it is the slow one).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from boaudit.ingest import IngestOptions, Limits, load

OUT = Path(__file__).resolve().parent / "out"
COLUMNS = [
    "Ticket ID",
    "Created",
    "Resolved",
    "Assignee",
    "Group",
    "Category",
    "Status",
    "Priority",
    "Reopens",
    "Handling time (minutes)",
    "Cost",
    "Satisfaction score",
]


def make_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A tasks export with realistic types: ids, datetimes, names, counts and amounts."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 365 * 24 * 60, rows), unit="min"
    )
    resolved = created + pd.to_timedelta(rng.integers(5, 20 * 24 * 60, rows), unit="min")
    return pd.DataFrame(
        {
            "Ticket ID": [f"T{n:07d}" for n in range(rows)],
            "Created": created,
            "Resolved": resolved,
            "Assignee": rng.choice([f"Agent {i}" for i in range(60)], rows),
            "Group": rng.choice(["Billing", "Payables", "Support", "Onboarding"], rows),
            "Category": rng.choice([f"Category {i}" for i in range(25)], rows),
            "Status": rng.choice(["Closed", "Resolved", "Open"], rows),
            "Priority": rng.choice(["1 - High", "2 - Medium", "3 - Low"], rows),
            "Reopens": rng.integers(0, 3, rows),
            "Handling time (minutes)": rng.integers(1, 240, rows),
            "Cost": np.round(rng.uniform(1, 500, rows), 2),
            "Satisfaction score": rng.integers(1, 6, rows),
        },
        columns=COLUMNS,
    )


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """The fastest of ``repeat`` timed calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Generate the files, time every reader and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="XLSX rows (default 200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per fast reader")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    xlsx = OUT / f"tasks_{args.rows}.xlsx"
    csv_rows = args.rows * 5
    csv = OUT / f"tasks_{csv_rows}.csv"
    if not xlsx.exists():
        print(f"writing {xlsx} ...", flush=True)
        make_frame(args.rows).to_excel(xlsx, index=False, engine="openpyxl")
    if not csv.exists():
        print(f"writing {csv} ...", flush=True)
        make_frame(csv_rows).to_csv(csv, index=False)
    options = IngestOptions(limits=Limits(max_rows=10_000_000))

    def boaudit_xlsx() -> None:
        result = load([xlsx], "tasks", options)
        assert len(result.frame) == args.rows

    def boaudit_csv() -> None:
        result = load([csv], "tasks", options)
        assert len(result.frame) == csv_rows

    print(f"\nXLSX, {args.rows:,} rows x {len(COLUMNS)} columns ({xlsx.stat().st_size:,} bytes)")
    t_boaudit = best_of(args.repeat, boaudit_xlsx)
    t_calamine = best_of(args.repeat, lambda: pd.read_excel(xlsx, engine="calamine"))
    t_openpyxl = best_of(1, lambda: pd.read_excel(xlsx, engine="openpyxl"))
    print(f"  boaudit.ingest.load (calamine, typed)      {t_boaudit:8.2f} s")
    print(f"  pandas.read_excel(engine='calamine')       {t_calamine:8.2f} s")
    print(f"  pandas.read_excel(engine='openpyxl')       {t_openpyxl:8.2f} s")
    print(f"  openpyxl / boaudit: {t_openpyxl / t_boaudit:.1f}x faster")

    print(f"\nCSV, {csv_rows:,} rows x {len(COLUMNS)} columns ({csv.stat().st_size:,} bytes)")
    t_load = best_of(args.repeat, boaudit_csv)
    t_pandas = best_of(args.repeat, lambda: pd.read_csv(csv))

    def pandas_dates() -> None:
        frame = pd.read_csv(csv)
        for column in ("Created", "Resolved"):
            frame[column] = pd.to_datetime(frame[column], utc=True)

    t_dates = best_of(args.repeat, pandas_dates)
    print(f"  boaudit.ingest.load (typed)                {t_load:8.2f} s")
    print(f"  pandas.read_csv (bare)                     {t_pandas:8.2f} s")
    print(f"  pandas.read_csv + to_datetime (2 columns)  {t_dates:8.2f} s")
    print(f"  boaudit / bare pandas: {t_load / t_pandas:.1f}x the time")
    print(f"  boaudit / pandas with dates: {t_load / t_dates:.1f}x the time")


if __name__ == "__main__":
    main()
