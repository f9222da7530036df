"""The number and text formatting every writer shares, so a figure reads the same in each.

:func:`number` is how a value prints in tables (``1,234``, ``0.117``, ``n/a``), :func:`money`
how an amount does (``12,345 USD``); :func:`change_number` and :func:`change_delta` how the run
history's before/after figures and their differences do; :func:`metric_rows` and
:func:`scalar_metrics` flatten a metrics result into rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.render import md_escape, role_scores
from boaudit.questionnaire.scoring import InterviewMeta, confidence_rule, round_score

if TYPE_CHECKING:
    from boaudit.findings.claims import ClaimChecks
    from boaudit.findings.impact import Total
    from boaudit.findings.model import EvidenceItem, Finding, Fix, Money
    from boaudit.findings.scorecard import KindScorecard
    from boaudit.report.model import Report

__all__ = [
    "DASH",
    "BenchmarkLine",
    "ClaimTables",
    "as_is",
    "benchmark_lines",
    "change_delta",
    "change_number",
    "claim_tables",
    "evidence_severity",
    "evidence_source",
    "finding_flags",
    "finding_money",
    "finding_tags",
    "first_calls",
    "fix_details",
    "follow_up_warning",
    "interview_tables",
    "md_escape",
    "metric_rows",
    "money",
    "money_cards",
    "money_range",
    "money_summary",
    "number",
    "priority_formula",
    "scalar_metrics",
    "scorecard_header",
    "scorecard_rows",
]


def money(amount: float, currency: str) -> str:
    """``12,345 USD``: whole units, thousands separated."""
    return f"{amount:,.0f} {currency}"


KIND_HEADINGS = {
    "recover": "To recover (one-off)",
    "block": "To block before the next payment run (one-off)",
    "yearly": "Leaking every year",
}
"""How each kind of money is named in a report."""


def money_range(amount: float, low: float, high: float, currency: str, confidence: str) -> str:
    """``9,751 USD (5,851 to 15,602, estimated)``; one figure when low and high agree."""
    if round(low) == round(high) == round(amount):
        return f"{money(amount, currency)} ({confidence})"
    return f"{money(amount, currency)} ({low:,.0f} to {high:,.0f}, {confidence})"


def money_summary(report: Report) -> list[tuple[str, list[str]]]:
    """The summary's money: per kind its heading and one entry per currency (then the
    user's conversion, when given); never a total across kinds or currencies."""
    out: list[tuple[str, list[str]]] = []
    for kind, heading in KIND_HEADINGS.items():
        parts = [
            money_range(t.amount, t.low, t.high, t.currency, t.confidence)
            for t in report.money_totals
            if t.kind == kind
        ]
        if parts:
            out.append((heading, parts))
    together, missing = report.money_converted
    for total in together:
        rates = ", ".join(f"1 {k} = {v:g} {report.fx_currency}" for k, v in report.fx.items())
        left = f"; not converted (no rate): {', '.join(missing)}" if missing else ""
        out.append(
            (
                f"{KIND_HEADINGS[total.kind]}, in {report.fx_currency} at the given rates",
                [
                    money_range(
                        total.amount, total.low, total.high, total.currency, total.confidence
                    )
                    + f" ({rates}{left})"
                ],
            )
        )
    return out


def money_cards(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """The summary's money for cards: per kind its heading and, largest first, one
    (amount, range and confidence) pair per currency; then the user's conversion, if any."""
    out: list[tuple[str, list[tuple[str, str]]]] = []

    def detail(t: Total) -> str:
        if round(t.low) == round(t.high) == round(t.amount):
            return t.confidence
        return f"{t.low:,.0f} to {t.high:,.0f}, {t.confidence}"

    for kind, heading in KIND_HEADINGS.items():
        found = sorted((t for t in report.money_totals if t.kind == kind), key=lambda t: -t.amount)
        if found:
            out.append((heading, [(money(t.amount, t.currency), detail(t)) for t in found]))
    together, missing = report.money_converted
    for total in together:
        left = f"; not converted (no rate): {', '.join(missing)}" if missing else ""
        out.append(
            (
                f"{KIND_HEADINGS[total.kind]}, in {report.fx_currency} at the given rates",
                [(money(total.amount, total.currency), detail(total) + left)],
            )
        )
    return out


SCORECARD_COLUMNS = (
    "Provider",
    "Items",
    "Median cycle time",
    "Error rate",
    "Rework",
    "SLA met",
    "Paid on time",
    "Cost per item",
)


def scorecard_header(card: KindScorecard) -> list[str]:
    """The scorecard table's column names, the cost with its currency."""
    return [*SCORECARD_COLUMNS[:-1], f"{SCORECARD_COLUMNS[-1]} ({card.currency})"]


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def scorecard_rows(card: KindScorecard) -> list[list[str]]:
    """One row of printed cells per provider: in-house first, then each partner."""
    rows = []
    for row in card.rows:
        if row.cost is None:
            cost = "no fee given" if not row.in_house else "n/a"
        elif row.in_house and row.full_cost is not None and row.full_cost != row.cost:
            cost = (
                f"{row.cost:,.2f} labour; {row.full_cost:,.2f} full "
                f"({row.cost_low or 0:,.2f} to {row.cost_high or 0:,.2f})"
            )
        elif row.contract is not None:
            cost = f"{row.cost:,.2f} (contract)"
        else:
            cost = f"{row.cost:,.2f}"
        rows.append(
            [
                row.provider
                + ("" if row.in_house or "partner" in row.provider.casefold() else " (partner)"),
                "n/a" if row.items is None else f"{row.items:,}",
                "n/a" if row.cycle_days is None else f"{row.cycle_days:.1f} days",
                _share(row.error_rate),
                _share(row.rework_rate),
                _share(row.sla_compliance),
                _share(row.on_time_rate),
                cost,
            ]
        )
    return rows


def finding_flags(finding: Finding) -> list[str]:
    """What marks a finding out: ``quick win``, ``to confirm``, ``contradiction``."""
    return [
        flag
        for flag, on in (
            ("quick win", finding.quick_win),
            ("to confirm", finding.to_confirm),
            ("contradiction", finding.contradiction),
        )
        if on
    ]


def finding_tags(finding: Finding) -> list[str]:
    """The line under a finding's heading: priority, severity, effort (and who set it), then
    its flags."""
    effort = f"effort {finding.effort}" + (" (set by you)" if finding.effort_overridden else "")
    return [
        f"priority {finding.priority:.1f}",
        f"severity {finding.severity:.2f}",
        effort,
        *finding_flags(finding),
    ]


def evidence_source(item: EvidenceItem) -> str:
    """Where a piece of evidence comes from: ``data, invoices, supporting``."""
    source = item.source if not item.kind else f"{item.source}, {item.kind}"
    if item.source == "data" and not item.primary:
        source += ", supporting"
    return source


def evidence_severity(item: EvidenceItem) -> str:
    """`` (severity 0.70)`` after the evidence, with its weight when it only supports."""
    if item.severity is None:
        return ""
    weight = "" if item.primary else ", counted at half weight here"
    return f" (severity {item.severity:.2f}{weight})"


def first_calls(money_item: Money) -> str | None:
    """``first calls to make: Evergreen Logistics (9,299 USD, 4 invoice(s)), ...``, or None."""
    if not money_item.calls:
        return None
    return "first calls to make: " + ", ".join(
        f"{c['vendor']} ({c['recover']:,.0f} {c['currency']}, {c['invoices']} invoice(s))"
        for c in money_item.calls
    )


def finding_money(finding: Finding) -> str:
    """A finding's money in one cell: ``recover 22,026 USD; a year 9,751 USD``."""
    words = {"recover": "recover", "block": "block", "yearly": "a year"}
    found: dict[tuple[str, str], float] = {}
    for item in finding.money:
        found[(item.kind, item.currency)] = found.get((item.kind, item.currency), 0.0) + (
            item.amount
        )
    ordered = sorted(found.items(), key=lambda kv: (list(words).index(kv[0][0]), kv[0][1]))
    return "; ".join(f"{words[k]} {money(a, c)}" for (k, c), a in ordered) or "-"


def number(value: Any, escape: Callable[[str], str] = md_escape) -> str:
    """How ``value`` prints in a table; text goes through ``escape`` (Markdown by default)."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return escape(str(value))


def metric_rows(result: MetricsResult) -> list[tuple[str, Any, str | None]]:
    """(name, raw value, null reason) per metric, objects flattened one level."""
    rows: list[tuple[str, Any, str | None]] = []
    reasons = result.null_reasons
    for name, value in result.metrics.items():
        if isinstance(value, Mapping):
            rows.extend(
                (f"{name}.{key}", inner, None)
                for key, inner in value.items()
                if not isinstance(inner, Mapping | list)
            )
        elif not isinstance(value, list):
            reason = reasons.get(name) if value is None else None
            rows.append((name, value, None if reason is None else str(reason)))
    return rows


def scalar_metrics(
    result: MetricsResult,
    escape: Callable[[str], str] = md_escape,
    currency: str | None = None,
) -> list[tuple[str, str, str]]:
    """(label, metric name, value in its unit) per metric; a null shows its reason. Text goes
    through ``escape``: Markdown's by default; a writer that escapes for itself (HTML) passes
    :func:`as_is`. Amounts carry ``currency`` (the labour figures' currency)."""
    from boaudit.metrics.display import label, shown

    return [
        (
            label(name),
            name,
            f"n/a ({escape(reason)})" if reason else escape(shown(name, value, currency)),
        )
        for name, value, reason in metric_rows(result)
    ]


def as_is(text: str) -> str:
    """No escaping: for a writer whose template escapes every value itself."""
    return text


def change_number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def change_delta(value: Any) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    return f"{value:+.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:+,.1f}"


def fix_details(fix: Fix) -> list[str]:
    """What a fix is measured by, each a short line: baseline, target (with where it comes
    from) and who or what to look at first; nothing for a general step."""
    out: list[str] = []
    if fix.baseline_text:
        out.append(f"today: {fix.baseline_text}")
    if fix.target_text:
        out.append(f"target: {fix.target_text} ({fix.target_source})")
    if fix.outliers:
        out.append("look first at: " + "; ".join(fix.outliers))
    return out


def follow_up_warning(report: Report) -> str | None:
    """The line at the top of a report whose interviews cannot carry findings alone."""
    flagged = [f for f in report.findings if f.to_confirm]
    if not flagged:
        return None
    basis = flagged[0].confidence_basis.removeprefix("interviews alone, ").removeprefix("whose ")
    return (
        f"The interviews need follow-up: {basis}. {len(flagged)} finding(s) that rest on "
        "interviews alone are marked 'to confirm' and count at 0.6 in the priority until a "
        "follow-up interview or the data confirms them."
    )


def priority_formula(finding: Finding) -> str:
    """``100 x severity 0.885 x confidence 1 x money 1 / effort 1 = 88.5 (confidence: ...)``:
    the priority with its factors, and why the confidence is what it is."""
    formula = (
        f"100 x severity {finding.severity:.3f} x confidence {finding.confidence:g} x money "
        f"{finding.money_factor:g} / effort {finding.effort_factor:g} = {finding.priority:.1f}"
    )
    if finding.confidence_basis:
        formula += f" (confidence: {finding.confidence_basis})"
    return formula


DASH = "\N{EN DASH}"
"""What an empty cell shows in the HTML and Word reports."""


def _dash_score(value: float | None) -> str:
    rounded = round_score(value)
    return DASH if rounded is None else f"{rounded:.1f}"


def interview_tables(report: Report) -> dict[str, Any] | None:
    """The interview tables of the HTML and Word reports, as printed cells: respondents,
    pitfall coverage by questionnaire, section scores, role scores and gaps."""
    assessment = report.assessment
    if assessment is None:
        return None
    counts = assessment.confidence_counts()
    respondents = []
    for who in assessment.respondents:
        meta = assessment.interviews.get(who, InterviewMeta())
        respondents.append(
            {
                "who": who,
                "role": assessment.roles.get(who, DASH),
                "dates": ", ".join(meta.dates) or DASH,
                "interviewers": ", ".join(meta.interviewers) or DASH,
                "minutes": (
                    DASH if meta.duration_minutes is None else f"{meta.duration_minutes:.0f}"
                ),
                "seen": counts[who]["seen"],
                "told": counts[who]["told"],
                "guess": counts[who]["guess"],
                "none": counts[who]["not given"],
            }
        )
    roles, role_rows = role_scores(assessment)
    return {
        "roles": roles,
        "role_rows": role_rows,
        "role_gaps": [p.message for p in assessment.problems if p.code == "role-gap"],
        "parts": assessment.parts,
        "rule": confidence_rule(),
        "respondents": respondents,
        "pitfalls": [
            {
                "title": p.title,
                "score": _dash_score(p.score),
                "band": p.band or "not assessed",
                "coverage": f"{p.answered}/{p.asked}",
                "sources": ", ".join(
                    f"{s.questionnaire} {s.answered}/{s.asked}"
                    + ("" if s.score is None else f" ({_dash_score(s.score)})")
                    for s in p.sources
                )
                or DASH,
            }
            for p in assessment.pitfalls
        ],
        "sections": [
            {
                "questionnaire": s.questionnaire,
                "title": f"{s.number}. {s.title}",
                "score": _dash_score(s.score),
                "band": s.band or "not assessed",
                "coverage": f"{s.answered}/{s.asked}",
            }
            for s in assessment.sections
        ],
    }


@dataclass(frozen=True)
class BenchmarkLine:
    """One benchmark as every writer prints it: a KPI's headline source or one beneath it."""

    headline: bool
    """The headline source of its KPI (else one of the other sources)."""
    kpi: str
    """Our KPI in words (``Cost per item``)."""
    published: str
    """The KPI as the source names it."""
    ours: str
    """Our value in its unit."""
    verdict: str
    """``better``, ``in range`` or ``worse`` against this source."""
    sentence: str
    """The gap and the verdict, e.g. ``12% below the Ardent average (9.40): better``."""
    source: str
    year: str
    """The year, or ``n/a``."""
    sample: str
    """``1,485 organisations``, or ``not stated``."""
    confidence: str
    url: str
    definition: str
    """``same as ours.`` or ``differs: ....``, then the caveat when there is one."""


def benchmark_lines(
    result: MetricsResult, currency: str | None = None
) -> list[tuple[BenchmarkLine, list[BenchmarkLine]]]:
    """Each benchmarked KPI's headline line and the lines of its other sources, in the order
    of :func:`boaudit.metrics.benchmarks.headline_benchmarks`."""
    from boaudit.metrics.benchmarks import headline_benchmarks, verdict, verdict_sentence
    from boaudit.metrics.display import label, shown

    def line(comparison: Any, headline: bool) -> BenchmarkLine:
        definition = f"differs: {comparison.differs}" if comparison.differs else "same as ours"
        definition = definition.rstrip(".") + "."
        if comparison.caveat:
            definition += f" {comparison.caveat.rstrip('.')}."
        return BenchmarkLine(
            headline=headline,
            kpi=label(comparison.metric) if comparison.metric else comparison.kpi,
            published=comparison.kpi,
            ours=shown(comparison.metric, comparison.value, currency),
            verdict=verdict(comparison),
            sentence=verdict_sentence(comparison),
            source=comparison.source,
            year="n/a" if comparison.year is None else str(comparison.year),
            sample="not stated" if comparison.n is None else f"{comparison.n:,} organisations",
            confidence=comparison.confidence,
            url=comparison.source_url,
            definition=definition,
        )

    return [
        (line(group.headline, True), [line(c, False) for c in group.others])
        for group in headline_benchmarks(result.benchmarks)
    ]


@dataclass(frozen=True)
class ClaimTables:
    """The claim checks as printed cells: the verified questions, the respondents ranked
    from the closest to the data, and each respondent's follow-up questions."""

    rule: str
    questions_header: tuple[str, ...]
    questions: tuple[tuple[str, ...], ...]
    respondents_header: tuple[str, ...]
    respondents: tuple[tuple[str, ...], ...]
    follow_ups: tuple[tuple[str, tuple[str, ...]], ...]
    """(respondent as shown, their follow-up questions, largest gap first)."""


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "\N{MINUS SIGN}")


def claim_tables(claims: ClaimChecks | None) -> ClaimTables | None:
    """The printed claim checks (a report's, or ``assess --data``'s), or None without any."""
    from boaudit.findings.claims import RULE

    if claims is None:
        return None
    answers: dict[str, dict[str, int]] = {}
    for gap in claims.gaps:
        answers.setdefault(gap.question, {})[gap.respondent] = gap.answer
    questions = tuple(
        (
            v.question,
            v.text,
            v.facts(),
            f"{v.score:.1f}",
            ", ".join(f"{who} {a}" for who, a in answers.get(v.question, {}).items()) or "-",
        )
        for v in claims.verified
    )
    respondents = tuple(
        (
            str(rank),
            r.respondent,
            r.role or "-",
            str(r.answers),
            _signed(r.mean_gap),
            f"{r.distance:.1f}",
        )
        for rank, r in enumerate(claims.respondents, start=1)
    )
    by_who: dict[str, list[str]] = {}
    for gap in claims.follow_ups:
        who = gap.respondent + (f" ({gap.role})" if gap.role and gap.role != gap.respondent else "")
        by_who.setdefault(who, []).append(gap.follow_up or "")
    return ClaimTables(
        rule=RULE,
        questions_header=("Question", "Asked", "What the data says", "Data score", "Answers"),
        questions=questions,
        respondents_header=(
            "#",
            "Respondent",
            "Role",
            "Verified answers",
            "Mean gap",
            "Distance from the data",
        ),
        respondents=respondents,
        follow_ups=tuple((who, tuple(items)) for who, items in by_who.items()),
    )
