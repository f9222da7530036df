"""Benchmarks: the bundled file, user files, and where a value stands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from boaudit.errors import ConfigError, InputMissingError
from boaudit.metrics import MetricsOptions, compute_metrics, load_benchmarks
from boaudit.metrics.benchmarks import Benchmark, bundled_benchmarks, compare_one, shortfall
from boaudit.metrics.compute import METRIC_NAMES


def _apqc() -> Benchmark:
    return next(b for b in bundled_benchmarks() if b.id == "apqc-ap-cost-per-invoice")


def test_bundled_file_is_complete() -> None:
    entries = bundled_benchmarks()
    assert len(entries) >= 15
    for entry in entries:
        assert entry.source_url.startswith("http")
        assert entry.year >= 2000
        if entry.metric:
            assert entry.metric.split(".")[0] in METRIC_NAMES[entry.kinds[0]], entry.id
    apqc = _apqc()
    assert (apqc.p25, apqc.p50, apqc.p75, apqc.n) == (2.07, 5.83, 10.0, 1485)


def test_position_between_median_and_bottom_quartile() -> None:
    comparison = compare_one(_apqc(), 7.90)
    assert comparison.standing == "between"
    assert comparison.position == (
        "7.90 is between the APQC median (5.83) and the APQC bottom quartile (10.00)"
    )
    # (7.90 - 5.83) / (10.00 - 5.83)
    assert comparison.shortfall == pytest.approx(round(2.07 / 4.17, 3))


@pytest.mark.parametrize(
    ("value", "standing", "gap"),
    [(1.50, "better-than-best", 0.0), (4.0, "between", 0.0), (12.0, "worse-than-worst", 1.0)],
)
def test_position_at_the_ends(value: float, standing: str, gap: float) -> None:
    comparison = compare_one(_apqc(), value)
    assert comparison.standing == standing
    assert comparison.shortfall == gap


def test_higher_is_better_and_best_in_class() -> None:
    hackett = next(b for b in bundled_benchmarks() if b.id == "hackett-2015-on-time-payment")
    comparison = compare_one(hackett, 0.85)
    assert comparison.position == (
        "85.0% is between the Hackett world-class (90.0%) and the Hackett median (78.0%)"
    )
    assert comparison.shortfall == 0.0
    # below the median: the gap runs to the median's mirror image of world-class (66%)
    assert shortfall(hackett, 0.72) == pytest.approx(0.5)


def test_labels_follow_the_direction() -> None:
    per_fte = next(b for b in bundled_benchmarks() if b.id == "apqc-invoices-per-fte")
    assert per_fte.label("p75") == "top quartile" and per_fte.label("p25") == "bottom quartile"
    assert _apqc().label("p25") == "top quartile"


def test_metrics_are_compared(invoices: pd.DataFrame) -> None:
    result = compute_metrics(invoices, "invoices", MetricsOptions(hourly_rate=60.0))
    ids = [c.benchmark for c in result.benchmarks]
    assert "apqc-ap-cost-per-invoice" in ids and "ardent-2019-exception-rate" in ids
    assert "apqc-invoices-per-fte" not in ids  # reference only
    exception = next(c for c in result.benchmarks if c.benchmark == "ardent-2019-exception-rate")
    assert exception.value == 0.5 and exception.standing == "worse-than-worst"


def test_user_file_adds_and_replaces(tmp_path: Path, invoices: pd.DataFrame) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        """
[[benchmark]]
id = "apqc-ap-cost-per-invoice"
kpi = "Our own cost target"
metric = "cost_per_transaction"
definition = "What the board set as the target for 2026"
unit = "USD per invoice"
direction = "lower"
p50 = 30.0
year = 2026
source = "Board minutes"
publisher = "Board"
source_url = "https://example.org/minutes"
confidence = "high"

[[benchmark]]
id = "team-dispute-target"
kpi = "Dispute rate target"
metric = "dispute_rate"
definition = "Disputed invoices over all invoices"
unit = "share"
direction = "lower"
best_in_class = 0.05
year = 2026
source = "Internal"
publisher = "Internal"
source_url = "https://example.org/targets"
confidence = "high"
""",
        encoding="utf-8",
    )
    entries = load_benchmarks(extra)
    assert len(entries) == len(bundled_benchmarks()) + 1
    result = compute_metrics(
        invoices, "invoices", MetricsOptions(hourly_rate=60.0, benchmarks=entries)
    )
    by_id = {c.benchmark: c for c in result.benchmarks}
    assert (
        by_id["apqc-ap-cost-per-invoice"].position == "37.50 is worse than the Board median (30.00)"
    )
    assert by_id["team-dispute-target"].standing == "worse-than-worst"


def test_bad_user_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[benchmark]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_benchmarks(bad)
    bad.write_text("not toml [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_benchmarks(bad)
    with pytest.raises(InputMissingError):
        load_benchmarks(tmp_path / "absent.toml")
