"""The fix plan: rows from findings, the workbook written and read back, and the reconciling
of a previous plan with a later run's data (findings and metrics written by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from boaudit.errors import InputDataError, InputMissingError
from boaudit.findings.model import Finding, Fix
from boaudit.findings.plan import (
    COLUMNS,
    PLAN_SHEET,
    PlanRow,
    finding_status,
    kpi_value,
    plan_counts,
    plan_rows,
    read_plan,
    reconcile,
    render_plan,
    wave_for,
)
from boaudit.metrics.model import MetricsResult

PARTNER = ("provider", "Outsourcing partner")
PARTNER_ERRORS = Fix(
    "Send the partner a monthly sample of its errors.",
    "low",
    "rule provider-error-rate",
    kpi="invoices.error_rate",
    group=PARTNER,
    baseline=0.3,
    baseline_text="30.0% of items carry an error",
    target=0.05,
    target_text="at most 5.0%",
    target_source="the level at which this rule sees no sign of the mistake",
    better="lower",
)
ERRORS = Fix(
    "Sort last month's errors by cause.",
    "medium",
    "rule error-rate",
    kpi="invoices.error_rate",
    baseline=0.2,
    baseline_text="20.0% of items carry an error",
    target=0.03,
    target_text="at most 3.0%",
    better="lower",
)
SLA = Fix(
    "Put the SLA breaches on the agenda.",
    "low",
    "rule provider-sla-breaches",
    kpi="tasks.sla_compliance",
    group=PARTNER,
    baseline=0.7,
    target=0.95,
    target_text="at least 95.0%",
    better="higher",
)
STEP_ONE = Fix("Name a relationship owner for the partner.", "low", "taxonomy")
STEP_TWO = Fix("Write an exit plan for each outsourced function.", "high", "taxonomy")


def finding(
    pitfall: str,
    rank: int,
    fixes: tuple[Fix, ...],
    *,
    quick_win: bool = False,
    to_confirm: bool = False,
) -> Finding:
    return Finding(
        pitfall=pitfall,
        title=f"The {pitfall} finding",
        description="",
        rank=rank,
        priority=50.0,
        severity=0.6,
        interview_severity=None,
        data_severity=0.6,
        questionnaire_score=None,
        questionnaire_band=None,
        evidence=(),
        contradiction=False,
        contradiction_note=None,
        money=(),
        effort=fixes[0].effort,
        effort_overridden=False,
        fixes=fixes,
        quick_win=quick_win,
        to_confirm=to_confirm,
    )


FINDINGS = (
    finding("processes", 2, (ERRORS,)),
    finding("partner-governance", 1, (PARTNER_ERRORS, STEP_ONE, STEP_TWO), quick_win=True),
)


def invoices(error_rate: float | None, partner: float | None) -> MetricsResult:
    return MetricsResult(
        kind="invoices",
        as_of="2027-01-31T00:00:00Z",
        sources=("invoices.csv",),
        rows={},
        columns={},
        metrics={"error_rate": error_rate},
        null_reasons={} if error_rate is not None else {"error_rate": "no error column"},
        context_groups={
            "provider": {"In-house": {"error_rate": 0.1}, PARTNER[1]: {"error_rate": partner}}
        },
    )


def by_key(rows: tuple[PlanRow, ...]) -> dict[str, PlanRow]:
    return {row.key: row for row in rows}


PARTNER_KEY = "partner-governance | rule provider-error-rate | invoices.error_rate | provider = Outsourcing partner"
ERRORS_KEY = "processes | rule error-rate | invoices.error_rate"


def test_one_open_row_per_fix_in_rank_order_with_a_stable_key() -> None:
    rows = plan_rows(FINDINGS)
    assert [(r.rank, r.key, r.wave, r.status) for r in rows] == [
        (1, PARTNER_KEY, 30, "open"),
        (1, "partner-governance | taxonomy | step 1", 30, "open"),
        (1, "partner-governance | taxonomy | step 2", 90, "open"),
        (2, ERRORS_KEY, 60, "open"),
    ]
    first = rows[0]
    assert (first.kpi, first.group, first.baseline, first.target, first.better) == (
        "invoices.error_rate",
        PARTNER,
        0.3,
        0.05,
        "lower",
    )
    assert (first.owner, first.due, first.notes) == ("", None, "")


@pytest.mark.parametrize(
    ("effort", "rank", "quick_win", "to_confirm", "wave"),
    [
        ("low", 9, True, False, 30),  # a quick win
        ("low", 5, False, False, 30),  # a top-5 finding
        ("low", 5, False, True, 60),  # top 5 but to confirm
        ("low", 6, False, False, 60),
        ("medium", 1, True, False, 60),
        ("high", 1, True, False, 90),
    ],
)
def test_the_wave_rule(
    effort: str, rank: int, quick_win: bool, to_confirm: bool, wave: int
) -> None:
    fix = Fix("A step to take.", effort, "taxonomy")  # type: ignore[arg-type]
    found = finding("data", rank, (fix,), quick_win=quick_win, to_confirm=to_confirm)
    assert wave_for(found, fix) == wave


def test_kpi_value_reads_the_group_the_tests_and_says_why_it_is_missing() -> None:
    tests = {
        "early-payment": {"status": "ran", "share": 0.4},
        "split-below-limit": {"status": "skipped", "reason": "needs a limit"},
    }
    results = {"invoices": replace(invoices(None, 0.25), tests=tests)}
    assert kpi_value(results, "invoices.error_rate", PARTNER) == (0.25, "")
    assert kpi_value(results, "invoices.tests.early-payment.share") == (0.4, "")
    assert kpi_value(results, "invoices.error_rate") == (
        None,
        "error_rate is null: no error column",
    )
    assert kpi_value(results, "invoices.tests.split-below-limit.share") == (
        None,
        "the test was skipped: needs a limit",
    )
    assert kpi_value(results, "invoices.error_rate", ("provider", "Nobody")) == (
        None,
        "no invoices for provider Nobody in this run",
    )
    assert kpi_value(results, "tasks.sla_compliance", PARTNER) == (
        None,
        "no tasks data in this run",
    )


def test_the_workbook_has_a_plan_to_edit_and_a_sheet_on_how_to_use_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(render_plan(plan_rows(FINDINGS)))
    workbook = load_workbook(path)
    assert workbook.sheetnames == [PLAN_SHEET, "How to use"]
    sheet = workbook[PLAN_SHEET]
    header = [cell.value for cell in sheet[1]]
    assert header == [column.header for column in COLUMNS]
    assert header[:12] == [
        "Rank",
        "Finding",
        "Fix",
        "Effort",
        "Wave (days)",
        "Owner",
        "Due date",
        "Status",
        "Notes",
        "Baseline",
        "Target",
        "Checked by boaudit",
    ]
    assert sheet.freeze_panes == "C2"
    assert sheet.max_row == 5
    assert [sheet.cell(row=2, column=c).value for c in (1, 5, 8, 11)] == [
        1,
        30,
        "open",
        "at most 5.0%",
    ]
    assert sheet.cell(row=2, column=header.index("Key") + 1).value == PARTNER_KEY
    assert sheet.cell(row=2, column=header.index("Target value") + 1).value == 0.05
    assert sheet.cell(row=2, column=7).number_format == "yyyy-mm-dd"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["E2:E205"] == '"30,60,90"'
    assert lists["H2:H205"] == '"open,in progress,done,resolved,dropped"'
    rules = [(str(f.sqref), r.formula) for f in sheet.conditional_formatting for r in f.rules]
    assert rules == [
        ("H2:H205", ['"resolved"']),
        ("H2:H205", ['"done"']),
        ("H2:H205", ['"dropped"']),
    ]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_area == "'Plan'!$A$1:$L$5"
    assert sheet.cell(row=2, column=3).alignment.wrap_text is True
    help_text = " ".join(str(c.value) for c in workbook["How to use"]["A"] if c.value)
    assert "Resolved is never yours to set" in help_text
    assert "Owner, Due date, Status and Notes" in help_text


def test_a_plan_reads_back_as_it_was_written(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    rows = plan_rows(FINDINGS)
    path.write_bytes(render_plan(rows))
    read = read_plan(path)
    assert [
        (r.key, r.rank, r.wave, r.status, r.kpi, r.group, r.target, r.better) for r in read
    ] == [(r.key, r.rank, r.wave, r.status, r.kpi, r.group, r.target, r.better) for r in rows]
    assert [r.row for r in read] == [2, 3, 4, 5]
    assert read[0].target_text == "at most 5.0%"
    assert read[0].baseline == 0.3


def _edit(path: Path, edits: dict[tuple[str, str], object]) -> None:
    """Set cells by (key, header) in the Plan sheet."""
    workbook = load_workbook(path)
    sheet = workbook[PLAN_SHEET]
    header = [cell.value for cell in sheet[1]]
    rows = {
        sheet.cell(row=r, column=header.index("Key") + 1).value: r
        for r in range(2, sheet.max_row + 1)
    }
    for (key, column), value in edits.items():
        sheet.cell(row=rows[key], column=header.index(column) + 1).value = value
    workbook.save(path)


def test_reordered_and_extra_columns_blank_rows_and_dates_as_text_or_dates(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "plan"  # the sheet name in another case
    sheet.append(
        [
            "My budget",
            "Status",
            "KEY",
            "Due date",
            "Owner",
            "Wave (days)",
            "Target value",
            "Better",
            "KPI",
        ]
    )
    sheet.append(
        [
            1200,
            "In Progress",
            ERRORS_KEY,
            "2027-01-31",
            "Ana",
            60,
            0.03,
            "lower",
            "invoices.error_rate",
        ]
    )
    sheet.append([None, None, None, None, None, None, None, None, None])
    sheet.append(
        ["", "done", PARTNER_KEY, datetime(2027, 2, 28), "Bo", "30 days", None, None, None]
    )
    sheet.append(
        ["", "DROPPED", "x | taxonomy | step 1", "31.03.2027", None, None, None, None, None]
    )
    sheet.append(["", "open", "x | taxonomy | step 2", "15/04/2027", None, None, None, None, None])
    path = tmp_path / "edited.xlsx"
    workbook.save(path)
    rows = read_plan(path)
    assert [(r.key, r.status, r.owner, r.due, r.wave, r.row) for r in rows] == [
        (ERRORS_KEY, "in progress", "Ana", date(2027, 1, 31), 60, 2),
        (PARTNER_KEY, "done", "Bo", date(2027, 2, 28), 30, 4),
        ("x | taxonomy | step 1", "dropped", "", date(2027, 3, 31), None, 5),
        ("x | taxonomy | step 2", "open", "", date(2027, 4, 15), None, 6),
    ]
    assert rows[0].extra == (("My budget", 1200),)
    assert (rows[0].target, rows[0].better, rows[0].kpi) == (0.03, "lower", "invoices.error_rate")


def _sheet(tmp_path: Path, *rows: list[object]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = PLAN_SHEET
    for row in rows:
        sheet.append(row)
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["Rank", "Status"], [1, "open"]],
            "[Plan]: no Key column in the header row; boaudit matches a plan's rows from one run "
            "to the next by it: restore the column from the plan boaudit wrote, or give --plan a "
            "new file name to start a new plan",
        ),
        (
            [["Key", "Owner"], ["a", "Ana"]],
            "[Plan], row 1: no Status column; restore it from the plan boaudit wrote (open, in "
            "progress, done, resolved or dropped)",
        ),
        (
            [["Key", "Status"], ["a", "open"], ["b", "finished"]],
            "[Plan], row 3, column 'Status': 'finished' is not a status; use open, in progress, "
            "done or dropped (resolved is set by boaudit)",
        ),
        (
            [["Key", "Status", "Wave (days)"], ["a", "open", 45]],
            "[Plan], row 2, column 'Wave (days)': '45' is not a wave; use 30, 60 or 90 (days)",
        ),
        (
            [["Key", "Status", "Due date"], ["a", "open", "next week"]],
            "[Plan], row 2, column 'Due date': 'next week' is not a date boaudit can read "
            "without guessing; type it as a date, or as text like 2027-01-31",
        ),
        (
            [["Key", "Status", "Due date"], ["a", "open", "02/03/2027"]],
            "[Plan], row 2, column 'Due date': '02/03/2027' is not a date boaudit can read "
            "without guessing; type it as a date, or as text like 2027-01-31",
        ),
        (
            [["Key", "Status"], ["a", "open"], ["a", "done"]],
            "[Plan], rows 2 and 3: the same key 'a'; keep one of the two rows (boaudit matches "
            "rows by their key)",
        ),
    ],
)
def test_a_plan_that_cannot_be_read_names_the_file_sheet_row_and_column(
    tmp_path: Path, rows: list[list[object]], message: str
) -> None:
    path = _sheet(tmp_path, *rows)
    with pytest.raises(InputDataError) as caught:
        read_plan(path)
    assert caught.value.message == f"{path} {message}"


def test_not_a_workbook_a_workbook_without_a_plan_sheet_and_no_file(tmp_path: Path) -> None:
    text = tmp_path / "plan.xlsx"
    text.write_text("owner,status\nAna,done\n", encoding="utf-8")
    with pytest.raises(InputDataError) as caught:
        read_plan(text)
    assert caught.value.message == f"{text}: not a valid workbook (bad zip); re-save it from Excel"
    other = Workbook()
    assert other.active is not None
    other.active.title = "Budget"
    path = tmp_path / "budget.xlsx"
    other.save(path)
    with pytest.raises(InputDataError) as caught:
        read_plan(path)
    assert caught.value.message == (
        f"{path}: no sheet named 'Plan' (the workbook has 'Budget'); --plan reads the plan "
        "boaudit wrote: give it that file, or a new file name to start a new plan"
    )
    with pytest.raises(InputMissingError):
        read_plan(tmp_path / "missing.xlsx")


def test_a_kpi_past_its_target_resolves_its_row_and_a_done_row_whose_kpi_did_not_says_so() -> None:
    previous = tuple(
        replace(r, status="done", owner="Ana") if r.key == ERRORS_KEY else r
        for r in plan_rows(FINDINGS)
    )
    # The partner's error rate fell from 30% to 0% (past 5%); the overall one to 5% (not 3%).
    outcome = reconcile(previous, FINDINGS, {"invoices": invoices(0.05, 0.0)})
    rows = by_key(outcome.rows)
    assert (rows[PARTNER_KEY].status, rows[PARTNER_KEY].now, rows[PARTNER_KEY].check) == (
        "resolved",
        0.0,
        "KPI invoices.error_rate for provider Outsourcing partner now 0.0%, past the target 5.0%",
    )
    assert (rows[ERRORS_KEY].status, rows[ERRORS_KEY].owner, rows[ERRORS_KEY].check) == (
        "done",
        "Ana",
        "marked done, but the data still shows 5.0% against a target 3.0%",
    )
    assert [r.key for r in outcome.resolved] == [PARTNER_KEY]
    assert [r.key for r in outcome.done_not_met] == [ERRORS_KEY]
    assert outcome.summary("plan.xlsx") == (
        "plan.xlsx: 4 fixes; 1 resolved by the data (invoices.error_rate for provider "
        "Outsourcing partner 0.0% <= 5.0%), 1 marked done but not yet met, 0 new"
    )
    # the taxonomy steps have no KPI: nothing for the data to say, their status is the client's
    assert rows["partner-governance | taxonomy | step 1"].check == ""
    # partner-governance still has open general steps, but every fix with a KPI is resolved
    assert finding_status(outcome.rows, "partner-governance") == "resolved"
    assert finding_status(outcome.rows, "processes") == "done"
    assert plan_counts(outcome.rows) == "4 fixes: 2 open, 1 done, 1 resolved by the data"


def test_a_finding_gone_from_the_report_whose_kpi_meets_its_target_is_resolved() -> None:
    previous = plan_rows(FINDINGS)
    outcome = reconcile(previous, FINDINGS[:1], {"invoices": invoices(0.2, 0.01)})
    row = by_key(outcome.rows)[PARTNER_KEY]
    assert (row.status, row.check) == (
        "resolved",
        "KPI invoices.error_rate for provider Outsourcing partner now 1.0%, past the target "
        "5.0%; the finding is no longer in the report",
    )
    step = by_key(outcome.rows)["partner-governance | taxonomy | step 1"]
    assert (step.status, step.check) == ("open", "the finding is no longer in the report")


def test_a_kpi_this_run_cannot_measure_keeps_the_status_and_says_why() -> None:
    previous = tuple(replace(r, status="in progress") for r in plan_rows(FINDINGS))
    outcome = reconcile(previous, FINDINGS, {"invoices": invoices(None, 0.3)})
    row = by_key(outcome.rows)[ERRORS_KEY]
    assert (row.status, row.now, row.check) == (
        "in progress",
        None,
        "invoices.error_rate cannot be measured in this run (error_rate is null: no error "
        "column); the status is kept",
    )
    outcome = reconcile(previous, FINDINGS, {})
    row = by_key(outcome.rows)[PARTNER_KEY]
    assert (row.status, row.check) == (
        "in progress",
        "invoices.error_rate for provider Outsourcing partner cannot be measured in this run "
        "(no invoices data in this run); the status is kept",
    )
    assert len(outcome.unmeasured) == 2
    assert "2 not measured in this run" in outcome.summary("p.xlsx")


def test_the_clients_entries_are_kept_and_new_fixes_are_appended_open() -> None:
    previous = (
        replace(
            plan_rows(FINDINGS[:1])[0],
            owner="Ana",
            due=date(2027, 1, 31),
            wave=90,
            status="in progress",
            notes="waiting for IT",
            extra=(("Budget", 1200),),
            row=2,
        ),
    )
    later = (*FINDINGS, finding("security", 3, (SLA,)))
    results = {"invoices": invoices(0.2, 0.3)}
    outcome = reconcile(previous, later, results)
    assert [r.key for r in outcome.rows] == [
        ERRORS_KEY,
        PARTNER_KEY,
        "partner-governance | taxonomy | step 1",
        "partner-governance | taxonomy | step 2",
        "security | rule provider-sla-breaches | tasks.sla_compliance | provider = Outsourcing partner",
    ]
    kept = outcome.rows[0]
    assert (kept.owner, kept.due, kept.wave, kept.status, kept.notes, kept.extra) == (
        "Ana",
        date(2027, 1, 31),
        90,
        "in progress",
        "waiting for IT",
        (("Budget", 1200),),
    )
    assert kept.check == "KPI invoices.error_rate now 20.0%, target 3.0%"
    assert [r.status for r in outcome.new] == ["open"] * 4
    assert (
        outcome.summary("p.xlsx")
        == "p.xlsx: 5 fixes; none resolved by the data, 1 not measured in this run, 4 new"
    )


def test_a_resolved_row_whose_kpi_moved_back_is_reopened_and_resolved_by_hand_counts_as_done() -> (
    None
):
    rows = plan_rows(FINDINGS)
    previous = tuple(replace(r, status="resolved") for r in rows)
    outcome = reconcile(previous, FINDINGS, {"invoices": invoices(0.01, 0.2)})
    by = by_key(outcome.rows)
    assert (by[PARTNER_KEY].status, by[PARTNER_KEY].check) == (
        "open",
        "was resolved, but the data now shows 20.0% against a target 5.0%: reopened",
    )
    assert by[ERRORS_KEY].status == "resolved"
    assert (
        by["partner-governance | taxonomy | step 1"].status,
        by["partner-governance | taxonomy | step 1"].check,
    ) == (
        "done",
        "this fix has no KPI for the data to check, so 'resolved' counts as done (boaudit "
        "resolves only fixes whose KPI it measures)",
    )
    assert [r.key for r in outcome.reopened] == [PARTNER_KEY]
    assert outcome.resolved == ()
    assert finding_status(outcome.rows, "partner-governance") == "in progress"


def test_a_finding_is_resolved_only_when_every_fix_with_a_kpi_is() -> None:
    rows = plan_rows((finding("processes", 1, (ERRORS, PARTNER_ERRORS, STEP_ONE)),))
    resolved_one = (replace(rows[0], status="resolved"), *rows[1:])
    assert finding_status(resolved_one, "processes") == "in progress"
    both = tuple(replace(r, status="resolved") if r.kpi else r for r in rows)
    assert finding_status(both, "processes") == "resolved"
    assert finding_status(rows, "processes") == "open"
    assert finding_status(rows, "data") is None
    steps = plan_rows((finding("change", 1, (STEP_ONE, STEP_TWO)),))
    done = tuple(replace(r, status="done") for r in steps)
    assert finding_status(done, "change") == "done"  # no KPI: never resolved by the data


def test_a_new_plan_says_so_and_rounds_values_next_to_an_equal_target() -> None:
    outcome = reconcile((), FINDINGS, {"invoices": invoices(0.0304, 0.3)}, existed=False)
    assert outcome.summary("plan.xlsx") == (
        "plan.xlsx: 4 fixes; a new plan, every fix open, its 30/60/90-day wave proposed (the "
        "rule is on its How to use sheet)"
    )
    assert (
        by_key(outcome.rows)[ERRORS_KEY].check == "KPI invoices.error_rate now 3.04%, target 3.0%"
    )


def test_a_row_the_client_added_is_kept_where_it_was_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(render_plan(plan_rows(FINDINGS)))
    workbook = load_workbook(path)
    sheet = workbook[PLAN_SHEET]
    header = [cell.value for cell in sheet[1]]
    sheet.insert_rows(3)
    for column, value in (
        ("Fix", "Brief the new AP clerk"),
        ("Status", "in progress"),
        ("Owner", "Bo"),
    ):
        sheet.cell(row=3, column=header.index(column) + 1).value = value
    workbook.save(path)
    previous = read_plan(path)
    assert [(r.key, r.fix, r.row) for r in previous][:3] == [
        (PARTNER_KEY, PARTNER_ERRORS.text, 2),
        ("", "Brief the new AP clerk", 3),
        ("partner-governance | taxonomy | step 1", STEP_ONE.text, 4),
    ]
    outcome = reconcile(previous, FINDINGS, {"invoices": invoices(0.2, 0.3)})
    added = outcome.rows[1]
    assert (added.fix, added.status, added.owner, added.check) == (
        "Brief the new AP clerk",
        "in progress",
        "Bo",
        "",
    )
    assert outcome.new == ()
    path.write_bytes(render_plan(outcome.rows))
    assert [r.fix for r in read_plan(path)][1] == "Brief the new AP clerk"
