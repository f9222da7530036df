"""Money at stake (report/impact.py) on small hand-made inputs, every figure worked out by hand.

Each estimate: the formula, the assumptions printed beside it, the options that change it, and
no figure when an input is missing. tests/report/test_report.py covers one built report end to end;
these tests call :func:`estimate_impacts` directly so that one number moves at a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hand_results import results
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.findings.impact import ImpactAssumptions
from boaudit.findings.impact import estimate_impacts as _estimate_impacts
from boaudit.findings.model import Impact
from boaudit.ingest import IngestOptions, load
from boaudit.metrics.facts import DataFacts, data_facts
from boaudit.report.build import ReportOptions
from boaudit.report.build import build_report as _build_report
from boaudit.report.model import Report


def build_report(assessment: Any, documents: Any, *args: Any, **kwargs: Any) -> Report:
    """The report of hand-written metrics documents by kind (see hand_results)."""
    return _build_report(assessment, results(documents), *args, **kwargs)


def estimate_impacts(documents: Any, *args: Any, **kwargs: Any) -> dict[str, Impact]:
    """Money at stake of hand-written metrics documents by kind (see hand_results)."""
    return _estimate_impacts(results(documents), *args, **kwargs)


runner = CliRunner()

# 500 items over 73 days: 500 x 365 / 73 = 2,500 a year.
SPAN = DataFacts(span_days=73.0)
VOLUME_TEXT = "500 invoices over 73 days = 2,500 a year"


def cost_benchmark(references: dict[str, float], source: str = "APQC") -> dict[str, Any]:
    return {"metric": "cost_per_transaction", "references": references, "source": source}


def doc(
    count: float | None = 500,
    cost: Any = None,
    error_rate: float | None = None,
    extra_amount: float | None = None,
    benchmarks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    metrics: dict[str, Any] = {
        "count": count,
        "cost_per_transaction": cost,
        "error_rate": error_rate,
    }
    if extra_amount is not None:
        metrics["duplicate_suspects"] = {"exact": {"groups": 1, "extra_amount": extra_amount}}
    return {"metrics": metrics, "benchmarks": benchmarks or []}


MEDIAN_6 = [cost_benchmark({"p25": 3.0, "p50": 6.0, "p75": 9.0})]


def impacts_of(
    document: dict[str, Any],
    assumptions: ImpactAssumptions | None = None,
    facts: DataFacts | None = SPAN,
    kind: str = "invoices",
) -> dict[str, Any]:
    return estimate_impacts(
        {kind: document},
        assumptions or ImpactAssumptions(),
        None if facts is None else {kind: facts},
    )


# --- technology: annual volume x (cost per transaction - benchmark median) ----------------------


def test_technology_is_annual_volume_times_cost_above_the_median() -> None:
    impact = impacts_of(doc(cost=8.0, benchmarks=MEDIAN_6))["technology"]
    # 2,500 a year x (8.00 - 6.00) = 5,000
    assert impact.amount == pytest.approx(5000.0)
    assert impact.currency == "USD"
    assert impact.per_year is True
    assert impact.basis == f"{VOLUME_TEXT} x (cost per transaction 8.00 - APQC p50 6.00)"
    assert impact.assumptions == (VOLUME_TEXT, "benchmark: APQC p50 6.00")


@pytest.mark.parametrize("cost", [6.0, 5.5, 0.0])
def test_no_technology_estimate_when_cost_is_at_or_below_the_median(cost: float) -> None:
    assert "technology" not in impacts_of(doc(cost=cost, benchmarks=MEDIAN_6))


def test_no_technology_estimate_without_a_benchmark_for_the_cost() -> None:
    other = [{"metric": "error_rate", "references": {"p50": 0.01}, "source": "APQC"}]
    assert "technology" not in impacts_of(doc(cost=8.0, benchmarks=other))


def test_the_average_stands_in_when_a_benchmark_has_no_median() -> None:
    benchmarks = [cost_benchmark({"best_in_class": 2.0, "average": 7.0}, source="Ardent")]
    impact = impacts_of(doc(cost=9.0, benchmarks=benchmarks))["technology"]
    # 2,500 a year x (9.00 - 7.00) = 5,000
    assert impact.amount == pytest.approx(5000.0)
    assert "benchmark: Ardent average 7.00" in impact.assumptions


def test_a_benchmark_without_median_or_average_is_skipped_for_the_next_one() -> None:
    benchmarks = [
        cost_benchmark({"best_in_class": 1.0}, source="Hackett"),
        cost_benchmark({"p50": 4.0}, source="APQC"),
    ]
    impact = impacts_of(doc(cost=5.0, benchmarks=benchmarks))["technology"]
    # 2,500 a year x (5.00 - 4.00) = 2,500
    assert impact.amount == pytest.approx(2500.0)
    assert impact.assumptions[1] == "benchmark: APQC p50 4.00"


def test_a_cost_given_as_an_object_is_read_from_its_value() -> None:
    impact = impacts_of(doc(cost={"value": 7.0}, benchmarks=MEDIAN_6))["technology"]
    # 2,500 a year x (7.00 - 6.00) = 2,500
    assert impact.amount == pytest.approx(2500.0)


# --- processes: errors a year x the cost of fixing one ------------------------------------------


def test_errors_a_year_times_the_cost_per_transaction() -> None:
    impact = impacts_of(doc(cost=8.0, error_rate=0.04))["processes"]
    # 2,500 a year x 4% = 100 errors x 8.00 (one more handling) = 800
    assert impact.amount == pytest.approx(800.0)
    assert impact.basis == "100 errors a year (4.0% of 2,500) x 8.00 to fix one"
    assert impact.assumptions == (VOLUME_TEXT, "cost to fix one error: cost per transaction")


def test_a_given_error_cost_replaces_the_cost_per_transaction() -> None:
    impact = impacts_of(doc(cost=8.0, error_rate=0.04), ImpactAssumptions(error_cost=25.0))[
        "processes"
    ]
    # 100 errors x 25.00 = 2,500
    assert impact.amount == pytest.approx(2500.0)
    assert impact.basis.endswith("x 25.00 to fix one")
    assert impact.assumptions[1] == "cost to fix one error: given"


def test_a_given_error_cost_estimates_even_without_any_cost_data() -> None:
    impacts = impacts_of(doc(cost=None, error_rate=0.04), ImpactAssumptions(error_cost=12.0))
    # 100 errors x 12.00 = 1,200; there is no cost to compare with a benchmark
    assert impacts["processes"].amount == pytest.approx(1200.0)
    assert "technology" not in impacts


@pytest.mark.parametrize(
    ("cost", "error_rate"),
    [(8.0, 0.0), (8.0, None), (None, 0.04)],
    ids=["no errors", "error rate unknown", "no cost to fix"],
)
def test_no_error_estimate_when_an_input_is_missing(
    cost: float | None, error_rate: float | None
) -> None:
    assert "processes" not in impacts_of(doc(cost=cost, error_rate=error_rate))


# --- annual volume ------------------------------------------------------------------------------


def test_a_given_annual_volume_replaces_the_annualised_data() -> None:
    assumptions = ImpactAssumptions(annual_volume={"invoices": 10_000})
    impacts = impacts_of(doc(cost=8.0, error_rate=0.04, benchmarks=MEDIAN_6), assumptions)
    # technology 10,000 x (8.00 - 6.00) = 20,000; processes 10,000 x 4% = 400 x 8.00 = 3,200
    assert impacts["technology"].amount == pytest.approx(20_000.0)
    assert impacts["processes"].amount == pytest.approx(3200.0)
    assert impacts["technology"].assumptions[0] == "10,000 invoices a year (given)"


def test_a_given_annual_volume_needs_no_data_span() -> None:
    assumptions = ImpactAssumptions(annual_volume={"invoices": 1000})
    impact = impacts_of(doc(cost=8.0, benchmarks=MEDIAN_6), assumptions, facts=None)["technology"]
    assert impact.amount == pytest.approx(2000.0)  # 1,000 x (8.00 - 6.00)


def test_a_volume_given_for_another_kind_does_not_apply() -> None:
    assumptions = ImpactAssumptions(annual_volume={"tasks": 9_999})
    impact = impacts_of(doc(cost=8.0, benchmarks=MEDIAN_6), assumptions)["technology"]
    assert impact.amount == pytest.approx(5000.0)  # still 2,500 a year x 2.00
    assert impact.assumptions[0] == VOLUME_TEXT


def test_data_spanning_less_than_a_day_counts_as_one_day() -> None:
    impact = impacts_of(
        doc(count=2, cost=8.0, benchmarks=MEDIAN_6), facts=DataFacts(span_days=0.25)
    )["technology"]
    # 2 x 365 / max(0.25, 1) = 730 a year x (8.00 - 6.00) = 1,460
    assert impact.amount == pytest.approx(1460.0)


@pytest.mark.parametrize(
    ("count", "facts"),
    [(500, None), (500, DataFacts(span_days=None)), (500, DataFacts(span_days=0.0)), (None, SPAN)],
    ids=["no facts", "no span", "zero span", "no count"],
)
def test_no_yearly_estimate_without_a_volume(count: float | None, facts: DataFacts | None) -> None:
    impacts = impacts_of(
        doc(count=count, cost=8.0, error_rate=0.04, benchmarks=MEDIAN_6), facts=facts
    )
    assert "technology" not in impacts and "processes" not in impacts


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 1_000_000), st.integers(2, 5))
def test_yearly_figures_scale_with_the_given_volume(volume: int, factor: int) -> None:
    document = doc(cost=8.0, error_rate=0.04, benchmarks=MEDIAN_6)
    once = impacts_of(document, ImpactAssumptions(annual_volume={"invoices": volume}))
    scaled = impacts_of(document, ImpactAssumptions(annual_volume={"invoices": volume * factor}))
    for pitfall in ("technology", "processes"):
        assert scaled[pitfall].amount == pytest.approx(once[pitfall].amount * factor)


# --- data: exact duplicate invoices -------------------------------------------------------------


def test_duplicates_are_the_amount_in_the_data_not_a_yearly_figure() -> None:
    impact = impacts_of(doc(extra_amount=1234.5))["data"]
    # found in the data as it is: not scaled by the 2,500-a-year volume
    assert impact.amount == 1234.5
    assert impact.per_year is False and impact.span == "in the data"
    assert impact.basis.startswith("1,234.50 in invoices that repeat another's vendor")
    assert impact.assumptions == (
        "every exact duplicate beyond the first would be paid if not caught",
    )


def test_duplicates_need_no_volume() -> None:
    assert impacts_of(doc(count=None, extra_amount=99.0), facts=None)["data"].amount == 99.0


@pytest.mark.parametrize("extra", [0.0, -5.0])
def test_no_duplicate_estimate_when_nothing_repeats(extra: float) -> None:
    assert "data" not in impacts_of(doc(extra_amount=extra))


# --- resources: late payments x a rate the user gives -------------------------------------------


def test_late_payments_times_the_given_rate() -> None:
    facts = DataFacts(span_days=73.0, late_amount=3000.0)
    impact = impacts_of(doc(), ImpactAssumptions(late_payment_rate=0.02), facts)["resources"]
    # 3,000 late in 500 invoices; 2,500 a year -> x5 -> 15,000 late a year x 2% = 300
    assert impact.amount == pytest.approx(300.0)
    assert impact.basis == "15,000.00 paid late a year x 2.0%"
    assert impact.assumptions == (VOLUME_TEXT, "late-payment cost rate 2.0% (given)")


def test_late_payments_scale_with_a_given_annual_volume() -> None:
    assumptions = ImpactAssumptions(late_payment_rate=0.02, annual_volume={"invoices": 1000})
    facts = DataFacts(span_days=73.0, late_amount=3000.0)
    # 1,000 a year / 500 in the data = x2 -> 6,000 late a year x 2% = 120
    assert impacts_of(doc(), assumptions, facts)["resources"].amount == pytest.approx(120.0)


@pytest.mark.parametrize(
    ("rate", "late"),
    [(None, 3000.0), (0.02, None), (0.02, 0.0)],
    ids=["no rate given", "late amount unknown", "nothing paid late"],
)
def test_no_late_payment_estimate_without_a_rate_and_a_late_amount(
    rate: float | None, late: float | None
) -> None:
    facts = DataFacts(span_days=73.0, late_amount=late)
    assert "resources" not in impacts_of(doc(), ImpactAssumptions(late_payment_rate=rate), facts)


def test_mixed_currencies_are_said_beside_the_late_payment_figure() -> None:
    facts = DataFacts(span_days=73.0, late_amount=3000.0, currency="EUR", currencies=2)
    impact = impacts_of(doc(), ImpactAssumptions(late_payment_rate=0.02), facts)["resources"]
    assert impact.assumptions[0] == (
        "the invoices are in 2 currencies, added as they are "
        "(convert the export to one currency for an exact figure)"
    )


# --- currency and several kinds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_currency", "data_currency", "expected"),
    [(None, None, "USD"), (None, "EUR", "EUR"), ("GBP", "EUR", "GBP")],
    ids=["default", "from the data", "given beats the data"],
)
def test_currency_of_every_figure(
    given_currency: str | None, data_currency: str | None, expected: str
) -> None:
    facts = DataFacts(span_days=73.0, currency=data_currency)
    impacts = impacts_of(
        doc(cost=8.0, error_rate=0.04, extra_amount=10.0, benchmarks=MEDIAN_6),
        ImpactAssumptions(currency=given_currency),
        facts,
    )
    assert {pitfall: i.currency for pitfall, i in impacts.items()} == {
        "technology": expected,
        "processes": expected,
        "data": expected,
    }


def test_estimates_from_several_kinds_are_added_with_both_bases() -> None:
    metrics = {
        "invoices": doc(cost=8.0, error_rate=0.04),
        "tasks": doc(count=100, cost=5.0, error_rate=0.1),
    }
    facts = {"invoices": SPAN, "tasks": DataFacts(span_days=365.0)}
    impact = estimate_impacts(metrics, ImpactAssumptions(), facts)["processes"]
    # invoices: 100 errors x 8.00 = 800; tasks: 100 a year x 10% = 10 errors x 5.00 = 50
    assert impact.amount == pytest.approx(850.0)
    assert impact.basis == (
        "100 errors a year (4.0% of 2,500) x 8.00 to fix one; "
        "10 errors a year (10.0% of 100) x 5.00 to fix one"
    )
    assert impact.assumptions == (
        VOLUME_TEXT,
        "cost to fix one error: cost per transaction",
        "100 tasks over 365 days = 100 a year",
        "cost to fix one error: cost per transaction",
    )
    assert impact.per_year is True


# --- the assumptions in words -------------------------------------------------------------------


def test_default_assumptions_in_words_name_their_options() -> None:
    assert ImpactAssumptions().describe() == {
        "annual_volume": (
            "annual volume: items in the data x 365 / days the data spans (--annual-volume KIND=N)"
        ),
        "error_cost": (
            "cost to fix one error: one more handling, i.e. the cost per transaction "
            "(--error-cost AMOUNT)"
        ),
        "late_payment_rate": (
            "cost of late payment: not estimated unless given (--late-payment-rate RATE)"
        ),
        "currency": "currency: from the data, else USD (--currency)",
    }


def test_given_assumptions_in_words_show_the_values() -> None:
    words = ImpactAssumptions(
        currency="EUR",
        annual_volume={"tasks": 1200, "invoices": 52_000},
        error_cost=12.5,
        late_payment_rate=0.015,
    ).describe()
    assert words["annual_volume"] == (
        "annual volume: invoices 52,000, tasks 1,200 (--annual-volume KIND=N)"
    )
    assert words["error_cost"] == "cost to fix one error: 12.50 (--error-cost AMOUNT)"
    assert words["late_payment_rate"] == (
        "cost of late payment: 1.5% of the amount paid late (--late-payment-rate RATE)"
    )
    assert words["currency"] == "currency: EUR (--currency)"


def test_the_report_prints_the_assumptions_and_totals_the_figures() -> None:
    document = doc(cost=8.0, error_rate=0.04, benchmarks=MEDIAN_6)
    document["evidence"] = [
        {"pitfall": p, "severity": 0.5, "metric": "m", "message": p}
        for p in ("technology", "processes")
    ]
    options = ReportOptions(
        impact=ImpactAssumptions(currency="CHF", annual_volume={"invoices": 1000})
    )
    report = build_report(None, {"invoices": document}, options, facts={"invoices": SPAN})
    assert report.rules["impact_currency"] == "currency: CHF (--currency)"
    assert report.rules["impact_annual_volume"] == (
        "annual volume: invoices 1,000 (--annual-volume KIND=N)"
    )
    # technology 1,000 x 2.00 = 2,000; processes 1,000 x 4% = 40 x 8.00 = 320
    assert report.total_impact == pytest.approx({"CHF": 2320.0})


# --- from a real export: the facts and the options ----------------------------------------------

# Four invoices, 30 handling minutes each; the data runs from 1 Jan (first invoice date) to 10 Mar
# (last payment): 68 days. INV-2 (200) and INV-4 (400) are paid after their due date.
INVOICES = """invoice_id,vendor,amount,invoice_date,due_date,paid_at,handling_minutes,error
INV-1,Acme,100.00,2026-01-01,2026-01-31,2026-01-20,30,true
INV-2,Acme,200.00,2026-01-11,2026-02-10,2026-02-20,30,false
INV-3,Beta,300.00,2026-01-21,2026-02-20,2026-02-15,30,false
INV-4,Beta,400.00,2026-01-31,2026-03-02,2026-03-10,30,false
"""


@pytest.fixture
def invoices(tmp_path: Path) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text(INVOICES, encoding="utf-8")
    return path


def test_facts_from_an_export_give_span_and_late_amount(invoices: Path) -> None:
    facts = data_facts(load([invoices], "invoices", IngestOptions()))
    assert facts.span_days == pytest.approx(68.0)
    assert facts.late_amount == pytest.approx(600.0)  # 200 + 400
    assert (facts.currency, facts.currencies) == (None, 1)
    impact = estimate_impacts(
        {"invoices": {"metrics": {"count": 4}}},
        ImpactAssumptions(late_payment_rate=0.05),
        {"invoices": facts},
    )["resources"]
    # 600 x 365 / 68 = 3,220.59 late a year x 5% = 161.03
    assert impact.amount == pytest.approx(600 * 365 / 68 * 0.05)
    assert impact.basis == "3,220.59 paid late a year x 5.0%"


def technology_impact(*args: object) -> dict[str, Any]:
    result = runner.invoke(app, ["report", *map(str, args), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    findings = {f["pitfall"]: f for f in json.loads(result.stdout)["findings"]}
    impact = findings["technology"]["impact"]
    assert isinstance(impact, dict)
    return impact


def test_the_hourly_rate_prices_handling_and_moves_the_figure(invoices: Path) -> None:
    at_40 = technology_impact("--invoices", invoices, "--hourly-rate", "40")
    at_60 = technology_impact("--invoices", invoices, "--hourly-rate", "60")
    # 4 x 365 / 68 = 21.47 a year; 30 minutes at 40/h = 20.00, at 60/h = 30.00 an invoice;
    # against the APQC median 5.83: 21.47 x 14.17 = 304.24 and 21.47 x 24.17 = 518.94
    assert at_40["amount"] == pytest.approx(304.24)
    assert at_60["amount"] == pytest.approx(518.94)
    assert "cost per transaction 30.00" in at_60["basis"]


def test_the_currency_comes_from_the_export_unless_given(tmp_path: Path) -> None:
    lines = INVOICES.splitlines()
    path = tmp_path / "eur.csv"
    path.write_text(
        "\n".join([lines[0] + ",currency", *(line + ",eur" for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    assert technology_impact("--invoices", path, "--hourly-rate", "40")["currency"] == "EUR"
    given = technology_impact("--invoices", path, "--hourly-rate", "40", "--currency", "SEK")
    assert given["currency"] == "SEK"
