"""Questionnaire models, validated once when a file is loaded.

A questionnaire is a view over the taxonomy: sections follow the numbering of the article it
comes from, and each question measures one pitfall. Answers are 1 (the mistake is fully
present) to 5 (best practice), or ``n/a``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NewType

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

QuestionId = NewType("QuestionId", str)

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
MIN_QUESTIONS_PER_PITFALL = 3


RUBRIC_KEYS = ("1", "2", "3", "4", "5")
"""Every answer has an anchor: a question without all five is invalid."""


class Rubric(BaseModel):
    """What each answer 1 to 5 looks like, so two interviewers score an open answer alike."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    one: str = Field(alias="1", min_length=3)
    two: str = Field(alias="2", min_length=3)
    three: str = Field(alias="3", min_length=3)
    four: str = Field(alias="4", min_length=3)
    five: str = Field(alias="5", min_length=3)

    def as_dict(self) -> dict[str, str]:
        """The rubric keyed by answer, as in the JSON output."""
        return {"1": self.one, "2": self.two, "3": self.three, "4": self.four, "5": self.five}


class Check(BaseModel):
    """How the data verifies a question's answer: a metric (or an audit test's share) of the
    exports, the value at which the data says "healthy" (answer 5, score 100) and the value at
    which it says "the mistake is present" (answer 1, score 0); in between, linearly. Which way
    is better follows from the two: ``healthy = 0.1, unhealthy = 0.3`` means lower is better."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str = Field(pattern=r"^(tasks|invoices|events)\.[a-z0-9_.-]+$")
    """``KIND.path`` of a metric (``invoices.consistency.spread``), or
    ``invoices.tests.TEST.share`` for an audit test's flagged share."""
    healthy: float
    unhealthy: float

    @model_validator(mode="after")
    def _apart(self) -> Check:
        if self.healthy == self.unhealthy:
            raise ValueError("healthy and unhealthy must differ: they say which way is better")
        return self

    def score(self, value: float) -> float:
        """The score (0 to 100) the data implies for ``value``."""
        share = (value - self.unhealthy) / (self.healthy - self.unhealthy)
        return 100.0 * min(max(share, 0.0), 1.0)


class Question(BaseModel):
    """One interview question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    """Stable id, unique across the bundled questionnaires (e.g. ``bo7.1.2``)."""
    pitfall: str
    """The pitfall id it measures."""
    text: str = Field(min_length=10)
    """The question as asked."""
    guidance: str = Field(min_length=10)
    """What the interviewer should listen or ask for."""
    weight: StrictInt = Field(ge=1, le=3)
    """1 to 3: how much the answer says about the pitfall."""
    rubric: Rubric
    verify: tuple[Check, ...] = ()
    """What in the exports verifies the answer (claim checks); empty: the data cannot."""


class Section(BaseModel):
    """A numbered section, following the source article's structure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: str = Field(min_length=1)
    title: str = Field(min_length=3)
    summary: str = ""
    questions: tuple[Question, ...] = Field(min_length=1)


class Questionnaire(BaseModel):
    """A whole questionnaire file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    source: str = Field(min_length=1)
    """What it is built from, as a reader would cite it (title, publisher, year)."""
    seed: str | None = None
    """Bundled questionnaires: the project's copy of the source article, which its own
    consistency tests read; never shown in any output."""
    description: str = ""
    sections: tuple[Section, ...] = Field(min_length=1)

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in file order."""
        return tuple(q for section in self.sections for q in section.questions)

    @property
    def pitfall_ids(self) -> tuple[str, ...]:
        """The pitfalls measured, in order of first appearance."""
        seen: dict[str, None] = {}
        for question in self.questions:
            seen.setdefault(question.pitfall, None)
        return tuple(seen)

    def questions_for(self, pitfall_id: str) -> tuple[Question, ...]:
        """The questions measuring ``pitfall_id``, in file order."""
        return tuple(q for q in self.questions if q.pitfall == pitfall_id)

    def section_of(self, question_id: str) -> Section:
        """The section holding ``question_id``."""
        for section in self.sections:
            if any(q.id == question_id for q in section.questions):
                return section
        raise KeyError(question_id)


def combine(parts: Sequence[Questionnaire]) -> Questionnaire:
    """Several questionnaires as one, for an assessment that merges them on the taxonomy.

    One questionnaire is returned as it is. Several give a questionnaire whose sections are
    theirs in the order given, id ``a+b`` and title ``A + B``; it is built without validation
    (its section numbers may repeat across the parts) and never written to a file. Question ids
    must be unique across the parts (they are across the bundled questionnaires).
    """
    if len(parts) == 1:
        return parts[0]
    return Questionnaire.model_construct(
        id="+".join(p.id for p in parts),
        title=" + ".join(p.title for p in parts),
        source="; ".join(p.source for p in parts),
        description="",
        sections=tuple(section for p in parts for section in p.sections),
    )
