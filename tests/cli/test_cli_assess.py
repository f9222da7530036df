"""``boaudit assess`` and ``boaudit template`` through the CLI: exit codes, stderr, files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit import __version__
from boaudit.cli import app
from boaudit.questionnaire import load_bundled, load_questionnaire
from boaudit.questionnaire.answers import read_answer_files
from boaudit.questionnaire.scoring import score

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result, *fragments: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert lines, "expected a message on stderr"
    assert all(line.startswith("boaudit: error: ") for line in lines)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return lines[0]


def test_version_and_module_entry_point() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"boaudit {__version__}"


def test_every_command_has_help() -> None:
    for args in (
        [],
        ["assess"],
        ["template"],
        ["questionnaires"],
        ["questionnaires", "list"],
        ["questionnaires", "show"],
        ["questionnaires", "validate"],
    ):
        result = invoke(*args, "--help")
        assert result.exit_code == 0, args
        assert "Usage" in result.stdout


def test_assess_help_prints_the_scoring_rule() -> None:
    result = runner.invoke(app, ["assess", "--help"], env={"COLUMNS": "120"})
    text = " ".join(result.stdout.split())
    assert "question score = (answer - 1) / 4 x 100" in text
    assert "Krippendorff" in text
    assert "below 40 critical" in text


def test_assess_json_equals_the_library(
    mini_path: Path, write_answers: Callable[..., Path]
) -> None:
    path = write_answers(
        [("ana", "mini.1.1", "2"), ("ben", "mini.1.1", "4"), ("ana", "mini.2.1", "5", "good")]
    )
    result = invoke("assess", path, "--questionnaire", mini_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    expected = score(load_questionnaire(mini_path), read_answer_files([path])).to_dict()
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(expected))
    assert data["schema_version"] == 1
    assert set(data) >= {"questionnaire", "respondents", "overall", "pitfalls", "problems"}
    assert set(data["overall"]) >= {"score", "band", "coverage", "agreement_alpha"}
    security = data["pitfalls"][2]
    assert security["score"] is None and security["band"] is None
    assert "NaN" not in result.stdout


def test_assess_infers_the_questionnaire(tmp_path: Path, write_answers) -> None:
    ids = [q.id for q in load_bundled("support-eight").questions[:4]]
    path = write_answers([("ana", qid, "3") for qid in ids])
    result = invoke("assess", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["questionnaire"]["id"] == "support-eight"


def test_assess_merges_mixed_questionnaires_instead_of_refusing(write_answers) -> None:
    a = load_bundled("support-eight").questions[0].id
    b = load_bundled("outsourcing-ten").questions[0].id
    result = invoke("assess", write_answers([("ana", a, "3"), ("ana", b, "4")]), "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["questionnaire"]["id"] == "support-eight+outsourcing-ten"
    assert data["problems"][0]["code"] == "several-questionnaires"


def test_answers_for_another_questionnaire(write_answers) -> None:
    other = load_bundled("outsourcing-ten").questions[0].id
    path = write_answers([("ana", other, "3")])
    result = invoke("assess", path, "--questionnaire", "support-eight")
    assert result.exit_code == 65
    one_error_line(result, f"{path}, row 2", "belongs to questionnaire 'outsourcing-ten'")


@pytest.mark.parametrize(
    ("rows", "fragments"),
    [
        ([("ana", "mini.9.9", "3")], ["row 2", "unknown question id 'mini.9.9'"]),
        (
            [("ana", "mini.1.1", "3"), ("ana", "mini.1.2", "6")],
            ["row 3", "'6' is not a whole number from 1 to 5"],
        ),
        ([("ana", "mini.1.1", "three")], ["row 2", "'three' is not 1 to 5 or n/a"]),
        ([("ana", "mini.1.1", "2.5")], ["row 2", "not a whole number"]),
        (
            [("ana", "mini.1.1", "3"), ("ana", "mini.1.1", "4")],
            ["row 3", "ana answered mini.1.1 again", "first at", "row 2"],
        ),
        ([("", "mini.1.1", "3")], ["row 2", "respondent is blank"]),
        ([("ana", "", "3")], ["row 2", "question_id is blank"]),
    ],
)
def test_bad_answers_exit_65_with_file_and_row(
    mini_path: Path, write_answers, rows, fragments: list[str]
) -> None:
    path = write_answers(rows)
    result = invoke("assess", path, "-q", mini_path)
    assert result.exit_code == 65
    assert result.stdout == ""
    first = one_error_line(result, str(path), *fragments)
    assert str(path) in first


def test_every_bad_row_is_listed_not_only_the_first(mini_path: Path, write_answers) -> None:
    path = write_answers(
        [("ana", "mini.1.1", "7"), ("ana", "mini.1.2", "0"), ("ana", "mini.1.3", "x")]
    )
    result = invoke("assess", path, "-q", mini_path)
    assert result.exit_code == 65
    assert len(result.stderr.strip().splitlines()) == 3


def test_empty_and_headerless_files(tmp_path: Path, mini_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = invoke("assess", empty, "-q", mini_path)
    assert result.exit_code == 65
    one_error_line(result, "empty.csv", "empty")

    header_only = tmp_path / "header.csv"
    header_only.write_text("respondent,question_id,answer,comment\n")
    result = invoke("assess", header_only, "-q", mini_path)
    assert result.exit_code == 65
    one_error_line(result, "no answers found")

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,question,score\nana,mini.1.1,3\n")
    result = invoke("assess", wrong, "-q", mini_path)
    assert result.exit_code == 65
    one_error_line(result, "missing columns respondent, question_id, answer")


def test_missing_files_exit_66(tmp_path: Path, mini_path: Path) -> None:
    result = invoke("assess", tmp_path / "gone.csv", "-q", mini_path)
    assert result.exit_code == 66
    one_error_line(result, "gone.csv", "no such file")


def test_not_utf8_is_a_clear_error(tmp_path: Path, mini_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("respondent,question_id,answer,comment\nJosé,mini.1.1,3,\n".encode("latin-1"))
    result = invoke("assess", path, "-q", mini_path)
    assert result.exit_code == 65
    one_error_line(result, "not UTF-8", "CSV UTF-8")


def test_debug_shows_the_traceback(tmp_path: Path, mini_path: Path) -> None:
    result = invoke("--debug", "assess", tmp_path / "gone.csv", "-q", mini_path)
    assert result.exit_code == 66
    assert "Traceback" in result.stderr


def test_semicolon_csv_with_bom_and_na(tmp_path: Path, mini_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(
        "\ufeffRespondent;Question_ID;Answer;Comment\nana;mini.1.1;N/A;\nana;mini.1.2;4;ok\n",
        encoding="utf-8",
    )
    result = invoke("assess", path, "-q", mini_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    processes = json.loads(result.stdout)["pitfalls"][0]
    assert processes["questions"][0]["answers"] == {"ana": "n/a"}
    assert processes["score"] == 75.0


def test_template_csv_round_trip(tmp_path: Path, mini_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    result = invoke("template", mini_path, "-o", sheet, "-r", "ana", "-r", "ben")
    assert result.exit_code == 0, result.stderr
    lines = sheet.read_text().splitlines()
    assert lines[0] == "respondent,question_id,answer,comment,confidence"
    assert lines[1] == "ana,mini.1.1,,,"
    assert len(lines) == 1 + 2 * 9
    filled = [lines[0]] + [line.replace(",,", ",4,", 1) for line in lines[1:]]
    sheet.write_text("\n".join(filled) + "\n")
    result = invoke("assess", sheet, "-f", "json", "-q", mini_path)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["overall"]["score"] == 75.0
    assert data["overall"]["coverage"] == 1.0


def test_template_xlsx_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    result = invoke("template", "full", "-o", path, "-r", "Ana Lead", "-r", "Ben")
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Instructions", "Roster", "Ana Lead", "Ben"]
    sheet = workbook["Ana Lead"]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["respondent", "section", "pitfall", "question_id", "question"]
    assert sheet.freeze_panes == "E2"
    validations = sheet.data_validations.dataValidation
    assert [v.formula1 for v in validations] == ['"1,2,3,4,5,n/a"', '"seen,told,guess"']
    assert header[header.index("answer") + 1] == "confidence"
    answer_col = header.index("answer") + 1
    full = load_bundled("full")
    assert sheet.max_row == 1 + len(full.questions)
    assert sheet.cell(row=2, column=5).value == full.questions[0].text
    anchors = [f"{key} looks like" for key in "12345"]
    first_anchor = header.index("1 looks like")
    assert header[first_anchor : first_anchor + 5] == anchors
    assert [
        sheet.cell(row=2, column=first_anchor + 1 + offset).value for offset in range(5)
    ] == list(full.questions[0].rubric.as_dict().values())
    # Fill: Ana answers 2 everywhere, Ben 4 everywhere but n/a on the first question.
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=answer_col).value = 2
        workbook["Ben"].cell(row=row, column=answer_col).value = 4
    workbook["Ben"].cell(row=2, column=answer_col).value = "n/a"
    workbook["Ben"].cell(row=3, column=answer_col + 1).value = "guess"
    sheet.cell(row=3, column=answer_col + 1).value = "Seen evidence"
    workbook["Roster"]["B2"] = "AP manager"
    workbook.save(path)
    result = invoke("assess", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["questionnaire"]["id"] == "full"
    assert data["respondents"] == ["Ana Lead", "Ben"]
    assert data["roles"] == {"Ana Lead": "AP manager"}
    first = data["pitfalls"][0]["questions"][0]
    assert first["answers"] == {"Ana Lead": 2, "Ben": "n/a"}
    assert first["score"] == 25.0
    assert data["pitfalls"][0]["questions"][1]["disagreement"] is True
    # Ana 2 seen (1.0), Ben 4 guess (0.4): (2 x 1.0 + 4 x 0.4) / 1.4 = 2.571 -> score 39.3
    second = data["pitfalls"][0]["questions"][1]
    assert second["confidence"] == {"Ana Lead": "seen", "Ben": "guess"}
    assert (second["score"], second["confidence_weight"]) == (39.3, 0.7)
    assert data["confidence_weights"] == {"seen": 1.0, "told": 0.7, "guess": 0.4, "not given": 1.0}


def test_template_rejects_unknown_extension(tmp_path: Path) -> None:
    result = invoke("template", "full", "-o", tmp_path / "sheet.ods")
    assert result.exit_code == 2
    one_error_line(result, "use .csv or .xlsx")


def test_template_text_never_becomes_a_formula(tmp_path: Path, mini_path: Path) -> None:
    evil = tmp_path / "evil.toml"
    evil.write_text(
        mini_path.read_text().replace("Are the procedures written down?", "=HYPERLINK(1)")
    )
    out = tmp_path / "evil.xlsx"
    result = invoke("template", evil, "-o", out, "-r", "=cmd|x")
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(out).worksheets[2]
    assert sheet.cell(row=2, column=5).data_type == "s"
    assert sheet.cell(row=2, column=1).data_type == "s"
    csv_out = tmp_path / "evil.csv"
    invoke("template", evil, "-o", csv_out, "-r", "=cmd|x")
    assert csv_out.read_text().splitlines()[1].startswith("'=cmd|x,")


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_assess_other_formats(tmp_path: Path, mini_path: Path, write_answers, fmt: str) -> None:
    path = write_answers(
        [("ana", "mini.1.1", "2"), ("ben", "mini.1.1", "5"), ("ana", "mini.3.1", "4")]
    )
    out = tmp_path / f"out.{fmt}"
    result = invoke("assess", path, "-q", mini_path, "-f", fmt, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text()
    if fmt == "csv":
        rows = text.splitlines()
        assert (
            rows[0]
            == "scope,id,pitfall,score,band,coverage,answered,asked,disagreement,agreement_alpha"
        )
        assert rows[1].startswith("overall,mini,,")
        assert "pitfall,processes,processes,62.5,needs work,0.333,1,3,1.0," in text
    elif fmt == "markdown":
        assert "| Pitfall | Score | Band | Coverage | Disagreement |" in text
        assert "62.5" in text and "not assessed" in text
    else:
        assert "Overall" in text and "62.5" in text


def test_output_folder_missing_is_made(tmp_path: Path, mini_path: Path, write_answers) -> None:
    path = write_answers([("ana", "mini.1.1", "2")])
    out = tmp_path / "no" / "out.json"
    result = invoke("assess", path, "-q", mini_path, "-f", "json", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["respondents"] == ["ana"]


def test_output_folder_blocked_by_a_file_exits_73(
    tmp_path: Path, mini_path: Path, write_answers
) -> None:
    path = write_answers([("ana", "mini.1.1", "2")])
    (tmp_path / "no").write_text("a file")
    result = invoke(
        "assess", path, "-q", mini_path, "-f", "json", "-o", tmp_path / "no" / "out.json"
    )
    assert result.exit_code == 73
    one_error_line(result, "a file of that name is in the way")


def test_a_folder_stands_for_its_answer_files(tmp_path: Path, mini_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "b.csv").write_text("respondent,question_id,answer\nben,mini.1.1,4\n")
    (folder / "a.csv").write_text("respondent,question_id,answer\nana,mini.1.1,2\n")
    (folder / "~$a.xlsx").write_bytes(b"lock file")
    (folder / "notes.txt").write_text("not answers")
    result = invoke("assess", folder, "-q", mini_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["respondents"] == ["ana", "ben"]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("assess", empty, "-q", mini_path)
    assert result.exit_code == 66
    one_error_line(result, "holds no .csv or .xlsx answer file")
