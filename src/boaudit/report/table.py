"""The report as a terminal table (rich): boxed at the terminal's width on a terminal, plain
aligned text (no box drawing, no line cut) in a pipe or a file. Text from the answers and the
exports has its control characters shown escaped, never sent to the terminal as they are."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from boaudit.report.model import Report
from boaudit.report.text import (
    benchmark_lines,
    finding_money,
    fix_details,
    follow_up_warning,
    money_range,
    money_summary,
    scorecard_header,
    scorecard_rows,
)
from boaudit.textsafe import printable

PLAIN_WIDTH = 10_000
"""Line width without a terminal: wide enough that no line is cut."""


class _SafeConsole(Console):
    """Every string rendered has its control characters shown escaped."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)


def _text(text: str, style: str = "") -> Text:
    return Text(printable(text), style=style)


def _severity_style(severity: float) -> str:
    if severity >= 0.6:
        return "bold red"
    if severity >= 0.3:
        return "yellow"
    return "green"


def _plan(console: Console, report: Report) -> None:
    """The fix plan (``--plan``): its counts, and what the data says of each fix it checks."""
    from boaudit.findings.plan import plan_counts

    console.print(_text(f"Plan: {plan_counts(report.plan)}", style="bold"))
    for row in report.plan:
        if row.kpi and row.check:
            console.print(f"   - [{row.status}] {row.check}", markup=False)


def render_table(
    report: Report, *, color: bool = False, width: int = 100, terminal: bool = False
) -> str:
    """The ranked findings, the contradictions, quick wins and money, as rendered text: for a
    ``terminal`` boxed and ``width`` wide, else plain aligned text with no line cut."""
    buffer = io.StringIO()
    console = _SafeConsole(
        file=buffer,
        width=width if terminal else PLAIN_WIDTH,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,  # titles, names and evidence come from answers and exports
        legacy_windows=False,
    )
    console.print(_text(report.title, style="bold"))
    console.print(f"As of {report.as_of or 'n/a'}", markup=False)
    assessment = report.assessment
    if assessment:
        console.print(
            f"Interviews: {len(assessment.respondents)} respondent(s), overall score "
            f"{assessment.printed_score} ({assessment.band}), agreement alpha "
            f"{assessment.printed_alpha}",
            markup=False,
        )
    for kind, result in report.metrics.items():
        rows = result.rows
        console.print(
            f"Data, {kind}: {rows.get('accepted')} of {rows.get('read')} rows accepted, "
            f"{rows.get('quarantined')} quarantined, {rows.get('skipped')} skipped",
            markup=False,
        )
    for kind, result in report.metrics.items():
        for line, others in benchmark_lines(result, report.fx_currency):
            more = f"; {len(others)} other source(s) in the full report" if others else ""
            console.print(
                f"Benchmark, {kind}, {line.kpi}: {line.ours}, {line.sentence} "
                f"({line.source}, {line.confidence} confidence{more})",
                markup=False,
            )
    table = Table(title="What to fix first", title_justify="left")
    if not terminal:
        table.box = None
        table.show_edge = False
        table.pad_edge = False
    table.add_column("#", justify="right")
    table.add_column("pitfall")
    table.add_column("prio", justify="right")
    table.add_column("sev", justify="right")
    table.add_column("intv", justify="right")
    table.add_column("data", justify="right")
    table.add_column("effort")
    table.add_column("at stake", justify="right")
    for f in report.findings:
        flags = (
            (" *quick win*" if f.quick_win else "")
            + (" (to confirm)" if f.to_confirm else "")
            + (" !contradiction" if f.contradiction else "")
        )
        table.add_row(
            str(f.rank),
            _text(f.title + flags),
            f"{f.priority:.1f}",
            Text(f"{f.severity:.2f}", style=_severity_style(f.severity)),
            "-" if f.printed_score is None else f"{f.printed_score:.1f}",
            "-" if f.data_severity is None else f"{f.data_severity:.2f}",
            f.effort,
            finding_money(f),
        )
    console.print(table)
    warning = follow_up_warning(report)
    if warning:
        console.print(f"To confirm: {warning}", markup=False)
    for heading, parts in money_summary(report):
        console.print(f"{heading}: {'; '.join(parts)}", markup=False)
    for reason in report.money_refused:
        console.print(f"Money not estimated: {reason}", markup=False)
    for f in report.findings:
        if f.contradiction:
            console.print(f"Contradiction, {f.title}: {f.contradiction_note}", markup=False)
    claims = report.claims
    if claims is not None:
        ranked = claims.respondents
        closest = f"; closest to the data: {ranked[0].respondent}" if ranked else ""
        furthest = f", furthest: {ranked[-1].respondent}" if len(ranked) > 1 else ""
        console.print(
            f"Interviews against the data: {len(claims.verified)} question(s) verified by the "
            f"exports{closest}{furthest}; {len(claims.follow_ups)} follow-up question(s).",
            markup=False,
        )
    _scorecard(console, report, terminal)
    for f in report.findings[:3]:
        console.print(_text(f"{f.rank}. {f.title}: first steps", style="bold"))
        for fix in f.fixes[:2]:
            console.print(f"   - {fix.text} (effort {fix.effort})", markup=False)
            for detail in fix_details(fix):
                console.print(f"     {detail}", markup=False)
    if report.plan:
        _plan(console, report)
    console.print(
        "Full evidence, every fix and the follow-up questions: --format markdown, html, xlsx "
        "or docx.",
        markup=False,
    )
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _scorecard(console: Console, report: Report, terminal: bool) -> None:
    """The partner scorecard: one table per kind, then its verdicts and the credits owed."""
    card = report.scorecard
    if card is None:
        return
    for kind in card.kinds:
        table = Table(title=f"Outsourcing partner scorecard: {kind.kind}", title_justify="left")
        if not terminal:
            table.box = None
            table.show_edge = False
            table.pad_edge = False
        for n, name in enumerate(scorecard_header(kind)):
            table.add_column(name, justify="left" if n == 0 else "right")
        for row in scorecard_rows(kind):
            table.add_row(*(_text(cell) for cell in row))
        console.print(table)
        for text in kind.verdicts:
            console.print(text, markup=False)
    for m in card.credits:
        figure = money_range(m.amount, m.low, m.high, m.currency, m.confidence)
        console.print(f"{m.label}: {figure} to recover: {m.basis}", markup=False)
    for text in card.notes:
        console.print(text, markup=False)
