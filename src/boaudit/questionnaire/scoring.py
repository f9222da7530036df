"""Score answers against a questionnaire: per question, per pitfall and overall.

The rule, so that a consultant can redo it by hand (also printed by ``boaudit assess --help``):

- question score = (answer - 1) / 4 x 100; ``n/a`` and blank are unanswered, never zero;
- each answer may carry a confidence, how the respondent knows it: seen evidence 1.0, told 0.7,
  guess 0.4 (not given: 1.0, as before confidences were asked);
- with several respondents, a question's answer is the mean of the answers given, each weighted
  by its confidence;
- pitfall score = the weighted mean of its answered questions' scores, each question weighing
  its weight (1 to 3) x the mean confidence weight of its answers;
- overall score = the mean of the assessed pitfalls' scores;
- several questionnaires in one assessment (say the outsourcing manager answered one, the desk
  lead another) are merged on the shared taxonomy: a pitfall's score is the weighted mean over
  the answered questions of every questionnaire that asks about it, and its coverage names the
  questionnaires that fed it, with their own answered/asked counts and score;
- section score = the weight-weighted mean of the answered questions of one section of one
  questionnaire (the source article's item, e.g. one of outsourcing-ten's ten mistakes), beside
  the pitfall scores: a client shown one article's list sees a score per item;
- scores are rounded to one decimal and the band is read from the rounded score:
  below 40 critical, 40 up to (not including) 70 needs work, 70 and above healthy;
- coverage = answered questions / questions asked (a question is answered when at least one
  respondent gave 1 to 5); a pitfall with no answer is not assessed (``null``), never 0;
- disagreement: a question whose answers differ by 2 points or more is flagged; a pitfall's
  disagreement share is flagged questions / questions answered by 2 or more respondents;
- agreement across respondents: Krippendorff's alpha, ordinal, over every question, when 2 or
  more respondents answered; 0.8 and above reliable, 0.667 up to 0.8 tentative, below 0.667
  follow-up interviews needed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import krippendorff
import numpy as np

from boaudit.document import JsonObject
from boaudit.questionnaire.answers import AnswerRecord
from boaudit.questionnaire.models import Check, Question, Questionnaire, combine
from boaudit.taxonomy import load_taxonomy

Band = Literal["critical", "needs work", "healthy"]
AgreementLabel = Literal["reliable", "tentative", "needs follow-up"]

CRITICAL_BELOW = 40.0
HEALTHY_FROM = 70.0
DISAGREEMENT_POINTS = 2
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667
SCHEMA_VERSION = 1
CONFIDENCE_WEIGHTS = {"seen": 1.0, "told": 0.7, "guess": 0.4}
"""Scoring weight of an answer by how the respondent knows it."""
NO_CONFIDENCE_WEIGHT = 1.0
"""An answer given without a confidence weighs as before confidences were asked."""


def confidence_weight(level: str | None) -> float:
    """The scoring weight of an answer's confidence (``seen``, ``told``, ``guess`` or None)."""
    return NO_CONFIDENCE_WEIGHT if level is None else CONFIDENCE_WEIGHTS[level]


def confidence_rule() -> str:
    """The confidence weights in words, as every output states them."""
    return (
        "confidence weights: seen evidence "
        f"{CONFIDENCE_WEIGHTS['seen']:.1f}, told {CONFIDENCE_WEIGHTS['told']:.1f}, guess "
        f"{CONFIDENCE_WEIGHTS['guess']:.1f}, not given {NO_CONFIDENCE_WEIGHT:.1f}"
    )


def question_score(answer: float) -> float:
    """Score of one answer (or a mean of answers) on the 0-100 scale."""
    return (answer - 1.0) / 4.0 * 100.0


def round_score(score: float | None) -> float | None:
    """Round a score to one decimal, half away from zero, as printed."""
    if score is None:
        return None
    return math.floor(score * 10 + 0.5) / 10 if score >= 0 else -math.floor(-score * 10 + 0.5) / 10


def band(score: float | None) -> Band | None:
    """The band of a score, read from the rounded score."""
    rounded = round_score(score)
    if rounded is None:
        return None
    if rounded < CRITICAL_BELOW:
        return "critical"
    if rounded < HEALTHY_FROM:
        return "needs work"
    return "healthy"


def agreement_label(alpha: float | None) -> AgreementLabel | None:
    """How far Krippendorff's alpha lets conclusions be drawn."""
    if alpha is None:
        return None
    if alpha >= ALPHA_RELIABLE:
        return "reliable"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "needs follow-up"


@dataclass(frozen=True)
class Problem:
    """A data problem found while scoring: a finding, not an exception."""

    code: str
    """Stable slug, e.g. ``unanswered-question``."""
    message: str
    pitfall: str | None = None
    question: str | None = None
    respondent: str | None = None

    def to_dict(self) -> JsonObject:
        """JSON form, without empty references."""
        data: JsonObject = {"code": self.code, "message": self.message}
        for key in ("pitfall", "question", "respondent"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers and score."""

    id: str
    pitfall: str
    text: str
    weight: int
    answers: dict[str, int | str | None]
    """Respondent -> 1 to 5, ``"n/a"``, or None (no answer), for every respondent."""
    comments: dict[str, str]
    mean: float | None
    score: float | None
    disagreement: bool
    confidence: dict[str, str] = field(default_factory=dict)
    """Respondent -> ``seen``, ``told`` or ``guess``, for the answers that carry one."""
    confidence_weight: float = NO_CONFIDENCE_WEIGHT
    """The mean confidence weight of the numeric answers: it scales the question's weight."""
    verify: tuple[Check, ...] = ()
    """The question's claim checks (what in the exports verifies its answers)."""

    @property
    def given(self) -> list[int]:
        """The numeric answers given."""
        return [value for value in self.answers.values() if isinstance(value, int)]

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "id": self.id,
            "score": round_score(self.score),
            "answers": dict(self.answers),
            "confidence": dict(self.confidence),
            "confidence_weight": round(self.confidence_weight, 3),
            "disagreement": self.disagreement,
        }


@dataclass(frozen=True)
class SourceCoverage:
    """What one questionnaire contributed to a pitfall's score."""

    questionnaire: str
    answered: int
    asked: int
    score: float | None
    """The weighted mean of this questionnaire's answered questions on the pitfall alone."""

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "id": self.questionnaire,
            "answered": self.answered,
            "asked": self.asked,
            "score": round_score(self.score),
        }


@dataclass(frozen=True)
class PitfallResult:
    """One pitfall's score across its questions."""

    id: str
    title: str
    score: float | None
    answered: int
    asked: int
    disagreement_share: float | None
    questions: tuple[QuestionResult, ...]
    sources: tuple[SourceCoverage, ...] = ()
    """Each questionnaire that asks about the pitfall, in the assessment's order."""

    @property
    def band(self) -> Band | None:
        """Band of the score (None when not assessed)."""
        return band(self.score)

    @property
    def fed_by(self) -> tuple[str, ...]:
        """The questionnaires with at least one answered question on this pitfall."""
        return tuple(s.questionnaire for s in self.sources if s.answered)

    @property
    def coverage(self) -> float:
        """Answered questions over questions asked."""
        return self.answered / self.asked if self.asked else 0.0

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "id": self.id,
            "title": self.title,
            "score": round_score(self.score),
            "band": self.band,
            "coverage": round(self.coverage, 3),
            "answered": self.answered,
            "asked": self.asked,
            "disagreement_share": (
                None if self.disagreement_share is None else round(self.disagreement_share, 3)
            ),
            "questionnaires": [s.to_dict() for s in self.sources],
            "questions": [q.to_dict() for q in self.questions],
        }


@dataclass(frozen=True)
class InterviewMeta:
    """When, by whom and how long a respondent was interviewed, as the answer files say."""

    dates: tuple[str, ...] = ()
    """The interview dates given (ISO, sorted; several when the answers span sessions)."""
    interviewers: tuple[str, ...] = ()
    duration_minutes: float | None = None
    """The largest duration given (an interview file records the running total)."""

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "dates": list(self.dates),
            "interviewers": list(self.interviewers),
            "duration_minutes": (
                None if self.duration_minutes is None else round(self.duration_minutes, 1)
            ),
        }


def interview_meta(records: Sequence[AnswerRecord]) -> dict[str, InterviewMeta]:
    """Respondent -> the interview metadata found on their answers, in respondent order."""
    found: dict[str, tuple[set[str], dict[str, None], list[float]]] = {}
    for record in records:
        dates, interviewers, minutes = found.setdefault(record.respondent, (set(), {}, []))
        if record.interview_date:
            dates.add(record.interview_date)
        if record.interviewer:
            interviewers[record.interviewer] = None
        if record.duration_minutes is not None:
            minutes.append(record.duration_minutes)
    return {
        who: InterviewMeta(tuple(sorted(dates)), tuple(names), max(minutes, default=None))
        for who, (dates, names, minutes) in found.items()
    }


@dataclass(frozen=True)
class SectionResult:
    """One section of one questionnaire: the article's item, scored over its own questions."""

    questionnaire: str
    number: str
    title: str
    score: float | None
    answered: int
    asked: int
    pitfalls: tuple[str, ...]
    """The pitfalls its questions measure, in order."""

    @property
    def band(self) -> Band | None:
        """Band of the score (None when not assessed)."""
        return band(self.score)

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "questionnaire": self.questionnaire,
            "number": self.number,
            "title": self.title,
            "score": round_score(self.score),
            "band": self.band,
            "answered": self.answered,
            "asked": self.asked,
            "pitfalls": list(self.pitfalls),
        }


@dataclass(frozen=True)
class Assessment:
    """The scored questionnaire: what people say, per pitfall and overall."""

    questionnaire_id: str
    questionnaire_title: str
    respondents: tuple[str, ...]
    roles: dict[str, str]
    pitfalls: tuple[PitfallResult, ...]
    agreement_alpha: float | None
    problems: tuple[Problem, ...] = field(default=())
    by_role: dict[str, Assessment] | None = None
    """With ``--by-role``: the same scoring over each role's respondents alone."""
    questionnaires: tuple[tuple[str, str], ...] = ()
    """(id, title) of each questionnaire merged into this assessment, in order."""
    sections: tuple[SectionResult, ...] = ()
    """A score per section of each questionnaire, in file order, beside the pitfall scores."""
    interviews: dict[str, InterviewMeta] = field(default_factory=dict)
    """Respondent -> interview date, interviewer and duration, where the answers give them."""

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        """(id, title) of each questionnaire scored (the assessment's own when not merged)."""
        return self.questionnaires or ((self.questionnaire_id, self.questionnaire_title),)

    @property
    def score(self) -> float | None:
        """Mean of the assessed pitfalls' scores."""
        scores = [p.score for p in self.pitfalls if p.score is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def band(self) -> Band | None:
        """Band of the overall score."""
        return band(self.score)

    @property
    def answered(self) -> int:
        """Answered questions, all pitfalls."""
        return sum(p.answered for p in self.pitfalls)

    @property
    def asked(self) -> int:
        """Questions asked, all pitfalls."""
        return sum(p.asked for p in self.pitfalls)

    @property
    def coverage(self) -> float:
        """Answered over asked, all pitfalls."""
        return self.answered / self.asked if self.asked else 0.0

    @property
    def agreement(self) -> AgreementLabel | None:
        """Reading of the agreement alpha."""
        return agreement_label(self.agreement_alpha)

    @property
    def printed_score(self) -> float | None:
        """The overall score as every output prints it (one decimal, half away from zero)."""
        return round_score(self.score)

    @property
    def printed_alpha(self) -> float | None:
        """The agreement alpha as every output prints it (three decimals)."""
        return None if self.agreement_alpha is None else round(self.agreement_alpha, 3)

    def confidence_counts(self) -> dict[str, dict[str, int]]:
        """Respondent -> how many of their answers (n/a included) were seen, told, guessed or
        given without a confidence."""
        counts = {r: {"seen": 0, "told": 0, "guess": 0, "not given": 0} for r in self.respondents}
        for pitfall in self.pitfalls:
            for question in pitfall.questions:
                for who, value in question.answers.items():
                    if value is not None:
                        counts[who][question.confidence.get(who, "not given")] += 1
        return counts

    def pitfall(self, pitfall_id: str) -> PitfallResult:
        """The result for ``pitfall_id``."""
        for result in self.pitfalls:
            if result.id == pitfall_id:
                return result
        raise KeyError(pitfall_id)

    def to_dict(self) -> JsonObject:
        """The JSON contract of ``boaudit assess --format json`` (schema version 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "questionnaire": {"id": self.questionnaire_id, "title": self.questionnaire_title},
            "questionnaires": [{"id": pid, "title": title} for pid, title in self.parts],
            "respondents": list(self.respondents),
            "roles": dict(self.roles),
            "confidence_weights": {**CONFIDENCE_WEIGHTS, "not given": NO_CONFIDENCE_WEIGHT},
            "confidence": self.confidence_counts(),
            "interviews": {
                who: self.interviews.get(who, InterviewMeta()).to_dict() for who in self.respondents
            },
            "overall": {
                "score": self.printed_score,
                "band": self.band,
                "coverage": round(self.coverage, 3),
                "answered": self.answered,
                "asked": self.asked,
                "agreement_alpha": self.printed_alpha,
                "agreement": self.agreement,
            },
            "pitfalls": [p.to_dict() for p in self.pitfalls],
            "sections": [s.to_dict() for s in self.sections],
            "problems": [p.to_dict() for p in self.problems],
            "by_role": (
                None
                if self.by_role is None
                else {role: sub.role_summary() for role, sub in self.by_role.items()}
            ),
        }

    def role_summary(self) -> JsonObject:
        """The short form used inside ``by_role``: respondents, overall and pitfall scores."""
        return {
            "respondents": list(self.respondents),
            "overall": {"score": round_score(self.score), "band": self.band},
            "pitfalls": {
                p.id: {"score": round_score(p.score), "band": p.band} for p in self.pitfalls
            },
        }


def score(
    questionnaires: Questionnaire | Sequence[Questionnaire],
    records: Sequence[AnswerRecord],
    merged: Mapping[str, Sequence[str]] | None = None,
) -> Assessment:
    """Score ``records`` (already checked with ``check_answers``) against ``questionnaires``.

    Several questionnaires are merged on the taxonomy (see the module's rules); ``merged``
    names respondents found in several files (reported, counted once).
    """
    parts = (
        (questionnaires,) if isinstance(questionnaires, Questionnaire) else tuple(questionnaires)
    )
    questionnaire = combine(parts)
    owner = {q.id: part.id for part in parts for q in part.questions}
    respondents = tuple(dict.fromkeys(r.respondent for r in records))
    roles: dict[str, str] = {}
    for record in records:
        if record.role:
            roles.setdefault(record.respondent, record.role)
    by_key = {(r.respondent, r.question_id): r for r in records}
    taxonomy = load_taxonomy()
    problems: list[Problem] = [
        Problem(
            "respondent-in-several-files",
            f"{who} appears in {', '.join(files)}; their answers are merged and counted once",
            respondent=who,
        )
        for who, files in (merged or {}).items()
    ]
    pitfalls: list[PitfallResult] = []
    for pitfall_id in questionnaire.pitfall_ids:
        questions = tuple(
            _score_question(q, respondents, by_key) for q in questionnaire.questions_for(pitfall_id)
        )
        answered = [q for q in questions if q.score is not None]
        pitfall_score = _weighted(questions)
        multi = [q for q in questions if len(q.given) >= 2]
        share = sum(q.disagreement for q in multi) / len(multi) if multi else None
        title = taxonomy.get(pitfall_id).title
        sources = tuple(
            _source(part.id, [q for q in questions if owner[q.id] == part.id])
            for part in parts
            if any(owner[q.id] == part.id for q in questions)
        )
        pitfalls.append(
            PitfallResult(
                pitfall_id,
                title,
                pitfall_score,
                len(answered),
                len(questions),
                share,
                questions,
                sources,
            )
        )
        if pitfall_score is None:
            problems.append(
                Problem(
                    "not-assessed",
                    f"no respondent answered any question on '{title}'; it is not assessed",
                    pitfall=pitfall_id,
                )
            )
        problems.extend(
            Problem(
                "unanswered-question",
                f"{q.id} has no answer from any respondent",
                pitfall=pitfall_id,
                question=q.id,
            )
            for q in questions
            if q.score is None and answered
        )
        problems.extend(
            Problem(
                "disagreement",
                f"{q.id}: answers range from {min(q.given)} to {max(q.given)}; "
                "discuss it with the respondents",
                pitfall=pitfall_id,
                question=q.id,
            )
            for q in questions
            if q.disagreement
        )
    alpha = _alpha(questionnaire, respondents, by_key)
    if len(respondents) < 2:
        problems.append(
            Problem(
                "single-respondent",
                "only one respondent: agreement cannot be measured; interview at least two "
                "people in different roles",
            )
        )
    elif alpha is None:
        problems.append(
            Problem(
                "agreement-undefined",
                "agreement cannot be computed: too few questions answered by two or more "
                "respondents, or every answer is the same",
            )
        )
    elif alpha < ALPHA_TENTATIVE:
        problems.append(
            Problem(
                "low-agreement",
                f"respondents disagree (Krippendorff's alpha {alpha:.3f} < {ALPHA_TENTATIVE}); "
                "hold follow-up interviews before drawing conclusions",
            )
        )
    for respondent in respondents:
        # A respondent is held to the questionnaires they answered, not to every one merged.
        theirs = {owner[r.question_id] for r in records if r.respondent == respondent}
        expected = [q for q in questionnaire.questions if owner[q.id] in theirs]
        given = sum(
            1
            for q in expected
            if (respondent, q.id) in by_key
            and (
                by_key[(respondent, q.id)].value is not None
                or by_key[(respondent, q.id)].not_applicable
            )
        )
        if given < len(expected):
            problems.append(
                Problem(
                    "incomplete-respondent",
                    f"{respondent} answered {given} of {len(expected)} questions "
                    "(n/a counts as answered here)",
                    respondent=respondent,
                )
            )
    if len(parts) > 1:
        counts = {part.id: 0 for part in parts}
        for record in records:
            counts[owner[record.question_id]] += 1
        problems.insert(
            0,
            Problem(
                "several-questionnaires",
                f"answers from {len(parts)} questionnaires ("
                + ", ".join(f"{pid}: {count} answers" for pid, count in counts.items())
                + ") are merged on the shared taxonomy; each pitfall's coverage names the "
                "questionnaires that fed it",
            ),
        )
    return Assessment(
        questionnaire.id,
        questionnaire.title,
        respondents,
        roles,
        tuple(pitfalls),
        alpha,
        tuple(problems),
        questionnaires=tuple((part.id, part.title) for part in parts) if len(parts) > 1 else (),
        sections=_sections(parts, pitfalls),
        interviews=interview_meta(records),
    )


def _sections(
    parts: Sequence[Questionnaire], pitfalls: Sequence[PitfallResult]
) -> tuple[SectionResult, ...]:
    """Each section of each questionnaire, scored over its own questions."""
    results = {q.id: q for pitfall in pitfalls for q in pitfall.questions}
    sections: list[SectionResult] = []
    for part in parts:
        for section in part.sections:
            questions = [results[q.id] for q in section.questions]
            sections.append(
                SectionResult(
                    part.id,
                    section.number,
                    section.title,
                    _weighted(questions),
                    sum(1 for q in questions if q.score is not None),
                    len(questions),
                    tuple(dict.fromkeys(q.pitfall for q in section.questions)),
                )
            )
    return tuple(sections)


def _weighted(questions: Sequence[QuestionResult]) -> float | None:
    """The weight-weighted mean of the answered questions' scores (None when none answered)."""
    answered = [(q.weight * q.confidence_weight, q.score) for q in questions if q.score is not None]
    total = sum(weight for weight, _ in answered)
    return sum(weight * value for weight, value in answered) / total if answered else None


def _source(questionnaire_id: str, questions: Sequence[QuestionResult]) -> SourceCoverage:
    answered = sum(1 for q in questions if q.score is not None)
    return SourceCoverage(questionnaire_id, answered, len(questions), _weighted(questions))


def _score_question(
    question: Question,
    respondents: Sequence[str],
    by_key: dict[tuple[str, str], AnswerRecord],
) -> QuestionResult:
    answers: dict[str, int | str | None] = {}
    comments: dict[str, str] = {}
    confidence: dict[str, str] = {}
    weighted: list[tuple[float, int]] = []
    for respondent in respondents:
        record = by_key.get((respondent, question.id))
        if record is None:
            answers[respondent] = None
            continue
        answers[respondent] = "n/a" if record.not_applicable else record.value
        if record.comment:
            comments[respondent] = record.comment
        if record.confidence:
            confidence[respondent] = record.confidence
        if record.value is not None:
            weighted.append((confidence_weight(record.confidence), record.value))
    given = [value for value in answers.values() if isinstance(value, int)]
    total = sum(weight for weight, _ in weighted)
    mean = sum(weight * value for weight, value in weighted) / total if weighted else None
    return QuestionResult(
        id=question.id,
        pitfall=question.pitfall,
        text=question.text,
        weight=question.weight,
        answers=answers,
        comments=comments,
        mean=mean,
        score=None if mean is None else question_score(mean),
        disagreement=bool(given) and max(given) - min(given) >= DISAGREEMENT_POINTS,
        confidence=confidence,
        confidence_weight=total / len(weighted) if weighted else NO_CONFIDENCE_WEIGHT,
        verify=question.verify,
    )


def _alpha(
    questionnaire: Questionnaire,
    respondents: Sequence[str],
    by_key: dict[tuple[str, str], AnswerRecord],
) -> float | None:
    """Krippendorff's alpha (ordinal) over respondents x questions; None when undefined."""
    if len(respondents) < 2:
        return None
    matrix = np.full((len(respondents), len(questionnaire.questions)), np.nan)
    for i, respondent in enumerate(respondents):
        for j, question in enumerate(questionnaire.questions):
            record = by_key.get((respondent, question.id))
            if record is not None and record.value is not None:
                matrix[i, j] = record.value
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if (
        not pairable.any()
        or len(np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])) < 2
    ):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(
            krippendorff.alpha(
                reliability_data=matrix[:, pairable],
                level_of_measurement="ordinal",
                value_domain=[1, 2, 3, 4, 5],
            )
        )
    return value if math.isfinite(value) else None


NO_ROLE = "(no role)"
ROLE_GAP_POINTS = 25.0


def score_by_role(
    questionnaire: Questionnaire | Sequence[Questionnaire],
    records: Sequence[AnswerRecord],
    merged: Mapping[str, Sequence[str]] | None = None,
) -> Assessment:
    """Score all respondents together, plus each role alone (e.g. managers against staff).

    A pitfall whose role scores differ by ``ROLE_GAP_POINTS`` or more is reported as a
    ``role-gap`` problem: a gap between roles is itself a finding.
    """
    overall = score(questionnaire, records, merged)
    role_of: dict[str, str] = {}
    for record in records:
        if record.role:
            role_of.setdefault(record.respondent, record.role)
    roles: dict[str, list[AnswerRecord]] = {}
    for record in records:
        roles.setdefault(role_of.get(record.respondent, NO_ROLE), []).append(record)
    by_role = {role: score(questionnaire, subset) for role, subset in sorted(roles.items())}
    gaps: list[Problem] = []
    for pitfall in overall.pitfalls:
        scored = {
            role: sub.pitfall(pitfall.id).score
            for role, sub in by_role.items()
            if sub.pitfall(pitfall.id).score is not None
        }
        if len(scored) < 2:
            continue
        high = max(scored, key=lambda role: scored[role] or 0.0)
        low = min(scored, key=lambda role: scored[role] or 0.0)
        gap = (scored[high] or 0.0) - (scored[low] or 0.0)
        if gap >= ROLE_GAP_POINTS:
            gaps.append(
                Problem(
                    "role-gap",
                    f"'{pitfall.title}': {high} scores it {round_score(scored[high])}, "
                    f"{low} {round_score(scored[low])} ({gap:.1f} points apart); "
                    "the roles see it differently",
                    pitfall=pitfall.id,
                )
            )
    return replace(overall, problems=(*overall.problems, *gaps), by_role=by_role)
