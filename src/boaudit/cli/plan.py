"""``boaudit plan``: the data-first interview plan, before anyone is interviewed."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from boaudit.cli.common import handles_errors, note, write_output
from boaudit.cli.ingest_options import INGEST_OPTIONS, write_quarantine
from boaudit.cli.metrics_options import METRICS_OPTIONS
from boaudit.cli.report import EventsOpt, InvoicesOpt, TasksOpt
from boaudit.errors import UsageError

if TYPE_CHECKING:
    from boaudit.findings.interview_plan import Role
    from boaudit.ingest.options import IngestOptions
    from boaudit.metrics import MetricsOptions
    from boaudit.metrics.model import MetricsResult

# Reading and measuring the exports is imported in the command: every command's start-up
# imports this module to build the options.

_INPUTS = "Inputs"


class PlanFormat(StrEnum):
    """Formats of ``boaudit plan``."""

    markdown = "markdown"
    json = "json"


@handles_errors
@INGEST_OPTIONS
@METRICS_OPTIONS
def plan(
    tasks: TasksOpt = None,
    invoices: InvoicesOpt = None,
    events: EventsOpt = None,
    questionnaire: Annotated[
        list[str] | None,
        typer.Option(
            "--questionnaire",
            "-q",
            help="The questionnaire to plan (a bundled id or a .toml path); repeat for several.",
            rich_help_panel=_INPUTS,
        ),
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help="Plan for this role only (a name from the roles, any case); repeat.",
            rich_help_panel=_INPUTS,
        ),
    ] = None,
    roles: Annotated[
        Path | None,
        typer.Option(
            "--roles",
            help="A TOML file of [[roles]] (name, who, pitfalls) to use instead of the "
            "bundled four.",
            rich_help_panel=_INPUTS,
        ),
    ] = None,
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format.")] = (
        PlanFormat.markdown
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    *,
    metrics_options: MetricsOptions,
    ingest_options: IngestOptions,
    quarantine: Path | None,
) -> None:
    """Plan the interviews from the exports, before anyone is interviewed.

    \b
    Per role (Finance manager, Back-office team lead, Outsourcing
    manager, IT and security lead; --roles FILE.toml for your own),
    the questions on that role's pitfalls, sorted by what the data says:
    - answered by the data (ask briefly, or skip): a question linked
      to metrics whose data score is 75 or more (100 at the healthy
      value, 0 at the unhealthy one)
    - probe: a linked question scoring below 50, or any question on a
      pitfall where an evidence rule raised a flag (severity 0.5+),
      with the numbers to put
    - ask in full: the rest
    - three numbers to bring: the strongest flags on the role's
      pitfalls, then the facts of its worst-scoring questions
    """
    from boaudit.audit.config import load_roles
    from boaudit.audit.pipeline import measure_sources, sources_from_files
    from boaudit.fileio import dumps_json
    from boaudit.findings.interview_plan import bundled_roles, interview_plan
    from boaudit.questionnaire import load_questionnaire
    from boaudit.report.markdown import interview_plan_markdown

    files = {"tasks": tasks or [], "invoices": invoices or [], "events": events or []}
    if not any(files.values()):
        raise UsageError(
            "nothing to plan from: give the exports (--invoices, --tasks, --events); "
            "the plan sorts the questions by what they show"
        )
    chosen = _chosen(load_roles(roles) if roles is not None else bundled_roles(), role)
    loaded = [load_questionnaire(ref) for ref in (questionnaire or ["full"])]
    sources = sources_from_files(files, ingest_options)  # type: ignore[arg-type]
    loads, results = measure_sources(sources, metrics_options)
    if quarantine is not None:
        write_quarantine(
            quarantine, [r for load in loads.values() for r in load.account.quarantined]
        )
    made = interview_plan(loaded, results, chosen)
    if format is PlanFormat.json:
        document = made.to_dict()
        document["sources"] = {kind: _source(kind, files[kind], results[kind]) for kind in results}
        write_output(dumps_json(document), output)
    else:
        lines = [
            f"{kind}: {_source(kind, files[kind], results[kind])['measured']}" for kind in results
        ]
        write_output(interview_plan_markdown(made, lines), output)
    if output is not None:
        probes = sum(len(r.probes) for r in made.roles)
        answered = sum(len(r.answered) for r in made.roles)
        note(
            f"wrote {output}: {len(made.roles)} role(s), {probes} probe(s), {answered} "
            "question(s) the data answers"
        )


def _chosen(roles: tuple[Role, ...], names: list[str] | None) -> tuple[Role, ...]:
    """The roles named by ``--role`` (any case), in the order given; all without it."""
    if not names:
        return roles
    by_name = {r.name.casefold(): r for r in roles}
    chosen = []
    for name in names:
        found = by_name.get(name.strip().casefold())
        if found is None:
            raise UsageError(
                f"--role {name}: no such role; use one of {', '.join(r.name for r in roles)}"
            )
        chosen.append(found)
    return tuple(dict.fromkeys(chosen))


_ITEMS = {"invoices": "invoices", "tasks": "items", "events": "cases"}


def _source(kind: str, files: list[str], result: MetricsResult) -> dict[str, object]:
    count = result.metrics.get("count")
    measured = (
        f"{count:,} {_ITEMS[kind]} from {', '.join(files)}"
        if isinstance(count, int)
        else f"{', '.join(files)}"
    )
    return {"files": list(files), "count": count, "measured": measured}
