"""Prioritisation: interviews and data side by side, per pitfall, ranked into findings.

The rules, printed in every report (:data:`RULES`):

- interview severity = (100 - pitfall score) / 100;
- data severity = the highest severity among the pitfall's data evidence;
- combined severity = the mean of the two when both exist, the one that exists otherwise; when
  they contradict each other, the higher of the two;
- contradiction: interviews say healthy (score 70 or more) while the data evidence has severity
  0.5 or more, or interviews say critical (below 40) while every data signal for it is below 0.2;
  a single respondent who rates it healthy against such data is named as well (the combined
  severity then stays the mean: the interviews as a whole agree with the data);
- priority = 100 x combined severity / effort factor (low 1, medium 1.5, high 2), rounded to one
  decimal; ties go to the larger money at stake, then to taxonomy order;
- quick win: combined severity 0.5 or more and low effort.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from boaudit.findings.model import Effort, EvidenceItem, Finding, Money
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.scoring import HEALTHY_FROM, Assessment
from boaudit.taxonomy import load_taxonomy

EFFORT_FACTOR: dict[str, float] = {"low": 1.0, "medium": 1.5, "high": 2.0}
CONTRADICTION_DATA_HIGH = 0.5
CONTRADICTION_DATA_LOW = 0.2
CRITICAL_BELOW = 40.0
QUICK_WIN_SEVERITY = 0.5

RULES = {
    "interview_severity": "interview severity = (100 - pitfall score) / 100",
    "data_severity": "data severity = the highest severity among the pitfall's data evidence",
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
    "priority": (
        "priority = 100 x combined severity / effort factor (low 1, medium 1.5, high 2); ties go "
        "to the larger money at stake"
    ),
    "quick_win": "quick win = combined severity 0.5 or more and low effort",
}


def prioritise(
    assessment: Assessment | None,
    results: Mapping[str, MetricsResult],
    effort: Mapping[str, Effort] | None = None,
    money: Mapping[str, tuple[Money, ...]] | None = None,
) -> tuple[Finding, ...]:
    """One Finding per pitfall with any evidence, ranked by priority (the rules above).

    ``results`` are metrics results by kind with their evidence attached
    (:func:`boaudit.findings.with_evidence`); ``effort`` overrides the taxonomy's effort by
    pitfall id; ``money`` is the money at stake by pitfall id
    (:func:`boaudit.findings.impact.estimate_money`).
    """
    effort = effort or {}
    money = money or {}
    taxonomy = load_taxonomy()
    interview = _interview_evidence(assessment)
    data = _data_evidence(results)
    drafts: list[tuple[float, tuple[float, float], int, Finding]] = []
    for order, pitfall in enumerate(taxonomy.pitfalls):
        scored = interview.get(pitfall.id)
        evidence = data.get(pitfall.id, [])
        if scored is None and not evidence:
            continue
        score, band, interview_items = scored if scored else (None, None, [])
        interview_severity = None if score is None else (100.0 - score) / 100.0
        signals = [e.severity for e in evidence if e.severity is not None]
        data_severity = max(signals) if signals else None
        contradiction, note = _contradiction(score, data_severity, evidence)
        severity = _combine(interview_severity, data_severity, contradiction)
        dissent = _respondent_contradiction(assessment, pitfall.id, data_severity, evidence)
        if dissent and not contradiction:
            contradiction, note = True, dissent
        chosen: Effort = effort.get(pitfall.id, pitfall.effort)
        priority = round(100.0 * severity / EFFORT_FACTOR[chosen], 1)
        figures = money.get(pitfall.id, ())
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
            evidence=(*interview_items, *sorted(evidence, key=_strongest_first)),
            contradiction=contradiction,
            contradiction_note=note,
            money=figures,
            effort=chosen,
            effort_overridden=pitfall.id in effort,
            fixes=pitfall.fixes,
            quick_win=severity >= QUICK_WIN_SEVERITY and chosen == "low",
        )
        drafts.append((priority, _cash(figures), order, finding))
    drafts.sort(key=lambda item: (-item[0], -item[1][0], -item[1][1], item[2]))
    return tuple(
        _with_rank(finding, rank) for rank, (_, _, _, finding) in enumerate(drafts, start=1)
    )


def _cash(figures: tuple[Money, ...]) -> tuple[float, float]:
    """For ties: the largest one-off figure (recover or block) first, then the largest yearly
    one (amounts of different currencies compared as numbers, only to break a tie)."""
    one_off = max((m.amount for m in figures if m.kind != "yearly"), default=0.0)
    return one_off, max((m.amount for m in figures if m.kind == "yearly"), default=0.0)


def _strongest_first(item: EvidenceItem) -> float:
    return -(item.severity or 0.0)


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
    strongest = max(evidence, key=lambda e: e.severity or 0.0)
    if score >= HEALTHY_FROM and data_severity >= CONTRADICTION_DATA_HIGH:
        return True, (
            f"Interviews call this healthy (score {score:.1f}) but the data says otherwise: "
            f"{strongest.message}"
        )
    if score < CRITICAL_BELOW and data_severity < CONTRADICTION_DATA_LOW:
        return True, (
            f"Interviews call this critical (score {score:.1f}) but the data shows little sign "
            f"of it (highest data severity {data_severity:.2f}): check whether the data covers "
            "what the respondents worry about"
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
    strongest = max(evidence, key=lambda e: e.severity or 0.0)
    names = ", ".join(
        f"{who}{f' ({assessment.roles[who]})' if assessment.roles.get(who, who) != who else ''} "
        f"{score:.1f}"
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
        score = round(pitfall.score, 1)
        items = [
            EvidenceItem(
                source="interviews",
                severity=(100.0 - pitfall.score) / 100.0,
                metric=f"questionnaire:{assessment.questionnaire_id}",
                message=(
                    f"Interviews score it {score:.1f} ({pitfall.band}) from "
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
        out[pitfall.id] = (score, pitfall.band, items)
    return out


def _data_evidence(results: Mapping[str, MetricsResult]) -> dict[str, list[EvidenceItem]]:
    """The rules' evidence of every result by pitfall, each item marked with its kind."""
    out: dict[str, list[EvidenceItem]] = {}
    for kind, result in results.items():
        for item in result.evidence:
            if not isinstance(item, EvidenceItem):
                raise TypeError(f"evidence of the {kind} is not an EvidenceItem: {item!r}")
            out.setdefault(item.pitfall, []).append(replace(item, kind=kind))
    return out
