"""Find which bundled questionnaire a set of answers belongs to, from its question ids."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from boaudit.errors import AnswersError
from boaudit.questionnaire.answers import AnswerRecord
from boaudit.questionnaire.loader import bundled_ids, load_bundled, owners_of
from boaudit.questionnaire.models import Questionnaire


def infer_questionnaires(records: Iterable[AnswerRecord]) -> tuple[Questionnaire, ...]:
    """The bundled questionnaires the answers come from: one when a single questionnaire holds
    every answered question id, else each question's own questionnaire, in the order they first
    appear in the answers (an assessment that merges them on the taxonomy).

    Raises :class:`AnswersError` for question ids no bundled questionnaire holds (naming them
    and where they are), or when the ids fit several questionnaires equally (naming them).
    """
    records = list(records)
    ids = {record.question_id for record in records}
    candidates = [
        questionnaire_id
        for questionnaire_id in bundled_ids()
        if ids <= {q.id for q in load_bundled(questionnaire_id).questions}
    ]
    if len(candidates) != 1 and ids and all(owners_of(r.question_id) for r in records):
        owners = dict.fromkeys(owners_of(r.question_id)[0] for r in records)
        if len(owners) > 1:
            return tuple(load_bundled(owner) for owner in owners)
    return (infer_questionnaire(records),)


def infer_questionnaire(records: Iterable[AnswerRecord]) -> Questionnaire:
    """The one bundled questionnaire holding every answered question id.

    Raises :class:`AnswersError` when no questionnaire holds them all (naming the unknown ids
    and where they are), or when the ids fit several (naming the candidates).
    """
    records = list(records)
    ids = {record.question_id for record in records}
    candidates = [
        questionnaire_id
        for questionnaire_id in bundled_ids()
        if ids <= {q.id for q in load_bundled(questionnaire_id).questions}
    ]
    if len(candidates) == 1:
        return load_bundled(candidates[0])
    if len(candidates) > 1:
        raise AnswersError(
            f"the answers fit several questionnaires ({', '.join(candidates)}); "
            "pass --questionnaire to choose one"
        )
    unknown = [r for r in records if not owners_of(r.question_id)]
    if unknown:
        first = unknown[0]
        raise AnswersError(
            f"{first.where}: unknown question id '{first.question_id}' "
            f"({len({r.question_id for r in unknown})} unknown id(s) in all); check it against "
            "'boaudit questionnaires show', or pass --questionnaire PATH for your own file",
            [f"{r.where}: unknown question id '{r.question_id}'" for r in unknown[1:20]],
        )
    spread = Counter(owner for r in records for owner in owners_of(r.question_id)[:1])
    parts = ", ".join(f"{name} ({count} answers)" for name, count in spread.most_common())
    raise AnswersError(
        f"the answers mix questionnaires: {parts}; the inference is ambiguous, so score each "
        "questionnaire's answers in a separate run or pass --questionnaire"
    )
