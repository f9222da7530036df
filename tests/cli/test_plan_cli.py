"""``--plan FILE.xlsx`` through ``boaudit report`` and ``boaudit run``: the round trip a
consultant makes (write, the client edits, the data changes, run again) and the bad plans.

The invoices are small enough to count by hand: 40 invoices, 20 in-house with 2 errors and 20
of the outsourcing partner with 6 errors. The partner's error rate is 6/20 = 30% against the
rule's target of at most 5%; the overall one 8/40 = 20% against at most 3%. Then the partner
fixes its errors: its rate falls to 0/20 = 0% (past its target), the overall one to 2/40 = 5%
(still above 3%).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner, Result

from boaudit.cli import app
from boaudit.findings.plan import PLAN_SHEET, read_plan

runner = CliRunner()
PARTNER_KEY = (
    "partner-governance | rule provider-error-rate | invoices.error_rate | provider = "
    "Outsourcing partner"
)
ERRORS_KEY = "processes | rule error-rate | invoices.error_rate"
STEP_KEY = "partner-governance | taxonomy | step 1"
WEEKDAYS = [d for d in (date(2026, 3, 1) + timedelta(n) for n in range(60)) if d.weekday() < 5]


def write_invoices(path: Path, partner_errors: tuple[int, ...]) -> Path:
    """Rows 0-19 in-house (errors on 3 and 11), rows 20-39 the partner's."""
    lines = ["Invoice Number,Vendor,Invoice Date,Amount,Exception,Provider"]
    for i in range(40):
        partner = i >= 20
        error = i in (3, 11) or i in partner_errors
        lines.append(
            f"INV-{i:03d},Vendor {'ABCD'[i % 4]},{WEEKDAYS[i]},{100 + i * 7.13:.2f},"
            f"{'Yes' if error else 'No'},{'Outsourcing partner' if partner else 'In-house'}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def report(invoices: Path, plan: Path, out: Path, *more: str) -> Result:
    args = ["report", "--invoices", str(invoices), "--as-of", "2026-04-30"]
    return runner.invoke(app, [*args, "-f", "json", "-o", str(out), "--plan", str(plan), *more])


def edit(path: Path, edits: dict[tuple[str, str], object], add: str | None = None) -> None:
    """Set cells by (key, header) on the Plan sheet, as a client would in Excel; ``add`` a
    column of the client's own."""
    workbook = load_workbook(path)
    sheet = workbook[PLAN_SHEET]
    header = [cell.value for cell in sheet[1]]
    rows = {
        sheet.cell(row=r, column=header.index("Key") + 1).value: r
        for r in range(2, sheet.max_row + 1)
    }
    if add is not None:
        sheet.cell(row=1, column=len(header) + 1).value = add
        header.append(add)
    for (key, column), value in edits.items():
        sheet.cell(row=rows[key], column=header.index(column) + 1).value = value
    workbook.save(path)


def rows_of(document: dict[str, object]) -> dict[str, dict[str, object]]:
    return {row["key"]: row for row in document["plan"]}  # type: ignore[attr-defined,index]


def test_the_round_trip_closes_a_fix_only_when_its_kpi_moved(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    first = report(
        write_invoices(tmp_path / "march.csv", (20, 23, 26, 29, 32, 35)), plan, tmp_path / "r1.json"
    )
    assert first.exit_code == 0, first.stderr
    assert first.stderr.splitlines()[-1] == (
        f"{plan}: 21 fixes; a new plan, every fix open, its 30/60/90-day wave proposed (the rule "
        "is on its How to use sheet)"
    )
    written = rows_of(json.loads((tmp_path / "r1.json").read_text()))
    assert (
        written[PARTNER_KEY]["status"],
        written[PARTNER_KEY]["now"],
        written[PARTNER_KEY]["wave"],
    ) == ("open", 0.3, 30)
    assert (written[ERRORS_KEY]["now"], written[ERRORS_KEY]["target"]) == (0.2, 0.03)
    # The client marks the overall error fix done without the data changing, names an owner
    # for the partner's fix, types a due date as text and adds a column of their own.
    edit(
        plan,
        {
            (ERRORS_KEY, "Status"): "done",
            (PARTNER_KEY, "Owner"): "Ana (AP lead)",
            (PARTNER_KEY, "Due date"): "2027-01-31",
            (PARTNER_KEY, "Budget"): 1200,
            (STEP_KEY, "Status"): "in progress",
        },
        add="Budget",
    )
    # The partner fixes its errors; the in-house ones stay.
    second = report(write_invoices(tmp_path / "april.csv", ()), plan, tmp_path / "r2.json")
    assert second.exit_code == 0, second.stderr
    assert second.stderr.splitlines()[-1] == (
        f"{plan}: 21 fixes; 1 resolved by the data (invoices.error_rate for provider Outsourcing "
        "partner 0.0% <= 5.0%), 1 marked done but not yet met, 0 new"
    )
    document = json.loads((tmp_path / "r2.json").read_text())
    rows = rows_of(document)
    partner = rows[PARTNER_KEY]
    assert (partner["status"], partner["now"], partner["owner"], partner["due"]) == (
        "resolved",
        0.0,
        "Ana (AP lead)",
        "2027-01-31",
    )
    assert partner["check"] == (
        "KPI invoices.error_rate for provider Outsourcing partner now 0.0%, past the target "
        "5.0%; the finding is no longer in the report"
    )
    assert partner["extra"] == {"Budget": 1200}
    errors = rows[ERRORS_KEY]
    assert (errors["status"], errors["now"], errors["check"]) == (
        "done",
        0.05,
        "marked done, but the data still shows 5.0% against a target 3.0%",
    )
    assert rows[STEP_KEY]["status"] == "in progress"
    statuses = {f["pitfall"]: f["plan_status"] for f in document["findings"]}
    assert statuses["processes"] == "in progress"  # its error fix is done, not resolved
    assert "partner-governance" not in statuses  # no evidence left: the finding is gone
    # The rewritten plan reads back, the client's entries in it.
    again = {row.key: row for row in read_plan(plan)}
    assert (again[PARTNER_KEY].status, again[PARTNER_KEY].owner, again[PARTNER_KEY].due) == (
        "resolved",
        "Ana (AP lead)",
        date(2027, 1, 31),
    )
    assert again[PARTNER_KEY].extra == (("Budget", 1200),)
    assert again[ERRORS_KEY].status == "done"
    workbook = load_workbook(plan)
    header = [cell.value for cell in workbook[PLAN_SHEET][1]]
    assert header[-2:] == ["Key", "Budget"]


def test_the_plan_shows_in_the_markdown_and_table_reports(tmp_path: Path) -> None:
    invoices = write_invoices(tmp_path / "march.csv", (20, 23))
    plan = tmp_path / "plan.xlsx"
    out = tmp_path / "r.md"
    result = runner.invoke(
        app,
        [
            "report",
            "--invoices",
            str(invoices),
            "--as-of",
            "2026-04-30",
            "-f",
            "markdown",
            "-o",
            str(out),
            "--plan",
            str(plan),
        ],
    )
    assert result.exit_code == 0, result.stderr
    markdown = out.read_text()
    section = markdown.split("\n## Plan\n", 1)[1]
    assert section.startswith(
        "\n21 fixes: 21 open.\n\n| Rank | Fix | Owner | Due | Wave | Status | Checked by boaudit |"
    )
    assert "| open | KPI invoices.error\\_rate now 10.0%, target 3.0% |" in section
    table = runner.invoke(
        app, ["report", "--invoices", str(invoices), "--as-of", "2026-04-30", "--plan", str(plan)]
    )
    assert table.exit_code == 0, table.stderr
    assert "Plan: 21 fixes: 21 open" in table.stdout
    assert "   - [open] KPI invoices.error_rate now 10.0%, target 3.0%" in table.stdout


def test_a_report_without_a_plan_has_no_plan_in_its_json(tmp_path: Path) -> None:
    invoices = write_invoices(tmp_path / "march.csv", (20,))
    result = runner.invoke(
        app, ["report", "--invoices", str(invoices), "--as-of", "2026-04-30", "-f", "json"]
    )
    document = json.loads(result.stdout)
    assert "plan" not in document
    assert all("plan_status" not in f for f in document["findings"])


def _bad_plans(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    text = tmp_path / "text.xlsx"
    text.write_text("owner,status\nAna,done\n", encoding="utf-8")
    no_key = tmp_path / "nokey.xlsx"
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = PLAN_SHEET
    workbook.active.append(["Rank", "Status"])
    workbook.active.append([1, "open"])
    workbook.save(no_key)
    unknown = tmp_path / "unknown.xlsx"
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = PLAN_SHEET
    workbook.active.append(["Key", "Status"])
    workbook.active.append([ERRORS_KEY, "finished"])
    workbook.save(unknown)
    return {
        "not an XLSX": (text, f"{text}: not a valid workbook (bad zip); re-save it from Excel"),
        "no key column": (
            no_key,
            f"{no_key} [Plan]: no Key column in the header row; boaudit matches a plan's rows "
            "from one run to the next by it: restore the column from the plan boaudit wrote, or "
            "give --plan a new file name to start a new plan",
        ),
        "an unknown status": (
            unknown,
            f"{unknown} [Plan], row 2, column 'Status': 'finished' is not a status; use open, in "
            "progress, done or dropped (resolved is set by boaudit)",
        ),
    }


@pytest.mark.parametrize("case", ["not an XLSX", "no key column", "an unknown status"])
def test_a_bad_plan_is_one_line_exit_65_and_left_as_it_was(tmp_path: Path, case: str) -> None:
    path, message = _bad_plans(tmp_path)[case]
    before = path.read_bytes()
    out = tmp_path / "r.json"
    result = report(write_invoices(tmp_path / "march.csv", (20,)), path, out)
    assert result.exit_code == 65
    assert result.stderr == f"boaudit: error: {message}\n"
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert not out.exists()  # read before anything is computed: no report either


def test_a_plan_that_is_not_named_xlsx_is_a_usage_error(tmp_path: Path) -> None:
    result = report(
        write_invoices(tmp_path / "march.csv", (20,)), tmp_path / "plan.csv", tmp_path / "r.json"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"boaudit: error: --plan {tmp_path / 'plan.csv'}: a plan is an XLSX workbook; give a FILE.xlsx\n"
    )


def test_the_plan_and_the_report_cannot_be_one_file(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    result = report(write_invoices(tmp_path / "march.csv", (20,)), plan, plan)
    assert result.exit_code == 2
    assert result.stderr == (
        f"boaudit: error: --plan {plan} and -o {plan} name one file; give the plan its own\n"
    )


def test_a_failed_run_leaves_the_previous_plan_untouched(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    invoices = write_invoices(tmp_path / "march.csv", (20, 23))
    assert report(invoices, plan, tmp_path / "r.json").exit_code == 0
    edit(plan, {(ERRORS_KEY, "Owner"): "Ana"})
    before = plan.read_bytes()
    missing = report(tmp_path / "no-such.csv", plan, tmp_path / "r.json")
    assert missing.exit_code == 66
    # the report cannot be written (a file stands where its folder should be): exit 73
    (tmp_path / "blocked").write_text("a file, not a folder")
    blocked = report(invoices, plan, tmp_path / "blocked" / "r.json")
    assert blocked.exit_code == 73, blocked.stderr
    assert plan.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.xlsx")] == []


CONFIG = """title = "Monthly audit"
history = "out/history.sqlite"
plan = "{plan}"

[[sources]]
kind = "invoices"
files = ["exports/invoices.csv"]

[[outputs]]
format = "json"
path = "out/audit-{{date}}.json"
"""


def test_run_reads_and_rewrites_the_plan_of_its_configuration(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    write_invoices(tmp_path / "exports" / "invoices.csv", (20, 23, 26, 29, 32, 35))
    config = tmp_path / "boaudit.toml"
    config.write_text(CONFIG.format(plan="plans/fixes.xlsx"), encoding="utf-8")
    first = runner.invoke(app, ["run", str(config), "--as-of", "2026-04-30"])
    assert first.exit_code == 0, first.stderr
    assert first.stderr == ""  # quiet on success
    plan = tmp_path / "plans" / "fixes.xlsx"  # relative to the configuration's folder
    edit(plan, {(ERRORS_KEY, "Status"): "done", (PARTNER_KEY, "Owner"): "Ana"})
    write_invoices(tmp_path / "exports" / "invoices.csv", ())
    second = runner.invoke(app, ["run", str(config), "--as-of", "2026-05-31", "--verbose"])
    assert second.exit_code == 0, second.stderr
    assert (
        f"boaudit: {plan}: 21 fixes; 1 resolved by the data (invoices.error_rate for provider "
        "Outsourcing partner 0.0% <= 5.0%), 1 marked done but not yet met, 0 new"
    ) in second.stderr.splitlines()
    document = json.loads((tmp_path / "out" / "audit-2026-05-31.json").read_text())
    rows = rows_of(document)
    assert (rows[PARTNER_KEY]["status"], rows[PARTNER_KEY]["owner"]) == ("resolved", "Ana")
    assert (
        rows[ERRORS_KEY]["check"]
        == "marked done, but the data still shows 5.0% against a target 3.0%"
    )
    # --plan on the command line names another plan than the configuration's: a new one,
    # made from this run's findings (the partner's is gone)
    other = tmp_path / "other.xlsx"
    third = runner.invoke(app, ["run", str(config), "--as-of", "2026-05-31", "--plan", str(other)])
    assert third.exit_code == 0, third.stderr
    fresh = read_plan(other)
    assert {row.status for row in fresh} == {"open"}
    assert ERRORS_KEY in {row.key for row in fresh} and PARTNER_KEY not in {
        row.key for row in fresh
    }


def test_a_plan_key_that_is_not_an_xlsx_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    write_invoices(tmp_path / "exports" / "invoices.csv", (20,))
    config = tmp_path / "boaudit.toml"
    config.write_text(CONFIG.format(plan="plan.csv"), encoding="utf-8")
    result = runner.invoke(app, ["run", str(config)])
    assert result.exit_code == 78
    assert result.stderr == (
        f"boaudit: error: {config}: plan: 'plan.csv': a plan is an XLSX workbook; give a path "
        "ending in .xlsx\n"
    )


def test_run_with_a_bad_plan_records_nothing_and_exits_65(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    write_invoices(tmp_path / "exports" / "invoices.csv", (20,))
    path, message = _bad_plans(tmp_path)["an unknown status"]
    config = tmp_path / "boaudit.toml"
    config.write_text(CONFIG.format(plan=path.name), encoding="utf-8")
    result = runner.invoke(app, ["run", str(config), "--as-of", "2026-04-30"])
    assert result.exit_code == 65
    assert result.stderr == f"boaudit: error: {message}\n"
    assert not (tmp_path / "out" / "history.sqlite").exists()
