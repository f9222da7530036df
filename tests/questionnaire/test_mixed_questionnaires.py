"""Several questionnaires in one assessment, merged on the shared taxonomy.

The figures are worked out by hand from the two mini questionnaires (weights in the files):

- lead answers ``mini``: processes 1.1=2 (w3), 1.2=3 (w1), 1.3=1 (w2); metrics 2.1=4 (w2),
  2.2=n/a, 2.3=5 (w1); security left blank.
- mgr answers ``mini-b``: processes b1.1=4 (w2), b1.2=5 (w1), b1.3=3 (w1); data b2.1=2 (w3),
  b2.2=3 (w1), b2.3 blank.
- question score = (answer - 1) / 4 x 100: 2 -> 25, 3 -> 50, 1 -> 0, 4 -> 75, 5 -> 100.
- processes = (3x25 + 1x50 + 2x0 + 2x75 + 1x100 + 1x50) / (3+1+2+2+1+1) = 425 / 10 = 42.5;
  from mini alone (75 + 50 + 0) / 6 = 20.8, from mini-b alone (150 + 100 + 50) / 4 = 75.0.
- metrics = (2x75 + 1x100) / 3 = 83.3 (2 of 3 answered, mini only).
- security: not assessed (0 of 3, mini only).
- data = (3x25 + 1x50) / 4 = 31.25 -> 31.3 (2 of 3, mini-b only).
- overall = (42.5 + 83.333 + 31.25) / 3 = 52.4; coverage 10 of 15.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire import load_bundled
from boaudit.questionnaire.assess import assess_files

DATA = Path(__file__).parents[1] / "data" / "questionnaires"
MINI, MINI_B = DATA / "mini.toml", DATA / "mini-b.toml"
runner = CliRunner()


def _write(path: Path, who: str, answers: dict[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent", "question_id", "answer", "comment"])
        writer.writerows([who, qid, value, ""] for qid, value in answers.items())
    return path


def _files(tmp_path: Path) -> list[Path]:
    lead = _write(
        tmp_path / "lead.csv",
        "lead",
        {"mini.1.1": "2", "mini.1.2": "3", "mini.1.3": "1", "mini.2.1": "4"}
        | {"mini.2.2": "n/a", "mini.2.3": "5"},
    )
    mgr = _write(
        tmp_path / "mgr.csv",
        "mgr",
        {"minib.1.1": "4", "minib.1.2": "5", "minib.1.3": "3", "minib.2.1": "2", "minib.2.2": "3"},
    )
    return [lead, mgr]


def test_each_pitfall_is_scored_from_every_questionnaire_that_covers_it(tmp_path: Path) -> None:
    assessment = assess_files(_files(tmp_path), [str(MINI), str(MINI_B)])
    data = assessment.to_dict()
    assert data["questionnaire"] == {
        "id": "mini+mini-b",
        "title": "Mini questionnaire for tests + Second mini questionnaire for tests",
    }
    assert [q["id"] for q in data["questionnaires"]] == ["mini", "mini-b"]
    scores = {p["id"]: (p["score"], p["answered"], p["asked"]) for p in data["pitfalls"]}
    assert scores == {
        "processes": (42.5, 6, 6),
        "metrics": (83.3, 2, 3),
        "security": (None, 0, 3),
        "data": (31.3, 2, 3),
    }
    fed = {p["id"]: p["questionnaires"] for p in data["pitfalls"]}
    assert fed["processes"] == [
        {"id": "mini", "answered": 3, "asked": 3, "score": 20.8},
        {"id": "mini-b", "answered": 3, "asked": 3, "score": 75.0},
    ]
    assert fed["metrics"] == [{"id": "mini", "answered": 2, "asked": 3, "score": 83.3}]
    assert fed["security"] == [{"id": "mini", "answered": 0, "asked": 3, "score": None}]
    assert fed["data"] == [{"id": "mini-b", "answered": 2, "asked": 3, "score": 31.3}]
    assert assessment.pitfall("security").fed_by == ()
    assert data["overall"]["score"] == 52.4
    assert (data["overall"]["answered"], data["overall"]["asked"]) == (10, 15)
    messages = {p["code"]: p["message"] for p in data["problems"] if "respondent" not in p}
    assert messages["several-questionnaires"] == (
        "answers from 2 questionnaires (mini: 6 answers, mini-b: 5 answers) are merged on the "
        "shared taxonomy; each pitfall's coverage names the questionnaires that fed it"
    )
    # Each respondent is held to the questionnaire they answered, not to both.
    incomplete = [p["message"] for p in data["problems"] if p["code"] == "incomplete-respondent"]
    assert incomplete == [
        "lead answered 6 of 9 questions (n/a counts as answered here)",
        "mgr answered 5 of 6 questions (n/a counts as answered here)",
    ]


def test_one_questionnaire_lists_itself_and_scores_as_before(tmp_path: Path) -> None:
    lead = _files(tmp_path)[0]
    data = assess_files([lead], str(MINI)).to_dict()
    assert data["questionnaire"]["id"] == "mini"
    assert data["questionnaires"] == [{"id": "mini", "title": "Mini questionnaire for tests"}]
    processes = data["pitfalls"][0]
    assert processes["score"] == 20.8
    assert processes["questionnaires"] == [{"id": "mini", "answered": 3, "asked": 3, "score": 20.8}]
    assert all(p["code"] != "several-questionnaires" for p in data["problems"])


def test_assess_merges_inferred_bundled_questionnaires_in_every_format(tmp_path: Path) -> None:
    desk = load_bundled("support-eight").questions_for("processes")
    partner = load_bundled("outsourcing-ten").questions_for("outsourcing-scope")
    outsourcing = _write(tmp_path / "om.csv", "Outsourcing manager", {q.id: "2" for q in partner})
    lead = _write(tmp_path / "dl.csv", "Desk lead", {q.id: "4" for q in desk})
    result = runner.invoke(app, ["assess", str(outsourcing), str(lead), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [q["id"] for q in data["questionnaires"]] == ["outsourcing-ten", "support-eight"]
    pitfalls = {p["id"]: p for p in data["pitfalls"]}
    # Every answer 2 is 25.0, every answer 4 is 75.0, whatever the weights.
    assert pitfalls["outsourcing-scope"]["score"] == 25.0
    assert pitfalls["processes"]["score"] == 75.0
    assert [s["id"] for s in pitfalls["processes"]["questionnaires"]] == ["support-eight"]
    files = [str(outsourcing), str(lead)]
    table = runner.invoke(app, ["assess", *files])
    assert table.exit_code == 0, table.stderr
    assert "questionnaires (answered/asked)" in table.stdout
    assert f"support-eight {len(desk)}/{len(desk)}" in table.stdout
    markdown = runner.invoke(app, ["assess", *files, "-f", "markdown"]).stdout
    assert "- Questionnaires merged on the taxonomy: `outsourcing-ten`" in markdown
    assert f"| `support-eight` {len(desk)}/{len(desk)} (75.0) |" in markdown
    rows = list(csv.reader(runner.invoke(app, ["assess", *files, "-f", "csv"]).stdout.splitlines()))
    assert ["source", "support-eight", "processes", "75.0", "", "1.0"] in [r[:6] for r in rows]


def test_the_report_names_the_questionnaires_that_fed_each_pitfall(tmp_path: Path) -> None:
    lead, mgr = _files(tmp_path)
    args = ["report", "--answers", str(lead), "--answers", str(mgr)]
    result = runner.invoke(app, [*args, "-q", str(MINI), "-q", str(MINI_B), "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("## Interviews")
    assert lines[start + 2] == (
        "Questionnaires: `mini` (Mini questionnaire for tests), `mini-b` (Second mini "
        "questionnaire for tests) (merged on the shared taxonomy)"
    )
    rows = {line.split(" | ")[0]: line for line in lines[start:] if line.startswith("| ")}
    assert rows["| No standard, written processes (`processes`)"] == (
        "| No standard, written processes (`processes`) | 42.5 | needs work | 6/6 | "
        "`mini` 3/3 (20.8), `mini-b` 3/3 (75.0) |"
    )
    assert rows["| Weak data security (`security`)"] == (
        "| Weak data security (`security`) | - | not assessed | 0/3 | `mini` 0/3 |"
    )
    assert rows["| lead"] == "| lead | - | - | - | - | 0 | 0 | 0 | 6 |"  # no metadata given
    data = json.loads(
        runner.invoke(app, [*args, "-q", str(MINI), "-q", str(MINI_B), "-f", "json"]).stdout
    )
    assert data["assessment"]["overall"]["score"] == 52.4


def test_section_scores_sit_beside_pitfall_scores(tmp_path: Path) -> None:
    # outsourcing-ten's items 1 and 7 both measure outsourcing-scope. Item 1 answered 5
    # everywhere (100.0), item 7 answered 1 everywhere (0.0): the pitfall is (7 x 100 + 7 x 0)
    # / 14 = 50.0, which hides what the two items show. Item 10 is n/a: not assessed, so
    # outsourcing-strategy comes from item 3 alone; every other item is answered 3 (50.0).
    answers = {}
    for section in load_bundled("outsourcing-ten").sections:
        value = {"1": "5", "7": "1", "10": "n/a"}.get(section.number, "3")
        answers |= {q.id: value for q in section.questions}
    path = _write(tmp_path / "om.csv", "Outsourcing manager", answers)
    data = assess_files([path]).to_dict()
    sections = [(s["number"], s["score"], s["answered"], s["asked"]) for s in data["sections"]]
    assert sections == [
        ("1", 100.0, 3, 3),
        ("2", 50.0, 3, 3),
        ("3", 50.0, 3, 3),
        ("4", 50.0, 3, 3),
        ("5", 50.0, 4, 4),
        ("6", 50.0, 4, 4),
        ("7", 0.0, 3, 3),
        ("8", 50.0, 3, 3),
        ("9", 50.0, 3, 3),
        ("10", None, 0, 3),
    ]
    assert data["sections"][0] == {
        "questionnaire": "outsourcing-ten",
        "number": "1",
        "title": "Getting the boundary of outsourced work wrong",
        "score": 100.0,
        "band": "healthy",
        "answered": 3,
        "asked": 3,
        "pitfalls": ["outsourcing-scope"],
    }
    pitfalls = {p["id"]: p["score"] for p in data["pitfalls"]}
    assert pitfalls["outsourcing-scope"] == 50.0
    assert pitfalls["outsourcing-strategy"] == 50.0
    table = runner.invoke(app, ["assess", str(path)]).stdout
    assert "Scores by section" in table and "1. Getting the boundary of outsourced" in table
    markdown = runner.invoke(app, ["assess", str(path), "-f", "markdown"]).stdout
    assert (
        "| 7. Outsourcing services that do not suit it | 0.0 | critical | 3/3 | "
        "`outsourcing-scope` |"
    ) in markdown
    rows = list(
        csv.reader(runner.invoke(app, ["assess", str(path), "-f", "csv"]).stdout.splitlines())
    )
    assert ["section", "outsourcing-ten/10", "outsourcing-strategy", "", "", "0.0", "0", "3"] in [
        r[:8] for r in rows
    ]


def test_merged_sections_name_their_questionnaire(tmp_path: Path) -> None:
    assessment = assess_files(_files(tmp_path), [str(MINI), str(MINI_B)])
    assert [
        (s.questionnaire, s.number, s.score, s.answered, s.asked) for s in assessment.sections
    ] == [
        ("mini", "1", 125 / 6, 3, 3),
        ("mini", "2", 250 / 3, 2, 3),
        ("mini", "3", None, 0, 3),
        ("mini-b", "A", 75.0, 3, 3),
        ("mini-b", "B", 31.25, 2, 3),
    ]


def test_the_html_report_shows_interviews_sections_and_sources(tmp_path: Path) -> None:
    lead, mgr = _files(tmp_path)
    args = ["report", "--answers", str(lead), "--answers", str(mgr), "-q", str(MINI)]
    result = runner.invoke(app, [*args, "-q", str(MINI_B), "-f", "html"])
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    assert "(merged on the shared taxonomy)" in html
    assert (
        '<td>No standard, written processes</td><td class="num">42.5</td><td>needs work</td>'
        '<td class="num">6/6</td><td>mini 3/3 (20.8), mini-b 3/3 (75.0)</td>'
    ) in html
    assert '<td><code>mini-b</code></td><td>B. Master data</td><td class="num">31.3</td>' in html
    assert "confidence weights: seen evidence 1.0, told 0.7, guess 0.4, not given 1.0" in html
