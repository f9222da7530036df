"""Interviews checked against the data, question by question and respondent by respondent.

A question whose questionnaire entry carries ``verify`` checks (:class:`Check`) is verified
when the exports measure at least one of their metrics. Each check turns its metric into the
score the data implies, from 100 at the ``healthy`` value to 0 at the ``unhealthy`` one
(linearly between, held at the ends); the question's data score is the mean over its measured
checks. Then, for each respondent's numeric answer to a verified question:

* the **perception gap** is the answer's score ((answer - 1) / 4 x 100) minus the data score:
  positive when the respondent sees it better than the data does;
* each respondent's overall gap is the mean of their gaps, and their distance from the data the
  mean of the gaps' sizes; respondents are ranked from the closest to the data to the furthest;
* a gap of :data:`FOLLOW_UP_POINTS` or more, either way, gets a follow-up question with the
  numbers in it, to ask that respondent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from boaudit.document import JsonObject
from boaudit.findings.rules import readable
from boaudit.questionnaire.scoring import Assessment, question_score

if TYPE_CHECKING:
    from boaudit.metrics.model import MetricsResult
    from boaudit.questionnaire.models import Check

FOLLOW_UP_POINTS = 25.0
"""A perception gap this large (in score points, either way) asks for a follow-up question."""

RULE = (
    "claim checks: a question the exports can verify gets the score its metrics imply (100 at "
    "the healthy value, 0 at the unhealthy one, linear between); perception gap = the answer's "
    f"score minus that score; a gap of {FOLLOW_UP_POINTS:.0f} points or more either way asks a "
    "follow-up question"
)
"""The rule in words, printed with the checks."""


@dataclass(frozen=True)
class Measured:
    """One check of a question, as the data answers it."""

    metric: str
    value: float
    healthy: float
    unhealthy: float
    score: float
    detail: str = ""
    """What else the data says about it (the fastest and slowest assignees' medians)."""
    label: str = ""
    """The check in words where the metric's path does not say it (a benchmark's KPI)."""

    def facts(self) -> str:
        """``slowest median over fastest (invoices) 2.8x (healthy at 1.5x, a problem at 3.0x)``,
        with its detail."""
        if ".benchmarks." in self.metric:
            return (
                f"{self.label or _label(self.metric)}: {_number(self.metric, self.value)} "
                f"(healthy at the median or better, a problem at the bottom quartile"
                f"{'; ' + self.detail if self.detail else ''})"
            )
        return (
            f"{_label(self.metric)} {_number(self.metric, self.value)} (healthy at "
            f"{_number(self.metric, self.healthy)}, a problem at "
            f"{_number(self.metric, self.unhealthy)}{'; ' + self.detail if self.detail else ''})"
        )

    @property
    def better(self) -> str:
        """``lower`` or ``higher``: which way is better for this metric."""
        return "lower" if self.healthy < self.unhealthy else "higher"


@dataclass(frozen=True)
class Verified:
    """A question the data verifies, with the score it implies."""

    question: str
    text: str
    pitfall: str
    measured: tuple[Measured, ...]
    score: float
    """The data score: the mean of the measured checks' scores."""

    def facts(self) -> str:
        """What the data says about the question: each measured check's facts."""
        return "; ".join(m.facts() for m in self.measured)


@dataclass(frozen=True)
class Gap:
    """One respondent's answer to a verified question against the data."""

    respondent: str
    role: str
    question: str
    answer: int
    answer_score: float
    data_score: float
    follow_up: str | None
    """The question to ask them about it, or None when the gap is small."""

    @property
    def gap(self) -> float:
        """Answer score minus data score: positive when they see it better than the data."""
        return self.answer_score - self.data_score


@dataclass(frozen=True)
class InLine:
    """How far one respondent's verified answers are from the data."""

    respondent: str
    role: str
    answers: int
    """Their numeric answers to verified questions."""
    mean_gap: float
    """The mean perception gap (positive: rosier than the data)."""
    distance: float
    """The mean size of their gaps: 0 when every answer matches the data."""


@dataclass(frozen=True)
class ClaimChecks:
    """Every verified question, every respondent's gaps, and the respondents ranked."""

    verified: tuple[Verified, ...]
    gaps: tuple[Gap, ...]
    respondents: tuple[InLine, ...]
    """From the closest to the data to the furthest."""
    unverified: tuple[str, ...]
    """Questions with checks whose metrics these exports do not measure."""

    @property
    def follow_ups(self) -> tuple[Gap, ...]:
        """The gaps that ask for a follow-up question, largest first."""
        return tuple(
            sorted(
                (g for g in self.gaps if g.follow_up),
                key=lambda g: (-abs(g.gap), g.respondent, g.question),
            )
        )

    def to_dict(self) -> JsonObject:
        """JSON form (scores rounded to one decimal, as every score)."""
        return {
            "rule": RULE,
            "verified": [
                {
                    "question": v.question,
                    "pitfall": v.pitfall,
                    "data_score": round(v.score, 1),
                    "checks": [
                        {
                            "metric": m.metric,
                            "value": m.value,
                            "healthy": m.healthy,
                            "unhealthy": m.unhealthy,
                            "score": round(m.score, 1),
                        }
                        for m in v.measured
                    ],
                }
                for v in self.verified
            ],
            "gaps": [
                {
                    "respondent": g.respondent,
                    "role": g.role,
                    "question": g.question,
                    "answer": g.answer,
                    "gap": round(g.gap, 1),
                    "follow_up": g.follow_up,
                }
                for g in self.gaps
            ],
            "respondents": [
                {
                    "respondent": r.respondent,
                    "role": r.role,
                    "answers": r.answers,
                    "mean_gap": round(r.mean_gap, 1),
                    "distance": round(r.distance, 1),
                }
                for r in self.respondents
            ],
            "unverified": list(self.unverified),
        }


def metric_value(results: Mapping[str, MetricsResult], path: str) -> float | None:
    """The number at ``KIND.path`` in the metrics, or None where the exports do not measure it.

    ``path`` is any path an evidence rule reads (a metric, ``data_quality.*``,
    ``tests.TEST.share`` for an audit test that ran, ``process.*`` for an event log), or:

    * ``benchmarks.BENCHMARK.shortfall``: the comparison with a published benchmark (0 at or
      better than its median, 1 at or worse than its bottom quartile);
    * ``coverage.measured_share``: the share of the kind's KPIs the exports measure;
    * ``data_quality.worst_missing.share`` is 0 when no column has a missing value.
    """
    kind, _, rest = path.partition(".")
    result = results.get(kind)
    if result is None:
        return None
    head, _, tail = rest.partition(".")
    if head == "benchmarks":
        benchmark, _, field_name = tail.partition(".")
        for comparison in result.benchmarks:
            if comparison.benchmark == benchmark:
                return _finite(comparison.to_dict().get(field_name))
        return None
    if rest == "coverage.measured_share":
        values = list(result.metrics.values())
        return sum(v is not None for v in values) / len(values) if values else None
    missing = rest == "data_quality.worst_missing.share" and result.data_quality.get("read")
    if missing and result.data_quality.get("worst_missing") is None:
        return 0.0
    if head == "tests":
        test = result.tests.get(tail.partition(".")[0]) if result.tests else None
        if not test or test.get("status") != "ran":
            return None
    node: Any = readable(result)
    for key in rest.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return _finite(node)


def _finite(node: Any) -> float | None:
    if isinstance(node, bool) or not isinstance(node, int | float) or math.isnan(node):
        return None
    return float(node)


def _partner_gap(check: Check, results: Mapping[str, MetricsResult]) -> Measured | None:
    """``KIND.partner_gap.METRIC``: each outsourcing partner's METRIC minus in-house work's
    (the ``provider`` breakdown); the check scores the partner furthest on the wrong side."""
    from boaudit.findings.scorecard import IN_HOUSE, PROVIDER

    kind, _, metric = check.metric.partition(".partner_gap.")
    result = results.get(kind)
    if result is None:
        return None
    groups = result.all_groups().get(PROVIDER, {})
    homes = [v.get(metric) for name, v in groups.items() if IN_HOUSE.search(name)]
    home = _finite(homes[0]) if len(homes) == 1 else None
    if home is None:
        return None
    gaps = [
        (name, value - home)
        for name, values in groups.items()
        if not IN_HOUSE.search(name) and (value := _finite(values.get(metric))) is not None
    ]
    if not gaps:
        return None
    name, gap = min(gaps, key=lambda item: (check.score(item[1]), item[0]))
    partner = _finite(groups[name].get(metric))
    assert partner is not None
    detail = (
        f"{name} {_number(f'{kind}.{metric}', partner)} against in-house "
        f"{_number(f'{kind}.{metric}', home)}"
    )
    return Measured(check.metric, gap, check.healthy, check.unhealthy, check.score(gap), detail)


def _detail(metric: str, results: Mapping[str, MetricsResult]) -> str:
    """What else the data says about a check's metric: the benchmark's position, the column
    most often empty, the KPIs the exports cannot measure."""
    from boaudit.metrics.display import label

    kind, path = metric.split(".", 1)
    result = results[kind]
    if path.startswith("benchmarks."):
        benchmark = path.split(".")[1]
        return next((c.position for c in result.benchmarks if c.benchmark == benchmark), "")
    if path == "data_quality.worst_missing.share":
        worst = result.data_quality.get("worst_missing")
        return f"{worst['column']} is the emptiest column" if worst else "no column has a blank"
    if path == "coverage.measured_share":
        missing = [name for name, value in result.metrics.items() if value is None]
        return "not measured: " + ", ".join(_lower(label(m)) for m in missing) if missing else ""
    return ""


def measure(check: Check, results: Mapping[str, MetricsResult]) -> Measured | None:
    """What the data says about one check, or None where the exports do not measure it."""
    if ".partner_gap." in check.metric:
        return _partner_gap(check, results)
    value = metric_value(results, check.metric)
    if value is None:
        return None
    detail = _detail(check.metric, results)
    words = ""
    if ".benchmarks." in check.metric:
        kind, _, rest = check.metric.partition(".benchmarks.")
        benchmark = rest.partition(".")[0]
        compared = next(c for c in results[kind].benchmarks if c.benchmark == benchmark)
        words = f"{_lower(compared.kpi)} against {compared.who} ({kind})"
    if check.metric.endswith(".consistency.spread"):
        base = check.metric.removesuffix(".spread")
        low = metric_value(results, f"{base}.min_median_days")
        high = metric_value(results, f"{base}.max_median_days")
        if low is not None and high is not None:
            detail = f"assignees' medians from {low:.1f} to {high:.1f} days"
    return Measured(
        check.metric, value, check.healthy, check.unhealthy, check.score(value), detail, words
    )


def claim_checks(
    assessment: Assessment | None, results: Mapping[str, MetricsResult]
) -> ClaimChecks | None:
    """The claim checks of ``assessment`` against ``results``; None when no question of it can
    be verified (no checks, or no exports measuring them)."""
    if assessment is None or not results:
        return None
    verified: list[Verified] = []
    unverified: list[str] = []
    gaps: list[Gap] = []
    for pitfall in assessment.pitfalls:
        for question in pitfall.questions:
            if not question.verify:
                continue
            measured = tuple(
                m for m in (measure(c, results) for c in question.verify) if m is not None
            )
            if not measured:
                unverified.append(question.id)
                continue
            score = sum(m.score for m in measured) / len(measured)
            item = Verified(question.id, question.text, pitfall.id, measured, score)
            verified.append(item)
            for who, answer in question.answers.items():
                if not isinstance(answer, int):
                    continue
                gap = Gap(
                    respondent=who,
                    role=assessment.roles.get(who, ""),
                    question=question.id,
                    answer=answer,
                    answer_score=question_score(answer),
                    data_score=score,
                    follow_up=None,
                )
                if abs(gap.gap) >= FOLLOW_UP_POINTS:
                    gap = replace(gap, follow_up=follow_up(gap, item))
                gaps.append(gap)
    if not verified:
        return None
    return ClaimChecks(
        verified=tuple(verified),
        gaps=tuple(gaps),
        respondents=_ranked(gaps, assessment),
        unverified=tuple(unverified),
    )


def _ranked(gaps: list[Gap], assessment: Assessment) -> tuple[InLine, ...]:
    rows = []
    for who in assessment.respondents:
        own = [g.gap for g in gaps if g.respondent == who]
        if own:
            rows.append(
                InLine(
                    respondent=who,
                    role=assessment.roles.get(who, ""),
                    answers=len(own),
                    mean_gap=sum(own) / len(own),
                    distance=sum(abs(g) for g in own) / len(own),
                )
            )
    return tuple(sorted(rows, key=lambda r: (r.distance, r.respondent)))


_SHARES = (
    "coverage.measured_share",
    "data_quality.worst_missing.share",
    "data_quality.problem_share",
)
_WORDS = {
    "coverage.measured_share": "KPIs the exports measure",
    "data_quality.worst_missing.share": "items missing a value in the emptiest column",
    "data_quality.problem_share": "rows quarantined or with an unreadable value",
}


def _number(metric: str, value: float) -> str:
    """The value in its unit, as the metrics tables print it."""
    from boaudit.metrics.display import fixed, shown, unit

    path = metric.split(".", 1)[1]
    if (path.startswith("tests.") and path.endswith(".share")) or path in _SHARES:
        return f"{fixed(value * 100, 1)}%"
    if path.startswith("benchmarks."):
        return f"{fixed(value * 100, 0)}% of the way from the median to the bottom quartile"
    if path.startswith("partner_gap."):
        base = path.removeprefix("partner_gap.")
        if unit(base) == "share":
            return f"{fixed(value * 100, 1)} points".replace("-", "\N{MINUS SIGN}")
        return f"{'+' if value > 0 else ''}{shown(base, value, None)}".replace(
            "-", "\N{MINUS SIGN}"
        )
    return shown(path, value, None)


def _label(metric: str) -> str:
    from boaudit.metrics.display import label

    kind, path = metric.split(".", 1)
    if path.startswith("tests."):
        test = path.removeprefix("tests.").rsplit(".", 1)[0]
        return f"the {test.replace('-', ' ')} test flags"
    if path in _WORDS:
        return f"{_WORDS[path]} ({kind})"
    if path.startswith("benchmarks."):
        return f"against the {path.split('.')[1]} benchmark ({kind})"
    if path.startswith("partner_gap."):
        base = _lower(label(path.removeprefix("partner_gap.")))
        return f"the partner's {base} minus in-house ({kind})"
    return f"{_lower(label(path))} ({kind})"


def _lower(words: str) -> str:
    """A label mid-sentence: "Workload ..." becomes "workload ..."; "SLA met" stays."""
    if len(words) > 1 and words[1].islower():
        return words[0].lower() + words[1:]
    return words


def follow_up(gap: Gap, verified: Verified) -> str:
    """The follow-up question for a gap, with the numbers in it."""
    direction = "better" if gap.gap > 0 else "worse"
    return (
        f'You answered {gap.answer} to "{verified.text}" (score {gap.answer_score:.0f}); the '
        f"data says {verified.facts()}, a score of {gap.data_score:.0f}. You see it {direction} "
        "than the data: what explains the gap?"
    )
