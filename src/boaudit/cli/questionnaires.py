"""``boaudit questionnaires``: list, show and validate questionnaires."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from boaudit.cli.common import display, handles_errors, write_output
from boaudit.cli.usage import BoauditCommand, BoauditGroup
from boaudit.errors import QuestionnaireError
from boaudit.fileio import dumps_json

# The questionnaire package, the taxonomy (pydantic models) and rich tables are imported in
# the commands: importing this module must stay cheap, every command's start-up pays for it.

app = typer.Typer(
    help="List, show and validate questionnaires (bundled ones by id, your own by path).",
    no_args_is_help=True,
    cls=BoauditGroup,
)


class ListFormat(StrEnum):
    """Formats of ``questionnaires list``."""

    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    """Formats of ``questionnaires show``."""

    table = "table"
    json = "json"
    markdown = "markdown"


@app.command("list", cls=BoauditCommand)
@handles_errors
def list_(
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ListFormat.table
    ),
) -> None:
    """List the bundled questionnaires: id, title, source, pitfalls and questions."""
    from rich.table import Table

    from boaudit.questionnaire import bundled_ids, load_bundled
    from boaudit.questionnaire.render import questionnaire_summary

    summaries = [questionnaire_summary(load_bundled(q)) for q in bundled_ids()]
    if format is ListFormat.json:
        write_output(dumps_json(summaries), None)
        return
    table = Table(title="Bundled questionnaires")
    table.add_column("id", no_wrap=True)
    table.add_column("title")
    table.add_column("source", overflow="fold")
    table.add_column("pitfalls", justify="right")
    table.add_column("questions", justify="right")
    for s in summaries:
        table.add_row(s["id"], s["title"], s["source"], str(s["pitfalls"]), str(s["questions"]))
    display(lambda console: console.print(table), None)


@app.command("show", cls=BoauditCommand)
@handles_errors
def show(
    questionnaire: Annotated[str, typer.Argument(help="A bundled id or a path to a .toml file.")],
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Show every question of a questionnaire, with guidance, weight and rubric."""
    from rich.table import Table
    from rich.text import Text

    from boaudit.questionnaire import load_questionnaire
    from boaudit.questionnaire.render import questionnaire_dict, questionnaire_markdown
    from boaudit.taxonomy import load_taxonomy

    loaded = load_questionnaire(questionnaire)
    if format is ShowFormat.json:
        write_output(dumps_json(questionnaire_dict(loaded)), output)
        return
    if format is ShowFormat.markdown:
        write_output(questionnaire_markdown(loaded), output)
        return
    taxonomy = load_taxonomy()
    table = Table(title=f"{loaded.title} ({loaded.id})", show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("pitfall")
    table.add_column("w", justify="right")
    table.add_column("question and rubric (1 to 5)")
    for q in loaded.questions:
        rubric = q.rubric.as_dict()
        body = Text(q.text)
        body.append("\n" + q.guidance, style="dim")
        for key in sorted(rubric):
            body.append(f"\n{key}: {rubric[key]}")
        table.add_row(q.id, taxonomy.get(q.pitfall).title, str(q.weight), body)
    display(lambda console: console.print(table), output)


@app.command("validate", cls=BoauditCommand)
@handles_errors
def validate(
    path: Annotated[Path, typer.Argument(help="The questionnaire .toml file to check.")],
) -> None:
    """Check a questionnaire file you wrote; every problem is listed with the file and key.

    Exit 0 when valid, 78 when not, 66 when the file cannot be read.
    """
    from boaudit.questionnaire import validate_file

    loaded, problems = validate_file(path)
    if loaded is None:
        raise QuestionnaireError(problems[0], problems[1:])
    typer.echo(
        f"{path}: valid: {len(loaded.pitfall_ids)} pitfalls, {len(loaded.questions)} questions",
        err=True,
    )
