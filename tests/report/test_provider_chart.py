"""The partner scorecard as small multiples: one panel per KPI, one bar per provider."""

from __future__ import annotations

from dataclasses import replace

from hand_results import result

from boaudit.findings.scorecard import KindScorecard, ProviderRow, Scorecard
from boaudit.report import ReportFormat, charts, render
from boaudit.report.build import build_report

IN_HOUSE = ProviderRow(
    provider="In-house",
    in_house=True,
    items=1099,
    completed=1093,
    cycle_days=1.1,
    error_rate=0.048,
    rework_rate=0.144,
    sla_compliance=0.879,
    on_time_rate=None,
    measured_cost=12.63,
    cost=12.63,
    cost_low=16.84,
    cost_high=25.27,
    full_cost=20.38,
)
PARTNER = ProviderRow(
    provider="Outsourcing partner",
    in_house=False,
    items=901,
    completed=897,
    cycle_days=1.8,
    error_rate=0.108,
    rework_rate=0.218,
    sla_compliance=0.728,
    on_time_rate=None,
    measured_cost=8.04,
    cost=9.50,
    contract="partner",
)
CARD = KindScorecard(kind="tasks", currency="USD", rows=(IN_HOUSE, PARTNER))


def test_one_panel_per_kpi_with_its_unit_in_the_title() -> None:
    figure = charts.provider_comparison_figure(CARD)
    assert figure is not None
    shown = [axes for axes in figure.axes if axes.get_visible()]
    assert [axes.get_title(loc="left") for axes in shown] == [
        "Median cycle time, days\n(lower is better)",
        "Error rate, %\n(lower is better)",
        "Rework, %\n(lower is better)",
        "SLA met, %\n(higher is better)",
        "Cost per ticket, USD\n(in-house: full cost; lower is better)",
    ]
    assert len(figure.axes) == 6  # a 3 x 2 grid, the sixth cell hidden
    sla, cost = shown[3], shown[4]
    assert [round(bar.get_height(), 3) for bar in sla.patches] == [0.879, 0.728]
    assert [t.get_text() for t in sla.texts] == ["87.9%", "72.8%"]
    # in-house: the full cost (12.63 / the labour share), its range as a whisker
    assert [round(bar.get_height(), 2) for bar in cost.patches] == [20.38, 9.5]
    assert [t.get_text() for t in cost.texts] == ["20.38", "9.50"]
    assert [t.get_text() for t in cost.get_xticklabels()] == ["In-house", "Outsourcing\npartner"]
    figure.clf()


def test_a_partner_without_a_fee_gets_no_bar_and_says_so() -> None:
    card = replace(CARD, rows=(IN_HOUSE, replace(PARTNER, cost=None, contract=None)))
    figure = charts.provider_comparison_figure(card)
    assert figure is not None
    cost = [axes for axes in figure.axes if axes.get_visible()][-1]
    assert [round(bar.get_height(), 2) for bar in cost.patches] == [20.38, 0.0]
    assert [t.get_text() for t in cost.texts] == ["20.38", "no fee given"]
    figure.clf()


def test_four_panels_are_two_by_two_and_nothing_to_compare_is_no_chart() -> None:
    card = replace(
        CARD,
        rows=tuple(
            replace(r, rework_rate=None, sla_compliance=None, on_time_rate=0.9) for r in CARD.rows
        ),
    )
    figure = charts.provider_comparison_figure(card)
    assert figure is not None
    # cycle time, error rate, paid on time, cost
    assert figure.axes[0].get_subplotspec().get_gridspec().get_geometry() == (2, 2)
    figure.clf()
    assert charts.provider_comparison_figure(replace(CARD, rows=(IN_HOUSE,))) is None
    empty = ProviderRow("In-house", True, 3, 3, None, None, None, None, None, None, None)
    assert charts.provider_comparison_figure(replace(CARD, rows=(empty, empty))) is None


def test_the_svg_is_byte_stable_and_shown_under_the_scorecard() -> None:
    first, second = charts.provider_comparison(CARD), charts.provider_comparison(CARD)
    assert first is not None and first == second and first.startswith("<svg")
    base = build_report(None, {"tasks": result({"metrics": {"count": 2000}}, "tasks")})
    page = render(replace(base, scorecard=Scorecard(kinds=(CARD,))), ReportFormat.html)
    assert isinstance(page, str)
    section = page[page.index("<h2>Outsourcing partner scorecard</h2>") :]
    table, figure = section.index("</table>"), section.index("<figure><svg")
    assert table < figure < section.index("</section>")
    assert "Tasks: one panel per KPI, one bar per provider (in-house dark)." in section
