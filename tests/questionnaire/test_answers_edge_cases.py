"""Answer files at their edges: odd cells, folders, workbooks, merging, inference, interview files.

Every error must name the file (and sheet) and row, so a consultant can fix it in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from boaudit.errors import AnswersError, InputMissingError
from boaudit.questionnaire import load_questionnaire
from boaudit.questionnaire.answers import (
    AnswerRecord,
    check_answers,
    expand_answer_paths,
    parse_answer,
    read_answer_files,
)
from boaudit.questionnaire.infer import infer_questionnaire
from boaudit.questionnaire.interview import GivenAnswer, InterviewFile, normalise_answer

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
HEADER = "respondent,question_id,answer,comment\n"


def csv_file(folder: Path, name: str, body: str, header: str = HEADER) -> Path:
    path = folder / name
    path.write_text(header + body, encoding="utf-8")
    return path


def workbook_file(folder: Path, name: str, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = folder / name
    workbook.save(path)
    return path


def record(respondent: str, qid: str, value: int | None, source: str, **extra: Any) -> AnswerRecord:
    return AnswerRecord(respondent, qid, value, extra.pop("na", False), "", source, 2, **extra)


def error_lines(paths: list[Path]) -> tuple[str, ...]:
    with pytest.raises(AnswersError) as caught:
        read_answer_files(paths)
    return caught.value.lines


# --- one cell -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, (None, False, None)),
        ("", (None, False, None)),
        ("   ", (None, False, None)),
        (" 4 ", (4, False, None)),
        ("4.0", (4, False, None)),
        (5, (5, False, None)),
        (3.0, (3, False, None)),
        ("N/A", (None, True, None)),
        ("na", (None, True, None)),
        ("N.A.", (None, True, None)),
        ("Not applicable", (None, True, None)),
        ("0", (None, False, "answer '0' is not a whole number from 1 to 5 (or n/a)")),
        (6, (None, False, "answer '6' is not a whole number from 1 to 5 (or n/a)")),
        (4.5, (None, False, "answer '4.5' is not a whole number from 1 to 5 (or n/a)")),
        ("-1", (None, False, "answer '-1' is not a whole number from 1 to 5 (or n/a)")),
        (True, (None, False, "answer True is not 1 to 5 or n/a")),
        ("four", (None, False, "answer 'four' is not 1 to 5 or n/a")),
        ("n/a?", (None, False, "answer 'n/a?' is not 1 to 5 or n/a")),
    ],
)
def test_parse_answer(raw: Any, expected: tuple[int | None, bool, str | None]) -> None:
    assert parse_answer(raw) == expected


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("4", "4"), (" 2 ", "2"), ("N/A", "n/a"), ("", None), ("7", None), ("x", None)],
)
def test_normalise_typed_interview_answers(typed: str, saved: str | None) -> None:
    assert normalise_answer(typed) == saved


# --- folders ------------------------------------------------------------------------------------


def test_a_folder_gives_its_csv_and_xlsx_files_sorted_without_hidden_or_lock_files(
    tmp_path: Path,
) -> None:
    for name in ("b.csv", "a.XLSX", "c.xlsm", ".hidden.csv", "~$a.xlsx", "notes.txt", "d.tsv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.csv").mkdir()
    assert [p.name for p in expand_answer_paths([tmp_path])] == ["a.XLSX", "b.csv", "c.xlsm"]


def test_a_folder_without_answer_files_is_missing_input(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputMissingError) as caught:
        expand_answer_paths([tmp_path])
    assert caught.value.message == f"{tmp_path}: the folder holds no .csv or .xlsx answer file"


def test_files_and_folders_mix_in_the_order_given(tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "z.csv").write_text("x")
    single = tmp_path / "first.csv"
    assert expand_answer_paths([single, folder]) == [single, folder / "z.csv"]


def test_mixed_csv_and_xlsx_folder_reads_every_respondent(tmp_path: Path) -> None:
    csv_file(tmp_path, "clerk.csv", "AP clerk,mini.1.1,2,slow\nAP clerk,mini.1.2,n/a,\n")
    workbook_file(
        tmp_path,
        "lead.xlsx",
        {
            "Instructions": [["Fill in the answer column"]],
            "Finance lead": [["question_id", "answer", "comment"], ["mini.1.1", 4, None]],
            "Roster": [["respondent", "role", "date"], ["Finance lead", "manager", None]],
        },
    )
    found = read_answer_files([tmp_path])
    assert [(r.respondent, r.question_id, r.value, r.not_applicable, r.role) for r in found] == [
        ("AP clerk", "mini.1.1", 2, False, None),
        ("AP clerk", "mini.1.2", None, True, None),
        ("Finance lead", "mini.1.1", 4, False, "manager"),
    ]
    assert found[2].where == f"{tmp_path / 'lead.xlsx'}, sheet Finance lead, row 2"


# --- bad values name file, sheet and row --------------------------------------------------------


def test_out_of_scale_in_a_workbook_names_the_sheet_and_row(tmp_path: Path) -> None:
    path = workbook_file(
        tmp_path,
        "team.xlsx",
        {
            "Clerk": [
                ["respondent", "question_id", "answer"],
                [None, "mini.1.1", 3],
                [None, "mini.1.2", 9],
            ]
        },
    )
    assert error_lines([path]) == (
        f"{path}, sheet Clerk, row 3: mini.1.2: answer '9' is not a whole number from 1 to 5 "
        "(or n/a)",
    )


def test_problems_from_several_files_are_all_listed(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "a.csv", "ana,mini.1.1,0,\n")
    second = csv_file(tmp_path, "b.csv", "ben,mini.1.1,3,\n,mini.1.2,3,\nben,,3,\n")
    assert error_lines([first, second]) == (
        f"{first}, row 2: mini.1.1: answer '0' is not a whole number from 1 to 5 (or n/a)",
        f"{second}, row 3: respondent is blank; fill in who gave this answer",
        f"{second}, row 4: question_id is blank; copy it from the template",
    )


def test_blank_rows_are_skipped_and_rows_keep_their_file_numbers(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "a.csv", "ana,mini.1.1,3,\n,,,\n\nana,mini.1.2,6,\n")
    assert error_lines([path]) == (
        f"{path}, row 5: mini.1.2: answer '6' is not a whole number from 1 to 5 (or n/a)",
    )


def test_a_workbook_without_an_answer_sheet_says_how_to_start(tmp_path: Path) -> None:
    path = workbook_file(tmp_path, "notes.xlsx", {"Notes": [["who", "what"], ["ana", "x"]]})
    assert error_lines([path]) == (
        f"{path}: no sheet has the columns question_id and answer; "
        "start from 'boaudit template ... -o answers.xlsx'",
    )


def test_a_csv_sheet_without_respondent_column_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "a.csv", "mini.1.1,3\n", header="question_id,answer\n")
    assert error_lines([path]) == (
        f"{path}: missing column respondent (found: question_id, answer); the header must be "
        "respondent,question_id,answer,comment",
    )


def test_a_workbook_answer_sheet_with_only_a_header_has_no_answers(tmp_path: Path) -> None:
    path = workbook_file(tmp_path, "empty.xlsx", {"ana": [["question_id", "answer"]]})
    assert error_lines([path]) == (
        f"{path}: no answers found; fill in the 'answer' column of the template",
    )


def test_role_column_and_neutralised_comments_are_read_back(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "a.csv",
        "ana,mini.1.1,3,'=not a formula,clerk\n",
        header="respondent,question_id,answer,comment,role\n",
    )
    [found] = read_answer_files([path])
    assert (found.comment, found.role, found.where) == ("=not a formula", "clerk", f"{path}, row 2")


# --- checking against a questionnaire and merging ----------------------------------------------


def test_identical_answers_in_two_files_count_once_and_are_reported() -> None:
    mini = load_questionnaire(MINI)
    checked = check_answers(
        mini,
        [
            record("ana", "mini.1.1", 3, "a.csv"),
            record("ana", "mini.1.1", 3, "b.xlsx", sheet="ana"),
            record("ana", "mini.1.2", None, "a.csv", na=True),
            record("ana", "mini.1.2", None, "b.xlsx", na=True, sheet="ana"),
            record("ben", "mini.1.1", 5, "b.xlsx", sheet="ben"),
        ],
    )
    assert checked.errors == ()
    assert [(r.respondent, r.question_id, r.source) for r in checked.records] == [
        ("ana", "mini.1.1", "a.csv"),
        ("ana", "mini.1.2", "a.csv"),
        ("ben", "mini.1.1", "b.xlsx"),
    ]
    assert checked.merged == {"ana": ("a.csv", "b.xlsx")}


def test_n_a_in_one_file_and_blank_in_another_is_a_conflict() -> None:
    checked = check_answers(
        load_questionnaire(MINI),
        [
            record("ana", "mini.1.1", None, "a.csv", na=True),
            record("ana", "mini.1.1", None, "b.csv"),
        ],
    )
    assert checked.errors == (
        "b.csv, row 2: ana answered mini.1.1 differently at a.csv, row 2; the same respondent "
        "appears in both files, so keep one answer (or rename one respondent if they are two "
        "people)",
    )


def test_two_sheets_of_one_workbook_are_two_places() -> None:
    checked = check_answers(
        load_questionnaire(MINI),
        [
            record("ana", "mini.1.1", 3, "t.xlsx", sheet="ana"),
            record("ana", "mini.1.1", 4, "t.xlsx", sheet="extra"),
        ],
    )
    assert checked.errors == (
        "t.xlsx, sheet extra, row 2: ana answered mini.1.1 differently at t.xlsx, sheet ana, "
        "row 2; the same respondent appears in both files, so keep one answer (or rename one "
        "respondent if they are two people)",
    )
    assert checked.merged == {}  # one file, so nothing to report as merged


def test_unknown_ids_point_at_the_owning_questionnaire_or_at_show() -> None:
    checked = check_answers(
        load_questionnaire("support-eight"),
        [record("ana", "out10.1.1", 3, "a.csv"), record("ana", "zz.1", 3, "a.csv")],
    )
    assert checked.errors == (
        "a.csv, row 2: unknown question id 'out10.1.1' for questionnaire 'support-eight'; it "
        "belongs to questionnaire 'outsourcing-ten'; add --questionnaire outsourcing-ten to "
        "merge both on the taxonomy, or leave --questionnaire out to infer them",
        "a.csv, row 2: unknown question id 'zz.1' for questionnaire 'support-eight'; check it "
        "against 'boaudit questionnaires show support-eight'",
    )
    assert checked.records == ()


# --- inference ----------------------------------------------------------------------------------


def test_no_answers_at_all_fit_every_questionnaire() -> None:
    with pytest.raises(AnswersError) as caught:
        infer_questionnaire([])
    assert caught.value.message == (
        "the answers fit several questionnaires (back-office-seven, back-office-seven-ops, full, "
        "outsourcing-ten, support-dos-donts, support-eight); pass --questionnaire to choose one"
    )


def test_unknown_ids_are_counted_and_each_place_listed() -> None:
    records = [
        record("ana", "sup8.1.1", 3, "a.csv"),
        record("ana", "typo.1", 3, "a.csv"),
        record("ben", "typo.1", 3, "b.csv"),
        record("ben", "typo.2", 3, "b.csv"),
    ]
    with pytest.raises(AnswersError) as caught:
        infer_questionnaire(records)
    assert caught.value.lines == (
        "a.csv, row 2: unknown question id 'typo.1' (2 unknown id(s) in all); check it against "
        "'boaudit questionnaires show', or pass --questionnaire PATH for your own file",
        "b.csv, row 2: unknown question id 'typo.1'",
        "b.csv, row 2: unknown question id 'typo.2'",
    )


def test_mixed_questionnaires_are_counted_per_questionnaire() -> None:
    records = [
        record("ana", "sup8.1.1", 3, "a.csv"),
        record("ana", "sup8.1.2", 3, "a.csv"),
        record("ana", "out10.1.1", 3, "a.csv"),
    ]
    with pytest.raises(AnswersError) as caught:
        infer_questionnaire(records)
    assert caught.value.message.startswith(
        "the answers mix questionnaires: support-eight (2 answers), outsourcing-ten (1 answers);"
    )


# --- interview files ----------------------------------------------------------------------------


def interview(path: Path, respondent: str = "ana") -> InterviewFile:
    return InterviewFile(
        path, load_questionnaire(MINI), respondent, date="2026-11-02", clock=lambda: 0.0
    )


def test_an_interview_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ana.csv"
    path.write_bytes(b"respondent,question_id,answer,comment,role\nJos\xe9,mini.1.1,3,,\n")
    with pytest.raises(AnswersError) as caught:
        interview(path)
    assert caught.value.message == (
        f"{path}: not UTF-8 text (byte 46); it is not an interview file"
    )


def test_an_empty_interview_file_starts_at_the_first_question(tmp_path: Path) -> None:
    path = tmp_path / "ana.csv"
    path.write_text("")
    sheet = interview(path)
    assert (sheet.answered, sheet.first_unanswered()) == (0, 0)
    sheet.record(sheet.questionnaire.questions[0], GivenAnswer("n/a"))
    assert path.read_text().splitlines() == [
        "respondent,question_id,answer,comment,role,confidence,date,interviewer,duration_minutes",
        "ana,mini.1.1,n/a,,,,2026-11-02,,0.1",
    ]


def test_an_interview_row_for_another_questionnaire_is_refused(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "ana.csv", "ana,sup8.1.1,3,,\n", header=HEADER.replace("\n", ",role\n")
    )
    with pytest.raises(AnswersError) as caught:
        interview(path)
    assert caught.value.message == (
        f"{path}, row 2: question id 'sup8.1.1' is not in questionnaire 'mini'; is this the "
        "right file?"
    )


def test_a_bad_saved_answer_names_its_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ana.csv", "ana,mini.1.1,3,,\nana,mini.1.2,8,,\n")
    with pytest.raises(AnswersError) as caught:
        interview(path)
    assert caught.value.message == (
        f"{path}, row 3: answer '8' is not a whole number from 1 to 5 (or n/a); fix the file"
    )


def test_blank_saved_answers_are_asked_again_and_the_role_is_resumed(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "ana.csv",
        "ana,mini.1.1,3,,AP lead\nana,mini.1.2,,,\nana,mini.1.3,n/a,,\n",
        header=HEADER.replace("\n", ",role\n"),
    )
    sheet = interview(path)
    assert set(sheet.answers) == {"mini.1.1", "mini.1.3"}
    assert sheet.role == "AP lead"
    assert sheet.first_unanswered() == 1
    assert sheet.first_unanswered(after=1) == 3
    assert sheet.first_unanswered(after=1, skipped=frozenset({"mini.2.1"})) == 4
