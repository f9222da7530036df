"""An unattended run: the audit a configuration describes, set against the run history.

``boaudit run`` is this module's :func:`audit_run` then :func:`record_run`, with the writing of
the outputs between them; the command itself keeps only its options and its printing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from boaudit.document import JsonObject
from boaudit.errors import InputMissingError
from boaudit.fileio import make_folder

if TYPE_CHECKING:
    from boaudit.audit.config import RunConfig
    from boaudit.audit.pipeline import AuditInputs
    from boaudit.audit.plan import PlanFile
    from boaudit.findings.plan import PlanOutcome
    from boaudit.history import History
    from boaudit.report.model import Report
    from boaudit.report.writers import ReportFormat

DEFAULT_HISTORY = "history.sqlite"


def history_path(config: RunConfig | None, config_path: Path | None) -> Path:
    """The history database: the config's ``history`` key, else the user data folder."""
    from platformdirs import user_data_dir

    if config is not None and config.history and config_path is not None:
        path = Path(config.history).expanduser()
        return path if path.is_absolute() else config_path.parent / path
    return Path(user_data_dir("boaudit", appauthor=False)) / DEFAULT_HISTORY


def plan_path(config: RunConfig, config_path: Path, override: Path | None = None) -> Path | None:
    """The fix plan: ``--plan`` when given, else the config's ``plan`` key (relative to the
    config's folder), else None."""
    if override is not None:
        return override
    if config.plan is None:
        return None
    path = Path(config.plan).expanduser()
    return path if path.is_absolute() else config_path.parent / path


def history_key(config_path: Path) -> str:
    """The name a configuration's runs are recorded under: its absolute path."""
    return str(config_path.resolve())


@dataclass(frozen=True)
class PreparedRun:
    """A configuration checked and resolved: its inputs, and the outputs it will write."""

    config: RunConfig
    config_path: Path
    inputs: AuditInputs
    outputs: tuple[tuple[ReportFormat, Path], ...]
    """(format, path) of each output, ``{date}`` filled in."""
    plan: PlanFile | None = None
    """The fix plan, read back when it exists, to reconcile and rewrite."""


def prepare_run(config_path: Path, as_of: str | None, plan: Path | None = None) -> PreparedRun:
    """Check the options and the configuration, resolve the inputs, and make every output's
    folder (``reports/{date}/`` included), before anything is computed."""
    from boaudit.audit.config import load_config, output_paths, run_date, to_inputs
    from boaudit.audit.plan import open_plan

    run_date(as_of)  # --as-of is checked before it fills a path or cuts the data
    config = load_config(config_path)
    inputs = to_inputs(config, config_path, as_of)
    outputs = tuple(output_paths(config, config_path, as_of))
    for _, path in outputs:
        make_folder(path)
    chosen = plan_path(config, config_path, plan)
    plan_file = None
    if chosen is not None:
        plan_file = open_plan(chosen, "--plan" if plan is not None else f"{config_path}: plan")
    return PreparedRun(config, config_path, inputs, outputs, plan_file)


@dataclass(frozen=True)
class RunOutcome:
    """A run's report (with its changes and trend) and what the history will record of it."""

    report: Report
    document: JsonObject
    """The report's JSON document, as recorded."""
    breaches: tuple[str, ...]
    """Each threshold breached, in words."""
    plan: PlanOutcome | None = None
    """The fix plan reconciled with this run, to write back (None without a plan)."""


def audit_run(prepared: PreparedRun, baseline: str | None, store: History) -> RunOutcome:
    """Run the prepared audit, compare it with the last and the ``baseline`` run of the
    history, add the trend, and check the thresholds. Nothing is recorded yet."""
    from boaudit.audit.pipeline import run_audit
    from boaudit.audit.thresholds import check_thresholds
    from boaudit.history import compare

    config_path = prepared.config_path
    result = run_audit(prepared.inputs)
    report = result.report
    plan: PlanOutcome | None = None
    if prepared.plan is not None:
        from boaudit.audit.plan import apply_plan

        report, plan = apply_plan(report, prepared.plan)
    key = history_key(config_path)
    previous = store.runs(key)
    changes: JsonObject = {}
    fresh = report.to_dict()
    if previous:
        last = previous[-1]
        changes["since_last"] = {"run": last.id, **compare(fresh, store.report_of(last.id))}
    if baseline is not None:
        chosen = store.find(key, baseline)
        if chosen is None:
            raise InputMissingError(
                f"--baseline {baseline}: no recorded run of {config_path} matches; see "
                f"'boaudit history {config_path}'"
            )
        changes["since_baseline"] = {
            "run": chosen.id,
            **compare(fresh, store.report_of(chosen.id)),
        }
    trend = [*store.metric_series(key)]
    report = replace(report, changes=changes)
    # The changes leave the scores and metrics alone: the fresh document has the row's values.
    current = {"run": "this run", "as_of": report.as_of, **_series_row(fresh)}
    report = replace(report, trend=(*trend, current))
    document = report.to_dict()
    breaches = tuple(check_thresholds(prepared.config, document))
    return RunOutcome(report, document, breaches, plan)


def record_run(store: History, outcome: RunOutcome, config_path: Path, version: str) -> int:
    """Record the run in the history; its number."""
    return store.record(
        outcome.document,
        config=history_key(config_path),
        breaches=list(outcome.breaches),
        version=version,
    )


def _series_row(document: JsonObject) -> JsonObject:
    """The same columns History.metric_series gives, for the run being made."""
    from boaudit.history.store import scalar_metrics

    row: JsonObject = {}
    assessment = document.get("assessment") or {}
    row["overall_score"] = (assessment.get("overall") or {}).get("score")
    for kind, doc in (document.get("metrics") or {}).items():
        for name, value in scalar_metrics(doc).items():
            row[f"{kind}.{name}"] = value
    return row
