"""What respondents said in their own words: each comment under the pitfall it belongs to,
attributed by role, and flagged where it reads as a problem beside a healthy score.

The cue words are data (``data/comment_cues.toml``, per language); a comment holding one
beside an answer of 4 or 5 is flagged, so the interviewer checks which of the two holds.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from boaudit.questionnaire.scoring import Assessment, PitfallResult

HEALTHY_ANSWER = 4
"""An answer at or above this reads as healthy; a comment that reads as a problem beside it is
flagged."""


@dataclass(frozen=True)
class Quote:
    """One respondent's comment on one question."""

    respondent: str
    role: str
    question: str
    """The question id."""
    question_text: str
    answer: int | str | None
    comment: str
    cue: str | None
    """The cue word that makes a healthy answer's comment read as a problem, or None."""

    @property
    def who(self) -> str:
        """``Name (role)``, or the role alone when the respondent is named by role."""
        return self.role if self.role == self.respondent else f"{self.respondent} ({self.role})"

    @property
    def contradicts(self) -> bool:
        """The comment reads as a problem while the answer says healthy."""
        return self.cue is not None


@cache
def cue_words() -> tuple[str, ...]:
    """Every language's cue words, longest first (so 'only when' wins over 'when')."""
    text = resources.files("boaudit.data").joinpath("comment_cues.toml").read_text("utf-8")
    cues = tomllib.loads(text)["cues"]
    words = {str(word).casefold() for words in cues.values() for word in words}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in cue_words())
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)")


def problem_cue(comment: str) -> str | None:
    """The first cue word in ``comment`` that reads as a problem, or None."""
    found = _pattern().search(comment.casefold())
    return found.group(1) if found else None


def quotes(assessment: Assessment, pitfall: PitfallResult) -> Iterator[Quote]:
    """The comments on ``pitfall``'s questions, question by question, respondents in order."""
    for question in pitfall.questions:
        for respondent in assessment.respondents:
            comment = (question.comments.get(respondent) or "").strip()
            if not comment:
                continue
            answer = question.answers.get(respondent)
            healthy = isinstance(answer, int) and answer >= HEALTHY_ANSWER
            yield Quote(
                respondent=respondent,
                role=assessment.roles.get(respondent) or respondent,
                question=question.id,
                question_text=question.text,
                answer=answer,
                comment=comment,
                cue=problem_cue(comment) if healthy else None,
            )
