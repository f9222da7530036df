"""The scoring rule on hand-computed cases (README "Scoring")."""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boaudit.questionnaire import load_questionnaire
from boaudit.questionnaire.answers import AnswerRecord, read_answer_files
from boaudit.questionnaire.scoring import (
    agreement_label,
    band,
    question_score,
    round_score,
    score,
)

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"

# Three respondents; "" = blank row, "n/a" = not applicable, None = no row at all.
HAND_CASE: dict[str, tuple[str | None, str | None, str | None]] = {
    "mini.1.1": ("2", "4", "n/a"),  # mean 3 -> 50, answers 2 apart -> disagreement
    "mini.1.2": ("5", "5", "5"),  # 100
    "mini.1.3": ("1", None, "2"),  # mean 1.5 -> 12.5
    "mini.2.1": ("1", "1", "1"),  # 0
    "mini.2.2": ("2", "1", "n/a"),  # 12.5
    "mini.2.3": ("n/a", "n/a", ""),  # unanswered
    # security: nobody answers -> not assessed
}


def hand_rows() -> list[tuple[str, str, str]]:
    rows = []
    for question, answers in HAND_CASE.items():
        for respondent, answer in zip(("ana", "ben", "cy"), answers, strict=True):
            if answer is not None:
                rows.append((respondent, question, answer))
    return rows


@pytest.fixture
def hand_assessment(mini_path: Path, write_answers: Callable[..., Path]):
    records = read_answer_files([write_answers(hand_rows())])
    return score(load_questionnaire(mini_path), records)


def test_question_score_maps_1_to_0_and_5_to_100() -> None:
    assert [question_score(a) for a in (1, 2, 3, 4, 5)] == [0.0, 25.0, 50.0, 75.0, 100.0]


def test_pitfall_score_is_weighted_mean_of_answered_questions(hand_assessment) -> None:
    processes = hand_assessment.pitfall("processes")
    # (3 x 50 + 1 x 100 + 2 x 12.5) / 6 = 45.833...
    assert processes.score == pytest.approx(275 / 6)
    assert processes.band == "needs work"
    assert (processes.answered, processes.asked) == (3, 3)
    assert processes.disagreement_share == pytest.approx(1 / 3)


def test_na_and_blank_are_unanswered_not_zero(hand_assessment) -> None:
    metrics = hand_assessment.pitfall("metrics")
    # mini.2.3 is all n/a or blank: left out, so (2 x 0 + 2 x 12.5) / 4 = 6.25
    assert metrics.score == pytest.approx(6.25)
    assert (metrics.answered, metrics.asked) == (2, 3)
    assert metrics.to_dict()["score"] == 6.3  # half away from zero, as documented
    q = metrics.questions[2]
    assert q.score is None
    assert q.answers == {"ana": "n/a", "ben": "n/a", "cy": None}


def test_pitfall_without_answers_is_not_assessed(hand_assessment) -> None:
    security = hand_assessment.pitfall("security")
    assert security.score is None
    assert security.band is None
    assert security.to_dict()["score"] is None
    assert security.coverage == 0.0
    codes = {(p.code, p.pitfall) for p in hand_assessment.problems}
    assert ("not-assessed", "security") in codes


def test_overall_is_mean_of_assessed_pitfalls(hand_assessment) -> None:
    assert hand_assessment.score == pytest.approx((275 / 6 + 6.25) / 2)
    data = hand_assessment.to_dict()
    assert data["overall"]["score"] == 26.0
    assert data["overall"]["band"] == "critical"
    assert data["overall"]["coverage"] == round(5 / 9, 3)
    assert (data["overall"]["answered"], data["overall"]["asked"]) == (5, 9)


def test_disagreement_flags_answers_two_points_apart(hand_assessment) -> None:
    flagged = [q.id for p in hand_assessment.pitfalls for q in p.questions if q.disagreement]
    assert flagged == ["mini.1.1"]


def krippendorff_ordinal(matrix: list[list[float | None]]) -> float:
    """Krippendorff's alpha, ordinal, from the coincidence matrix (written from the 2004 text)."""
    values = sorted({v for row in matrix for v in row if v is not None})
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in zip(*matrix, strict=True):
        present = [v for v in unit if v is not None]
        m = len(present)
        if m < 2:
            continue
        for a, b in permutations(range(m), 2):
            o[index[present[a]], index[present[b]]] += 1 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()

    def delta2(c: int, k: int) -> float:
        lo, hi = min(c, k), max(c, k)
        return (n_c[lo : hi + 1].sum() - (n_c[c] + n_c[k]) / 2) ** 2

    observed = sum(o[c, k] * delta2(c, k) for c in range(len(values)) for k in range(len(values)))
    expected = sum(
        n_c[c] * n_c[k] * delta2(c, k) for c in range(len(values)) for k in range(len(values))
    )
    return 1 - (n - 1) * observed / expected


def test_alpha_matches_an_independent_computation(hand_assessment) -> None:
    questions = ["mini.1.1", "mini.1.2", "mini.1.3", "mini.2.1", "mini.2.2", "mini.2.3"]
    matrix: list[list[float | None]] = []
    for position in range(3):
        row: list[float | None] = []
        for q in questions:
            answer = HAND_CASE[q][position]
            row.append(float(answer) if answer and answer != "n/a" else None)
        matrix.append(row)
    expected = krippendorff_ordinal(matrix)
    assert hand_assessment.agreement_alpha == pytest.approx(expected, abs=1e-9)
    assert hand_assessment.agreement == agreement_label(expected)


def test_single_respondent_has_no_alpha(mini_path, write_answers) -> None:
    records = read_answer_files([write_answers([("ana", "mini.1.1", "3")])])
    assessment = score(load_questionnaire(mini_path), records)
    assert assessment.agreement_alpha is None
    assert "single-respondent" in {p.code for p in assessment.problems}


def test_identical_answers_leave_alpha_undefined(mini_path, write_answers) -> None:
    rows = [(r, "mini.1.1", "4") for r in ("ana", "ben")]
    assessment = score(load_questionnaire(mini_path), read_answer_files([write_answers(rows)]))
    assert assessment.agreement_alpha is None
    assert "agreement-undefined" in {p.code for p in assessment.problems}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (0.0, "critical"),
        (39.94, "critical"),
        (39.95, "needs work"),  # rounds to 40.0
        (69.9, "needs work"),
        (69.95, "healthy"),  # rounds to 70.0
        (100.0, "healthy"),
    ],
)
def test_bands_read_from_rounded_score(value: float | None, expected: str | None) -> None:
    assert band(value) == expected


@pytest.mark.parametrize(
    ("alpha", "label"),
    [
        (None, None),
        (0.95, "reliable"),
        (0.8, "reliable"),
        (0.7, "tentative"),
        (0.5, "needs follow-up"),
    ],
)
def test_agreement_labels(alpha: float | None, label: str | None) -> None:
    assert agreement_label(alpha) == label


def test_round_score_is_half_away_from_zero() -> None:
    assert round_score(6.25) == 6.3
    assert round_score(45.8333) == 45.8
    assert round_score(None) is None


answer_value = st.one_of(st.integers(min_value=1, max_value=5), st.none())


def _records(grid: list[list[int | None]], question_ids: list[str]) -> list[AnswerRecord]:
    return [
        AnswerRecord(f"r{i}", qid, value, False, "", "mem", j + 2)
        for i, row in enumerate(grid)
        for j, (qid, value) in enumerate(zip(question_ids, row, strict=True))
    ]


@settings(max_examples=150, deadline=None)
@given(
    grid=st.lists(st.lists(answer_value, min_size=9, max_size=9), min_size=1, max_size=4),
    data=st.data(),
)
def test_scores_stay_in_range_and_a_better_answer_never_lowers_them(
    grid: list[list[int | None]], data: st.DataObject
) -> None:
    questionnaire = load_questionnaire(MINI)
    ids = [q.id for q in questionnaire.questions]
    before = score(questionnaire, _records(grid, ids))
    for pitfall in before.pitfalls:
        assert pitfall.score is None or 0.0 <= pitfall.score <= 100.0
    assert before.score is None or 0.0 <= before.score <= 100.0
    # Raise one given answer by one point: no pitfall score and not the overall may drop.
    cells = [
        (i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v is not None and v < 5
    ]
    if not cells:
        return
    i, j = data.draw(st.sampled_from(cells))
    better = [list(row) for row in grid]
    better[i][j] = (better[i][j] or 0) + 1
    after = score(questionnaire, _records(better, ids))
    for old, new in zip(before.pitfalls, after.pitfalls, strict=True):
        if old.score is not None:
            assert new.score is not None and new.score >= old.score - 1e-9
    assert after.score is not None and before.score is not None
    assert after.score >= before.score - 1e-9
