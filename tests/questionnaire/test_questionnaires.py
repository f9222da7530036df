"""The bundled questionnaires and taxonomy, and validation of a consultant's own file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.errors import QuestionnaireError
from boaudit.questionnaire import bundled_ids, load_bundled, load_questionnaire, validate_file
from boaudit.questionnaire.models import MIN_QUESTIONS_PER_PITFALL
from boaudit.taxonomy import load_taxonomy

runner = CliRunner()
SEEDS = {
    "back-office-seven": "000_",
    "back-office-seven-ops": "001_",
    "support-dos-donts": "002_",
    "outsourcing-ten": "003_",
    "support-eight": "004_",
}
DESIGN_PITFALLS = [
    "processes",
    "complexity",
    "technology",
    "communication",
    "data",
    "metrics",
    "feedback",
    "training",
    "wellbeing",
    "resources",
    "change",
    "security",
    "partner-selection",
    "outsourcing-strategy",
    "outsourcing-scope",
    "over-dependence",
    "contracts",
    "partner-governance",
]


def test_taxonomy_has_the_design_pitfalls_in_order() -> None:
    taxonomy = load_taxonomy()
    assert list(taxonomy.ids) == DESIGN_PITFALLS
    for pitfall in taxonomy.pitfalls:
        assert 3 <= len(pitfall.fixes) <= 6
        assert {fix.effort for fix in pitfall.fixes} <= {"low", "medium", "high"}


def test_bundled_questionnaires_are_the_six_expected() -> None:
    assert set(bundled_ids()) == {*SEEDS, "full"}


@pytest.mark.parametrize("questionnaire_id", sorted([*SEEDS, "full"]))
def test_each_bundled_questionnaire_loads_and_asks_enough(questionnaire_id: str) -> None:
    questionnaire = load_bundled(questionnaire_id)
    assert questionnaire.id == questionnaire_id
    for pitfall in questionnaire.pitfall_ids:
        assert len(questionnaire.questions_for(pitfall)) >= MIN_QUESTIONS_PER_PITFALL
    for question in questionnaire.questions:
        assert question.id.split(".")[0]  # a prefix
    if questionnaire_id in SEEDS:
        assert SEEDS[questionnaire_id] in (questionnaire.seed or "")


def test_question_ids_are_unique_across_bundled_files() -> None:
    seen: dict[str, str] = {}
    for questionnaire_id in bundled_ids():
        for question in load_bundled(questionnaire_id).questions:
            assert question.id not in seen, (question.id, seen.get(question.id))
            seen[question.id] = questionnaire_id


def test_full_covers_every_pitfall_exactly_once() -> None:
    full = load_bundled("full")
    assert list(full.pitfall_ids) == DESIGN_PITFALLS
    for section in full.sections:
        assert len({q.pitfall for q in section.questions}) == 1
    assert len(full.sections) == len(DESIGN_PITFALLS)


def test_seed_questionnaires_follow_the_article_numbering() -> None:
    assert [s.number for s in load_bundled("back-office-seven").sections] == list("1234567")
    assert [s.number for s in load_bundled("outsourcing-ten").sections] == [
        str(n) for n in range(1, 11)
    ]
    dos = [s.number for s in load_bundled("support-dos-donts").sections]
    assert dos == ["do-1", "do-2", "do-3", "do-4", "do-5", "dont-1", "dont-2", "dont-3", "dont-4"]
    # seed 000 #5 names both metrics and feedback
    section5 = load_bundled("back-office-seven").sections[4]
    assert {q.pitfall for q in section5.questions} == {"metrics", "feedback"}


BROKEN = """
id = "mine"
title = "My questionnaire"
source = "workshop notes"

[[sections]]
number = "1"
title = "Processes"

[[sections.questions]]
id = "m.1"
pitfall = "processes"
text = "Are procedures written?"
guidance = "Ask to see them."
weight = 4
rubric = { "1" = "none at all", "2" = "one or two", "3" = "some of them", "4" = "most of them", "5" = "all of them" }

[[sections.questions]]
id = "m.2"
pitfall = "procesess"
text = "Are procedures followed?"
guidance = "Watch a task."
weight = 2
rubric = { "1" = "never at all", "2" = "rarely", "4" = "usually", "5" = "always" }
"""

SEMANTIC = BROKEN.replace("weight = 4", "weight = 2").replace(
    '"2" = "rarely", "4"', '"2" = "rarely", "3" = "sometimes", "4"'
)


def test_validate_reports_structural_problems_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(BROKEN)
    questionnaire, problems = validate_file(path)
    assert questionnaire is None
    text = "\n".join(problems)
    assert "sections[0].questions[0].weight (question m.1): bad weight 4" in text
    assert (
        "sections[0].questions[1].rubric.3 (question m.2): missing rubric anchor for answer 3; "
        "every question needs anchors for all five answers 1 to 5" in text
    )
    assert all(p.startswith(str(path)) for p in problems)


THREE_ANCHORS = """
id = "three"
title = "Three anchors only"
source = "workshop notes"

[[sections]]
number = "1"
title = "Processes"
"""
for _number in (1, 2, 3):
    THREE_ANCHORS += f"""
[[sections.questions]]
id = "t.{_number}"
pitfall = "processes"
text = "Are procedures written, question {_number}?"
guidance = "Ask to see them."
weight = 2
rubric = {{ "1" = "none at all", "2" = "one or two", "3" = "some of them", "4" = "most", "5" = "all" }}
"""


def test_validate_rejects_a_question_with_three_anchors(tmp_path: Path) -> None:
    path = tmp_path / "three.toml"
    path.write_text(THREE_ANCHORS)
    assert validate_file(path)[0] is not None  # five anchors each: valid
    path.write_text(
        THREE_ANCHORS.replace('"2" = "one or two", ', "").replace('"4" = "most", ', "", 1)
    )
    questionnaire, problems = validate_file(path)
    assert questionnaire is None
    assert problems == [
        f"{path}: sections[0].questions[0].rubric.2 (question t.1): missing rubric anchor for "
        "answer 2; every question needs anchors for all five answers 1 to 5",
        f"{path}: sections[0].questions[0].rubric.4 (question t.1): missing rubric anchor for "
        "answer 4; every question needs anchors for all five answers 1 to 5",
        f"{path}: sections[0].questions[1].rubric.2 (question t.2): missing rubric anchor for "
        "answer 2; every question needs anchors for all five answers 1 to 5",
        f"{path}: sections[0].questions[2].rubric.2 (question t.3): missing rubric anchor for "
        "answer 2; every question needs anchors for all five answers 1 to 5",
    ]
    result = runner.invoke(app, ["questionnaires", "validate", str(path)])
    assert result.exit_code == 78
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"boaudit: error: {problems[0]}"
    assert len(lines) == 4
    with pytest.raises(QuestionnaireError):
        load_questionnaire(path)


def test_validate_reports_duplicates_unknown_pitfalls_and_thin_pitfalls(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(SEMANTIC.replace('id = "m.2"', 'id = "m.1"'))
    _, problems = validate_file(path)
    text = "\n".join(problems)
    assert "question id 'm.1' is used 2 times" in text
    assert "unknown pitfall 'procesess'" in text
    assert "pitfall 'processes' has 1 question; ask at least 3" in text


def test_validate_cli_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BROKEN)
    result = runner.invoke(app, ["questionnaires", "validate", str(bad)])
    assert result.exit_code == 78
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"boaudit: error: {bad}") for line in lines)
    assert "Traceback" not in result.stderr

    good = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
    result = runner.invoke(app, ["questionnaires", "validate", str(good)])
    assert result.exit_code == 0, result.stderr
    assert "valid: 3 pitfalls, 9 questions" in result.stderr

    result = runner.invoke(app, ["questionnaires", "validate", str(tmp_path / "nope.toml")])
    assert result.exit_code == 66
    assert "no such file" in result.stderr


def test_validate_toml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text('id = "x"\ntitle = \n')
    result = runner.invoke(app, ["questionnaires", "validate", str(path)])
    assert result.exit_code == 78
    assert "not valid TOML" in result.stderr and "line 2" in result.stderr


def test_list_json_matches_the_library() -> None:
    result = runner.invoke(app, ["questionnaires", "list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert [item["id"] for item in listed] == list(bundled_ids())
    full = next(item for item in listed if item["id"] == "full")
    assert full["pitfalls"] == 18
    assert full["questions"] == len(load_bundled("full").questions)


def test_list_table_names_every_questionnaire() -> None:
    result = runner.invoke(app, ["questionnaires", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for questionnaire_id in bundled_ids():
        assert questionnaire_id in result.stdout


def test_show_json_shape(mini_path: Path) -> None:
    result = runner.invoke(app, ["questionnaires", "show", str(mini_path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"id", "title", "source", "pitfalls"}
    assert [p["id"] for p in data["pitfalls"]] == ["processes", "metrics", "security"]
    question = data["pitfalls"][0]["questions"][0]
    assert question == {
        "id": "mini.1.1",
        "section": "1",
        "text": "Are the procedures written down?",
        "guidance": "Ask to see them.",
        "weight": 3,
        "rubric": {
            "1": "Nothing written",
            "2": "One or two written",
            "3": "Some written",
            "4": "Most written, some out of date",
            "5": "All written and current",
        },
    }


def test_show_markdown_and_table(tmp_path: Path) -> None:
    out = tmp_path / "guide.md"
    result = runner.invoke(
        app, ["questionnaires", "show", "support-eight", "-f", "markdown", "-o", str(out)]
    )
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith("# ")
    assert "`sup8.1.1`" in text
    result = runner.invoke(
        app, ["questionnaires", "show", "outsourcing-ten"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0
    assert "out10.8.1" in result.stdout


def test_unknown_bundled_id_is_a_usage_error() -> None:
    result = runner.invoke(app, ["questionnaires", "show", "nonesuch"])
    assert result.exit_code == 2
    assert "unknown questionnaire 'nonesuch'" in result.stderr
    assert "full" in result.stderr


def test_load_questionnaire_by_path_or_id(mini_path: Path) -> None:
    assert load_questionnaire(mini_path).id == "mini"
    assert load_questionnaire(str(mini_path)).id == "mini"
    assert load_questionnaire("full").id == "full"
