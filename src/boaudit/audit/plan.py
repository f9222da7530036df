"""The fix plan of a run (``--plan FILE.xlsx``, or ``plan`` in ``boaudit.toml``): the previous
plan read back before anything is computed, then reconciled with the report (or a new plan
made from it).

The caller writes :func:`boaudit.findings.plan.render_plan` of the outcome's rows back to the
same file, atomically, once the report is written: a failed run leaves the previous plan as it
was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from boaudit.errors import UsageError
from boaudit.findings.plan import PlanOutcome, PlanRow, read_plan, reconcile
from boaudit.report.model import Report


@dataclass(frozen=True)
class PlanFile:
    """A plan file and what it held before this run."""

    path: Path
    previous: tuple[PlanRow, ...]
    existed: bool
    """False: the file is not there yet, and this run makes a new plan."""


def open_plan(path: Path, option: str = "--plan") -> PlanFile:
    """Check ``path`` and read the plan in it, when there is one (a bad plan stops the run
    before anything is computed)."""
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{option} {path}: a plan is an XLSX workbook; give a FILE.xlsx")
    existed = path.exists() or path.is_symlink()
    return PlanFile(path, read_plan(path) if existed else (), existed)


def apply_plan(report: Report, plan: PlanFile) -> tuple[Report, PlanOutcome]:
    """The report with its plan reconciled (the plan's rows in :attr:`Report.plan`, each
    finding's place in the plan in its JSON), and the outcome to write and say."""
    outcome = reconcile(plan.previous, report.findings, report.metrics, existed=plan.existed)
    return replace(report, plan=outcome.rows), outcome
