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


def test_interview_metadata_from_csv_columns_and_the_xlsx_roster(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from boaudit.cli import app

    runner = CliRunner()
    sheet = tmp_path / "ben.xlsx"
    assert runner.invoke(app, ["template", str(MINI), "-o", str(sheet), "-r", "ben"]).exit_code == 0
    workbook = load_workbook(sheet)
    roster = workbook["Roster"]
    assert [c.value for c in roster[1]] == [
        "respondent",
        "role",
        "date",
        "interviewer",
        "duration_minutes",
    ]
    roster["B2"], roster["C2"], roster["D2"], roster["E2"] = (
        "AP clerk",
        "2026-11-03",
        "lead auditor",
        40,
    )
    header = [c.value for c in workbook["ben"][1]]
    workbook["ben"].cell(row=2, column=header.index("answer") + 1).value = 4
    workbook.save(sheet)
    csv_path = tmp_path / "ana.csv"
    csv_path.write_text(
        "respondent,question_id,answer,date,interviewer,duration_minutes\n"
        "ana,mini.1.1,3,2026-11-02,second auditor,35\n"
        "ana,mini.1.2,4,2026-11-04,,50.5\n"
    )
    assessment = assess_files([csv_path, sheet], str(MINI))
    data = assessment.to_dict()
    assert data["interviews"] == {
        "ana": {
            "dates": ["2026-11-02", "2026-11-04"],
            "interviewers": ["second auditor"],
            "duration_minutes": 50.5,
        },
        "ben": {
            "dates": ["2026-11-03"],
            "interviewers": ["lead auditor"],
            "duration_minutes": 40.0,
        },
    }
    markdown = runner.invoke(
        app, ["assess", str(csv_path), str(sheet), "-q", str(MINI), "-f", "markdown"]
    )
    assert "| ben | AP clerk | 2026-11-03 | lead auditor | 40 | 0 | 0 | 0 | 1 |" in markdown.stdout


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ("2026-13-01,,", "interview date '2026-13-01' is not a date; write it as YYYY-MM-DD"),
        (",,soon", "duration 'soon' is not a number of minutes; write e.g. 45"),
        (",,-5", "duration '-5' is not between 0 and 1440 minutes"),
    ],
)
def test_bad_interview_metadata_names_the_row_and_the_column(
    tmp_path: Path, cells: str, problem: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        f"respondent,question_id,answer,date,interviewer,duration_minutes\nana,mini.1.1,3,{cells}\n"
    )
    with pytest.raises(AnswersError) as caught:
        assess_files([path], str(MINI))
    column = "date" if "date" in problem else "duration_minutes"
    assert caught.value.message == f"{path}, row 2: {problem} (column {column})"
