"""The fix plan: every fix of a report as a row a client owns, dates and ticks off, and that a
later run reads back and checks against the data.

A plan is made from the ranked findings (:func:`plan_rows`), written as an XLSX workbook
(:func:`render_plan`), edited by the client (owner, due date, wave, status, notes), read back
(:func:`read_plan`) and reconciled with a later run's results (:func:`reconcile`): a fix whose
KPI has moved past its own target is ``resolved`` by the data, and only by the data; a fix the
client marked ``done`` whose KPI has not moved stays open to question and says so.

Rows are matched across runs by their key (:func:`plan_key`): the pitfall, where the fix comes
from (an evidence rule, or the taxonomy's step number), the KPI and its group.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal, get_args
from xml.etree import ElementTree

from boaudit.document import JsonObject, number
from boaudit.errors import InputDataError, LimitError
from boaudit.findings.model import Better, Finding, Fix, past_target
from boaudit.ingest.options import Limits
from boaudit.ingest.readers.guard import check_workbook
from boaudit.ingest.readers.source import read_path
from boaudit.metrics.model import MetricsResult

Status = Literal["open", "in progress", "done", "resolved", "dropped"]
STATUSES: tuple[Status, ...] = get_args(Status)
STATUS_WORDS: Mapping[Status, str] = {
    "open": "not started (every new row starts here)",
    "in progress": "someone is working on it",
    "done": "the client says the fix is in place; for a fix with a KPI, boaudit checks the data",
    "resolved": "set by boaudit only: the data shows the KPI past its target",
    "dropped": "the client decided not to do it (the row stays, for the record)",
}
"""What each status means; the client sets every one but ``resolved``."""

WAVES: tuple[int, ...] = (30, 60, 90)
TOP_FINDINGS = 5
"""Low-effort fixes of the findings ranked this high or higher go in the first wave."""
WAVE_RULE: Final = (
    "wave: 30 days for a low-effort fix of a quick win or of a top-5 finding that is not 'to "
    "confirm'; 90 days for a high-effort fix; 60 days for every other fix"
)
RESOLVED_RULE: Final = (
    "resolved: set by boaudit only, when a fix's KPI (for its group, if it has one) has moved "
    "past the row's own target in this run's data; a finding counts as resolved when every one "
    "of its fixes with a KPI is resolved"
)

PLAN_SHEET = "Plan"
HELP_SHEET = "How to use"
PLAN_LIMITS = Limits()
"""A plan is read within the limits every export and answer file is read within."""


@dataclass(frozen=True)
class PlanRow:
    """One fix of the plan: what boaudit found, what the client decided, what the data says."""

    key: str
    """Matches the row across runs (:func:`plan_key`); empty for a row the client added."""
    rank: int | None
    pitfall: str
    finding: str
    fix: str
    effort: str
    kpi: str | None = None
    """``KIND.METRIC`` the fix moves, or None (a general step: its status is the client's)."""
    group: tuple[str, str] | None = None
    baseline: float | None = None
    baseline_text: str = ""
    target: float | None = None
    target_text: str = ""
    target_source: str = ""
    better: Better | None = None
    owner: str = ""
    due: date | None = None
    wave: int | None = None
    status: Status = "open"
    notes: str = ""
    now: float | None = None
    """The KPI's value in this run (None when it was not measured)."""
    check: str = ""
    """What boaudit found when it checked the row against this run's data, in words."""
    extra: tuple[tuple[str, Any], ...] = ()
    """The client's own columns (header, value), kept as they are."""
    row: int | None = None
    """The row number in the plan file it was read from."""

    @property
    def checkable(self) -> bool:
        """Whether the data can resolve it: a KPI, a target and a direction."""
        return self.kpi is not None and self.target is not None and self.better is not None

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` is past the row's own target (None without one or a value)."""
        return None if self.kpi is None else past_target(value, self.target, self.better)

    @property
    def source(self) -> str:
        """Where the fix comes from (``rule error-rate``, ``taxonomy``), read from the key."""
        parts = self.key.split(" | ")
        return parts[1] if len(parts) > 2 else ""

    @property
    def group_text(self) -> str:
        """``provider = Outsourcing partner``, or empty."""
        return "" if self.group is None else f"{self.group[0]} = {self.group[1]}"

    def to_dict(self) -> JsonObject:
        """The object in the report's ``plan`` list."""
        return {
            "key": self.key,
            "rank": self.rank,
            "pitfall": self.pitfall,
            "finding": self.finding,
            "fix": self.fix,
            "effort": self.effort,
            "kpi": self.kpi,
            "group": (
                None if self.group is None else {"column": self.group[0], "value": self.group[1]}
            ),
            "baseline": _r6(self.baseline),
            "baseline_text": self.baseline_text or None,
            "target": _r6(self.target),
            "target_text": self.target_text or None,
            "target_source": self.target_source or None,
            "better": self.better,
            "owner": self.owner or None,
            "due": None if self.due is None else self.due.isoformat(),
            "wave": self.wave,
            "status": self.status,
            "notes": self.notes or None,
            "now": _r6(self.now),
            "check": self.check or None,
            **({"extra": {name: _json_value(v) for name, v in self.extra}} if self.extra else {}),
        }


def _r6(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# -- rows from a report ------------------------------------------------------------------------


def plan_key(pitfall: str, fix: Fix, step: int) -> str:
    """``processes | rule error-rate | invoices.error_rate``, with ``| provider = X`` for a
    group's KPI; a fix without a KPI is told apart by its step number among the finding's
    fixes of the same source (``data | taxonomy | step 2``)."""
    parts = [pitfall, fix.source]
    if fix.kpi is not None:
        parts.append(fix.kpi)
    else:
        parts.append(f"step {step}")
    if fix.group is not None:
        parts.append(f"{fix.group[0]} = {fix.group[1]}")
    return " | ".join(parts)


def wave_for(finding: Finding, fix: Fix) -> int:
    """The 30/60/90-day wave of :data:`WAVE_RULE`."""
    if fix.effort == "high":
        return 90
    if fix.effort == "low" and (
        finding.quick_win or (finding.rank <= TOP_FINDINGS and not finding.to_confirm)
    ):
        return 30
    return 60


def plan_rows(findings: Sequence[Finding]) -> tuple[PlanRow, ...]:
    """One open row per fix of each finding, in rank order, its wave set by :data:`WAVE_RULE`."""
    rows: list[PlanRow] = []
    for finding in sorted(findings, key=lambda f: f.rank):
        steps: dict[str, int] = {}
        for fix in finding.fixes:
            steps[fix.source] = steps.get(fix.source, 0) + 1
            rows.append(
                PlanRow(
                    key=plan_key(finding.pitfall, fix, steps[fix.source]),
                    rank=finding.rank,
                    pitfall=finding.pitfall,
                    finding=finding.title,
                    fix=fix.text,
                    effort=fix.effort,
                    kpi=fix.kpi,
                    group=fix.group,
                    baseline=fix.baseline,
                    baseline_text=fix.baseline_text,
                    target=fix.target,
                    target_text=fix.target_text,
                    target_source=fix.target_source,
                    better=fix.better,
                    wave=wave_for(finding, fix),
                )
            )
    return tuple(rows)


# -- the KPI now -------------------------------------------------------------------------------


def _missing_rule(source: str) -> tuple[str, ...] | None:
    """The metrics a ``missing`` evidence rule counts, when ``source`` names one: its fix's
    KPI is the share of them the export cannot support, not the value at its path."""
    from boaudit.findings.rules import load_rules

    rule_id = source.removeprefix("rule ")
    if rule_id == source:
        return None
    rule = next((rule for rule in load_rules() if rule.id == rule_id), None)
    return rule.metrics if rule is not None and rule.type == "missing" else None


def kpi_value(
    results: Mapping[str, MetricsResult],
    kpi: str,
    group: tuple[str, str] | None = None,
    source: str = "",
) -> tuple[float | None, str]:
    """The value of ``KIND.METRIC`` in ``results`` (for ``group``'s items when given), or None
    and why it could not be measured. For the fix of a rule that counts missing KPIs
    (``source``), the share of its KPIs this run's export cannot support."""
    kind, _, metric = kpi.partition(".")
    result = results.get(kind)
    if result is None:
        return None, f"no {kind} data in this run"
    counted = _missing_rule(source)
    if counted is not None and group is None:
        names = [name for name in counted if name in result.metrics]
        if not names:
            return None, f"none of {', '.join(counted)} is measured for the {kind}"
        return sum(result.metrics[name] is None for name in names) / len(names), ""
    reasons: Mapping[str, str]
    if group is not None:
        column, label = group
        groups = result.all_groups()
        if column not in groups:
            return None, f"the {kind} have no {column} column in this run"
        if label not in groups[column]:
            return None, f"no {kind} for {column} {label} in this run"
        block: Mapping[str, Any] = groups[column][label]
        reasons = result.group_null_reasons.get(column, {}).get(label, {})
    else:
        block = {**result.metrics, "tests": result.tests, "data_quality": result.data_quality}
        reasons = result.null_reasons
    value = number(block, metric)
    if value is not None:
        return value, ""
    head, _, rest = metric.partition(".")
    if head == "tests" and group is None:
        test = result.tests.get(rest.partition(".")[0])
        if isinstance(test, Mapping) and test.get("reason"):
            return None, f"the test was skipped: {test['reason']}"
        if test is None:
            return None, "the audit tests did not run in this run"
    reason = reasons.get(metric) or reasons.get(head)
    return None, f"{metric} is null: {reason}" if reason else f"{metric} is not measured"


def written(value: float, like: str) -> str:
    """``value`` written the way the row's target is (``4.2%`` beside ``at most 5.0%``,
    ``1.2x`` beside ``at most 1.5x``), else with four significant digits."""
    if like.endswith("%"):
        return f"{value * 100:.1f}%"
    if like.endswith("x"):
        return f"{value:.1f}x"
    return f"{value:,.4g}"


def _target_words(row: PlanRow) -> str:
    assert row.target is not None
    return row.target_text.removeprefix("at most ").removeprefix("at least ") or written(
        row.target, ""
    )


def _now_words(row: PlanRow, value: float) -> str:
    target = _target_words(row)
    now = written(value, row.target_text)
    if now == target and row.target is not None and value != row.target:
        now = f"{value * 100:.2f}%" if target.endswith("%") else f"{value:.6g}"
    return now


def _kpi_label(row: PlanRow) -> str:
    if _missing_rule(row.source) is not None:
        return f"{str(row.kpi).partition('.')[0]}: share of core KPIs not measurable"
    return f"{row.kpi} for {row.group[0]} {row.group[1]}" if row.group else str(row.kpi)


# -- reconciling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOutcome:
    """A plan reconciled with a run: its rows, and what changed, for the message."""

    rows: tuple[PlanRow, ...]
    existed: bool
    """Whether a previous plan was read (False: a new plan)."""
    resolved: tuple[PlanRow, ...] = ()
    """Rows the data resolved in this run (not resolved before)."""
    done_not_met: tuple[PlanRow, ...] = ()
    """Rows the client marked done whose KPI has not reached its target."""
    reopened: tuple[PlanRow, ...] = ()
    """Rows resolved before whose KPI is no longer past its target."""
    unmeasured: tuple[PlanRow, ...] = ()
    """Rows with a KPI this run could not measure."""
    new: tuple[PlanRow, ...] = ()
    """Fixes of this report the previous plan did not have."""

    def summary(self, where: str) -> str:
        """One line: ``plan.xlsx: 14 fixes; 2 resolved by the data (...), 3 new``."""
        head = f"{where}: {len(self.rows)} fixes"
        if not self.existed:
            parts = [
                "a new plan, every fix open, its 30/60/90-day wave proposed (the rule is on "
                "its How to use sheet)"
            ]
        else:
            parts = []
            if not self.resolved:
                parts.append("none resolved by the data")
            else:
                shown = ", ".join(
                    f"{_kpi_label(r)} {_now_words(r, r.now or 0.0)} "
                    f"{'<=' if r.better == 'lower' else '>='} {_target_words(r)}"
                    for r in self.resolved[:3]
                )
                more = f" and {len(self.resolved) - 3} more" if len(self.resolved) > 3 else ""
                parts.append(f"{len(self.resolved)} resolved by the data ({shown}{more})")
            if self.done_not_met:
                parts.append(f"{len(self.done_not_met)} marked done but not yet met")
            if self.reopened:
                parts.append(f"{len(self.reopened)} reopened (the KPI moved back)")
            if self.unmeasured:
                parts.append(f"{len(self.unmeasured)} not measured in this run")
            parts.append(f"{len(self.new)} new")
        return f"{head}; {', '.join(parts)}"


def reconcile(
    previous: Sequence[PlanRow],
    findings: Sequence[Finding],
    results: Mapping[str, MetricsResult],
    *,
    existed: bool = True,
) -> PlanOutcome:
    """The previous plan's rows checked against this run, then this run's new fixes as open rows.

    The client's owner, due date, wave, status, notes and own columns are kept. A row whose KPI
    is now past its target becomes ``resolved`` ("KPI X now V, past the target T"), even when
    its finding is no longer in the report; a ``done`` row whose KPI is not says so and stays
    ``done``; a ``resolved`` row whose KPI moved back is reopened; a row whose KPI this run
    cannot measure keeps its status and says why. A row without a KPI keeps the client's status
    (``resolved`` typed by hand on one counts as ``done``: only the data resolves).
    """
    current = plan_rows(findings)
    fresh = {row.key: row for row in current}
    out: list[PlanRow] = []
    resolved: list[PlanRow] = []
    done_not_met: list[PlanRow] = []
    reopened: list[PlanRow] = []
    unmeasured: list[PlanRow] = []
    seen: set[str] = set()
    for old in previous:
        match = fresh.get(old.key) if old.key else None
        if match is not None:
            seen.add(old.key)
        # A row the client added (no key) belongs to no finding: nothing is "gone".
        in_report = match is not None or not old.key
        row = _check(_filled(old, match), results, in_report=in_report)
        out.append(row)
        if row.status == "resolved" and old.status != "resolved":
            resolved.append(row)
        elif old.status == "resolved" and row.status != "resolved" and row.now is not None:
            reopened.append(row)
        elif row.status == "done" and row.checkable and row.now is not None:
            done_not_met.append(row)
        if row.checkable and row.now is None:
            unmeasured.append(row)
    new = [_check(row, results, in_report=True) for row in current if row.key not in seen]
    resolved += [row for row in new if row.status == "resolved"]
    unmeasured += [row for row in new if row.checkable and row.now is None]
    return PlanOutcome(
        rows=(*out, *new),
        existed=existed,
        resolved=tuple(resolved),
        done_not_met=tuple(done_not_met),
        reopened=tuple(reopened),
        unmeasured=tuple(unmeasured),
        new=tuple(new) if existed else (),
    )


_DESCRIPTIVE = (
    "rank",
    "pitfall",
    "finding",
    "fix",
    "effort",
    "kpi",
    "group",
    "baseline",
    "baseline_text",
    "target",
    "target_text",
    "target_source",
    "better",
)


def _filled(old: PlanRow, match: PlanRow | None) -> PlanRow:
    """``old`` with what its file left blank (a column the client deleted) taken from the same
    fix in this report; what the file says wins."""
    if match is None:
        return old
    blanks = {
        name: getattr(match, name)
        for name in _DESCRIPTIVE
        if getattr(old, name) in (None, "") and getattr(match, name) not in (None, "")
    }
    return replace(old, **blanks) if blanks else old


def _check(row: PlanRow, results: Mapping[str, MetricsResult], *, in_report: bool) -> PlanRow:
    """The row with this run's KPI value, its status as the data settles it, and why."""
    gone = "" if in_report else "; the finding is no longer in the report"
    if row.kpi is None:
        if row.status == "resolved":
            return replace(
                row,
                status="done",
                now=None,
                check="this fix has no KPI for the data to check, so 'resolved' counts as "
                "done (boaudit resolves only fixes whose KPI it measures)" + gone,
            )
        # A general step: its status is the client's, nothing for the data to say.
        return replace(row, now=None, check=gone.removeprefix("; "))
    if row.target is None or row.better is None:
        return replace(row, now=None, check=f"no target for {_kpi_label(row)} to check" + gone)
    value, reason = kpi_value(results, row.kpi, row.group, row.source)
    if value is None:
        return replace(
            row,
            now=None,
            check=f"{_kpi_label(row)} cannot be measured in this run ({reason}); the status "
            "is kept" + gone,
        )
    now, target = _now_words(row, value), _target_words(row)
    if row.met(value):
        return replace(
            row,
            status="resolved",
            now=value,
            check=f"KPI {_kpi_label(row)} now {now}, past the target {target}" + gone,
        )
    if row.status == "done":
        check = f"marked done, but the data still shows {now} against a target {target}"
        return replace(row, now=value, check=check + gone)
    if row.status == "resolved":
        return replace(
            row,
            status="open",
            now=value,
            check=f"was resolved, but the data now shows {now} against a target {target}: "
            "reopened" + gone,
        )
    return replace(row, now=value, check=f"KPI {_kpi_label(row)} now {now}, target {target}" + gone)


def finding_status(rows: Iterable[PlanRow], pitfall: str) -> str | None:
    """A finding's place in the plan: ``resolved`` when every one of its fixes with a KPI is
    resolved (and it has one), ``done`` when the client marked every fix done (or dropped),
    ``in progress`` when any fix has started, ``open`` otherwise; None when the plan does not
    list it."""
    own = [row for row in rows if row.pitfall == pitfall]
    if not own:
        return None
    measured = [row for row in own if row.kpi is not None]
    if measured and all(row.status == "resolved" for row in measured):
        return "resolved"
    if all(row.status in {"done", "resolved", "dropped"} for row in own):
        return "done"
    if any(row.status != "open" for row in own):
        return "in progress"
    return "open"


def plan_counts(rows: Sequence[PlanRow]) -> str:
    """``90 fixes: 2 resolved by the data, 1 done, 3 in progress, 84 open``."""
    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    words = {"resolved": "resolved by the data"}
    shown = [f"{n} {words.get(status, status)}" for status, n in counts.items() if n]
    return f"{len(rows)} fixes: {', '.join(shown)}" if rows else "no fixes"


# -- the workbook ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    header: str
    field: str
    width: float
    editable: bool = False


COLUMNS: tuple[_Column, ...] = (
    _Column("Rank", "rank", 6),
    _Column("Finding", "finding", 22),
    _Column("Fix", "fix", 46),
    _Column("Effort", "effort", 8),
    _Column("Wave (days)", "wave", 8, editable=True),
    _Column("Owner", "owner", 15, editable=True),
    _Column("Due date", "due", 12, editable=True),
    _Column("Status", "status", 12, editable=True),
    _Column("Notes", "notes", 20, editable=True),
    _Column("Baseline", "baseline_text", 24),
    _Column("Target", "target_text", 13),
    _Column("Checked by boaudit", "check", 32),
    _Column("KPI now", "now", 10),
    _Column("KPI", "kpi", 30),
    _Column("Group", "group", 22),
    _Column("Target source", "target_source", 34),
    _Column("Pitfall", "pitfall", 18),
    _Column("Baseline value", "baseline", 10),
    _Column("Target value", "target", 10),
    _Column("Better", "better", 8),
    _Column("Key", "key", 48),
)
"""The Plan sheet's columns, in order: what a client reads and edits first (printed), then the
columns boaudit needs to check the data (not printed)."""
PRINTED = 12
"""The first columns, Rank to Checked by boaudit, are the printed page."""

_ALIASES = {
    "wave": "wave",
    "due": "due",
    "duedate": "due",
    "note": "notes",
    "comments": "notes",
    "comment": "notes",
    "kpinow": "now",
    "checkedbyboaudit": "check",
    "check": "check",
    "baselinetext": "baseline_text",
    "targettext": "target_text",
}


def _norm(text: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


HEADERS = {_norm(c.header): c.field for c in COLUMNS} | _ALIASES
"""Normalised header (lower case, letters and digits) -> the row's field."""

HOW_TO_USE: tuple[str, ...] = (
    "How to use this plan",
    "",
    "One row per recommended fix, in the order of the report's ranking. boaudit wrote it; you "
    "keep it up to date, and the next boaudit run with the same --plan file reads it back, "
    "checks each fix against the new data and rewrites it, keeping what you entered.",
    "",
    "Columns you edit (green headers): Wave (days), Owner, Due date, Status and Notes. You may "
    "also add rows and columns of your own, sort, filter and reorder the columns: the next run "
    "keeps your rows in your order and writes the columns back in its own order, yours after "
    "its own. Do not change the Key column: boaudit matches the rows of one run to the next by "
    "it.",
    "",
    "Wave: 30, 60 or 90 days. boaudit proposes one: " + WAVE_RULE.removeprefix("wave: ") + ".",
    "",
    "Due date: a date (the cell is formatted as one; text such as 2027-01-31 is read too).",
    "",
    "Status: " + "; ".join(f"{status}: {words}" for status, words in STATUS_WORDS.items()) + ".",
    "",
    "Resolved is never yours to set: boaudit sets it when the data shows the fix's KPI past its "
    "target (the Target column; for a group, such as one outsourcing partner, that group's "
    "value). A fix you mark done whose KPI has not moved stays done, and the 'Checked by "
    "boaudit' column says what the data still shows. A fix without a KPI (a general step) is "
    "done when you say so.",
    "",
    "KPI now, Checked by boaudit: what the last run found. Baseline, Target, KPI, Group, "
    "Target source, Baseline value, Target value and Better describe the fix as boaudit "
    "measured it when the plan was made.",
    "",
    "Printing: the Plan sheet prints landscape, one page across (Rank to Checked by boaudit), "
    "the header row repeated on every page.",
)


HELP_WIDTH = 72
"""Characters across the How to use sheet's one column."""


def render_plan(rows: Sequence[PlanRow]) -> bytes:
    """The plan as XLSX bytes: a Plan sheet and a How to use sheet."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties

    from boaudit.xlsxio import cell_at, write_cell

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = PLAN_SHEET
    extras = list(dict.fromkeys(name for row in rows for name, _ in row.extra))
    header = [*COLUMNS, *(_Column(name, "", 16, editable=True) for name in extras)]
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for index, column in enumerate(header, start=1):
        cell = cell_at(sheet, 1, index)
        write_cell(cell, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2E6B3F" if column.editable else "1F3A5F")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 30
    editable = PatternFill("solid", fgColor="F1F8F3")
    for r, row in enumerate(rows, start=2):
        lines = 1
        values = dict(row.extra)
        for c, column in enumerate(header, start=1):
            cell = cell_at(sheet, r, c)
            value = _cell_value(row, column.field) if column.field else values.get(column.header)
            if isinstance(value, datetime | date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                write_cell(cell, value)
            cell.alignment = centred if column.field in {"wave", "effort", "due"} else wrap
            if column.editable:
                cell.fill = editable
            if isinstance(value, str):
                lines = max(lines, _wrapped_lines(value, column.width))
        cell_at(sheet, r, _position("due")).number_format = "yyyy-mm-dd"
        for field in ("now", "baseline", "target"):
            cell_at(sheet, r, _position(field)).number_format = "0.0###"
        if lines > 1:
            # not every spreadsheet program sizes a wrapped row itself: give it its height
            sheet.row_dimensions[r].height = 15.0 * min(lines, 27)
    last = max(len(rows) + 1, 2)
    # The lists cover room for rows the client adds below the plan.
    for field, choices in (
        ("wave", ",".join(str(w) for w in WAVES)),
        ("status", ",".join(STATUSES)),
    ):
        letter = get_column_letter(_position(field))
        validation = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{field.title()} not in the list",
            error=f"Choose one of: {choices.replace(',', ', ')}.",
        )
        validation.add(f"{letter}2:{letter}{last + 200}")
        sheet.add_data_validation(validation)
    # The status reads at a glance, and follows the client's edits (a rule, not a fill).
    status = get_column_letter(_position("status"))
    for word, font, fill in (
        ("resolved", Font(bold=True, color="1E5631"), "D7EFE0"),
        ("done", Font(color="1E5631"), None),
        ("dropped", Font(color="808080", italic=True), None),
    ):
        rule = CellIsRule(  # type: ignore[no-untyped-call]  # types-openpyxl leaves it untyped
            operator="equal",
            formula=[f'"{word}"'],
            font=font,
            fill=PatternFill("solid", bgColor=fill) if fill else None,
        )
        sheet.conditional_formatting.add(f"{status}2:{status}{last + 200}", rule)
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 2000-01-01 as a spreadsheet serial: any real date passes
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a date",
        error="Type a date, such as 2027-01-31.",
    )
    due = get_column_letter(_position("due"))
    dates.add(f"{due}2:{due}{last + 200}")
    sheet.add_data_validation(dates)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:{get_column_letter(PRINTED)}{last}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = "Page &P of &N"

    help_sheet = workbook.create_sheet(HELP_SHEET)
    # As wide as a portrait page holds at full size: the text is read on screen as much as
    # printed, and wraps the same in both.
    help_sheet.column_dimensions["A"].width = HELP_WIDTH
    for r, text in enumerate(HOW_TO_USE, start=1):
        cell = cell_at(help_sheet, r, 1)
        write_cell(cell, text)
        cell.alignment = wrap
        if r == 1:
            cell.font = Font(bold=True, size=14)
        elif text:
            help_sheet.row_dimensions[r].height = 15.0 * _wrapped_lines(text, HELP_WIDTH)
    help_sheet.page_setup.orientation = "portrait"
    help_sheet.page_setup.paperSize = help_sheet.PAPERSIZE_A4
    help_sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    help_sheet.page_setup.fitToWidth = 1
    help_sheet.page_setup.fitToHeight = 0
    help_sheet.print_area = f"A1:A{len(HOW_TO_USE)}"
    workbook.properties.creator = "boaudit"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _position(field: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.field == field)


def _cell_value(row: PlanRow, field: str) -> Any:
    if field == "group":
        return row.group_text
    if field in {"baseline", "target", "now"}:
        return _r6(getattr(row, field))
    value = getattr(row, field)
    return "" if value is None and field in {"kpi", "better"} else value


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapped."""
    per_line = max(1, int(width * 1.1) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


# -- reading it back -------------------------------------------------------------------------


def read_plan(path: Path) -> tuple[PlanRow, ...]:
    """The rows of a plan boaudit wrote and the client edited.

    Columns may be reordered and the client's own columns added (kept as they are); blank rows
    are skipped; a due date may be a date or text (``2027-01-31``, ``31.01.2027``). The file is
    read within :data:`PLAN_LIMITS` after the guarded opening every workbook goes through. A
    missing Key or Status column, an unknown status, wave or date, or two rows with one key is
    an :class:`InputDataError` naming the file, the sheet, the row and the column.
    """
    where = str(path)
    data = read_path(path, where, PLAN_LIMITS)
    try:
        check_workbook(data, where, PLAN_LIMITS)
    except LimitError as exc:
        raise InputDataError(
            f"{exc.fault}; a fix plan comes nowhere near that: check that --plan names the plan "
            "boaudit wrote"
        ) from None
    sheet_rows = _sheet_rows(data, where)
    label = f"{where} [{PLAN_SHEET}]"
    header_at = next(
        (i for i, cells in enumerate(sheet_rows[:10]) if "key" in {_norm(c) for c in cells}),
        None,
    )
    if header_at is None:
        raise InputDataError(
            f"{label}: no Key column in the header row; boaudit matches a plan's rows from one "
            "run to the next by it: restore the column from the plan boaudit wrote, or give "
            "--plan a new file name to start a new plan"
        )
    header = [str(c).strip() if c is not None else "" for c in sheet_rows[header_at]]
    fields: dict[int, str] = {}
    extras: dict[int, str] = {}
    for index, name in enumerate(header):
        field = HEADERS.get(_norm(name))
        if field is not None and field not in fields.values():
            fields[index] = field
        elif name:
            extras[index] = name
    if "status" not in fields.values():
        raise InputDataError(
            f"{label}, row {header_at + 1}: no Status column; restore it from the plan boaudit "
            "wrote (open, in progress, done, resolved or dropped)"
        )
    rows: list[PlanRow] = []
    problems: list[str] = []
    keys: dict[str, int] = {}
    for offset, cells in enumerate(sheet_rows[header_at + 1 :], start=header_at + 2):
        if all(_blank(c) for c in cells):
            continue
        values = {field: cells[i] if i < len(cells) else None for i, field in fields.items()}
        try:
            row = _row(values, offset, label, header, fields)
        except InputDataError as exc:
            problems.append(exc.message)
            continue
        extra = tuple(
            (name, cells[i])
            for i, name in extras.items()
            if i < len(cells) and not _blank(cells[i])
        )
        row = replace(row, extra=extra)
        if row.key:
            if row.key in keys:
                problems.append(
                    f"{label}, rows {keys[row.key]} and {offset}: the same key {row.key!r}; "
                    "keep one of the two rows (boaudit matches rows by their key)"
                )
                continue
            keys[row.key] = offset
        rows.append(row)
    if problems:
        raise InputDataError(problems[0], problems[1:])
    return tuple(rows)


def _sheet_rows(data: bytes, where: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError) as exc:
        raise InputDataError(_unreadable(where, exc)) from exc
    try:
        names = {name.strip().casefold(): name for name in workbook.sheetnames}
        name = names.get(PLAN_SHEET.casefold())
        if name is None:
            raise InputDataError(
                f"{where}: no sheet named {PLAN_SHEET!r} (the workbook has "
                f"{', '.join(repr(n) for n in workbook.sheetnames)}); --plan reads the plan "
                "boaudit wrote: give it that file, or a new file name to start a new plan"
            )
        return [list(row) for row in workbook[name].iter_rows(values_only=True)]
    # Only openpyxl runs in here: what it raises on content it cannot make sense of is a
    # property of the file, not a bug.
    except (KeyError, IndexError, ValueError, TypeError, ElementTree.ParseError) as exc:
        raise InputDataError(_unreadable(where, exc)) from exc
    finally:
        workbook.close()


def _unreadable(where: str, exc: Exception) -> str:
    return (
        f"{where}: cannot read it as an XLSX workbook ({type(exc).__name__}: {exc}); give "
        "--plan the plan boaudit wrote, saved from Excel as .xlsx"
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_STATUS_ALIASES = {"inprogress": "in progress", "": "open"}
_STATUS_BY_WORD: Mapping[str, Status] = {status: status for status in STATUSES}


def _row(
    values: Mapping[str, Any], offset: int, label: str, header: list[str], fields: Mapping[int, str]
) -> PlanRow:
    """One row of the sheet as a :class:`PlanRow`; a value that cannot be read raises."""
    names = {field: header[i] for i, field in fields.items()}

    def where(field: str) -> str:
        return f"{label}, row {offset}, column {names.get(field, field)!r}"

    raw_status = " ".join(_text(values.get("status")).casefold().replace("_", " ").split())
    raw_status = raw_status.replace("-", " ")
    status = _STATUS_BY_WORD.get(_STATUS_ALIASES.get(raw_status.replace(" ", ""), raw_status))
    if status is None:
        raise InputDataError(
            f"{where('status')}: {_text(values.get('status'))!r} is not a status; use open, "
            "in progress, done or dropped (resolved is set by boaudit)"
        )
    group_text = _text(values.get("group"))
    column, sep, label_value = group_text.partition(" = ")
    direction = _text(values.get("better")).casefold()
    better: Better | None = "lower" if direction == "lower" else None
    if direction == "higher":
        better = "higher"
    elif direction not in {"", "lower"}:
        raise InputDataError(
            f"{where('better')}: {direction!r} is not a direction; it is boaudit's column, "
            "restore lower or higher from the plan boaudit wrote"
        )
    return PlanRow(
        key=_text(values.get("key")),
        rank=_integer(values.get("rank"), where("rank")),
        pitfall=_text(values.get("pitfall")),
        finding=_text(values.get("finding")),
        fix=_text(values.get("fix")),
        effort=_text(values.get("effort")),
        kpi=_text(values.get("kpi")) or None,
        group=(column.strip(), label_value.strip()) if sep else None,
        baseline=_number(values.get("baseline"), where("baseline")),
        baseline_text=_text(values.get("baseline_text")),
        target=_number(values.get("target"), where("target")),
        target_text=_text(values.get("target_text")),
        target_source=_text(values.get("target_source")),
        better=better,
        owner=_text(values.get("owner")),
        due=_due(values.get("due"), where("due")),
        wave=_wave(values.get("wave"), where("wave")),
        status=status,
        notes=_text(values.get("notes")),
        now=_number(values.get("now"), where("now")),
        check=_text(values.get("check")),
        row=offset,
    )


def _integer(value: Any, where: str) -> int | None:
    found = _number(value, where)
    return None if found is None else int(found)


def _number(value: Any, where: str) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise InputDataError(f"{where}: {value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        raise InputDataError(
            f"{where}: {str(value)!r} is not a number; it is boaudit's column, restore it from "
            "the plan boaudit wrote"
        ) from None


_WAVE_RE = re.compile(r"(30|60|90)(?:\s*(?:d|days?))?")


def _wave(value: Any, where: str) -> int | None:
    if _blank(value):
        return None
    match = _WAVE_RE.fullmatch(_text(value).casefold())
    if match is None:
        raise InputDataError(f"{where}: {_text(value)!r} is not a wave; use 30, 60 or 90 (days)")
    return int(match.group(1))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %d %Y")
_EXCEL_EPOCH = date(1899, 12, 30)


def _due(value: Any, where: str) -> date | None:
    """A due date typed as a date, a spreadsheet serial number or text."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = " ".join(_text(value).replace(",", " ").split())
    text = text.split("T")[0].split(" 00:00")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if slash:
        first, second, year = (int(part) for part in slash.groups())
        # 31/01/2027 or 01/31/2027 say which is the day; 02/03/2027 does not.
        if first > 12 >= second or second > 12 >= first:
            day, month = (first, second) if first > 12 else (second, first)
            try:
                return date(year, month, day)
            except ValueError:
                pass
    raise InputDataError(
        f"{where}: {_text(value)!r} is not a date boaudit can read without guessing; type it "
        "as a date, or as text like 2027-01-31"
    )
