"""The engine benchmark's pure parts: sizes, per-pair ratios, targets, agreement, the datasets'
numbering, and the yardstick queries against hand-computed figures (nothing here is timed)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from boaudit.ingest.options import DEFAULT_COMPLETION_PATTERNS, Limits

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "bench_engine.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_engine"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load()

INVOICES_CSV = """\
Invoice Number,Vendor,Invoice Date,Received,Approved,Paid,Due Date,Amount,Currency,Status,Exception,Disputed,PO Number,Processed By,Team,Provider,Handling Minutes
INV-001,Acme,2026-01-01,2026-01-02 00:00,2026-01-03 00:00,2026-01-06 00:00,2026-01-31,100.00,USD,Paid,No,No,PO-1,Clerk A,AP,In-house,30.0
inv 1,ACME,2026-01-01,2026-01-02 12:00,2026-01-04 12:00,2026-02-02 12:00,2026-01-31,100.00,USD,Paid,Yes,No,PO-2,Clerk B,AP,In-house,60.0
INV-3,Beta,2026-01-10,,2026-01-12 06:00,,2026-02-09,250.50,EUR,Approved,No,Yes,,Clerk A,AP,In-house,15.0
INV-4,Beta,2026-01-05,2026-01-06 00:00,,2026-01-08 00:00,2026-01-05,80.00,USD,Paid,,No,PO-4,Clerk B,AP,In-house,
INV-5,Gamma,2026-01-20,2026-01-21 00:00,2026-01-20 00:00,2026-01-22 00:00,2026-02-20,100.00,USD,Paid,No,No,PO-5,Clerk A,AP,In-house,45.0
"""
# By hand: cycle times (paid - received, else invoice date) 4, 31, 2 and 1 days; approval
# times 1, 2 and 2.25 days (row 5 approved before it was received: left out); on time: rows
# 1 and 5 of the four paid; handling 30, 60, 15, 45 minutes at 45 an hour; rows 1 and 2 are
# one exact duplicate group (same vendor in another case, INV-001 and "inv 1" normalise to
# INV1), 100.00 paid twice.
INVOICES_EXPECTED = {
    "count": 5,
    "completed": 4,
    "cycle_time_days.mean": 9.5,
    "cycle_time_days.median": 3.0,
    "cycle_time_days.p90": 22.9,  # sorted 1, 2, 4, 31: 4 + 0.7 x 27
    "cycle_time_days.n": 4,
    "approval_time_days.mean": 1.75,
    "approval_time_days.median": 2.0,
    "approval_time_days.p90": 2.2,  # sorted 1, 2, 2.25: 2 + 0.8 x 0.25
    "approval_time_days.n": 3,
    "error_rate": 0.25,  # 1 of the 4 rows where it is known
    "dispute_rate": 0.2,
    "on_time_payment_rate": 0.5,
    "cost_per_transaction": 28.125,  # (22.5 + 45 + 11.25 + 33.75) / 4
    "duplicate_suspects.exact.groups": 1,
    "duplicate_suspects.exact.invoices": 2,
    "duplicate_suspects.exact.extra_amount": 100.0,
}

EVENTS_CSV = """\
Case ID,Activity,Timestamp,Resource
C1,Receive invoice,2026-01-01 00:00:00,Clerk A
C2,Receive invoice,2026-01-02 00:00:00,Clerk B
C2,Receive invoice,2026-01-02 00:00:00,Clerk B
C1,Check invoice,2026-01-01 12:00:00,Clerk A
C1,Check invoice,2026-01-02 00:00:00,Clerk B
C2,Close case,2026-01-02 06:00:00,Clerk B
C1,Pay invoice,2026-01-03 00:00:00,Clerk A
C3,Receive invoice,2026-01-05 00:00:00,Clerk A
C3,Check invoice,2026-01-06 00:00:00,Clerk A
C4,Receive invoice,2026-01-07 00:00:00,Clerk B
C4,Remove Payment Block,2026-01-08 00:00:00,Clerk B
"""
# By hand: C1 paid after 2 days with "Check invoice" twice (rework); C2 closed after 0.25
# days (its exact duplicate row is not a repeat); C3 and C4 are open ("Payment" is not the
# whole word "pay").
EVENTS_EXPECTED = {
    "count": 4,
    "completed": 2,
    "cycle_time_days.mean": 1.125,
    "cycle_time_days.median": 1.125,
    "cycle_time_days.p90": 1.825,  # 0.25 + 0.9 x 1.75
    "cycle_time_days.n": 2,
    "rework_rate": 0.25,
}


@pytest.fixture
def invoices_csv(tmp_path: Path) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text(INVOICES_CSV, encoding="utf-8")
    return path


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV, encoding="utf-8")
    return path


def _run(wall: float, cpu: float, rss: float = 100.0) -> object:
    return bench.Run(wall=wall, cpu=cpu, rss_mib=rss)


def test_counts_parse_and_label() -> None:
    assert bench.parse_counts("1M,10M") == [1_000_000, 10_000_000]
    assert bench.parse_counts("200k, 1.5M,2_000") == [200_000, 1_500_000, 2_000]
    assert bench.parse_counts("") == []
    assert [bench.label(n) for n in (1_000_000, 200_000, 1_500, 1_500_000, 1_234)] == [
        "1M",
        "200k",
        "1.5k",
        "1.5M",
        "1.234k",
    ]
    for bad in ("ten", "0", "-3k"):
        with pytest.raises(Exception, match="count"):
            bench.parse_count(bad)


def test_a_pair_is_the_median_of_its_per_round_ratios() -> None:
    # Ratios per round 2, 1 and 3: the median is 2, where the ratio of the medians would say
    # 4/3 and the ratio of the best runs 2/1.
    ours = [_run(2.0, 3.0), _run(4.0, 8.0), _run(9.0, 9.0)]
    theirs = [_run(1.0, 1.0), _run(4.0, 2.0), _run(3.0, 3.0)]
    pair = bench.summarise(ours, theirs)
    assert pair.wall_ratios == [2.0, 1.0, 3.0]
    assert pair.wall_ratio == 2.0
    assert pair.cpu_ratios == [3.0, 4.0, 3.0]
    assert pair.cpu_ratio == 3.0
    # An even number of rounds: the mean of the two middle ratios.
    even = bench.summarise(ours[:2], theirs[:2])
    assert even.wall_ratio == 1.5
    with pytest.raises(ValueError):
        bench.summarise(ours, theirs[:2])
    with pytest.raises(ValueError):
        bench.summarise([], [])


def test_a_zero_time_gives_an_infinite_ratio_not_an_error() -> None:
    assert bench.ratio(1.0, 0.0) == float("inf")
    assert bench.ratio(3.0, 2.0) == 1.5


def test_rounds_alternate_which_contender_runs_first() -> None:
    assert [bench.order_of_round(i)[0] for i in range(4)] == [True, False, True, False]
    assert all(a != b for a, b in (bench.order_of_round(i) for i in range(4)))


def test_targets_and_verdicts() -> None:
    assert bench.targets_for("invoices-2M") == []
    time_target, memory_target = bench.targets_for("invoices-10M")
    assert (time_target.yardstick, time_target.max_ratio) == ("duckdb", 1.5)
    pairs = {"duckdb": bench.summarise([_run(3.0, 1.0)], [_run(2.0, 1.0)])}
    assert bench.verdict(time_target, pairs, 0, 1) == "met"  # exactly 1.5x
    pairs = {"duckdb": bench.summarise([_run(3.1, 1.0)], [_run(2.0, 1.0)])}
    assert bench.verdict(time_target, pairs, 0, 1) == "MISSED"
    assert bench.verdict(time_target, {}, 0, 1) == "not measured"
    assert bench.verdict(memory_target, {}, 200.0, 100) == "met"
    assert bench.verdict(memory_target, {}, 201.0, 100) == "MISSED"
    (big,) = bench.targets_for("invoices-100M.parquet")
    assert bench.verdict(big, {}, 6 * 2**30 - 1, 1) == "met"
    assert bench.verdict(big, {}, 6 * 2**30, 1) == "MISSED"
    first = bench.targets_for("invoices-1M")[0]
    assert (first.yardstick, first.max_ratio) == ("pandas.read_csv", bench.BASELINE_1M_READ_CSV)
    assert bench.targets_for("events-2M")[1].max_memory_ratio == 3.0


def test_agreement_allows_output_rounding_only() -> None:
    ours = {"a": 1.2345671, "b": None, "c": 3, "d": 10.0}
    assert (
        bench.disagreements(ours, {"a": 1.234568, "b": float("nan"), "c": 3, "d": 10.0}, "abcd")
        == []
    )
    assert bench.disagreements(ours, {"a": 1.23458, "b": 0.0, "c": 4, "d": 10.0}, "abcd") == [
        "a: 1.234567 vs 1.23458",
        "b: None vs 0.0",
        "c: 3 vs 4",
    ]
    assert bench.flatten({"x": {"y": 1, "z": {"w": 2}}, "l": [1], "v": None}) == {
        "x.y": 1,
        "x.z.w": 2,
        "v": None,
    }


def test_constants_copied_from_boaudit_stay_equal() -> None:
    assert bench.COMPLETION_PATTERNS == DEFAULT_COMPLETION_PATTERNS
    limits = Limits()
    assert limits.max_rows == bench.DEFAULT_MAX_ROWS
    assert limits.max_bytes == bench.DEFAULT_MAX_BYTES


def _normalised(number: str) -> str:
    """boaudit's invoice-number normalisation (upper case, letters and digits, no leading
    zeros in a run of digits)."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", re.sub(r"[^0-9A-Z]", "", number.upper()))


def test_blocks_keep_their_duplicates_and_never_share_numbers() -> None:
    numbers = ["INV-100123", "inv 100123", "INV-9100123"]
    assert bench.tag_block(numbers, 3) == ["INV-3B100123", "inv 3B100123", "INV-3B9100123"]
    tagged = {b: [_normalised(n) for n in bench.tag_block(numbers, b)] for b in (3, 39)}
    for block in tagged.values():
        assert block[0] == block[1] != block[2]  # exact re-entry kept, near one kept apart
    assert not set(tagged[3]) & set(tagged[39])  # block 3's near number is not block 39's
    assert bench.chunk_sizes(2_500_000) == [1_000_000, 1_000_000, 500_000]
    assert bench.chunk_sizes(10, 10) == [10]


def test_the_event_log_has_the_asked_size_in_time_order() -> None:
    log = bench.event_log(5_000)
    assert len(log) == 5_000
    assert list(log.columns) == ["Case ID", "Activity", "Timestamp", "Resource"]
    assert log["Timestamp"].is_monotonic_increasing
    assert 400 <= log["Case ID"].nunique() <= 600
    first = log.groupby("Case ID", sort=False)["Activity"].first()
    assert set(first) == {"Receive invoice"}
    assert bench.event_log(5_000).equals(log)  # seeded


def test_the_parent_process_stays_small() -> None:
    # A child's peak RSS includes its parent's at the time it was started: the script that
    # starts the contenders must not import the heavy libraries itself.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench_engine; "
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'duckdb', 'polars', 'boaudit') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(SCRIPT.parent)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_duckdb_query_gives_the_hand_figures(invoices_csv: Path, events_csv: Path) -> None:
    pytest.importorskip("duckdb", reason="duckdb is in the bench extra")
    figures = bench.run_duckdb("invoices", str(invoices_csv))
    assert bench.disagreements(INVOICES_EXPECTED, figures, bench.INVOICE_FIGURES) == []
    assert figures["count"] == 5
    events = bench.run_duckdb("events", str(events_csv))
    assert bench.disagreements(EVENTS_EXPECTED, events, bench.EVENT_FIGURES) == []


def test_polars_query_gives_the_hand_figures(invoices_csv: Path, events_csv: Path) -> None:
    pytest.importorskip("polars", reason="polars is in the bench extra")
    figures = bench.run_polars("invoices", str(invoices_csv))
    assert bench.disagreements(INVOICES_EXPECTED, figures, bench.INVOICE_FIGURES) == []
    events = bench.run_polars("events", str(events_csv))
    assert bench.disagreements(EVENTS_EXPECTED, events, bench.EVENT_FIGURES) == []


def test_the_yardstick_computes_what_boaudit_computes(tmp_path: Path, invoices_csv: Path) -> None:
    pytest.importorskip("duckdb", reason="duckdb is in the bench extra")
    out = tmp_path / "boaudit.json"
    command, note = bench.boaudit_command("invoices", invoices_csv, 5, out)
    assert note is None and "--max-rows" not in command
    subprocess.run(command, check=True, capture_output=True)
    ours = bench.flatten(json.loads(out.read_text())["metrics"])
    assert bench.disagreements(ours, INVOICES_EXPECTED, bench.INVOICE_FIGURES) == []
    sample = REPO / "sample_data" / "exports" / "invoices.csv"
    command, _ = bench.boaudit_command("invoices", sample, 3000, out)
    subprocess.run(command, check=True, capture_output=True)
    ours = bench.flatten(json.loads(out.read_text())["metrics"])
    theirs = bench.run_duckdb("invoices", str(sample))
    assert bench.disagreements(ours, theirs, bench.INVOICE_FIGURES) == []
    assert ours["count"] == 3000


def test_a_file_beyond_the_defaults_gets_raised_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("x\n")
    command, note = bench.boaudit_command("events", path, 6_000_000, tmp_path / "o.json")
    assert command[command.index("--max-rows") + 1] == "12000000"
    assert "--hourly-rate" not in command
    assert note is not None and "--max-rows 12000000" in note
