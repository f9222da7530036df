"""Text from questionnaires, answers and exports is shown as written: square brackets are
neither rich markup on the terminal nor links and images in Markdown."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire.render import md_escape

runner = CliRunner()

QUESTIONNAIRE = """id = "mine"
title = "Review [draft]"
source = "workshop notes"

[[sections]]
number = "1"
title = "Processes"
"""
RUBRIC = (
    '{ "1" = "None [/x]", "2" = "Few [red]", "3" = "Some", "4" = "Most", '
    '"5" = "All [bold]of it[/bold]" }'
)


def question(qid: str) -> str:
    return f"""
[[sections.questions]]
id = "{qid}"
pitfall = "processes"
text = "Is the [AP] procedure written down?"
guidance = "Check [/x] and [bold]tags[/bold]."
weight = 1
rubric = {RUBRIC}
"""


def test_show_table_prints_brackets_as_text(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(QUESTIONNAIRE + question("m.1") + question("m.2") + question("m.3"))
    result = runner.invoke(app, ["questionnaires", "show", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "Review [draft] (mine)" in result.stdout
    assert "Is the [AP] procedure written down?" in result.stdout
    assert "Check [/x] and [bold]tags[/bold]." in result.stdout
    assert "1: None [/x]" in result.stdout
    assert "5: All [bold]of it[/bold]" in result.stdout


def test_metrics_table_prints_bracketed_names_as_text(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.csv"
    tasks.write_text(
        "Ticket ID,Created,Resolved,Assigned To\n"
        "T1,2025-01-01 00:00,2025-01-02 00:00,[bold]clerk[/bold]\n"
        "T2,2025-01-01 00:00,2025-01-03 00:00,[/x]\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["metrics", "tasks", str(tasks), "--by", "assignee"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.stderr
    assert "[bold]clerk[/bold]" in result.stdout
    assert "[/x]" in result.stdout


def test_markdown_escapes_links_and_images() -> None:
    assert md_escape("![x](http://tracker.example)") == "!\\[x\\](http://tracker.example)"
    assert md_escape("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))"
    assert md_escape("plain text") == "plain text"


def test_md_escape_leaves_no_code_span_emphasis_or_strikethrough() -> None:
    assert md_escape("`rm -rf` *bold* _it_ ~~gone~~") == (
        "\\`rm -rf\\` \\*bold\\* \\_it\\_ \\~\\~gone\\~\\~"
    )
    assert md_escape("a\\*b") == "a\\\\\\*b"  # a backslash is escaped first, then the star


def test_markdown_guide_shows_bracketed_text_without_links(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(QUESTIONNAIRE + question("m.1") + question("m.2") + question("m.3"))
    result = runner.invoke(app, ["questionnaires", "show", str(path), "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert "# Review \\[draft\\]" in result.stdout.splitlines()
    assert "](" not in result.stdout.replace("\\](", "")
