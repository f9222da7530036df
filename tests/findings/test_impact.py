"""Money at stake (findings/impact.py) on small hand-made inputs, every figure worked out by hand.

Each figure has one kind (recover, block, yearly), one currency, a low and a high, a confidence
and its assumptions; nothing is estimated when an input is missing, and a comparison that is not
like for like is refused with its reason. tests/findings/test_money.py runs hand-made exports
through the command line; these tests call :func:`estimate_money` directly so that one number
moves at a time.
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
from boaudit.findings.impact import ImpactAssumptions, MoneyEstimate, converted, totals
from boaudit.findings.impact import estimate_money as _estimate_money
from boaudit.findings.model import Money
from boaudit.ingest import IngestOptions, load
from boaudit.metrics.facts import DataFacts, data_facts
from boaudit.report.build import ReportOptions
from boaudit.report.build import build_report as _build_report
from boaudit.report.model import Report


def build_report(assessment: Any, documents: Any, *args: Any, **kwargs: Any) -> Report:
    """The report of hand-written metrics documents by kind (see hand_results)."""
    return _build_report(assessment, results(documents), *args, **kwargs)


def estimate(documents: Any, *args: Any, **kwargs: Any) -> MoneyEstimate:
    """Money of hand-written metrics documents by kind (see hand_results)."""
    return _estimate_money(results(documents), *args, **kwargs)


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
    benchmarks: list[dict[str, Any]] | None = None,
    tests: dict[str, Any] | None = None,
) -> dict[str, Any]:
    metrics: dict[str, Any] = {
        "count": count,
        "cost_per_transaction": cost,
        "error_rate": error_rate,
    }
    return {"metrics": metrics, "benchmarks": benchmarks or [], "tests": tests or {}}


MEDIAN_6 = [cost_benchmark({"p25": 3.0, "p50": 6.0, "p75": 9.0})]


def money_of(
    document: dict[str, Any],
    assumptions: ImpactAssumptions | None = None,
    facts: DataFacts | None = SPAN,
    kind: str = "invoices",
) -> dict[str, tuple[Money, ...]]:
    found = estimate(
        {kind: document},
        assumptions or ImpactAssumptions(),
        None if facts is None else {kind: facts},
    )
    return dict(found.by_pitfall)


def one(document: dict[str, Any], pitfall: str, **kwargs: Any) -> Money:
    figures = money_of(document, **kwargs)[pitfall]
    assert len(figures) == 1, figures
    return figures[0]


# --- technology: labour cost above the labour part of a fully loaded benchmark --------------------


def test_technology_compares_labour_with_the_labour_part_of_the_benchmark() -> None:
    item = one(doc(cost=8.0, benchmarks=MEDIAN_6), "technology")
    # the benchmark's labour part: 6.00 x 62% = 3.72; 2,500 a year x (8.00 - 3.72) = 10,700
    assert item.amount == pytest.approx(10_700.0)
    # range: labour share 75% (4.50) to 50% (3.00): 2,500 x 3.50 = 8,750; 2,500 x 5.00 = 12,500
    assert (item.low, item.high) == (pytest.approx(8_750.0), pytest.approx(12_500.0))
    assert (item.kind, item.currency, item.confidence) == ("yearly", "USD", "estimated")
    assert item.basis == (
        f"{VOLUME_TEXT} x (labour cost per item 8.00 - 3.72, the labour part of APQC p50 6.00)"
    )
    assert "fully loaded" in item.assumptions[1] and "62% of it (3.72)" in item.assumptions[1]


def test_a_given_labour_share_moves_the_figure() -> None:
    assumptions = ImpactAssumptions(labour_share=0.5, labour_share_range=(0.5, 0.5))
    item = one(doc(cost=8.0, benchmarks=MEDIAN_6), "technology", assumptions=assumptions)
    # 2,500 x (8.00 - 3.00) = 12,500, no range
    assert (item.amount, item.low, item.high) == (12_500.0, 12_500.0, 12_500.0)


@pytest.mark.parametrize("cost", [3.72, 3.0, 0.0])
def test_no_technology_figure_at_or_below_the_labour_part(cost: float) -> None:
    assert "technology" not in money_of(doc(cost=cost, benchmarks=MEDIAN_6))


def test_a_cost_in_another_currency_is_not_compared_with_a_dollar_benchmark() -> None:
    found = estimate(
        {"invoices": doc(cost=8.0, benchmarks=MEDIAN_6)},
        ImpactAssumptions(currency="EUR"),
        {"invoices": SPAN},
    )
    assert "technology" not in found.by_pitfall
    assert found.refused == (
        "invoices: the cost per transaction (EUR) is not compared with the benchmark (USD): "
        "give --currency USD with a dollar hourly rate, or read the benchmark table",
    )


def test_the_average_stands_in_when_a_benchmark_has_no_median() -> None:
    benchmarks = [cost_benchmark({"best_in_class": 2.0, "average": 10.0}, source="Ardent")]
    item = one(doc(cost=9.0, benchmarks=benchmarks), "technology")
    # 2,500 a year x (9.00 - 10.00 x 62%) = 2,500 x 2.80 = 7,000
    assert item.amount == pytest.approx(7_000.0)
    assert "Ardent average 10.00" in item.basis


def test_a_benchmark_without_median_or_average_is_skipped_for_the_next_one() -> None:
    benchmarks = [
        cost_benchmark({"best_in_class": 1.0}, source="Hackett"),
        cost_benchmark({"p50": 5.0}, source="APQC"),
    ]
    # 2,500 x (5.00 - 3.10) = 4,750
    assert one(doc(cost=5.0, benchmarks=benchmarks), "technology").amount == pytest.approx(4750.0)


# --- processes: errors a year x the cost of fixing one ------------------------------------------


def test_errors_a_year_times_one_more_handling_with_its_range() -> None:
    item = one(doc(cost=8.0, error_rate=0.04), "processes")
    # 2,500 a year x 4% = 100 errors x 8.00 = 800; half to one and a half handlings: 400 to 1,200
    assert (item.amount, item.low, item.high) == (
        pytest.approx(800.0),
        pytest.approx(400.0),
        pytest.approx(1200.0),
    )
    assert (item.kind, item.confidence) == ("yearly", "assumed")
    assert item.basis == "100 errors a year (4.0% of 2,500) x 8.00 to fix one"


def test_a_given_error_cost_is_used_without_a_range() -> None:
    item = one(doc(error_rate=0.04), "processes", assumptions=ImpactAssumptions(error_cost=5.0))
    # 100 errors x 5.00 = 500, the cost given: estimated, not assumed
    assert (item.amount, item.low, item.high, item.confidence) == (500.0, 500.0, 500.0, "estimated")


@pytest.mark.parametrize(
    ("count", "facts"),
    [(None, SPAN), (500, None), (500, DataFacts(span_days=None))],
    ids=["no count", "no facts", "no span"],
)
def test_no_yearly_figure_without_a_volume(count: float | None, facts: DataFacts | None) -> None:
    assert (
        money_of(doc(count=count, cost=8.0, error_rate=0.04, benchmarks=MEDIAN_6), facts=facts)
        == {}
    )


def test_a_given_annual_volume_replaces_the_annualised_data() -> None:
    assumptions = ImpactAssumptions(annual_volume={"invoices": 1000})
    item = one(doc(cost=8.0, error_rate=0.04), "processes", assumptions=assumptions, facts=None)
    # 1,000 x 4% = 40 errors x 8.00 = 320
    assert item.amount == pytest.approx(320.0)
    assert item.assumptions[0] == "1,000 invoices a year (given)"


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=2, max_value=5))
def test_yearly_figures_scale_with_the_given_volume(volume: int, factor: int) -> None:
    def amount(v: int) -> float:
        assumptions = ImpactAssumptions(annual_volume={"invoices": v})
        return one(doc(cost=8.0, error_rate=0.04), "processes", assumptions=assumptions).amount

    assert amount(volume * factor) == pytest.approx(amount(volume) * factor)


# --- duplicates: recover and block, from the audit test ----------------------------------------

EXACT = {
    "duplicate-exact": {
        "status": "ran",
        "flagged": 5,
        "money": {
            "recover": {"USD": 1100.0},
            "recover_invoices": 2,
            "block": {"EUR": 290.0},
            "block_invoices": 2,
            "calls": [
                {"vendor": "Epsilon", "currency": "USD", "recover": 1000.0, "invoices": 1},
                {"vendor": "Acme", "currency": "USD", "recover": 100.0, "invoices": 1},
            ],
            "rule": "the first paid invoice is the original",
        },
    }
}


def test_duplicates_paid_twice_are_to_recover_and_unpaid_ones_to_block() -> None:
    recover, block = money_of(doc(count=None, tests=EXACT), facts=None)["data"]
    # one-off amounts as found: no volume, no year
    assert (recover.kind, recover.currency, recover.amount, recover.confidence) == (
        "recover",
        "USD",
        1100.0,
        "data-exact",
    )
    assert (recover.low, recover.high) == (1100.0, 1100.0)
    assert [c["vendor"] for c in recover.calls] == ["Epsilon", "Acme"]
    assert (block.kind, block.currency, block.amount) == ("block", "EUR", 290.0)
    assert block.calls == ()
    assert recover.span == "to recover" and block.span == "to block"


def test_no_duplicate_money_when_the_tests_did_not_run() -> None:
    skipped = {"duplicate-exact": {**EXACT["duplicate-exact"], "status": "skipped"}}
    assert "data" not in money_of(doc(tests=skipped))
    assert "data" not in money_of(doc())


# --- processes: the float of early payments ---------------------------------------------------

EARLY = {
    "early-payment": {
        "status": "ran",
        "flagged": 40,
        "params": {"days": 5.0, "rate": 0.05},
        "float_cost": {"USD": 100.0, "EUR": 20.0},
    }
}


def test_the_float_of_early_payments_is_a_yearly_figure_per_currency() -> None:
    eur, usd = money_of(doc(tests=EARLY))["processes"]
    # 100.00 at 5% over 73 days: x 365 / 73 = 500 a year; at 3% 300, at 8% 800
    assert (usd.currency, usd.kind, usd.confidence) == ("USD", "yearly", "estimated")
    assert (usd.amount, usd.low, usd.high) == (
        pytest.approx(500.0),
        pytest.approx(300.0),
        pytest.approx(800.0),
    )
    assert (eur.currency, eur.amount) == ("EUR", pytest.approx(100.0))


def test_a_given_cost_of_capital_rescales_the_tests_float() -> None:
    usd = money_of(doc(tests=EARLY), ImpactAssumptions(capital_rate=0.10))["processes"][1]
    # 500 a year at 5% is 1,000 at 10%; the range widens to take the rate: 3% to 10%
    assert (usd.amount, usd.low, usd.high) == (
        pytest.approx(1000.0),
        pytest.approx(300.0),
        pytest.approx(1000.0),
    )


# --- resources: late payments x a rate the user gives, per currency ------------------------------


def test_late_payments_times_the_given_rate_per_currency() -> None:
    facts = DataFacts(span_days=73.0, late_amounts={"USD": 3000.0, "EUR": 1000.0})
    eur, usd = money_of(doc(), ImpactAssumptions(late_payment_rate=0.02), facts)["resources"]
    # 3,000 late over 73 days -> 15,000 a year x 2% = 300; EUR 1,000 -> 5,000 x 2% = 100
    assert (usd.currency, usd.amount) == ("USD", pytest.approx(300.0))
    assert (eur.currency, eur.amount) == ("EUR", pytest.approx(100.0))
    assert usd.basis == "15,000.00 paid late a year x 2.0%"


@pytest.mark.parametrize(
    ("rate", "late"),
    [(None, {"USD": 3000.0}), (0.02, None), (0.02, {"USD": 0.0})],
    ids=["no rate given", "late amount unknown", "nothing paid late"],
)
def test_no_late_payment_figure_without_a_rate_and_a_late_amount(
    rate: float | None, late: dict[str, float] | None
) -> None:
    facts = DataFacts(span_days=73.0, late_amounts=late)
    assert "resources" not in money_of(doc(), ImpactAssumptions(late_payment_rate=rate), facts)


# --- totals: per kind and currency, conversion only at the user's rates -------------------------


def figure(kind: str, currency: str, amount: float, low: float, high: float, conf: str) -> Money:
    return Money(kind, currency, amount, low, high, conf, "x", "y")  # type: ignore[arg-type]


def test_totals_never_add_kinds_or_currencies() -> None:
    found = totals(
        [
            figure("yearly", "USD", 10.0, 5.0, 20.0, "assumed"),
            figure("recover", "USD", 100.0, 100.0, 100.0, "data-exact"),
            figure("recover", "USD", 30.0, 0.0, 50.0, "estimated"),
            figure("recover", "EUR", 7.0, 7.0, 7.0, "data-exact"),
        ]
    )
    assert [(t.kind, t.currency, t.amount, t.low, t.high, t.confidence) for t in found] == [
        ("recover", "EUR", 7.0, 7.0, 7.0, "data-exact"),
        ("recover", "USD", 130.0, 100.0, 150.0, "estimated"),
        ("yearly", "USD", 10.0, 5.0, 20.0, "assumed"),
    ]


def test_conversion_uses_only_the_given_rates_and_names_what_it_left_out() -> None:
    found = totals(
        [
            figure("recover", "USD", 100.0, 100.0, 100.0, "data-exact"),
            figure("recover", "EUR", 10.0, 10.0, 10.0, "data-exact"),
            figure("recover", "CAD", 50.0, 50.0, 50.0, "data-exact"),
        ]
    )
    together, missing = converted(found, {"EUR": 1.2}, "USD")
    # 100 + 10 x 1.2 = 112; CAD has no rate
    assert [(t.kind, t.currency, t.amount, t.converted) for t in together] == [
        ("recover", "USD", pytest.approx(112.0), True)
    ]
    assert missing == ["CAD"]
    assert converted(found, {}, "USD") == ([], [])


def test_the_report_json_has_each_kind_per_currency_and_no_grand_total() -> None:
    document = doc(cost=8.0, error_rate=0.04, benchmarks=MEDIAN_6, tests=EXACT)
    document["evidence"] = [
        {"pitfall": p, "severity": 0.5, "metric": "m", "message": p}
        for p in ("technology", "processes", "data")
    ]
    options = ReportOptions(
        impact=ImpactAssumptions(currency="USD", fx={"EUR": 1.1}, annual_volume={"invoices": 1000})
    )
    report = build_report(None, {"invoices": document}, options, facts={"invoices": SPAN})
    money = report.to_dict()["money"]
    assert money["recover"] == {
        "USD": {
            "amount": 1100.0,
            "low": 1100.0,
            "high": 1100.0,
            "confidence": "data-exact",
            "figures": 1,
        }
    }
    assert money["block"] == {
        "EUR": {
            "amount": 290.0,
            "low": 290.0,
            "high": 290.0,
            "confidence": "data-exact",
            "figures": 1,
        }
    }
    # technology 1,000 x (8.00 - 3.72) = 4,280; rework 1,000 x 4% x 8.00 = 320
    assert money["yearly"]["USD"]["amount"] == pytest.approx(4600.0)
    assert money["converted"]["block"]["amount"] == pytest.approx(319.0)  # 290 x 1.1
    assert money["converted"]["rates"] == {"EUR": 1.1}
    assert "total_impact" not in report.to_dict()
    assert report.rules["impact_fx"] == "conversion: 1 EUR = 1.1 USD ([impact.fx])"


# --- the assumptions in words -------------------------------------------------------------------


def test_default_assumptions_in_words_name_their_settings() -> None:
    words = ImpactAssumptions().describe()
    assert words["labour_share"] == (
        "labour share of a fully loaded benchmark cost: 62% (range 50% to 75%; APQC: 62% of AP "
        "cost is labour, 997 organisations, 2015; [impact] labour_share, labour_share_range)"
    )
    assert words["capital_rate"] == (
        "cost of capital for early payments: the early-payment test's rate (5% a year unless "
        "set) (range 3.0% to 8.0%; [impact] capital_rate, capital_rate_range)"
    )
    assert words["fx"] == (
        "conversion: none; each currency is shown on its own ([impact.fx] to convert)"
    )


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
    assert facts.late_amounts == {"(none)": pytest.approx(600.0)}  # 200 + 400, no currency
    assert (facts.currency, facts.currencies) == (None, 1)


def technology_money(*args: object) -> dict[str, Any]:
    result = runner.invoke(app, ["report", *map(str, args), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    findings = {f["pitfall"]: f for f in json.loads(result.stdout)["findings"]}
    (item,) = findings["technology"]["money"]
    assert isinstance(item, dict)
    return item


def test_the_hourly_rate_prices_handling_and_moves_the_figure(invoices: Path) -> None:
    at_40 = technology_money("--invoices", invoices, "--hourly-rate", "40")
    at_60 = technology_money("--invoices", invoices, "--hourly-rate", "60")
    # 4 x 365 / 68 = 21.47 a year; 30 minutes at 40/h = 20.00, at 60/h = 30.00 an invoice;
    # against the labour part of the APQC median, 5.83 x 62% = 3.61:
    # 21.47 x 16.39 = 351.85 and 21.47 x 26.39 = 566.55
    assert at_40["amount"] == pytest.approx(4 * 365 / 68 * (20 - 5.83 * 0.62), abs=0.01)
    assert at_60["amount"] == pytest.approx(4 * 365 / 68 * (30 - 5.83 * 0.62), abs=0.01)
    assert "labour cost per item 30.00" in at_60["basis"]


def test_a_cost_in_the_exports_currency_is_refused_against_dollars(tmp_path: Path) -> None:
    lines = INVOICES.splitlines()
    path = tmp_path / "eur.csv"
    path.write_text(
        "\n".join([lines[0] + ",currency", *(line + ",eur" for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["report", "--invoices", str(path), "--hourly-rate", "40", "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    technology = [f for f in data["findings"] if f["pitfall"] == "technology"]
    assert all(not f["money"] for f in technology)
    assert data["money"]["refused"] == [
        "invoices: the cost per transaction (EUR) is not compared with the benchmark (USD): "
        "give --currency USD with a dollar hourly rate, or read the benchmark table"
    ]
    given = technology_money("--invoices", path, "--hourly-rate", "40", "--currency", "USD")
    assert given["currency"] == "USD"
