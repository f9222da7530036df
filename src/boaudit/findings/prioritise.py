"""Prioritisation: interviews and data side by side, per pitfall, ranked into findings.

The rules, printed in every report (:data:`RULES`):

- interview severity = (100 - pitfall score) / 100;
- data severity = the highest weighted severity among the pitfall's data evidence: a rule's
  evidence counts in full for its primary pitfall (the first it names) and at half weight
  where it only supports another, so one signal never raises two findings alike;
- combined severity = the mean of the two when both exist, the one that exists otherwise; when
  they contradict each other, the higher of the two;
- contradiction: interviews say healthy (score 70 or more) while the data evidence has severity
  0.5 or more, or interviews say critical (below 40) while every data signal for it is below 0.2;
  a single respondent who rates it healthy against such data is named as well (the combined
  severity then stays the mean: the interviews as a whole agree with the data);
- confidence = 1 when the data measured the pitfall; for interviews alone 0.9 (agreement
  alpha 0.8 or more), 0.8 (0.667 up to 0.8) or 0.6 below 0.667, with one respondent or when
  the agreement cannot be measured: such findings are marked "to confirm";
- money = 1.25 with money to recover or block, 1.1 with yearly money only, 1 without money;
- effort = that of the first recommended fix: low 1, medium 1.5, high 2;
- priority = 100 x severity x confidence x money / effort, rounded to one decimal (100 for a
  severe, confirmed, low-effort finding without money; money lifts it up to 125); ties go to
  the larger money at stake, then to taxonomy order;
- quick win: combined severity 0.5 or more, low effort, and not "to confirm".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from boaudit.findings.baseline import BaselineKpi, baseline_sentence, kpi_baseline
from boaudit.findings.model import Effort, EvidenceItem, Finding, Fix, Money
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.scoring import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    HEALTHY_FROM,
    Assessment,
    PitfallResult,
    round_score,
)
from boaudit.taxonomy import Pitfall, load_taxonomy

EFFORT_FACTOR: dict[str, float] = {"low": 1.0, "medium": 1.5, "high": 2.0}
CONTRADICTION_DATA_HIGH = 0.5
CONTRADICTION_DATA_LOW = 0.2
CRITICAL_BELOW = 40.0
QUICK_WIN_SEVERITY = 0.5
CONFIDENCE_DATA = 1.0
CONFIDENCE_RELIABLE = 0.9
CONFIDENCE_TENTATIVE = 0.8
CONFIDENCE_TO_CONFIRM = 0.6
MONEY_ONE_OFF = 1.25
MONEY_YEARLY = 1.1
MONEY_NONE = 1.0
BASELINE_RULE = "kpi-baseline"

RULES = {
    "interview_severity": "interview severity = (100 - pitfall score) / 100",
    "data_severity": (
        "data severity = the highest weighted severity among the pitfall's data evidence; "
        "each rule counts in full for its primary pitfall and at half weight where it only "
        "supports another"
    ),
    "combined_severity": (
        "combined severity = the mean of interview and data severity when both exist, else the "
        "one that exists; when they contradict each other, the higher of the two"
    ),
    "contradiction": (
        "contradiction = interviews say healthy (score 70+) while data severity is 0.5 or more, "
        "or interviews say critical (below 40) while every data signal is below 0.2; a "
        "respondent who alone rates it healthy against such data is named too (severity then "
        "stays the mean)"
    ),
    "confidence": (
        "confidence = 1 when the data measured it; interviews alone 0.9 (agreement alpha "
        "0.8+), 0.8 (0.667 to 0.8), or 0.6 and 'to confirm' below 0.667, with one respondent, "
        "or when agreement cannot be measured"
    ),
    "money": ("money = 1.25 with money to recover or block, 1.1 with yearly money only, 1 without"),
    "effort": "effort = that of the first recommended fix: low 1, medium 1.5, high 2",
    "priority": (
        "priority = 100 x severity x confidence x money / effort (100: severe, confirmed, low "
        "effort, no money; money lifts it up to 125); ties go to the larger money at stake"
    ),
    "quick_win": "quick win = combined severity 0.5 or more, low effort, and not 'to confirm'",
}


@dataclass(frozen=True)
class Agreement:
    """What the interviews can carry on their own: the confidence factor and its reason."""

    factor: float
    basis: str
    to_confirm: bool


def interview_agreement(assessment: Assessment | None) -> Agreement | None:
    """The confidence of findings that rest on interviews alone (None without interviews)."""
    if assessment is None:
        return None
    count = len(assessment.respondents)
    alpha = assessment.printed_alpha
    if count < 2:
        return Agreement(
            CONFIDENCE_TO_CONFIRM,
            "interviews alone, one respondent, so agreement cannot be measured",
            True,
        )
    if alpha is None:
        return Agreement(
            CONFIDENCE_TO_CONFIRM,
            f"interviews alone, {count} respondents whose agreement cannot be measured",
            True,
        )
    if alpha < ALPHA_TENTATIVE:
        return Agreement(
            CONFIDENCE_TO_CONFIRM,
            f"interviews alone, whose agreement (alpha {alpha:.3f}) is below {ALPHA_TENTATIVE}",
            True,
        )
    label = "reliable" if alpha >= ALPHA_RELIABLE else "tentative"
    factor = CONFIDENCE_RELIABLE if alpha >= ALPHA_RELIABLE else CONFIDENCE_TENTATIVE
    return Agreement(
        factor,
        f"interviews alone, agreement alpha {alpha:.3f} ({label}), {count} respondents",
        False,
    )


def prioritise(
    assessment: Assessment | None,
    results: Mapping[str, MetricsResult],
    effort: Mapping[str, Effort] | None = None,
    money: Mapping[str, tuple[Money, ...]] | None = None,
) -> tuple[Finding, ...]:
    """One Finding per pitfall with any evidence, ranked by priority (the rules above).

    ``results`` are metrics results by kind with their evidence attached
    (:func:`boaudit.findings.with_evidence`); ``effort`` overrides the first fix's effort by
    pitfall id; ``money`` is the money at stake by pitfall id
    (:func:`boaudit.findings.impact.estimate_money`).
    """
    effort = effort or {}
    money = money or {}
    taxonomy = load_taxonomy()
    interview = _interview_evidence(assessment)
    data = _data_evidence(results)
    agreement = interview_agreement(assessment)
    baseline = kpi_baseline(results)
    drafts: list[tuple[float, tuple[float, float], int, Finding]] = []
    for order, pitfall in enumerate(taxonomy.pitfalls):
        scored = interview.get(pitfall.id)
        evidence = data.get(pitfall.id, [])
        if scored is None and not evidence:
            continue
        score, band, interview_items = scored if scored else (None, None, [])
        interview_severity = None if score is None else (100.0 - score) / 100.0
        signals = [e.weighted_severity for e in evidence if e.weighted_severity is not None]
        data_severity = max(signals) if signals else None
        contradiction, note = _contradiction(score, data_severity, evidence)
        severity = _combine(interview_severity, data_severity, contradiction)
        dissent = _respondent_contradiction(assessment, pitfall.id, data_severity, evidence)
        if dissent and not contradiction:
            contradiction, note = True, dissent
        figures = money.get(pitfall.id, ())
        extra = _baseline_evidence(pitfall.id, baseline)
        fixes = _fixes(pitfall, evidence, figures, baseline)
        chosen: Effort = effort.get(pitfall.id, fixes[0].effort)
        if data_severity is not None or agreement is None:
            confidence, basis, to_confirm = CONFIDENCE_DATA, "measured in the data", False
        else:
            confidence, basis, to_confirm = agreement.factor, agreement.basis, agreement.to_confirm
        money_factor = _money_factor(figures)
        effort_factor = EFFORT_FACTOR[chosen]
        priority = round(100.0 * severity * confidence * money_factor / effort_factor, 1)
        finding = Finding(
            pitfall=pitfall.id,
            title=pitfall.title,
            description=pitfall.description,
            rank=0,
            priority=priority,
            severity=severity,
            interview_severity=interview_severity,
            data_severity=data_severity,
            questionnaire_score=score,
            questionnaire_band=band,
            evidence=(*interview_items, *sorted(evidence, key=_strongest_first), *extra),
            contradiction=contradiction,
            contradiction_note=note,
            money=figures,
            effort=chosen,
            effort_overridden=pitfall.id in effort,
            fixes=fixes,
            quick_win=severity >= QUICK_WIN_SEVERITY and chosen == "low" and not to_confirm,
            confidence=confidence,
            confidence_basis=basis,
            to_confirm=to_confirm,
            money_factor=money_factor,
            effort_factor=effort_factor,
        )
        drafts.append((priority, _cash(figures), order, finding))
    drafts.sort(key=lambda item: (-item[0], -item[1][0], -item[1][1], item[2]))
    return tuple(
        _with_rank(finding, rank) for rank, (_, _, _, finding) in enumerate(drafts, start=1)
    )


def _money_factor(figures: tuple[Money, ...]) -> float:
    if any(m.kind != "yearly" and m.amount > 0 for m in figures):
        return MONEY_ONE_OFF
    if any(m.amount > 0 for m in figures):
        return MONEY_YEARLY
    return MONEY_NONE


def _fixes(
    pitfall: Pitfall,
    evidence: Sequence[EvidenceItem],
    figures: tuple[Money, ...],
    baseline: tuple[BaselineKpi, ...],
) -> tuple[Fix, ...]:
    """The fixes made for what the data found (strongest primary evidence first, one per
    rule), then the pitfall's general steps."""
    made: dict[str, Fix] = {}
    for item in sorted(evidence, key=_strongest_first):
        if item.primary and item.fix is not None and item.rule not in made:
            made[item.rule or ""] = _with_calls(item.fix, figures)
    if pitfall.id == "metrics" and baseline and not made:
        made[BASELINE_RULE] = Fix(
            text=(
                f"Adopt the {len(baseline)} KPIs boaudit measured from the exports as the "
                "baseline (listed in the report), publish them to the team every month, and "
                "set a target for each."
            ),
            effort="low",
            source=f"rule {BASELINE_RULE}",
            baseline_text=f"{len(baseline)} KPIs measured from the exports today",
        )
    general = tuple(
        Fix(text=step.text, effort=step.effort, source="taxonomy") for step in pitfall.fixes
    )
    return (*made.values(), *general)


def _with_calls(fix: Fix, figures: tuple[Money, ...]) -> Fix:
    """A duplicates fix names the first vendors to call (the most to recover first)."""
    calls = [call for m in figures if m.kind == "recover" for call in m.calls]
    if not calls or not (fix.kpi or "").split(".", 1)[-1].startswith(("duplicate", "tests.dup")):
        return fix
    calls.sort(key=lambda call: -float(call.get("recover") or 0.0))
    named = tuple(
        f"first call: {call.get('vendor')}, {float(call.get('recover') or 0.0):,.2f} "
        f"{call.get('currency', '')} to recover".replace("  ", " ")
        for call in calls[:3]
    )
    return replace(fix, outliers=(*named, *fix.outliers))


def _baseline_evidence(
    pitfall_id: str, baseline: tuple[BaselineKpi, ...]
) -> tuple[EvidenceItem, ...]:
    """For ``metrics``: the KPIs the exports already support, never 'no KPIs'."""
    if pitfall_id != "metrics" or not baseline:
        return ()
    return (
        EvidenceItem(
            source="data",
            pitfall="metrics",
            message=baseline_sentence(baseline),
            metric="baseline",
            rule=BASELINE_RULE,
            value=float(len(baseline)),
        ),
    )


def _cash(figures: tuple[Money, ...]) -> tuple[float, float]:
    """For ties: the largest one-off figure (recover or block) first, then the largest yearly
    one (amounts of different currencies compared as numbers, only to break a tie)."""
    one_off = max((m.amount for m in figures if m.kind != "yearly"), default=0.0)
    return one_off, max((m.amount for m in figures if m.kind == "yearly"), default=0.0)


def _strongest_first(item: EvidenceItem) -> tuple[bool, float]:
    return (not item.primary, -(item.weighted_severity or 0.0))


def _with_rank(finding: Finding, rank: int) -> Finding:
    return replace(finding, rank=rank)


def _combine(interview: float | None, data: float | None, contradiction: bool) -> float:
    if interview is None:
        return data or 0.0
    if data is None:
        return interview
    if contradiction:
        return max(interview, data)
    return (interview + data) / 2.0


def _contradiction(
    score: float | None, data_severity: float | None, evidence: Sequence[EvidenceItem]
) -> tuple[bool, str | None]:
    if score is None or data_severity is None:
        return False, None
    strongest = max(evidence, key=lambda e: e.weighted_severity or 0.0)
    if score >= HEALTHY_FROM and data_severity >= CONTRADICTION_DATA_HIGH:
        return True, (
            f"Interviews call this healthy (score {round_score(score):.1f}) but the data says "
            f"otherwise: {strongest.message}"
        )
    if score < CRITICAL_BELOW and data_severity < CONTRADICTION_DATA_LOW:
        return True, (
            f"Interviews call this critical (score {round_score(score):.1f}) but the data shows "
            f"little sign of it (highest data severity {data_severity:.2f}): check whether the "
            "data covers what the respondents worry about"
        )
    return False, None


def respondent_scores(assessment: Assessment, pitfall_id: str) -> dict[str, float]:
    """Each respondent's own score for a pitfall (weighted mean of their answers)."""
    totals: dict[str, tuple[float, float]] = {}
    for question in assessment.pitfall(pitfall_id).questions:
        for who, value in question.answers.items():
            if isinstance(value, int):
                weighted, weights = totals.get(who, (0.0, 0.0))
                totals[who] = (
                    weighted + question.weight * (value - 1) / 4 * 100,
                    weights + question.weight,
                )
    return {who: weighted / weights for who, (weighted, weights) in totals.items() if weights}


def _respondent_contradiction(
    assessment: Assessment | None,
    pitfall_id: str,
    data_severity: float | None,
    evidence: Sequence[EvidenceItem],
) -> str | None:
    """A respondent who calls the pitfall healthy while the data says otherwise."""
    if assessment is None or data_severity is None or data_severity < CONTRADICTION_DATA_HIGH:
        return None
    if pitfall_id not in {p.id for p in assessment.pitfalls}:
        return None
    healthy = {
        who: score
        for who, score in respondent_scores(assessment, pitfall_id).items()
        if score >= HEALTHY_FROM
    }
    if not healthy:
        return None
    strongest = max(evidence, key=lambda e: e.weighted_severity or 0.0)
    names = ", ".join(
        f"{who}{f' ({assessment.roles[who]})' if assessment.roles.get(who, who) != who else ''} "
        f"{round_score(score):.1f}"
        for who, score in healthy.items()
    )
    return (
        f"Some respondents call this healthy ({names}) but the data says otherwise: "
        f"{strongest.message}"
    )


def _interview_evidence(
    assessment: Assessment | None,
) -> dict[str, tuple[float, str | None, list[EvidenceItem]]]:
    if assessment is None:
        return {}
    out: dict[str, tuple[float, str | None, list[EvidenceItem]]] = {}
    for pitfall in assessment.pitfalls:
        if pitfall.score is None:
            continue
        score = round_score(pitfall.score)
        assert score is not None  # a pitfall with a score has a rounded score
        items = [
            EvidenceItem(
                source="interviews",
                severity=(100.0 - pitfall.score) / 100.0,
                metric=f"questionnaire:{assessment.questionnaire_id}",
                message=(
                    f"Interviews score it {round_score(score):.1f} ({pitfall.band}) from "
                    f"{len(assessment.respondents)} respondent(s), {pitfall.answered} of "
                    f"{pitfall.asked} questions answered"
                ),
                details={"respondents": list(assessment.respondents)},
            )
        ]
        weakest = sorted(
            (q for q in pitfall.questions if q.score is not None), key=lambda q: q.score or 0.0
        )[:2]
        for question in weakest:
            answers = ", ".join(
                f"{who} {value}" for who, value in question.answers.items() if value is not None
            )
            items.append(
                EvidenceItem(
                    source="interviews",
                    severity=(100.0 - (question.score or 0.0)) / 100.0,
                    metric=question.id,
                    message=f"{question.id} '{question.text}': {answers}",
                    details={"question": question.id, "answers": dict(question.answers)},
                )
            )
        flagged = [q for q in pitfall.questions if q.disagreement]
        if flagged:
            items.append(
                EvidenceItem(
                    source="interviews",
                    metric="disagreement",
                    message=(
                        f"Respondents disagree (2+ points apart) on {len(flagged)} question(s): "
                        + ", ".join(q.id for q in flagged)
                    ),
                    details={"questions": [q.id for q in flagged]},
                )
            )
        items.extend(_quote_evidence(assessment, pitfall))
        out[pitfall.id] = (score, pitfall.band, items)
    return out


def _quote_evidence(assessment: Assessment, pitfall: PitfallResult) -> list[EvidenceItem]:
    """Each comment on the pitfall's questions in the respondents' words, attributed by role
    (the same words from several respondents once); flagged where a healthy answer's comment
    reads as a problem."""
    from boaudit.questionnaire.quotes import Quote, quotes

    said: dict[str, list[Quote]] = {}
    for quote in quotes(assessment, pitfall):
        said.setdefault(quote.comment, []).append(quote)
    items = []
    for comment, by in said.items():
        who = "; ".join(
            f"{q.who}, answering {'n/a' if q.answer is None else q.answer} to {q.question}"
            for q in by
        )
        message = f'"{comment}" (said by {who})'
        for q in by:
            if q.contradicts:
                message += (
                    f". {q.who} answered {q.answer} (healthy) but the comment reads as a problem "
                    f"('{q.cue}'): check which one holds"
                )
        items.append(
            EvidenceItem(
                source="interviews",
                metric=by[0].question,
                message=message,
                details={
                    "quote": comment,
                    "said_by": [
                        {
                            "respondent": q.respondent,
                            "role": q.role,
                            "question": q.question,
                            "answer": q.answer,
                            "contradicts": q.contradicts,
                            "cue": q.cue,
                        }
                        for q in by
                    ],
                },
            )
        )
    return items


def _data_evidence(results: Mapping[str, MetricsResult]) -> dict[str, list[EvidenceItem]]:
    """The rules' evidence of every result by pitfall, each item marked with its kind."""
    out: dict[str, list[EvidenceItem]] = {}
    for kind, result in results.items():
        for item in result.evidence:
            if not isinstance(item, EvidenceItem):
                raise TypeError(f"evidence of the {kind} is not an EvidenceItem: {item!r}")
            out.setdefault(item.pitfall, []).append(replace(item, kind=kind))
    return out
