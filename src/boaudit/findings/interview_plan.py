"""The data-first interview plan: what to ask whom, worked out from the exports before anyone is
interviewed (``boaudit plan``).

Each role (``data/interview_roles.toml``, or a file of the same layout) covers some pitfalls;
the plan takes the questionnaire's questions on those pitfalls and sorts them by what the data
already says:

* **answered by the data** (ask briefly, or skip): a question linked to metrics (``verify``)
  whose data score is :data:`ANSWERED_SCORE` or more;
* **probe**: a linked question whose data score is below :data:`PROBE_SCORE`, or any question
  on a pitfall where a data evidence rule raised a flag (severity :data:`FLAG_SEVERITY` or
  more); the probe carries the numbers to put to the respondent;
* **ask in full**: every other question (nothing in the data about it, or a middling score).

Each role also gets the numbers to bring to the meeting, up to :data:`NUMBERS`: its data flags
and its probes' measured checks, the most severe first, each figure once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from boaudit.document import JsonObject
from boaudit.findings.claims import Measured, measure
from boaudit.findings.model import EvidenceItem
from boaudit.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from boaudit.metrics.model import MetricsResult
    from boaudit.questionnaire.models import Question, Questionnaire

ANSWERED_SCORE = 75.0
"""A linked question the data scores this high is answered by the data."""
PROBE_SCORE = 50.0
"""A linked question the data scores below this is a probe."""
FLAG_SEVERITY = 0.5
"""Data evidence this severe on a pitfall makes its questions probes."""
NUMBERS = 3
"""Numbers to bring to each meeting."""

RULE = (
    f"a question linked to metrics gets the score the data implies (100 at the healthy value, "
    f"0 at the unhealthy one); {ANSWERED_SCORE:.0f} or more: answered by the data, ask briefly "
    f"or skip; below {PROBE_SCORE:.0f}, or on a pitfall where the data raised a flag (evidence "
    f"of severity {FLAG_SEVERITY} or more): probe, with the numbers; the rest: ask in full"
)
"""The rule in words, printed with the plan."""


class Role(BaseModel):
    """One person to interview and the pitfalls they can speak to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=2)
    who: str = ""
    """Who fills the role, in a few words."""
    pitfalls: tuple[str, ...] = Field(min_length=1)

    @field_validator("pitfalls")
    @classmethod
    def _known(cls, pitfalls: tuple[str, ...]) -> tuple[str, ...]:
        known = load_taxonomy().ids
        unknown = [p for p in pitfalls if p not in known]
        if unknown:
            raise ValueError(
                f"unknown pitfall(s) {', '.join(unknown)}; use ids of the taxonomy "
                f"({', '.join(known)})"
            )
        return tuple(dict.fromkeys(pitfalls))


class RolesFile(BaseModel):
    """A ``[[roles]]`` file (``boaudit plan --roles FILE``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: tuple[Role, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> RolesFile:
        names = [r.name.casefold() for r in self.roles]
        twice = sorted({r.name for r in self.roles if names.count(r.name.casefold()) > 1})
        if twice:
            raise ValueError(f"role(s) named twice: {', '.join(twice)}")
        return self


@cache
def bundled_roles() -> tuple[Role, ...]:
    """The bundled roles (``data/interview_roles.toml``)."""
    text = resources.files("boaudit.data").joinpath("interview_roles.toml").read_text("utf-8")
    return RolesFile.model_validate(tomllib.loads(text)).roles


@dataclass(frozen=True)
class PlannedQuestion:
    """One question of a role's plan and what the data says about it."""

    question: str
    pitfall: str
    text: str
    weight: int
    data_score: float | None
    """The score the data implies (linked questions the exports measure), else None."""
    measured: tuple[Measured, ...] = ()
    flags: tuple[str, ...] = ()
    """The data evidence that made it a probe (its sentences)."""

    def facts(self) -> tuple[str, ...]:
        """What the data says: each measured check's facts, then the flags."""
        return tuple(m.facts() for m in self.measured) + self.flags

    def to_dict(self) -> JsonObject:
        return {
            "question": self.question,
            "pitfall": self.pitfall,
            "text": self.text,
            "weight": self.weight,
            "data_score": None if self.data_score is None else round(self.data_score, 1),
            "facts": list(self.facts()),
        }


@dataclass(frozen=True)
class RolePlan:
    """What to ask one role."""

    role: Role
    probes: tuple[PlannedQuestion, ...]
    """Where the data raised a flag, the worst first."""
    answered: tuple[PlannedQuestion, ...]
    """What the data already answers: ask briefly, or skip."""
    ask: tuple[PlannedQuestion, ...]
    """The rest, in the questionnaire's order."""
    numbers: tuple[str, ...]
    """The numbers to bring to the meeting."""

    def to_dict(self) -> JsonObject:
        return {
            "role": self.role.name,
            "who": self.role.who,
            "pitfalls": list(self.role.pitfalls),
            "numbers": list(self.numbers),
            "probes": [q.to_dict() for q in self.probes],
            "answered": [q.to_dict() for q in self.answered],
            "ask": [q.to_dict() for q in self.ask],
        }


@dataclass(frozen=True)
class InterviewPlan:
    """The plan for every role, and what it was built from."""

    questionnaires: tuple[tuple[str, str], ...]
    """(id, title) of each questionnaire the questions come from."""
    roles: tuple[RolePlan, ...]
    uncovered: tuple[str, ...]
    """Pitfalls the questionnaires ask about that no chosen role covers: asked of nobody."""

    def to_dict(self) -> JsonObject:
        return {
            "questionnaires": [{"id": i, "title": t} for i, t in self.questionnaires],
            "rule": RULE,
            "roles": [r.to_dict() for r in self.roles],
            "uncovered": list(self.uncovered),
        }


def _flags(results: Mapping[str, MetricsResult]) -> dict[str, list[EvidenceItem]]:
    """Data evidence of severity :data:`FLAG_SEVERITY` or more, by pitfall, strongest first."""
    by_pitfall: dict[str, list[EvidenceItem]] = {}
    for result in results.values():
        for item in result.evidence:
            if not isinstance(item, EvidenceItem) or not item.primary:
                continue
            if item.severity is not None and item.severity >= FLAG_SEVERITY:
                item = replace(item, kind=item.kind or result.kind)
                by_pitfall.setdefault(item.pitfall, []).append(item)
    for items in by_pitfall.values():
        items.sort(key=lambda e: -(e.severity or 0.0))
    return by_pitfall


def _planned(
    question: Question, results: Mapping[str, MetricsResult], flags: Sequence[EvidenceItem]
) -> PlannedQuestion:
    measured = tuple(m for m in (measure(c, results) for c in question.verify) if m is not None)
    score = sum(m.score for m in measured) / len(measured) if measured else None
    return PlannedQuestion(
        question=question.id,
        pitfall=question.pitfall,
        text=question.text,
        weight=question.weight,
        data_score=score,
        measured=measured,
        flags=tuple(e.message for e in flags),
    )


def interview_plan(
    questionnaires: Sequence[Questionnaire],
    results: Mapping[str, MetricsResult],
    roles: Sequence[Role],
) -> InterviewPlan:
    """The plan for ``roles`` from ``questionnaires``' questions and the measured ``results``
    (each with its evidence, :func:`~boaudit.findings.rules.with_evidence`)."""
    flags = _flags(results)
    questions = [q for questionnaire in questionnaires for q in questionnaire.questions]
    plans = []
    for role in roles:
        probes: list[PlannedQuestion] = []
        answered: list[PlannedQuestion] = []
        ask: list[PlannedQuestion] = []
        for question in questions:
            if question.pitfall not in role.pitfalls:
                continue
            planned = _planned(question, results, ())
            score = planned.data_score
            if score is not None and score >= ANSWERED_SCORE:
                answered.append(planned)
            elif score is not None and score < PROBE_SCORE:
                probes.append(planned)
            elif score is None and flags.get(question.pitfall):
                probes.append(_planned(question, results, flags[question.pitfall]))
            else:
                ask.append(planned)
        probes.sort(key=lambda q: (q.data_score if q.data_score is not None else 100.0, -q.weight))
        plans.append(
            RolePlan(
                role=role,
                probes=tuple(probes),
                answered=tuple(answered),
                ask=tuple(ask),
                numbers=_numbers(role, flags, probes, results),
            )
        )
    asked = {q.pitfall for q in questions}
    covered = {p for role in roles for p in role.pitfalls}
    order = load_taxonomy().ids
    return InterviewPlan(
        questionnaires=tuple((q.id, q.title) for q in questionnaires),
        roles=tuple(plans),
        uncovered=tuple(p for p in order if p in asked and p not in covered),
    )


def _numbers(
    role: Role,
    flags: Mapping[str, Sequence[EvidenceItem]],
    probes: Sequence[PlannedQuestion],
    results: Mapping[str, MetricsResult],
) -> tuple[str, ...]:
    """The numbers to bring: the role's data flags and its probes' measured checks, the most
    severe first (a check's severity is 1 - its score / 100), one per measured figure (a flag
    and a check reading the same metric of the same kind count once, in the flag's words)."""
    found: dict[tuple[str, str, str], tuple[float, str]] = {}
    for pitfall in role.pitfalls:
        for e in flags.get(pitfall, []):
            key = (e.kind or "", e.metric or e.message, e.group[0] if e.group else "")
            if key not in found or found[key][0] < (e.severity or 0.0):
                found[key] = (e.severity or 0.0, e.message)
    for probe in probes:
        for m in probe.measured:
            key = _check_key(m.metric, results)
            severity = 1 - m.score / 100
            if key not in found:
                found[key] = (severity, m.facts())
            elif found[key][0] < severity:  # the flag's sentence, at the check's severity
                found[key] = (severity, found[key][1])
    ranked = sorted(found.values(), key=lambda item: -item[0])
    return tuple(dict.fromkeys(text[:1].upper() + text[1:] for _, text in ranked))[:NUMBERS]


def _check_key(metric: str, results: Mapping[str, MetricsResult]) -> tuple[str, str, str]:
    """(kind, metric read, group column) of a check, as an evidence rule would name it."""
    kind, _, path = metric.partition(".")
    if path.startswith("partner_gap."):
        return kind, path.removeprefix("partner_gap."), "provider"
    if path.startswith("benchmarks."):
        benchmark = path.split(".")[1]
        for compared in results[kind].benchmarks:
            if compared.benchmark == benchmark:
                return kind, compared.metric, ""
    return kind, path, ""
