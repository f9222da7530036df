"""The report as an XLSX workbook: Summary, Findings, Money, Scores, Metrics and Data quality.

Formatted for reading and filtering: frozen headers, colour bands, native Excel charts
(openpyxl.chart). Every text cell goes through :func:`boaudit.xlsxio.write_cell`, so no user
string can become a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from boaudit.findings.claims import RULE
from boaudit.metrics.benchmarks import BenchmarkComparison, headline_benchmarks, verdict_sentence
from boaudit.questionnaire.scoring import round_score
from boaudit.report.exceptions import add_exception_sheets
from boaudit.report.model import Report
from boaudit.report.text import (
    KIND_HEADINGS,
    finding_money,
    fix_details,
    follow_up_warning,
    metric_rows,
    money_range,
    priority_formula,
)
from boaudit.xlsxio import cell_at, write_cell

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
RED = PatternFill("solid", fgColor="F8D7D3")
AMBER = PatternFill("solid", fgColor="FCEFC7")
GREEN = PatternFill("solid", fgColor="D7EFE0")
WRAP = Alignment(wrap_text=True, vertical="top")
AMOUNT = "#,##0.00"


def _table(
    sheet: Worksheet, header: Sequence[tuple[str, float]], rows: Sequence[Sequence[Any]]
) -> None:
    """Write a header (name, width) and rows; freeze the header and add a filter."""
    for column, (name, width) in enumerate(header, start=1):
        cell = cell_at(sheet, 1, column)
        write_cell(cell, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    widths = [width for _, width in header]
    # bold header text is wider than the body's: count it in a narrower column
    header_lines = max((_wrapped_lines(name, width * 0.8) for name, width in header), default=1)
    if header_lines > 1:
        # a long column name (a respondent's, a role's) wraps rather than being cut off
        sheet.row_dimensions[1].height = LINE_HEIGHT * min(header_lines, MAX_LINES)
    for r, values in enumerate(rows, start=2):
        lines = 1
        for c, value in enumerate(values, start=1):
            cell = cell_at(sheet, r, c)
            write_cell(cell, value)
            cell.alignment = WRAP
            if isinstance(value, str) and c <= len(widths):
                lines = max(lines, _wrapped_lines(value, widths[c - 1]))
        if lines > 1:
            # not every spreadsheet program sizes a wrapped row itself: give it its height
            sheet.row_dimensions[r].height = LINE_HEIGHT * min(lines, MAX_LINES)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"


LINE_HEIGHT = 15.0
"""Points per line of 11-point text."""
MAX_LINES = 27
"""A row grows to at most this many lines (409 points is the format's limit)."""


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapped."""
    per_line = max(1, int(width * 1.1) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _print_across(sheet: Worksheet) -> None:
    """Print landscape, every column on one page across (as many pages down as needed), the
    header row repeated on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def _chart_below(sheet: Worksheet, chart: BarChart, rows: int) -> None:
    """Place ``chart`` under a table of ``rows`` rows (and a note line), from column A: in
    view beside its data, not off to the right past the table's last column."""
    sheet.add_chart(chart, f"A{rows + 5}")


def _rule(operator: str, formula: list[str], fill: PatternFill) -> Any:
    """A conditional fill (types-openpyxl leaves CellIsRule unannotated, hence the ignore)."""
    return CellIsRule(operator=operator, formula=formula, fill=fill)  # type: ignore[no-untyped-call]


def _severity_bands(sheet: Worksheet, column: int, rows: int) -> None:
    if not rows:
        return  # an empty range is not a range: nothing to colour
    letter = get_column_letter(column)
    cells = f"{letter}2:{letter}{rows + 1}"
    sheet.conditional_formatting.add(cells, _rule(">=", ["0.6"], RED))
    sheet.conditional_formatting.add(cells, _rule("between", ["0.3", "0.5999"], AMBER))
    sheet.conditional_formatting.add(cells, _rule("<", ["0.3"], GREEN))


def _score_bands(sheet: Worksheet, column: int, rows: int) -> None:
    if not rows:
        return  # an empty range is not a range: nothing to colour
    letter = get_column_letter(column)
    cells = f"{letter}2:{letter}{rows + 1}"
    sheet.conditional_formatting.add(cells, _rule("<", ["40"], RED))
    sheet.conditional_formatting.add(cells, _rule("between", ["40", "69.99"], AMBER))
    sheet.conditional_formatting.add(cells, _rule(">=", ["70"], GREEN))


def render_xlsx(report: Report) -> bytes:
    """The whole report as XLSX bytes."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, report)
    _findings(workbook.create_sheet("Findings"), report)
    _money(workbook.create_sheet("Money"), report)
    if report.baseline:
        _baseline(workbook.create_sheet("Baseline"), report)
    if report.scorecard is not None:
        _partners(workbook.create_sheet("Partners"), report)
    _scores(workbook.create_sheet("Scores"), report)
    if report.claims is not None:
        _claims(workbook.create_sheet("Claim checks"), report)
    _metrics(workbook.create_sheet("Metrics"), report)
    process = _event_process(report)
    if process is not None:
        _variants(workbook.create_sheet("Variants"), process)
        _transitions(workbook.create_sheet("Transitions"), process)
    _data_quality(workbook.create_sheet("Data quality"), report)
    invoices = report.metrics.get("invoices")
    if invoices is not None and invoices.tests:
        # the audit tests: a summary sheet and every flagged invoice, one sheet per test
        add_exception_sheets(workbook, invoices.tests, invoices.exceptions)
    # Fixed document properties keep the bytes stable from run to run.
    workbook.properties.creator = "boaudit"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(sheet: Worksheet, report: Report) -> None:
    rows: list[tuple[Any, ...]] = [
        ("Title", report.title),
        ("As of", report.as_of or "n/a"),
        ("Generated by", report.generated_by),
        ("Findings", len(report.findings)),
        ("Quick wins", ", ".join(report.quick_wins) or "none"),
        (
            "Contradictions",
            ", ".join(f.pitfall for f in report.findings if f.contradiction) or "none",
        ),
        ("To confirm", follow_up_warning(report) or "none"),
    ]
    assessment = report.assessment
    if assessment:
        rows += [
            ("Questionnaire", assessment.questionnaire_id),
            ("Respondents", ", ".join(assessment.respondents)),
            ("Interview score", assessment.printed_score),
            ("Interview band", assessment.band or "not assessed"),
            ("Agreement alpha", assessment.printed_alpha),
        ]
    for kind, result in report.metrics.items():
        accepted = result.rows.get("accepted")
        rows.append((f"Rows accepted ({kind})", accepted))
    money_rows: list[int] = []
    for total in (*report.money_totals, *report.money_converted[0]):
        # one row per kind and currency, the amount as a number; never a sum across them
        heading = KIND_HEADINGS[total.kind]
        if total.converted:
            heading += f", in {report.fx_currency} at the given rates"
        money_rows.append(len(rows) + 2)
        rows.append(
            (
                f"Money: {heading} ({total.currency})",
                round(total.amount, 2),
                f"{total.low:,.2f} to {total.high:,.2f}, {total.confidence}"
                + (f"; {total.figures} figures" if total.figures > 1 else ""),
            )
        )
    rows += [("Money not estimated", reason, "") for reason in report.money_refused]
    rows += [(f"Rule: {name}", text, "") for name, text in report.rules.items()]
    _table(sheet, [("item", 56), ("value", 80), ("range and confidence", 36)], rows)
    _print_across(sheet)
    for row in money_rows:
        cell_at(sheet, row, 2).number_format = AMOUNT


def _bar_chart(sheet: Worksheet, title: str, *, values: int, labels: int, rows: int) -> BarChart:
    """A horizontal bar chart of column ``values`` (header in row 1) by column ``labels``."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.add_data(
        Reference(sheet, min_col=values, min_row=1, max_row=rows + 1), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=labels, min_row=2, max_row=rows + 1))
    chart.height, chart.width = 9 + 0.3 * rows, 24
    chart.legend = None  # one series, named by the title
    return chart


def _findings(sheet: Worksheet, report: Report) -> None:
    header = [
        ("rank", 6),
        ("pitfall", 20),
        ("title", 34),
        ("priority", 9),
        ("severity", 9),
        ("interview score", 10),
        ("data severity", 10),
        ("effort", 9),
        ("quick win", 8),
        ("to confirm", 9),
        ("priority formula", 36),
        ("contradiction", 40),
        ("money at stake", 24),
        ("basis and assumptions", 60),
        ("evidence", 70),
        ("what to do", 80),
    ]
    rows = [
        [
            f.rank,
            f.pitfall,
            f.title,
            f.priority,
            round(f.severity, 3),
            f.printed_score,
            None if f.data_severity is None else round(f.data_severity, 3),
            f.effort,
            "yes" if f.quick_win else "no",
            "yes" if f.to_confirm else "no",
            priority_formula(f),
            f.contradiction_note or "",
            finding_money(f) if f.money else "",
            "\n".join(
                f"{m.label}: "
                f"{money_range(m.amount, m.low, m.high, m.currency, m.confidence)} {m.span}: "
                + "; ".join([m.basis, *m.assumptions])
                for m in f.money
            ),
            "\n".join(
                f"[{e.source}{'' if e.primary else ', supporting'}] {e.message}"
                + (f" ({e.where})" if e.where else "")
                for e in f.evidence
            ),
            "\n".join(
                "\n".join(
                    [f"{n}. {fix.text} (effort {fix.effort})"]
                    + [f"   {d}" for d in fix_details(fix)]
                )
                for n, fix in enumerate(f.fixes, start=1)
            ),
        ]
        for f in report.findings
    ]
    _table(sheet, header, rows)
    _severity_bands(sheet, 5, len(rows))
    _print_across(sheet)
    if rows:
        chart = _bar_chart(sheet, "Priority by pitfall", values=4, labels=3, rows=len(rows))
        chart.y_axis.title = "priority"
        _chart_below(sheet, chart, len(rows))


def _claims(sheet: Worksheet, report: Report) -> None:
    """Each respondent's answer to each question the exports verify, against the data: one
    row per answer, with the follow-up question where the gap asks for one."""
    claims = report.claims
    assert claims is not None
    verified = {v.question: v for v in claims.verified}
    rows = [
        [
            g.respondent,
            g.role,
            g.question,
            verified[g.question].text,
            g.answer,
            round(g.answer_score, 1),
            round(g.data_score, 1),
            round(g.gap, 1),
            verified[g.question].facts(),
            g.follow_up or "",
        ]
        for g in claims.gaps
    ]
    _table(
        sheet,
        [
            ("respondent", 20),
            ("role", 18),
            ("question", 22),
            ("asked", 50),
            ("answer", 8),
            ("answer score", 9),
            ("data score", 9),
            ("perception gap", 10),
            ("what the data says", 60),
            ("follow-up question", 70),
        ],
        rows,
    )
    write_cell(cell_at(sheet, len(rows) + 3, 1), f"How: {RULE}.")
    _print_across(sheet)


def _event_process(report: Report) -> Mapping[str, Any] | None:
    """The process block of the event log, when the report has one with cases."""
    result = report.metrics.get("events")
    process = result.process if result is not None else None
    return process if process and process.get("cases") else None


def _variants(sheet: Worksheet, process: Mapping[str, Any]) -> None:
    """Every variant the metrics listed: its activities, cases, shares and median duration."""
    rows = [
        [
            rank,
            " > ".join(v["activities"]),
            len(v["activities"]),
            v["cases"],
            v["share"],
            v["cumulative_share"],
            v["median_days"],
        ]
        for rank, v in enumerate(process["variants"]["top"], start=1)
    ]
    _table(
        sheet,
        [
            ("rank", 6),
            ("variant (activities in order)", 90),
            ("steps", 7),
            ("cases", 9),
            ("share", 9),
            ("cumulative share", 11),
            ("median days, first to last", 12),
        ],
        rows,
    )
    for row in range(2, len(rows) + 2):
        for column, fmt in ((4, "#,##0"), (5, "0.0%"), (6, "0.0%"), (7, "0.0")):
            cell_at(sheet, row, column).number_format = fmt
    note = (
        f"{process['variants']['distinct']:,} distinct variants over {process['cases']:,} "
        f"cases; durations in {process['clock']} days."
    )
    write_cell(cell_at(sheet, len(rows) + 3, 1), note)
    _print_across(sheet)


def _transitions(sheet: Worksheet, process: Mapping[str, Any]) -> None:
    """Every transition between consecutive activities: its count and waiting time, and its
    share of all waiting."""
    total = sum(t["waiting_days"]["total"] or 0.0 for t in process["transitions"])
    rows = [
        [
            t["from"],
            t["to"],
            t["count"],
            t["waiting_days"]["median"],
            t["waiting_days"]["p90"],
            t["waiting_days"]["total"],
            (t["waiting_days"]["total"] or 0.0) / total if total else None,
        ]
        for t in process["transitions"]
    ]
    _table(
        sheet,
        [
            ("from", 28),
            ("to", 28),
            ("count", 9),
            ("median wait, days", 11),
            ("90th percentile wait, days", 13),
            ("total wait, days", 12),
            ("share of all waiting", 11),
        ],
        rows,
    )
    for row in range(2, len(rows) + 2):
        for column, fmt in ((3, "#,##0"), (4, "0.0"), (5, "0.0"), (6, "#,##0.0"), (7, "0.0%")):
            cell_at(sheet, row, column).number_format = fmt
    _print_across(sheet)


def _baseline(sheet: Worksheet, report: Report) -> None:
    """The KPIs the exports measure today, as numbers (shares as percentages)."""
    formats = {"share": "0.0%", "days": "0.0", "amount": AMOUNT, "count": "#,##0"}
    units = {"share": "percent", "days": "days", "amount": "per item", "count": "items"}
    rows = [
        [k.kind, k.label, k.kpi, round(k.value, 6), units[k.unit], k.as_of or ""]
        for k in report.baseline
    ]
    _table(
        sheet,
        [("data", 10), ("KPI", 40), ("metric", 38), ("today", 12), ("unit", 10), ("as of", 22)],
        rows,
    )
    for offset, kpi in enumerate(report.baseline, start=2):
        sheet.cell(row=offset, column=4).number_format = formats[kpi.unit]
    _print_across(sheet)


def _partners(sheet: Worksheet, report: Report) -> None:
    """The partner scorecard as numbers: one row per provider and kind, then the verdicts."""
    card = report.scorecard
    assert card is not None
    header = [
        ("data", 10),
        ("provider", 24),
        ("in-house", 9),
        ("items", 9),
        ("median cycle time (days)", 12),
        ("error rate", 10),
        ("rework", 10),
        ("SLA met", 10),
        ("paid on time", 10),
        ("currency", 9),
        ("cost per item", 12),
        ("full cost per item (in-house)", 14),
        ("cost basis", 70),
    ]
    rows: list[list[Any]] = [
        [
            kind.kind,
            row.provider,
            "yes" if row.in_house else "no",
            row.items,
            None if row.cycle_days is None else round(row.cycle_days, 2),
            row.error_rate,
            row.rework_rate,
            row.sla_compliance,
            row.on_time_rate,
            kind.currency,
            None if row.cost is None else round(row.cost, 2),
            None if row.full_cost is None else round(row.full_cost, 2),
            row.cost_basis,
        ]
        for kind in card.kinds
        for row in kind.rows
    ]
    _table(sheet, header, rows)
    for c in range(1, len(header) + 1):  # the narrow number columns' names wrap
        cell_at(sheet, 1, c).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 2 * LINE_HEIGHT
    for r in range(2, len(rows) + 2):
        for c in (6, 7, 8, 9):
            cell_at(sheet, r, c).number_format = "0.0%"
        for c in (11, 12):
            cell_at(sheet, r, c).number_format = AMOUNT
        cell_at(sheet, r, 4).number_format = "#,##0"
        cell_at(sheet, r, 5).number_format = "0.0"
    lines = [text for kind in card.kinds for text in (*kind.verdicts, *kind.notes)]
    lines += [
        f"{m.label}: {money_range(m.amount, m.low, m.high, m.currency, m.confidence)} to "
        f"recover: {m.basis}; " + "; ".join(m.assumptions)
        for m in card.credits
    ]
    lines += [*card.notes, f"The saving is set against {card.claim}."]
    start = len(rows) + 3
    for offset, text in enumerate(lines):
        cell = cell_at(sheet, start + offset, 1)
        write_cell(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(
            start_row=start + offset, start_column=1, end_row=start + offset, end_column=len(header)
        )
        sheet.row_dimensions[start + offset].height = LINE_HEIGHT * min(
            _wrapped_lines(text, sum(w for _, w in header)), MAX_LINES
        )
    _print_across(sheet)


def _money(sheet: Worksheet, report: Report) -> None:
    """Every money figure, one row each, with numbers to filter and sort on."""
    header = [
        ("rank", 6),
        ("pitfall", 20),
        ("kind", 10),
        ("currency", 9),
        ("amount", 14),
        ("low", 14),
        ("high", 14),
        ("confidence", 12),
        ("what", 34),
        ("basis", 60),
        ("assumptions", 60),
    ]
    rows = [
        [
            f.rank,
            f.pitfall,
            m.kind,
            m.currency,
            round(m.amount, 2),
            round(m.low, 2),
            round(m.high, 2),
            m.confidence,
            m.label,
            m.basis,
            "\n".join(m.assumptions),
        ]
        for f in report.findings
        for m in f.money
    ]
    if not rows:
        _table(sheet, header, [])
        write_cell(cell_at(sheet, 2, 1), "No money at stake was found or estimated.")
        return
    _table(sheet, header, rows)
    _print_across(sheet)
    for r in range(2, len(rows) + 2):
        for c in (5, 6, 7):
            cell_at(sheet, r, c).number_format = AMOUNT


def _scores(sheet: Worksheet, report: Report) -> None:
    header = [("pitfall", 20), ("title", 36), ("score", 8), ("band", 12), ("coverage", 11)]
    rows: list[list[Any]] = []
    respondents: list[str] = []
    roles: list[str] = []
    if report.assessment:
        respondents = list(report.assessment.respondents)
        header += [(name, 14) for name in respondents]
        by_role = report.assessment.by_role or {}
        roles = list(by_role)
        header += [(f"score: {role}", 14) for role in roles]
        for pitfall in report.assessment.pitfalls:
            means: list[Any] = []
            for who in respondents:
                given = [
                    answer
                    for q in pitfall.questions
                    if isinstance(answer := q.answers.get(who), int)
                ]
                means.append(round(sum(given) / len(given), 2) if given else None)
            rows.append(
                [
                    pitfall.id,
                    pitfall.title,
                    round_score(pitfall.score),
                    pitfall.band or "not assessed",
                    round(pitfall.coverage, 3),
                    *means,
                    *(round_score(by_role[r].pitfall(pitfall.id).score) for r in roles),
                ]
            )
    _table(sheet, header, rows)
    if not rows:
        write_cell(cell_at(sheet, 2, 1), "No interview answers were given.")
        return
    _score_bands(sheet, 3, len(rows))
    if respondents:
        note = "Respondent columns: mean answer (1-5)."
        if roles:
            note += " 'score: ROLE' columns: the pitfall's score from that role's answers alone."
        write_cell(cell_at(sheet, len(rows) + 3, 1), note)
    _print_across(sheet)
    chart = _bar_chart(sheet, "Questionnaire score by pitfall", values=3, labels=2, rows=len(rows))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    _chart_below(sheet, chart, len(rows))


NUMBER_FORMATS = {
    "share": "0.0%",
    "days": "0.0",
    "amount": AMOUNT,
    "count": "#,##0",
    "ratio": "0.0",
    "index": "0.000",
}
"""The cell format of each unit (:mod:`boaudit.metrics.display`)."""


def _note(b: BenchmarkComparison) -> str:
    """A benchmark row's note: the verdict, then the source with its year, sample, confidence
    and link, then how its definition compares with ours and the caveat."""
    sample = "sample not stated" if b.n is None else f"{b.n:,} organisations"
    year = "year not stated" if b.year is None else str(b.year)
    definition = f"Definition differs: {b.differs}" if b.differs else "Same definition as ours"
    link = f", {b.source_url}" if b.source_url else ""
    caveat = f" {b.caveat.rstrip('.')}." if b.caveat else ""
    return (
        f"{verdict_sentence(b)}. {b.source} ({year}, {sample}, {b.confidence} confidence{link}). "
        f"{definition.rstrip('.')}.{caveat}"
    )


def _metrics(sheet: Worksheet, report: Report) -> None:
    """Every metric and benchmark as a number in its unit, with its name in words."""
    from boaudit.metrics.display import label, unit

    units = {
        "share": "percent",
        "days": "days",
        "amount": f"{report.fx_currency} per item",
        "count": "items",
        "ratio": "times",
        "index": "0 to 1",
        "text": "",
    }
    rows: list[list[Any]] = []
    formats: list[str | None] = []
    for kind, result in report.metrics.items():
        for name, value, reason in metric_rows(result):
            how = unit(name)
            rows.append(
                [kind, "metric", label(name), name, value, units.get(how or "", ""), reason or ""]
            )
            formats.append(NUMBER_FORMATS.get(how or ""))
        for group in headline_benchmarks(result.benchmarks):
            for b in group.every:
                how = unit(b.metric)
                kind_of_row = "benchmark" if b is group.headline else "other source"
                rows.append(
                    [
                        kind,
                        kind_of_row,
                        b.kpi,
                        b.metric,
                        b.value,
                        units.get(how or "", ""),
                        _note(b),
                    ]
                )
                formats.append(NUMBER_FORMATS.get(how or ""))
    _table(
        sheet,
        [
            ("kind", 10),
            ("type", 11),
            ("metric", 40),
            ("name", 30),
            ("value", 14),
            ("unit", 14),
            ("note", 70),
        ],
        rows,
    )
    for offset, fmt in enumerate(formats, start=2):
        value = rows[offset - 2][4]
        if fmt and isinstance(value, int | float) and not isinstance(value, bool):
            cell_at(sheet, offset, 5).number_format = fmt
    _print_across(sheet)
    if not rows:
        write_cell(cell_at(sheet, 2, 1), "No exports were given.")


def _data_quality(sheet: Worksheet, report: Report) -> None:
    rows = [
        [
            row.get("source"),
            row.get("sheet"),
            row.get("row"),
            ", ".join(map(str, row.get("reasons") or [])),
            json.dumps(row.get("raw"), ensure_ascii=False, sort_keys=True, default=str),
        ]
        for row in report.data_quality
    ]
    _table(
        sheet,
        [("source", 30), ("sheet", 14), ("row", 8), ("reasons", 40), ("raw values", 90)],
        rows,
    )
    _print_across(sheet)
    if not rows:
        write_cell(cell_at(sheet, 2, 1), "No input row was quarantined.")
