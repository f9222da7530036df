"""``boaudit run CONFIG`` and ``boaudit history`` through the CLI: what tests/audit/test_run.py leaves out.

The project below is small enough to check by hand: two respondents answer every processes and
metrics question of the mini questionnaire 4 and 3 (question score 62.5, so both pitfalls score
62.5 and security is not assessed), and ten invoices cost 10.00 each, two of them paid late and
one flagged as an exception. With 1,000 invoices a year the money at stake is
(10.00 - 5.83 APQC median) x 1,000 = 4,170 (technology) plus 100 errors x 10.00 = 1,000
(processes): 5,170 USD.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from boaudit.cli import app
from boaudit.history import History

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
runner = CliRunner()

INVOICE_HEADER = "Invoice Number,Vendor,Invoice Date,Received,Paid,Due Date,Amount,Exception,Cost\n"

CONFIG = """title = "Monthly audit"
history = "out/history.sqlite"
questionnaire = "{mini}"
answers = ["answers/*.csv"]

[[sources]]
kind = "invoices"
files = ["exports/invoices.csv"]

[impact]
currency = "USD"
annual_volume = {{ invoices = 1000 }}
{extra}
[[outputs]]
format = "json"
path = "out/audit-{{date}}.json"
"""


def write_invoices(path: Path, late: int = 2, errors: int = 1) -> None:
    rows = [
        f"INV-{i:03d},Vendor {i % 3},2026-03-01,2026-03-01,"
        f"{'2026-03-20' if i < late else '2026-03-05'},2026-03-10,{100 + i}.50,"
        f"{'Yes' if i < errors else 'No'},10.00\n"
        for i in range(10)
    ]
    path.write_text(INVOICE_HEADER + "".join(rows), encoding="utf-8")


def write_answers(path: Path, high: int = 4, low: int = 3) -> None:
    lines = ["respondent,question_id,answer,role"]
    for qid in ("mini.1.1", "mini.1.2", "mini.1.3", "mini.2.1", "mini.2.2", "mini.2.3"):
        lines += [f"Finance manager,{qid},{high},manager", f"AP clerk,{qid},{low},staff"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_project(folder: Path, extra: str = "", name: str = "boaudit.toml") -> Path:
    for sub in ("answers", "exports", "out"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    write_answers(folder / "answers" / "team.csv")
    write_invoices(folder / "exports" / "invoices.csv")
    config = folder / name
    config.write_text(CONFIG.format(mini=MINI, extra=extra), encoding="utf-8")
    return config


def threshold(metric: str, **bounds: float) -> str:
    return f'\n[[thresholds]]\nmetric = "{metric}"\n' + "".join(
        f"{key} = {value}\n" for key, value in bounds.items()
    )


def run(config: Path, *args: str) -> Result:
    return runner.invoke(app, ["run", str(config), *args])


def report_of(config: Path, date: str = "2026-04-01") -> dict[str, Any]:
    path = config.parent / "out" / f"audit-{date}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_the_hand_checked_project_gives_the_documented_figures(project: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    report = report_of(project)
    assert report["assessment"]["overall"]["score"] == 62.5
    # technology: 1,000 a year x (10.00 - 5.83 x 62% = 3.6146) = 6,385.40, ranging over the labour
    # share 75% to 50%: 1,000 x (10 - 4.3725) = 5,627.50 to 1,000 x (10 - 2.915) = 7,085.00;
    # processes: the errors' rework, 1,000.00 at one handling each, 500.00 to 1,500.00 at a half to
    # one and a half; together 7,385.40 (6,127.50 to 8,585.00)
    assert report["money"]["yearly"] == {
        "USD": {
            "amount": 7385.4,
            "low": 6127.5,
            "high": 8585.0,
            "confidence": "assumed",
            "figures": 2,
        }
    }
    assert report["money"]["recover"] == {} and report["money"]["block"] == {}
    amounts = {f["pitfall"]: [m["amount"] for m in f["money"]] or None for f in report["findings"]}
    # security: every invoice is dated and received on Sunday 2026-03-01 (weekend-posting)
    assert amounts == {
        "technology": [6385.4],
        "metrics": None,
        "security": None,
        "processes": [1000.0],
    }
    # priority = 100 x severity x confidence x money / effort: security 100 x 0.6 / 1 (the
    # weekend-posting fix is low effort); technology 100 x 1.0 x 1.1 (yearly money) / 2; metrics
    # and processes rest on interviews that disagree (alpha -0.833), so confidence 0.6:
    # 100 x 0.375 x 0.6 / 1 and 100 x 0.375 x 0.6 x 1.1 / 1.5
    assert [(f["pitfall"], f["priority"], f["to_confirm"]) for f in report["findings"]] == [
        ("security", 60.0, False),
        ("technology", 55.0, False),
        ("metrics", 22.5, True),
        ("processes", 16.5, True),
    ]


# --- thresholds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "bounds", "line"),
    [
        ("score", {"max": 60}, "score = 62.5, above the maximum 60"),
        (
            "money.yearly.USD",
            {"max": 5000},
            "money.yearly.USD = 7385.4, above the maximum 5000",
        ),
        (
            "pitfall.processes.score",
            {"min": 70},
            "pitfall.processes.score = 62.5, below the minimum 70",
        ),
        (
            "pitfall.technology.severity",
            {"max": 0.5},
            "pitfall.technology.severity = 1, above the maximum 0.5",
        ),
        (
            "invoices.cycle_time_days.median",
            {"max": 3},
            "invoices.cycle_time_days.median = 4, above the maximum 3",
        ),
        (
            "invoices.error_rate",
            {"min": 0, "max": 0.05},
            "invoices.error_rate = 0.1, above the maximum 0.05",
        ),
        (
            "invoices.duplicate_suspects.exact",
            {"max": 0},
            "invoices.duplicate_suspects.exact: cannot be checked ('duplicate_suspects.exact' "
            "holds several values; name one: duplicate_suspects.exact.groups, "
            "duplicate_suspects.exact.invoices, duplicate_suspects.exact.share, "
            "duplicate_suspects.exact.extra_amount)",
        ),
        (
            "invoices.duplicate_suspects.exact.invoices",
            {"max": -1},
            "invoices.duplicate_suspects.exact.invoices = 0, above the maximum -1",
        ),
        (
            "invoices.cycle_time_days.medain",
            {"max": 30},
            "invoices.cycle_time_days.medain: cannot be checked (no metric "
            "'cycle_time_days.medain' in the invoices results; see 'boaudit metrics invoices "
            "--format json' for the names)",
        ),
        (
            "pitfall.feedback.score",
            {"min": 50},
            "pitfall.feedback.score: cannot be checked (no evidence about pitfall 'feedback' in "
            "this run)",
        ),
        (
            "tasks.sla_compliance",
            {"min": 0.9},
            "tasks.sla_compliance: cannot be checked (no tasks data in this run)",
        ),
        (
            "invoices.approval_time_days.median",
            {"max": 5},
            "invoices.approval_time_days.median: cannot be checked (no approved_at column in "
            "the export)",
        ),
    ],
)
def test_each_kind_of_threshold_breaches_with_exit_1(
    tmp_path: Path, metric: str, bounds: dict[str, float], line: str
) -> None:
    config = make_project(tmp_path, threshold(metric, **bounds))
    result = run(config, "--as-of", "2026-04-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"boaudit: threshold breached: {line}\n"


def test_thresholds_on_their_bounds_pass(tmp_path: Path) -> None:
    extra = (
        threshold("score", min=62.5, max=62.5)
        + threshold("money.yearly.USD", max=7385.4)
        + threshold("invoices.on_time_payment_rate", min=0.8)
        + threshold("pitfall.metrics.severity", max=0.375)
    )
    result = run(make_project(tmp_path, extra), "--as-of", "2026-04-01")
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_breached_run_still_writes_its_outputs_and_is_recorded(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, threshold("score", min=70) + threshold("money.yearly.USD", max=1)
    )
    assert run(config, "--as-of", "2026-04-01").exit_code == 1
    assert report_of(config)["title"] == "Monthly audit"
    with History(tmp_path / "out" / "history.sqlite") as store:
        [record] = store.runs()
    assert record.breaches == (
        "score = 62.5, below the minimum 70",
        "money.yearly.USD = 7385.4, above the maximum 1",
    )
    rows = json.loads(runner.invoke(app, ["history", str(config), "-f", "json"]).stdout)
    assert [row["breaches"] for row in rows] == [2]


# --- configuration errors through the CLI -----------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "key_and_problem"),
    [
        (threshold("pitfall.proceses.score", min=50), "thresholds[0]: metric 'pitfall.proceses"),
        ('\n[metrics]\nsla = "two days"\n', "metrics.sla: duration 'two days': write it like"),
        ("\n[metrics]\nhourly_rate = -5\n", "metrics.hourly_rate: Input should be greater than 0"),
        ('\n[effort]\ndata = "trivial"\n', "effort.data: Input should be 'low', 'medium'"),
    ],
)
def test_config_problems_found_before_any_work_exit_78(
    tmp_path: Path, extra: str, key_and_problem: str
) -> None:
    config = make_project(tmp_path, extra)
    result = run(config, "--as-of", "2026-04-01")
    assert result.exit_code == 78
    assert result.stderr.startswith(f"boaudit: error: {config}: {key_and_problem}")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out" / "history.sqlite").exists()
    assert not (tmp_path / "out" / "audit-2026-04-01.json").exists()


def test_several_config_problems_are_each_printed(tmp_path: Path) -> None:
    config = make_project(tmp_path, threshold("speed", max=1) + '\n[metrics]\nperiod = "year"\n')
    config.write_text(config.read_text().replace("title =", "titel ="))
    result = run(config)
    assert result.exit_code == 78
    keys = [line.split(": ")[3] for line in result.stderr.splitlines()]
    assert keys == ["metrics.period", "thresholds[0]", "titel"]


def test_a_history_file_that_is_not_a_database_exits_78(project: Path) -> None:
    (project.parent / "out" / "history.sqlite").write_bytes(b"not sqlite at all " * 64)
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 78
    assert "not a boaudit history database" in result.stderr
    assert "point 'history' elsewhere" in result.stderr


# --- outputs ------------------------------------------------------------------------------------


def test_every_format_lands_at_its_dated_path(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    outputs = "".join(
        f'\n[[outputs]]\nformat = "{fmt}"\npath = "out/{{date}}/audit.{ext}"\n'
        for fmt, ext in (("markdown", "md"), ("xlsx", "xlsx"), ("table", "txt"), ("html", "html"))
    )
    config.write_text(config.read_text() + outputs)
    (tmp_path / "out" / "2026-05-31").mkdir()
    result = run(config, "--as-of", "2026-05-31T18:00:00")
    assert result.exit_code == 0, result.stderr
    day = tmp_path / "out" / "2026-05-31"
    assert sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) == [
        "audit.html",
        "audit.md",
        "audit.txt",
        "audit.xlsx",
    ]
    assert (
        (day / "audit.md").read_text().startswith("# Monthly audit\n\nAs of 2026-05-31T18:00:00.")
    )
    assert load_workbook(day / "audit.xlsx").sheetnames[0] == "Summary"
    table = (day / "audit.txt").read_text()
    assert table.startswith("Monthly audit\nAs of 2026-05-31T18:00:00\n") and "\x1b[" not in table
    assert report_of(config, "2026-05-31")["as_of"] == "2026-05-31T18:00:00"


def test_an_output_folder_that_cannot_be_made_exits_73_before_anything_is_recorded(
    project: Path,
) -> None:
    project.write_text(project.read_text().replace("out/audit-{date}", "reports/audit-{date}"))
    (project.parent / "reports").write_text("a file where the folder should be")
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 73
    assert result.stderr == (
        f"boaudit: error: {project.parent / 'reports' / 'audit-2026-04-01.json'}: cannot write: "
        f"{project.parent / 'reports'} cannot be a folder, a file of that name is in the way\n"
    )
    assert not (project.parent / "out" / "history.sqlite").exists()


def test_an_output_path_that_is_a_folder_exits_73_and_records_nothing(project: Path) -> None:
    (project.parent / "out" / "audit-2026-04-01.json").mkdir()
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 73
    assert result.stderr.startswith(
        f"boaudit: error: {project.parent / 'out' / 'audit-2026-04-01.json'}: cannot write"
    )
    with History(project.parent / "out" / "history.sqlite") as store:
        assert store.runs() == []


def test_without_a_history_key_runs_go_to_the_user_data_folder(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    project.write_text(project.read_text().replace('history = "out/history.sqlite"\n', ""))
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    store_path = tmp_path / "xdg" / "boaudit" / "history.sqlite"
    with History(store_path) as store:
        assert [r.config for r in store.runs()] == [str(project.resolve())]
    rows = json.loads(runner.invoke(app, ["history", str(project), "-f", "json"]).stdout)
    assert [row["overall_score"] for row in rows] == [62.5]


# --- changes between runs -----------------------------------------------------------------------


def test_the_second_run_reports_the_change_since_the_first(project: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    write_answers(project.parent / "answers" / "team.csv", high=5, low=4)
    write_invoices(project.parent / "exports" / "invoices.csv", late=0, errors=0)
    assert run(project, "--as-of", "2026-05-01").exit_code == 0
    since = report_of(project, "2026-05-01")["changes"]["since_last"]
    assert (since["run"], since["as_of_before"]) == (1, "2026-04-01")
    assert (since["overall_score_before"], since["overall_score"]) == (62.5, 87.5)
    assert since["overall_score_change"] == 25.0
    assert since["pitfalls"]["processes"]["score_change"] == 25.0
    assert since["metrics"]["invoices"]["on_time_payment_rate"] == {
        "value": 1.0,
        "before": 0.8,
        "change": 0.2,
    }
    assert "since_baseline" not in since


# --- history ------------------------------------------------------------------------------------


def test_history_of_one_config_leaves_out_the_runs_of_another(tmp_path: Path) -> None:
    first = make_project(tmp_path)
    second = make_project(tmp_path, name="other.toml")
    assert run(first, "--as-of", "2026-04-01").exit_code == 0
    assert run(second, "--as-of", "2026-04-02").exit_code == 0
    assert run(first, "--as-of", "2026-05-01").exit_code == 0
    mine = json.loads(runner.invoke(app, ["history", str(first), "-f", "json"]).stdout)
    assert [(row["run"], row["as_of"]) for row in mine] == [(1, "2026-04-01"), (3, "2026-05-01")]
    everything = runner.invoke(
        app, ["history", "--db", str(tmp_path / "out" / "history.sqlite"), "-f", "json"]
    )
    configs = [row["config"] for row in json.loads(everything.stdout)]
    assert configs == [str(first.resolve()), str(second.resolve()), str(first.resolve())]


def test_history_csv_has_one_row_per_run_with_every_metric(project: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    result = runner.invoke(app, ["history", str(project), "--format", "csv"])
    assert result.exit_code == 0 and result.stderr == ""
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["run"], row["as_of"], row["overall_score"], row["breaches"]) == (
        "1",
        "2026-04-01",
        "62.5",
        "0",
    )
    assert row["invoices.error_rate"] == "0.1"
    assert row["invoices.cycle_time_days.median"] == "4.0"
    assert row["invoices.backlog.open"] == "0.0"
    assert row["score.processes"] == "62.5"
    assert "score.technology" not in row  # data only: no questionnaire score to track


def test_history_table_shows_only_the_columns_this_history_has(project: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    result = runner.invoke(app, ["history", str(project)], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if line.startswith("run "))
    assert re.split(r"\s{2,}", header.strip()) == [
        "run",
        "as of",
        "score",
        "breaches",
        "inv. errors",
        "inv. on time",
        "inv. days",
    ]
    row = next(line for line in result.stdout.splitlines() if "2026-04-01" in line)
    assert re.split(r"\s{2,}", row.strip()) == [
        "1",
        "2026-04-01",
        "62.5",
        "0",
        "0.1",
        "0.8",
        "4",
    ]


def test_history_to_a_file_writes_it_and_prints_nothing(project: Path, tmp_path: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    out = tmp_path / "trend.json"
    result = runner.invoke(app, ["history", str(project), "-f", "json", "-o", str(out)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert [row["run"] for row in json.loads(out.read_text())] == [1]


def test_history_of_a_config_with_no_runs_yet_says_so(tmp_path: Path) -> None:
    first = make_project(tmp_path)
    second = make_project(tmp_path, name="other.toml")
    assert run(first, "--as-of", "2026-04-01").exit_code == 0
    result = runner.invoke(app, ["history", str(second)], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert result.stderr == "boaudit: no runs recorded for this configuration yet\n"
    json_rows = runner.invoke(app, ["history", str(second), "-f", "json"])
    assert json.loads(json_rows.stdout) == []


def test_history_of_an_invalid_config_exits_78(project: Path) -> None:
    project.write_text(project.read_text() + "\n[effort]\nspeed = 'low'\n")
    result = runner.invoke(app, ["history", str(project)])
    assert result.exit_code == 78
    assert "[effort] names unknown pitfall(s): speed" in result.stderr


# --- outputs, locks, a busy or damaged history, options checked first ------------------------


def test_outputs_in_missing_date_folders_are_made(project: Path) -> None:
    config = project.read_text().replace(
        'path = "out/audit-{date}.json"', 'path = "out/{date}/audit.json"'
    )
    project.write_text(config)
    assert not (project.parent / "out" / "2026-04-01").exists()
    result = run(project, "--as-of", "2026-04-01T08:30:00")
    assert result.exit_code == 0, result.stderr
    written = json.loads((project.parent / "out" / "2026-04-01" / "audit.json").read_text())
    assert written["title"] == "Monthly audit"


def test_a_run_leaves_no_lock_or_temporary_file_beside_its_reports(project: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    assert run(project, "--as-of", "2026-04-02").exit_code == 0
    names = sorted(p.name for p in (project.parent / "out").iterdir())
    assert [n for n in names if n.startswith(".") or n.endswith((".lock", ".tmp"))] == []


def test_as_of_that_is_not_a_date_stops_before_any_path_is_made(project: Path) -> None:
    result = run(project, "--as-of", "../../x")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "boaudit: error: --as-of '../../x': write an ISO date such as 2025-06-30"
    ]
    assert list((project.parent / "out").iterdir()) == []


def test_a_history_another_process_holds_is_busy_75_and_left_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from boaudit.history import store

    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    path = project.parent / "out" / "history.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run is writing
    try:
        result = run(project, "--as-of", "2026-04-02")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 75
    assert result.stderr.splitlines() == [
        f"boaudit: error: {path}: the history is busy: another boaudit run (or another program) "
        "holds it; nothing was recorded; try again when it has finished"
    ]
    with History(path) as history:
        assert [r.as_of for r in history.runs()] == ["2026-04-01"]


def test_a_fresh_history_locked_exclusively_is_busy_not_foreign(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from boaudit.history import store

    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    path = project.parent / "out" / "history.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE held (x)")
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = run(project, "--as-of", "2026-04-01")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 75
    assert "the history is busy" in result.stderr
    assert "not a boaudit history" not in result.stderr


def test_a_stored_report_nested_too_deeply_is_78_naming_the_history(project: Path) -> None:
    import gzip
    import sqlite3

    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    path = project.parent / "out" / "history.sqlite"
    deep = gzip.compress(("[" * 200_000 + "]" * 200_000).encode())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE runs SET report = ?", (deep,))
    result = run(project, "--as-of", "2026-04-02")
    assert result.exit_code == 78
    assert result.stderr.splitlines() == [
        f"boaudit: error: {path}: the stored report of run 1 cannot be read (nested too deeply "
        "(tables, arrays or objects inside one another thousands of times)); this is not a "
        "history boaudit wrote, or it is damaged: point 'history' elsewhere"
    ]


DEEP_TOML = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"


def test_a_configuration_nested_too_deeply_is_78_naming_the_file(project: Path) -> None:
    project.write_text(DEEP_TOML)
    result = run(project)
    assert result.exit_code == 78
    assert result.stderr.splitlines() == [
        f"boaudit: error: {project}: not valid TOML: nested too deeply (tables, arrays or "
        "objects inside one another thousands of times)"
    ]


def test_an_sla_map_nested_too_deeply_is_78_naming_the_file(tmp_path: Path) -> None:
    sla = tmp_path / "sla.toml"
    sla.write_text(DEEP_TOML)
    invoices = tmp_path / "invoices.csv"
    write_invoices(invoices)
    result = runner.invoke(app, ["metrics", "invoices", str(invoices), "--sla-map", str(sla)])
    assert result.exit_code == 78
    assert result.stderr.splitlines() == [
        f"boaudit: error: {sla}: not valid TOML: nested too deeply (tables, arrays or objects "
        "inside one another thousands of times)"
    ]


def test_a_misspelt_threshold_metric_is_78_at_load_with_the_closest_name(project: Path) -> None:
    project.write_text(
        project.read_text().replace("{extra}", "") + threshold("invoices.eror_rate", max=0.05)
    )
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 78
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"boaudit: error: {project}: thresholds[0]: metric 'invoices.eror_rate': invoices has no "
        "metric 'eror_rate'; did you mean 'invoices.error_rate'? the invoices metrics are count, "
    )
    assert not (project.parent / "out" / "history.sqlite").exists()
