"""Benchmarks: the bundled file, user files, and where a value stands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from boaudit.errors import ConfigError, InputMissingError
from boaudit.metrics import MetricsOptions, compute_metrics, load_benchmarks
from boaudit.metrics.benchmarks import (
    Benchmark,
    anchor,
    bundled_benchmarks,
    compare,
    compare_one,
    headline_benchmarks,
    shortfall,
    shown_value,
    verdict,
    verdict_sentence,
)
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


# --- one headline per KPI -------------------------------------------------------------------


def _entry(id: str, **fields: object) -> Benchmark:
    base: dict[str, object] = {
        "id": id,
        "kpi": "Cost per invoice",
        "metric": "cost_per_transaction",
        "definition": "Cost to process one invoice",
        "unit": "USD per invoice",
        "direction": "lower",
        "year": 2020,
        "source": f"{id} survey",
        "publisher": id.split("-")[0].capitalize(),
        "source_url": "https://example.org/",
        "confidence": "medium",
    }
    return Benchmark.model_validate({**base, **fields})


def test_headline_same_definition_beats_a_newer_year() -> None:
    old_same = compare_one(_entry("hackett-2015", year=2015, p50=4.80), 9.83)
    new_differs = compare_one(
        _entry("apqc-2017", year=2017, p50=5.83, differs="Whole process cost"), 9.83
    )
    (group,) = headline_benchmarks([new_differs, old_same])
    assert group.metric == "cost_per_transaction"
    assert group.headline.benchmark == "hackett-2015"
    assert [c.benchmark for c in group.others] == ["apqc-2017"]


def test_headline_most_recent_year_then_highest_confidence_then_file_order() -> None:
    entries = [
        _entry("alpha-2019", year=2019, average=10.08, confidence="high"),
        _entry("beta-2024", year=2024, average=9.40, confidence="low"),
        _entry("gamma-2024", year=2024, average=9.00, confidence="medium"),
        _entry("delta-2024", year=2024, average=8.00, confidence="medium"),
    ]
    (group,) = headline_benchmarks([compare_one(e, 8.28) for e in entries])
    assert [c.benchmark for c in group.every] == [
        "gamma-2024",
        "delta-2024",
        "beta-2024",
        "alpha-2019",
    ]


def test_headline_groups_by_our_metric_in_order_of_appearance() -> None:
    cost = compare_one(_entry("alpha-2019", average=10.0), 8.0)
    days = compare_one(_entry("beta-2019", metric="approval_time_days.mean", average=9.2), 8.0)
    cost_again = compare_one(_entry("gamma-2021", year=2021, average=9.4), 8.0)
    groups = headline_benchmarks([cost, days, cost_again])
    assert [(g.metric, g.headline.benchmark, len(g.others)) for g in groups] == [
        ("cost_per_transaction", "gamma-2021", 1),
        ("approval_time_days.mean", "beta-2019", 0),
    ]
    assert headline_benchmarks([]) == ()


@pytest.mark.parametrize(
    ("value", "expected", "sentence"),
    [
        # 5.13 / 5.83 = 0.880: 12% below the median
        (5.13, "better", "12% below the Apqc median (5.83): better"),
        (5.83, "better", "at the Apqc median (5.83): better"),
        # (9.83 - 5.83) / 5.83 = 0.686
        (9.83, "in range", "69% above the Apqc median (5.83): in range"),
        (10.00, "in range", "72% above the Apqc median (5.83): in range"),
        (12.00, "worse", "106% above the Apqc median (5.83): worse"),
    ],
)
def test_verdict_against_quartiles(value: float, expected: str, sentence: str) -> None:
    comparison = compare_one(_entry("apqc-2017", p25=2.07, p50=5.83, p75=10.00), value)
    assert verdict(comparison) == expected
    assert verdict_sentence(comparison) == sentence


def test_verdict_with_only_an_average_is_better_or_worse() -> None:
    entry = _entry("ardent-2024", year=2024, average=9.40)
    # (9.40 - 8.28) / 9.40 = 0.119
    assert verdict_sentence(compare_one(entry, 8.28)) == (
        "12% below the Ardent average (9.40): better"
    )
    # (9.83 - 9.40) / 9.40 = 0.046
    assert verdict_sentence(compare_one(entry, 9.83)) == "5% above the Ardent average (9.40): worse"


def test_verdict_higher_is_better_share_in_points() -> None:
    entry = _entry(
        "hackett-2015",
        unit="share",
        direction="higher",
        best_in_class=0.90,
        p50=0.78,
        best_label="world-class",
    )
    assert verdict_sentence(compare_one(entry, 0.805)) == (
        "2.5 points above the Hackett median (78.0%): better"
    )
    # below the median, and the median is the worst published point
    assert verdict_sentence(compare_one(entry, 0.72)) == (
        "6.0 points below the Hackett median (78.0%): worse"
    )


def test_verdict_without_a_middle_starts_from_the_best_point() -> None:
    entry = _entry("apqc-2023", direction="higher", unit="per FTE", p25=6488, p75=20964)
    comparison = compare_one(entry, 10000)
    assert anchor(comparison) == ("p75", 20964.0)
    assert verdict(comparison) == "in range"
    # (20964 - 10000) / 20964 = 0.523
    assert verdict_sentence(comparison) == ("52% below the Apqc top quartile (20,964.00): in range")
    assert verdict(compare_one(entry, 5000)) == "worse"
    assert verdict(compare_one(entry, 25000)) == "better"


def test_bundled_headlines_for_invoices() -> None:
    metrics = {
        "cost_per_transaction": 8.28,
        "approval_time_days": {"mean": 9.0},
        "on_time_payment_rate": 0.8,
        "error_rate": 0.05,
    }
    groups = headline_benchmarks(compare(metrics, "invoices", bundled_benchmarks()))
    assert [(g.metric, g.headline.benchmark, len(g.others)) for g in groups] == [
        ("cost_per_transaction", "ardent-2024-cost-per-invoice", 3),
        ("approval_time_days.mean", "ardent-2025-receipt-to-payment-ready", 2),
        ("error_rate", "ardent-2019-exception-rate", 0),
        ("on_time_payment_rate", "hackett-2015-on-time-payment", 1),
    ]
    cost = groups[0]
    assert [c.benchmark for c in cost.others] == [
        "ardent-2019-cost-per-invoice",
        "apqc-ap-cost-per-invoice",
        "hackett-2015-cost-per-invoice",
    ]
    assert verdict_sentence(cost.headline) == "12% below the Ardent average (9.40): better"
    assert cost.headline.differs.endswith("a cost priced from handling minutes is labour only.")


def test_verdict_prints_durations_with_one_decimal() -> None:
    entry = _entry("ardent-2025", unit="days", year=2025, best_in_class=3.1, average=17.4)
    # (17.4 - 5.02) / 17.4 = 0.711
    assert verdict_sentence(compare_one(entry, 5.02)) == (
        "71% below the Ardent average (17.4): better"
    )
    assert shown_value(5.02, "days") == "5.0"
    assert shown_value(0.003, "share") == "0.3%"
    assert shown_value(1234.5, "USD per invoice") == "1,234.50"
