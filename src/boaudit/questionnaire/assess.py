"""Read, check and score answer files: the whole assessment but its rendering."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from boaudit.errors import AnswersError
from boaudit.questionnaire.answers import check_answers, read_answer_files
from boaudit.questionnaire.infer import infer_questionnaires
from boaudit.questionnaire.loader import load_questionnaire
from boaudit.questionnaire.models import combine
from boaudit.questionnaire.scoring import Assessment, score, score_by_role


def assess_files(
    answers: Sequence[Path],
    questionnaire: str | Sequence[str] | None = None,
    *,
    by_role: bool = False,
    anonymise: bool = False,
) -> Assessment:
    """Score answer files (CSV and XLSX, mixed) against ``questionnaire``: one id or path,
    several (merged on the taxonomy), or None to infer them from the question ids.

    Raises :class:`AnswersError` listing every problem, :class:`InputMissingError` for a
    missing or unreadable file, and the questionnaire's own errors for a bad ``questionnaire``.
    With ``anonymise``, respondents are replaced by their roles once the answers are checked
    (:mod:`boaudit.questionnaire.anonymise`).
    """
    records = read_answer_files(list(answers))
    refs = [questionnaire] if isinstance(questionnaire, str) else list(questionnaire or ())
    parts = (
        tuple(load_questionnaire(ref) for ref in dict.fromkeys(refs))
        if refs
        else infer_questionnaires(records)
    )
    checked = check_answers(combine(parts), records)
    if checked.errors:
        raise AnswersError(checked.errors[0], checked.errors[1:])
    kept, merged = checked.records, checked.merged
    if anonymise:
        from boaudit.questionnaire.anonymise import anonymise as anonymised
        from boaudit.questionnaire.anonymise import pseudonyms

        names = pseudonyms(kept)
        kept = tuple(anonymised(kept))
        merged = {
            names[who]: tuple(f"answer file {n}" for n in range(1, len(files) + 1))
            for who, files in merged.items()
        }
    scorer = score_by_role if by_role else score
    return scorer(parts, kept, merged=merged)
