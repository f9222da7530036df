"""Read, check and score answer files: the whole assessment but its rendering."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from boaudit.errors import AnswersError
from boaudit.questionnaire.answers import check_answers, read_answer_files
from boaudit.questionnaire.infer import infer_questionnaire
from boaudit.questionnaire.loader import load_questionnaire
from boaudit.questionnaire.scoring import Assessment, score, score_by_role


def assess_files(
    answers: Sequence[Path], questionnaire: str | None = None, *, by_role: bool = False
) -> Assessment:
    """Score answer files (CSV and XLSX, mixed) against ``questionnaire`` (inferred if None).

    Raises :class:`AnswersError` listing every problem, :class:`InputMissingError` for a
    missing or unreadable file, and the questionnaire's own errors for a bad ``questionnaire``.
    """
    records = read_answer_files(list(answers))
    loaded = load_questionnaire(questionnaire) if questionnaire else infer_questionnaire(records)
    checked = check_answers(loaded, records)
    if checked.errors:
        raise AnswersError(checked.errors[0], checked.errors[1:])
    scorer = score_by_role if by_role else score
    return scorer(loaded, checked.records, merged=checked.merged)
