"""The root ``boaudit`` command; sub-commands are composed here explicitly."""

from __future__ import annotations

from typing import Annotated

import typer

from boaudit.cli import assess, interview, questionnaires, version_line
from boaudit.cli import inspect as inspect_cmd
from boaudit.cli import metrics as metrics_cmd
from boaudit.cli import plan as plan_cmd
from boaudit.cli import report as report_cmd
from boaudit.cli import run as run_cmd
from boaudit.cli.common import State, clean_up_on_signals
from boaudit.cli.usage import BoauditCommand, BoauditGroup

app = typer.Typer(
    name="boaudit",
    cls=BoauditGroup,
    help=(
        "Back-office audits: score an organisation against the well-known back-office "
        "mistakes from interview answers and system exports, and rank what to fix first."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback behind an error.")
    ] = False,
) -> None:
    """Back-office audits from interviews and exports."""
    State.debug = debug


app.add_typer(questionnaires.app, name="questionnaires")
app.command("template", cls=BoauditCommand)(assess.template)
app.command("assess", cls=BoauditCommand)(assess.assess)
app.command("interview", cls=BoauditCommand)(interview.interview)
app.command("inspect", cls=BoauditCommand)(inspect_cmd.inspect)
app.command("metrics", cls=BoauditCommand)(metrics_cmd.metrics)
app.command("plan", cls=BoauditCommand)(plan_cmd.plan)
app.command("report", cls=BoauditCommand)(report_cmd.report)
app.command("run", cls=BoauditCommand)(run_cmd.run)
app.command("history", cls=BoauditCommand)(run_cmd.history)


def main() -> None:
    """Console-script entry point."""
    clean_up_on_signals()
    app()
