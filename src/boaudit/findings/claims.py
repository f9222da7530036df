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

    def facts(self) -> str:
        """``slowest median over fastest (invoices) 2.8x (healthy at 1.5x, a problem at 3.0x)``,
        with its detail."""
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
    """The number at ``KIND.path`` in the metrics (``invoices.tests.TEST.share`` for an audit
    test), or None where the exports do not measure it."""
    kind, _, rest = path.partition(".")
    result = results.get(kind)
    if result is None:
        return None
    node: Any
    if rest.startswith("tests."):
        node, rest = result.tests, rest[len("tests.") :]
        test, _, rest = rest.partition(".")
        node = node.get(test)
        if not node or node.get("status") != "ran":
            return None
    else:
        node = result.metrics
    for key in rest.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, int | float) or math.isnan(node):
        return None
    return float(node)


def _measure(check: Check, results: Mapping[str, MetricsResult]) -> Measured | None:
    value = metric_value(results, check.metric)
    if value is None:
        return None
    detail = ""
    if check.metric.endswith(".consistency.spread"):
        base = check.metric.removesuffix(".spread")
        low = metric_value(results, f"{base}.min_median_days")
        high = metric_value(results, f"{base}.max_median_days")
        if low is not None and high is not None:
            detail = f"assignees' medians from {low:.1f} to {high:.1f} days"
    return Measured(check.metric, value, check.healthy, check.unhealthy, check.score(value), detail)


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
                m for m in (_measure(c, results) for c in question.verify) if m is not None
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


def _number(metric: str, value: float) -> str:
    """The value in its unit, as the metrics tables print it."""
    from boaudit.metrics.display import shown

    if ".tests." in metric and metric.endswith(".share"):
        return f"{value * 100:.1f}%"
    return shown(metric.split(".", 1)[1], value, None)


def _label(metric: str) -> str:
    from boaudit.metrics.display import label

    if ".tests." in metric:
        test = metric.split(".tests.", 1)[1].rsplit(".", 1)[0]
        return f"the {test.replace('-', ' ')} test flags"
    kind, path = metric.split(".", 1)
    words = label(path)
    if len(words) > 1 and words[1].islower():  # "Workload ..." mid-sentence; "SLA met" stays
        words = words[0].lower() + words[1:]
    return f"{words} ({kind})"


def follow_up(gap: Gap, verified: Verified) -> str:
    """The follow-up question for a gap, with the numbers in it."""
    direction = "better" if gap.gap > 0 else "worse"
    return (
        f'You answered {gap.answer} to "{verified.text}" (score {gap.answer_score:.0f}); the '
        f"data says {verified.facts()}, a score of {gap.data_score:.0f}. You see it {direction} "
        "than the data: what explains the gap?"
    )
