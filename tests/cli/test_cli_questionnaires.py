"""``boaudit questionnaires list | show | validate`` through the CLI: columns, formats, problems.

Complements tests/questionnaire/test_questionnaires.py: every kind of problem a consultant can make in their
own questionnaire file is checked on its own, with the exact line the CLI prints for it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from boaudit.cli import app

runner = CliRunner()
MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"

HEAD = """id = "mine"
title = "My review"
source = "workshop notes"

[[sections]]
number = "1"
title = "Processes"
"""
RUBRIC = (
    '{ "1" = "Nothing at all", "2" = "A little of it", "3" = "Some of it", '
    '"4" = "Most of it", "5" = "All of it" }'
)


def question(
    qid: str,
    *,
    pitfall: str = "processes",
    weight: str = "2",
    text: str = "Is the procedure written down?",
    guidance: str = "Ask to see the documents.",
    rubric: str = RUBRIC,
) -> str:
    return f"""
[[sections.questions]]
id = "{qid}"
pitfall = "{pitfall}"
text = "{text}"
guidance = "{guidance}"
weight = {weight}
rubric = {rubric}
"""


def valid_body() -> str:
    return HEAD + question("m.1") + question("m.2") + question("m.3")


def invoke(*args: object, columns: int = 200) -> Result:
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- list -------------------------------------------------------------------------------------


def test_list_table_has_the_documented_columns_in_order() -> None:
    result = invoke("questionnaires", "list")
    assert result.exit_code == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "questions" in line)
    # Not a terminal: plain aligned columns, two spaces or more apart, no box drawing.
    assert re.split(r"\s{2,}", header.strip()) == ["id", "title", "source", "pitfalls", "questions"]


def test_list_table_row_for_full_shows_its_counts() -> None:
    result = invoke("questionnaires", "list")
    row = next(line for line in result.stdout.splitlines() if line.startswith("full "))
    cells = re.split(r"\s{2,}", row.strip())
    assert cells == [
        "full",
        "Full back-office review",
        "All five practitioner articles behind the bundled questionnaires, on boaudit's shared taxonomy",
        "18",
        "75",
    ]


def test_list_rows_are_sorted_by_id_and_stderr_stays_empty() -> None:
    result = invoke("questionnaires", "list")
    assert result.stderr == ""
    ids = [line.split()[0] for line in result.stdout.splitlines()[2:] if line.strip()]
    assert ids == [
        "back-office-seven",
        "back-office-seven-ops",
        "full",
        "outsourcing-ten",
        "support-dos-donts",
        "support-eight",
    ]


def test_list_json_entries_have_exactly_the_summary_keys() -> None:
    result = invoke("questionnaires", "list", "-f", "json")
    listed = json.loads(result.stdout)
    assert {tuple(sorted(item)) for item in listed} == {
        ("id", "pitfalls", "questions", "source", "title")
    }
    counts = {item["id"]: (item["pitfalls"], item["questions"]) for item in listed}
    assert counts == {
        "back-office-seven": (8, 32),
        "back-office-seven-ops": (7, 27),
        "full": (18, 75),
        "outsourcing-ten": (8, 32),
        "support-dos-donts": (8, 29),
        "support-eight": (8, 37),
    }


def test_list_rejects_an_unknown_format_as_a_usage_error() -> None:
    result = invoke("questionnaires", "list", "-f", "yaml")
    assert result.exit_code == 2
    assert result.stdout == ""


# --- show -------------------------------------------------------------------------------------


def test_show_markdown_to_stdout_starts_with_title_source_and_description() -> None:
    result = invoke("questionnaires", "show", MINI, "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:7] == [
        "# Mini questionnaire for tests",
        "",
        "Questionnaire `mini`, built from tests.",
        "",
        "Two pitfalls, weights 1 to 3, for hand-checked scoring.",
        "",
        "Answer each question from 1 (the mistake is fully present) to 5 (best practice), or n/a.",
    ]
    assert result.stderr == ""


def test_show_markdown_lists_each_question_with_weight_guidance_and_rubric() -> None:
    lines = invoke("questionnaires", "show", MINI, "-f", "markdown").stdout.splitlines()
    start = lines.index("### `mini.1.2` (weight 1)")
    assert lines[start : start + 11] == [
        "### `mini.1.2` (weight 1)",
        "",
        "Do people follow the procedures?",
        "",
        "*Guidance:* Watch a task being done.",
        "",
        "- **1**: Nobody does",
        "- **2**: A few people do",
        "- **3**: Some do",
        "- **4**: Nearly everyone does",
        "- **5**: Everyone does",
    ]
    assert "## 3. Security" in lines
    assert [line for line in lines if line.startswith("Pitfall: ")] == [
        "Pitfall: No standard, written processes (`processes`)",
        "Pitfall: No performance metrics or KPIs (`metrics`)",
        "Pitfall: Weak data security (`security`)",
    ]


def test_show_markdown_escapes_table_pipes_and_html_in_user_text(tmp_path: Path) -> None:
    body = HEAD + question("m.1", text="Is <b>AP</b> | AR split documented?")
    path = write(tmp_path, body + question("m.2") + question("m.3"))
    result = invoke("questionnaires", "show", path, "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "Is \\<b\\>AP\\</b\\> \\| AR split documented?" in result.stdout.splitlines()
    assert "<b>" not in result.stdout


def test_show_json_to_a_file_leaves_stdout_empty(tmp_path: Path) -> None:
    out = tmp_path / "mini.json"
    result = invoke("questionnaires", "show", MINI, "-f", "json", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [len(p["questions"]) for p in data["pitfalls"]] == [3, 3, 3]
    assert [q["weight"] for p in data["pitfalls"] for q in p["questions"]] == [
        3,
        1,
        2,
        2,
        2,
        1,
        3,
        2,
        1,
    ]


def test_show_json_groups_questions_by_pitfall_in_order_of_first_appearance(
    tmp_path: Path,
) -> None:
    body = (
        HEAD
        + question("m.1", pitfall="metrics")
        + question("m.2")
        + question("m.3", pitfall="metrics")
        + question("m.4")
        + question("m.5", pitfall="metrics")
        + question("m.6")
    )
    result = invoke("questionnaires", "show", write(tmp_path, body), "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(p["id"], [q["id"] for q in p["questions"]]) for p in data["pitfalls"]] == [
        ("metrics", ["m.1", "m.3", "m.5"]),
        ("processes", ["m.2", "m.4", "m.6"]),
    ]
    assert data["description"] == ""


def test_show_table_rows_hold_id_pitfall_title_weight_and_rubric() -> None:
    result = invoke("questionnaires", "show", MINI, columns=120)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Mini questionnaire for tests (mini)" in lines[0]
    row = next(line for line in lines if line.startswith("mini.3.1 "))
    cells = re.split(r"\s{2,}", row.strip())
    assert cells[0] == "mini.3.1" and cells[2] == "3"
    assert cells[3] == "Is access to payment data restricted by role?"
    assert re.search(r"\n\s+5: Strictly by role, reviewed", result.stdout)


def test_show_table_to_a_file_is_plain_text(tmp_path: Path) -> None:
    out = tmp_path / "mini.txt"
    result = invoke("questionnaires", "show", MINI, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert "mini.2.3" in text
    assert not set(text) & set("─│┃━")  # plain aligned text, no box drawing


def test_show_an_invalid_file_exits_78_with_a_count_and_each_problem(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + question("m.1", weight="9") + question("m.1"))
    result = invoke("questionnaires", "show", path)
    assert result.exit_code == 78
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"boaudit: error: {path}: invalid questionnaire (1 problem); check it with "
        "'boaudit questionnaires validate'",
        f"boaudit: error: {path}: sections[0].questions[0].weight (question m.1): bad weight 9; "
        "use a whole number 1, 2 or 3",
    ]


def test_show_a_missing_path_exits_66(tmp_path: Path) -> None:
    result = invoke("questionnaires", "show", tmp_path / "gone.toml")
    assert result.exit_code == 66
    assert (
        result.stderr == f"boaudit: error: {tmp_path / 'gone.toml'}: no such file; check the path\n"
    )


# --- validate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            HEAD + question("m.1") + question("m.1") + question("m.3"),
            "question id 'm.1' is used 2 times; ids must be unique",
        ),
        (
            HEAD + question("m.1", weight="0") + question("m.2") + question("m.3"),
            "sections[0].questions[0].weight (question m.1): bad weight 0; "
            "use a whole number 1, 2 or 3",
        ),
        (
            HEAD + question("m.1", weight='"2"') + question("m.2") + question("m.3"),
            "sections[0].questions[0].weight (question m.1): bad weight '2'; "
            "use a whole number 1, 2 or 3",
        ),
        (
            HEAD + question("m.1", weight="2.5") + question("m.2") + question("m.3"),
            "sections[0].questions[0].weight (question m.1): bad weight 2.5; "
            "use a whole number 1, 2 or 3",
        ),
        (
            HEAD
            + question("m.1", rubric=RUBRIC.replace('"3" = "Some of it", ', ""))
            + question("m.2")
            + question("m.3"),
            "sections[0].questions[0].rubric.3 (question m.1): missing rubric anchor for answer "
            "3; every question needs anchors for all five answers 1 to 5",
        ),
        (
            HEAD
            + question("m.1")
            + question("m.2", rubric=RUBRIC.replace(" }", ', "6" = "More than all" }'))
            + question("m.3"),
            "sections[0].questions[1].rubric.6 (question m.2): unknown key; "
            "remove it or check its spelling",
        ),
        (
            HEAD + question("m.1") + question("m.2") + question("m.3", text="Why?"),
            "sections[0].questions[2].text (question m.3): String should have at least 10 "
            "characters",
        ),
        (
            HEAD + question("M 1") + question("m.2") + question("m.3"),
            "sections[0].questions[0].id (question M 1): String should match pattern "
            "'^[a-z0-9][a-z0-9._-]*$'",
        ),
        ('colour = "red"\n' + valid_body(), "colour: unknown key; remove it or check its spelling"),
        (valid_body().replace('title = "My review"\n', ""), "title: missing; add this key"),
        (
            'id = "mine"\ntitle = "My review"\nsource = "notes"\n',
            "sections: missing; add this key",
        ),
        (HEAD, "sections[0].questions: missing; add this key"),
        (
            valid_body()
            + '\n[[sections]]\nnumber = "1"\ntitle = "Metrics"\n'
            + "".join(question(f"k.{n}", pitfall="metrics") for n in range(3)),
            "section number '1' is used 2 times; numbers must be unique",
        ),
        (
            HEAD + question("m.1") + question("m.2"),
            "pitfall 'processes' has 2 questions; ask at least 3 so one answer cannot decide "
            "its score",
        ),
    ],
    ids=[
        "duplicate-id",
        "weight-zero",
        "weight-string",
        "weight-fraction",
        "rubric-missing-3",
        "rubric-extra-6",
        "text-too-short",
        "bad-id",
        "unknown-top-key",
        "missing-title",
        "no-sections",
        "section-without-questions",
        "duplicate-section",
        "thin-pitfall",
    ],
)
def test_validate_names_the_key_of_each_problem(tmp_path: Path, body: str, problem: str) -> None:
    path = write(tmp_path, body)
    result = invoke("questionnaires", "validate", path)
    assert result.exit_code == 78
    assert result.stdout == ""
    assert result.stderr == f"boaudit: error: {path}: {problem}\n"


def test_validate_unknown_pitfall_lists_the_taxonomy_ids(tmp_path: Path) -> None:
    body = HEAD + question("m.0", pitfall="procesess") + valid_body().removeprefix(HEAD)
    path = write(tmp_path, body)
    result = invoke("questionnaires", "validate", path)
    assert result.exit_code == 78
    line = result.stderr.strip()
    assert line.startswith(
        f"boaudit: error: {path}: sections[0].questions[0].pitfall (question m.0): "
        "unknown pitfall 'procesess'; use one of processes, complexity, technology,"
    )
    assert line.endswith("contracts, partner-governance")
    # an unknown pitfall is not also reported as "too few questions"
    assert "has 1 question" not in result.stderr


def test_validate_reports_every_semantic_problem_in_one_pass(tmp_path: Path) -> None:
    body = (
        HEAD
        + question("m.1")
        + question("m.1")
        + question("m.3", pitfall="speed")
        + question("x.1", pitfall="security")
    )
    path = write(tmp_path, body)
    result = invoke("questionnaires", "validate", path)
    assert result.exit_code == 78
    problems = [
        line.removeprefix(f"boaudit: error: {path}: ") for line in result.stderr.splitlines()
    ]
    assert problems[0] == "question id 'm.1' is used 2 times; ids must be unique"
    assert problems[1].startswith(
        "sections[0].questions[2].pitfall (question m.3): unknown pitfall"
    )
    assert problems[2:] == [
        "pitfall 'processes' has 2 questions; ask at least 3 so one answer cannot decide its score",
        "pitfall 'security' has 1 question; ask at least 3 so one answer cannot decide its score",
    ]


def test_validate_shows_25_problems_then_says_how_many_more(tmp_path: Path) -> None:
    body = HEAD + "".join(question(f"m.{n}", weight="7") for n in range(30))
    result = invoke("questionnaires", "validate", write(tmp_path, body))
    assert result.exit_code == 78
    lines = result.stderr.splitlines()
    assert len(lines) == 26
    assert lines[-1] == "boaudit: error: ... and 5 more"
    assert "questions[24].weight (question m.24): bad weight 7" in lines[24]


def test_validate_a_valid_file_says_so_on_stderr_only(tmp_path: Path) -> None:
    path = write(tmp_path, valid_body())
    result = invoke("questionnaires", "validate", path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"{path}: valid: 1 pitfalls, 3 questions\n"


def test_validate_accepts_a_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + valid_body().encode("utf-8"))
    result = invoke("questionnaires", "validate", path)
    assert result.exit_code == 0, result.stderr


def test_validate_not_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(valid_body().replace("My review", "Révision").encode("latin-1"))
    result = invoke("questionnaires", "validate", path)
    assert result.exit_code == 78
    assert result.stderr == (
        f"boaudit: error: {path}: not UTF-8 text (byte 22); save it as UTF-8\n"
    )


def test_validate_a_folder_is_unreadable_input(tmp_path: Path) -> None:
    result = invoke("questionnaires", "validate", tmp_path)
    assert result.exit_code == 66
    assert result.stderr.startswith(f"boaudit: error: {tmp_path}: cannot read: ")


def test_validate_without_a_path_is_a_usage_error() -> None:
    result = invoke("questionnaires", "validate")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_every_bundled_questionnaire_shows_as_json_with_its_own_id() -> None:
    listed = json.loads(invoke("questionnaires", "list", "-f", "json").stdout)
    for item in listed:
        shown = json.loads(invoke("questionnaires", "show", item["id"], "-f", "json").stdout)
        assert shown["id"] == item["id"]
        assert sum(len(p["questions"]) for p in shown["pitfalls"]) == item["questions"]
        assert len(shown["pitfalls"]) == item["pitfalls"]
