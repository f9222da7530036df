"""Confidence per answer (seen evidence / told / guess) as a scoring weight, by hand:
seen 1.0, told 0.7, guess 0.4, not given 1.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from boaudit.errors import AnswersError
from boaudit.questionnaire.assess import assess_files

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("respondent,question_id,answer,confidence\n" + "\n".join(rows) + "\n")
    return path


def test_confidence_weighs_answers_and_questions(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "a.csv",
        [
            "ana,mini.1.1,5,seen",  # weight 3 x 1.0, score 100
            "ana,mini.1.2,1,guess",  # weight 1 x 0.4, score 0
            "ana,mini.1.3,3,Told",  # weight 2 x 0.7, score 50
            "ana,mini.2.1,5,seen evidence",
            "ben,mini.2.1,1,guess",
            "ben,mini.2.2,3,",
        ],
    )
    assessment = assess_files([path], str(MINI))
    # (3 x 100 + 0.4 x 0 + 1.4 x 50) / 4.8 = 77.08; unweighted it would be 66.7
    assert round(assessment.pitfall("processes").score or 0, 2) == 77.08
    first = assessment.pitfall("metrics").questions[0]
    # (5 x 1.0 + 1 x 0.4) / 1.4 = 3.857 -> (3.857 - 1) / 4 x 100 = 71.4
    assert round(first.score or 0, 1) == 71.4 and first.confidence_weight == pytest.approx(0.7)
    assert assessment.pitfall("metrics").questions[1].confidence_weight == 1.0  # not given
    assert assessment.confidence_counts() == {
        "ana": {"seen": 2, "told": 1, "guess": 1, "not given": 0},
        "ben": {"seen": 0, "told": 0, "guess": 1, "not given": 1},
    }


def test_without_confidences_scores_are_unchanged(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", ["ana,mini.1.1,5,", "ana,mini.1.2,1,", "ana,mini.1.3,3,"])
    assert round(assess_files([path], str(MINI)).pitfall("processes").score or 0, 1) == 66.7


def test_a_bad_confidence_names_the_row_and_what_to_write(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", ["ana,mini.1.1,5,sure"])
    with pytest.raises(AnswersError) as caught:
        assess_files([path], str(MINI))
    assert caught.value.message == (
        f"{path}, row 2: mini.1.1: confidence 'sure' is not seen, told or guess (or blank); "
        "fix the confidence column"
    )
