"""``boaudit report``: the prioritised fix report from answers and/or exports."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from boaudit.cli.common import (
    handles_errors,
    note,
    rendered_xlsx,
    stderr_console,
    write_output,
)
from boaudit.cli.ingest_options import INGEST_OPTIONS, write_quarantine
from boaudit.cli.metrics_options import METRICS_OPTIONS
from boaudit.errors import UsageError
from boaudit.findings.impact import ImpactAssumptions
from boaudit.findings.model import Effort
from boaudit.report.writers import ReportFormat, render

if TYPE_CHECKING:
    from boaudit.audit.pipeline import AuditInputs, AuditResult
    from boaudit.findings.plan import PlanOutcome
    from boaudit.ingest.options import IngestOptions
    from boaudit.metrics import MetricsOptions

# Building the report (questionnaires, scoring, ingestion, metrics) is imported in the
# command: every command's start-up imports this module to build the options.

_INPUTS = "Inputs"
_REPORT = "Report"

AnswersOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--answers",
        "-a",
        help="Interview answer file (CSV or XLSX); repeat.",
        rich_help_panel=_INPUTS,
    ),
]
TasksOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tasks", help="Task or ticket export; repeat. - for stdin.", rich_help_panel=_INPUTS
    ),
]
InvoicesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--invoices", help="Invoice export; repeat. - for stdin.", rich_help_panel=_INPUTS
    ),
]
EventsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--events", help="Event log (one row per event); repeat.", rich_help_panel=_INPUTS
    ),
]
QuestionnaireOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--questionnaire",
        "-q",
        help="Questionnaire id or .toml path; repeat to merge several; inferred from the "
        "answers when omitted.",
        rich_help_panel=_INPUTS,
    ),
]
ByRoleOpt = Annotated[
    bool,
    typer.Option("--by-role", help="Also score each respondent role.", rich_help_panel=_INPUTS),
]
AnonymiseOpt = Annotated[
    bool,
    typer.Option(
        "--anonymise",
        help="Replace each respondent by their role (numbered when shared) in every output, "
        "their names in comments too.",
        rich_help_panel=_INPUTS,
    ),
]
ReportFormatOpt = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Output format.", rich_help_panel=_REPORT)
]
ReportOutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the report here (atomically).", rich_help_panel=_REPORT
    ),
]
TitleOpt = Annotated[
    str, typer.Option("--title", help="Title of the report.", rich_help_panel=_REPORT)
]
EffortOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--effort",
        help="Override a pitfall's effort to fix, e.g. data=low; repeat.",
        rich_help_panel=_REPORT,
    ),
]
CurrencyOpt = Annotated[
    str | None,
    typer.Option(
        "--currency",
        help="Currency of the money figures (default: the data's).",
        rich_help_panel=_REPORT,
    ),
]
ErrorCostOpt = Annotated[
    float | None,
    typer.Option(
        "--error-cost",
        help="Cost of fixing one error (default: the cost per transaction).",
        rich_help_panel=_REPORT,
    ),
]
LatePaymentRateOpt = Annotated[
    float | None,
    typer.Option(
        "--late-payment-rate",
        help="Cost of paying late as a share of the amount paid late, e.g. 0.02 "
        "(default: not estimated).",
        rich_help_panel=_REPORT,
    ),
]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        help="The fix plan, an XLSX workbook: one row per fix with owner, due date, "
        "30/60/90-day wave and status. Made when FILE does not exist; otherwise read back, "
        "each fix checked against this run's data (resolved only when its KPI is past its "
        "target), and rewritten keeping what the client entered.",
        rich_help_panel=_REPORT,
    ),
]
AnnualVolumeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--annual-volume",
        help="Items a year by kind, e.g. invoices=52000 (default: the data annualised).",
        rich_help_panel=_REPORT,
    ),
]

ContractsOpt = Annotated[
    Path | None,
    typer.Option(
        "--contracts",
        help="TOML file of outsourcing contracts, one [contracts.NAME] table each (provider, "
        "fee_per_item or fee_per_month, currency, sla_target, credit_per_breach, credit_cap): "
        "the partner scorecard compares their fees and counts the SLA credits owed.",
        rich_help_panel=_REPORT,
    ),
]


def parse_pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``KEY=VALUE`` options into a dict; a malformed one is a usage error."""
    pairs: dict[str, str] = {}
    for value in values or []:
        key, sep, item = value.partition("=")
        if not sep or not key.strip() or not item.strip():
            raise UsageError(f"{option} {value!r}: write it as KEY=VALUE")
        pairs[key.strip()] = item.strip()
    return pairs


def effort_overrides(values: list[str] | None) -> dict[str, Effort]:
    """``--effort PITFALL=low|medium|high`` into a dict, checked against the taxonomy."""
    from boaudit.taxonomy import load_taxonomy

    known = load_taxonomy().ids
    levels = get_args(Effort)
    out: dict[str, Effort] = {}
    for pitfall, level in parse_pairs(values, "--effort").items():
        if pitfall not in known:
            raise UsageError(
                f"--effort: unknown pitfall '{pitfall}'; use one of {', '.join(known)}"
            )
        if level not in levels:
            raise UsageError(f"--effort {pitfall}={level}: the effort is low, medium or high")
        out[pitfall] = level  # type: ignore[assignment]
    return out


def annual_volumes(values: list[str] | None) -> dict[str, float] | None:
    """``--annual-volume KIND=N`` into a dict."""
    out: dict[str, float] = {}
    for kind, number in parse_pairs(values, "--annual-volume").items():
        if kind not in {"tasks", "invoices", "events"}:
            raise UsageError(
                f"--annual-volume: unknown kind '{kind}'; use tasks, invoices or events"
            )
        try:
            out[kind] = float(number.replace(",", "").replace("_", ""))
        except ValueError:
            raise UsageError(f"--annual-volume {kind}={number}: not a number") from None
    return out or None


@handles_errors
@INGEST_OPTIONS
@METRICS_OPTIONS.ordered(
    "as_of",
    "by",
    "period",
    "sla",
    "sla_map",
    "hourly_rate",
    "benchmarks",
    "engine",
    "test",
    "no_tests",
    "variants",
    "expected",
    "calendar",
)
def report(
    answers: AnswersOpt = None,
    tasks: TasksOpt = None,
    invoices: InvoicesOpt = None,
    events: EventsOpt = None,
    questionnaire: QuestionnaireOpt = None,
    by_role: ByRoleOpt = False,
    anonymise: AnonymiseOpt = False,
    format: ReportFormatOpt = ReportFormat.table,
    output: ReportOutputOpt = None,
    title: TitleOpt = "Back-office audit",
    effort: EffortOpt = None,
    currency: CurrencyOpt = None,
    error_cost: ErrorCostOpt = None,
    late_payment_rate: LatePaymentRateOpt = None,
    annual_volume: AnnualVolumeOpt = None,
    contracts: ContractsOpt = None,
    plan: PlanOpt = None,
    guide: Annotated[
        Path | None,
        typer.Option(
            "--guide",
            help="Also write the interview guide (Markdown): each respondent's follow-up "
            "questions where their answers and the exports disagree, with the numbers.",
            rich_help_panel=_REPORT,
        ),
    ] = None,
    *,
    metrics_options: MetricsOptions,
    ingest_options: IngestOptions,
    quarantine: Path | None,
) -> None:
    """Build the prioritised fix report from interview answers, exports, or both.

    \b
    Each pitfall with any evidence becomes a finding:
    - interview severity = (100 - pitfall score) / 100
    - data severity = the highest severity of its data evidence (boaudit metrics),
      at half weight where a rule only supports the pitfall
    - combined = their mean, or the higher one when they contradict each other
    - contradiction: interviews healthy (70+) but data severity 0.5+, or interviews
      critical (below 40) but every data signal below 0.2
    - confidence = 1 when the data measured it; interviews alone 0.9, 0.8 or 0.6 by
      their agreement (alpha 0.8+, 0.667+, below: "to confirm")
    - money = 1.25 with money to recover or block, 1.1 with yearly money only, else 1
    - effort = that of the first recommended fix (low 1, medium 1.5, high 2)
    - priority = 100 x severity x confidence x money / effort
    - quick win: combined severity 0.5+, low effort, not "to confirm"
    Money at stake is estimated only where the data allows, each assumption printed
    beside the figure and settable (--currency, --error-cost, --late-payment-rate,
    --annual-volume, --hourly-rate). With a provider column, in-house work and each
    outsourcing partner are compared side by side (the partner scorecard); --contracts
    gives the partners' fees and SLA terms.
    """
    from boaudit.audit.config import load_contracts
    from boaudit.audit.pipeline import AuditInputs, sources_from_files
    from boaudit.audit.plan import apply_plan, open_plan
    from boaudit.report.build import ReportOptions

    if quarantine is not None and not (tasks or invoices or events):
        raise UsageError("--quarantine needs exports (--tasks, --invoices or --events)")
    if guide is not None and not (answers and (tasks or invoices or events)):
        raise UsageError("--guide needs interview answers (--answers) and exports to check them")
    format.require()
    if format.binary and output is None and sys.stdout.isatty():
        kind = "an XLSX" if format is ReportFormat.xlsx else "a Word (DOCX)"
        raise UsageError(
            f"{kind} report is binary: write it to a file with -o report.{format.value}"
        )
    inputs = AuditInputs(
        answers=tuple(answers or ()),
        questionnaire=tuple(questionnaire or ()) or None,
        by_role=by_role,
        anonymise=anonymise,
        sources=sources_from_files(
            {"tasks": tasks or [], "invoices": invoices or [], "events": events or []},
            ingest_options,
        ),
        # The report charts the trend: by month unless told otherwise.
        metrics=replace(metrics_options, period=metrics_options.period or "month"),
        report=ReportOptions(
            title=title,
            as_of=metrics_options.as_of,
            effort=effort_overrides(effort),
            contracts=load_contracts(contracts) if contracts is not None else (),
            impact=ImpactAssumptions(
                currency=currency,
                annual_volume=annual_volumes(annual_volume),
                error_cost=error_cost,
                late_payment_rate=late_payment_rate,
            ),
        ),
    )
    if plan is not None and output is not None and plan.resolve() == output.resolve():
        raise UsageError(f"--plan {plan} and -o {output} name one file; give the plan its own")
    plan_file = open_plan(plan) if plan is not None else None
    result = audit_with_progress(inputs)
    outcome = None
    if plan_file is not None:
        report_with_plan, outcome = apply_plan(result.report, plan_file)
        result = replace(result, report=report_with_plan)
    if quarantine is not None:
        rows = [row for loaded in result.loads.values() for row in loaded.account.quarantined]
        write_quarantine(quarantine, rows)
    write_report(result, format, output)
    if guide is not None:
        write_guide(result, guide)
    if plan_file is not None and outcome is not None:
        write_plan(plan_file.path, outcome)
        note(outcome.summary(str(plan_file.path)))


def write_plan(path: Path, outcome: PlanOutcome) -> None:
    """Write the reconciled plan back to ``path``, atomically."""
    from boaudit.fileio import atomic_write
    from boaudit.findings.plan import render_plan

    atomic_write(path, rendered_xlsx(lambda: render_plan(outcome.rows), path))


def write_guide(result: AuditResult, path: Path) -> None:
    """The interview guide of ``result``'s claim checks, to ``path``."""
    from boaudit.report.markdown import interview_guide

    claims = result.report.claims
    if claims is None or result.assessment is None:
        raise UsageError(
            f"--guide {path}: no question of the questionnaire could be checked against these "
            "exports, so there is no follow-up question to write"
        )
    write_output(interview_guide(claims, result.assessment.questionnaire_title), path)
    note(f"wrote {path}: {len(claims.follow_ups)} follow-up question(s)")


def audit_with_progress(inputs: AuditInputs) -> AuditResult:
    """Run the audit showing progress on stderr when it is a terminal (the step, and a bar of
    the bytes read of a large export), silently otherwise."""
    from boaudit.audit.pipeline import run_audit
    from boaudit.cli.progress import TerminalProgress

    if not sys.stderr.isatty():
        return run_audit(inputs)
    with TerminalProgress(stderr_console()) as progress:
        return run_audit(inputs, on_progress=progress)


def write_report(result: AuditResult, format: ReportFormat, output: Path | None) -> None:
    """Write the report to ``output`` (or stdout), in colour only on a terminal's table."""
    terminal = format is ReportFormat.table and output is None and sys.stdout.isatty()
    color = terminal and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size((100, 24)).columns
    data = rendered_xlsx(
        lambda: render(result.report, format, color=color, terminal=terminal, width=width),
        output or "stdout",
    )
    write_output(data, output)
    if output is not None:
        note(f"wrote {output}: {len(result.report.findings)} finding(s)")
