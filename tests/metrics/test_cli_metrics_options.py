"""Each option of ``boaudit metrics`` through the CLI, on the hand-checked exports of
:mod:`metrics_exports` (the expected figures are worked out there and beside each assert)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from metrics_exports import INVOICES, MORE_TASKS, TASKS, write
from typer.testing import CliRunner, Result

from boaudit.cli import app

runner = CliRunner()


@pytest.fixture
def tasks_csv(tmp_path: Path) -> Path:
    return write(tmp_path, "tasks.csv", TASKS)


@pytest.fixture
def invoices_csv(tmp_path: Path) -> Path:
    return write(tmp_path, "invoices.csv", INVOICES)


def run(*args: str | Path) -> Result:
    return runner.invoke(app, ["metrics", *(str(a) for a in args)])


def run_json(*args: str | Path) -> dict[str, Any]:
    """Run with ``--format json``; the run must succeed and say nothing on stderr."""
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- --by ------------------------------------------------------------------------------------


def test_by_one_column_gives_each_group_its_own_figures(tasks_csv: Path) -> None:
    groups = run_json("tasks", tasks_csv, "--by", "team")["groups"]
    assert list(groups) == ["team"]
    a, b = groups["team"]["A"], groups["team"]["B"]
    # A: T1 1 day, T2 3 days, T6 1 day; B: T3 2 days, T4 20 days, T5 open
    assert (a["count"], a["completed"], b["count"], b["completed"]) == (3, 3, 3, 2)
    assert a["cycle_time_days"] == {"mean": 1.666667, "median": 1.0, "p90": 2.6, "n": 3}
    assert b["cycle_time_days"] == {"mean": 11.0, "median": 11.0, "p90": 18.2, "n": 2}
    assert a["error_rate"] == pytest.approx(1 / 3, abs=1e-6)  # T2 of T1 T2 T6
    assert b["error_rate"] == 0.0  # T3 T4 known and false, T5 unknown
    assert (a["backlog"]["open"], b["backlog"]["open"]) == (0, 1)


@pytest.mark.parametrize("name", ["Assigned To", "assigned to", " ASSIGNED TO "])
def test_by_the_exports_own_header_means_its_column(tasks_csv: Path, name: str) -> None:
    # "Assigned To" is the export's header of the assignee column.
    data = run_json("tasks", tasks_csv, "--by", name)
    assert list(data["groups"]) == ["assignee"]
    assert {k: v["count"] for k, v in data["groups"]["assignee"].items()} == {
        "ann": 2,
        "bob": 2,
        "cy": 2,
    }


def test_by_several_columns_gives_one_block_each_in_the_order_given(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv, "--by", "provider", "--by", "team", "--by", "provider")
    assert list(data["groups"]) == ["provider", "team"]  # a repeated column counts once
    provider = data["groups"]["provider"]
    assert list(provider) == ["In-house", "Partner"]
    assert provider["In-house"]["count"] == 2 and provider["Partner"]["count"] == 4
    # Partner resolved T3 N, T4 N, T6 Y against its SLA
    assert provider["Partner"]["sla_compliance"] == pytest.approx(1 / 3, abs=1e-6)
    assert provider["In-house"]["sla_compliance"] == 1.0
    assert data["metrics"]["count"] == 6  # the overall block is unchanged by --by


def test_by_source_keeps_each_rows_file(tasks_csv: Path, tmp_path: Path) -> None:
    more = write(tmp_path, "more.csv", MORE_TASKS)
    data = run_json("tasks", tasks_csv, more, "--by", "source")
    by_file = data["groups"]["source"]
    assert {label: block["count"] for label, block in by_file.items()} == {
        str(tasks_csv): 6,
        str(more): 2,
    }
    # more.csv: U1 2 days, U2 10 days
    assert by_file[str(more)]["cycle_time_days"]["mean"] == 6.0
    assert by_file[str(tasks_csv)]["cycle_time_days"]["mean"] == 5.4


def test_by_unknown_column_is_a_usage_error_listing_usable_columns(tasks_csv: Path) -> None:
    result = run("tasks", tasks_csv, "--by", "vendor", "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "boaudit: error: --by vendor: no such column with values; use one of: assignee, "
        "completed_at, created_at, error, handling_minutes, priority, provider, rework_count, "
        "sla_met, task_id, team, source\n"
    )


def test_by_a_column_without_any_value_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "Ticket ID,Created,Team\nT1,2025-01-01,\nT2,2025-01-02,\n")
    result = run("tasks", path, "--by", "team")
    assert result.exit_code == 2
    assert "--by team: no such column with values" in result.stderr
    assert "team," not in result.stderr.split("use one of:")[1]


# --- --period --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "labels", "counts", "completed"),
    [
        # arrivals by created month, completions by resolved month
        ("month", ["2025-01", "2025-02", "2025-03", "2025-04"], [4, 1, 0, 1], [3, 1, 0, 1]),
        ("quarter", ["2025-Q1", "2025-Q2"], [5, 1], [4, 1]),
    ],
)
def test_period_labels_and_counts(
    tasks_csv: Path, period: str, labels: list[str], counts: list[int], completed: list[int]
) -> None:
    periods = run_json("tasks", tasks_csv, "--period", period)["periods"]
    assert [p["period"] for p in periods] == labels
    assert [p["count"] for p in periods] == counts
    assert [p["completed"] for p in periods] == completed


def test_period_week_uses_iso_weeks_and_keeps_empty_weeks(tasks_csv: Path) -> None:
    periods = run_json("tasks", tasks_csv, "--period", "week")["periods"]
    # 2025-01-06 is the Monday of ISO week 2; 2025-04-02 falls in week 14
    assert [p["period"] for p in periods] == [f"2025-W{n:02d}" for n in range(2, 15)]
    assert periods[0]["start"] == "2025-01-06T00:00:00Z"
    assert periods[0]["end"] == "2025-01-13T00:00:00Z"
    counts = {p["period"]: p["count"] for p in periods if p["count"]}
    done = {p["period"]: p["completed"] for p in periods if p["completed"]}
    assert counts == {"2025-W02": 2, "2025-W03": 2, "2025-W07": 1, "2025-W14": 1}
    assert done == {"2025-W02": 2, "2025-W03": 1, "2025-W06": 1, "2025-W14": 1}
    assert periods[2]["cycle_time_days"] is None  # week 4: nothing resolved


def test_period_day_spans_every_calendar_day(tasks_csv: Path) -> None:
    periods = run_json("tasks", tasks_csv, "--period", "day")["periods"]
    # 2025-01-06 .. 2025-04-02: 26 + 28 + 31 + 2 days
    assert len(periods) == 87
    assert (periods[0]["period"], periods[-1]["period"]) == ("2025-01-06", "2025-04-02")
    assert (periods[0]["count"], periods[1]["count"], periods[1]["completed"]) == (2, 0, 1)


def test_period_month_open_at_end_and_throughput(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv, "--period", "month")
    # started minus finished by each month's end: 4 - 3, 5 - 4, 5 - 4, 6 - 5
    assert [p["open_at_end"] for p in data["periods"]] == [1, 1, 1, 1]
    # resolved per month 3, 1, 0, 1
    assert data["metrics"]["throughput"] == {
        "per": "month",
        "mean": 1.25,
        "median": 1.0,
        "max": 3,
        "periods": 4,
    }


def test_period_stops_at_as_of(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv, "--period", "month", "--as-of", "2025-02-15")
    assert [p["period"] for p in data["periods"]] == ["2025-01", "2025-02"]


# --- --sla and --sla-map ---------------------------------------------------------------------


def test_without_sla_the_exports_sla_met_is_used(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv)
    assert data["metrics"]["sla_compliance"] == 0.6  # Y Y N N Y over resolved tickets
    assert data["basis"]["sla_compliance"] == "the export's sla_met column, over completed items"


@pytest.mark.parametrize("target", ["3d", "72h", "3 days"])
def test_sla_target_wins_over_the_exports_sla_met(tasks_csv: Path, target: str) -> None:
    data = run_json("tasks", tasks_csv, "--sla", target)
    # cycle times 1, 3, 2, 20, 1 within 3 days: 4 of 5 (the export's own column says 0.6)
    assert data["metrics"]["sla_compliance"] == 0.8
    assert data["basis"]["sla_compliance"] == (
        f"cycle time within {target} (3 calendar days), over completed items"
    )
    assert data["notes"] == ["sla_compliance: --sla given, so the export's sla_met is not used"]


def test_sla_note_goes_to_stderr_beside_the_table(tasks_csv: Path) -> None:
    result = run("tasks", tasks_csv, "--sla", "3d")
    assert result.exit_code == 0, result.stderr
    line = "note: sla_compliance: --sla given, so the export's sla_met is not used"
    assert line in result.stderr.splitlines()
    assert "note:" not in result.stdout  # stdout holds the tables only


def test_sla_map_per_priority(tasks_csv: Path, tmp_path: Path) -> None:
    sla_map = write(tmp_path, "sla.toml", '[sla]\nHIGH = "12h"\nlow = "3d"\n')
    data = run_json("tasks", tasks_csv, "--sla-map", sla_map)
    # T1 High 1 > 0.5, T3 High 2 > 0.5, T2 Low 3 <= 3, T4 Low 20 > 3, T6 Low 1 <= 3
    assert data["metrics"]["sla_compliance"] == 0.4
    assert data["basis"]["sla_compliance"] == (
        "cycle time within the target for its priority (sla.toml); "
        "completed items with a priority in the map"
    )


def test_sla_map_without_an_entry_for_a_priority(tasks_csv: Path, tmp_path: Path) -> None:
    sla_map = write(tmp_path, "sla.csv", "priority,target\nHigh,2d\n")
    result = run("tasks", tasks_csv, "--sla-map", sla_map, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["metrics"]["sla_compliance"] == 1.0  # T1 1 and T3 2 days; Low left out
    assert data["notes"] == [
        "sla_compliance: 3 completed item(s) have a priority the SLA map does not list "
        "(add a '*' entry for a default); they are left out"
    ]


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("sla.toml", "High = [1, 2]\n", 78, 'High: write a duration such as "4h" or "2d"'),
        ("sla.toml", "High = \n", 78, "not valid TOML"),
        ("sla.csv", "level,hours\nHigh,4h\n", 78, "the header must be priority,target"),
        ("sla.toml", "", 78, "no SLA targets in the file"),
    ],
)
def test_bad_sla_map_exits_78_naming_the_file(
    tasks_csv: Path, tmp_path: Path, name: str, content: str, code: int, message: str
) -> None:
    sla_map = write(tmp_path, name, content)
    result = run("tasks", tasks_csv, "--sla-map", sla_map, "-f", "json")
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith(f"boaudit: error: {sla_map}: ")
    assert message in result.stderr


def test_absent_sla_map_exits_66(tasks_csv: Path, tmp_path: Path) -> None:
    result = run("tasks", tasks_csv, "--sla-map", tmp_path / "none.toml")
    assert result.exit_code == 66
    assert "none.toml: cannot read" in result.stderr


# --- --hourly-rate ---------------------------------------------------------------------------


def test_hourly_rate_prices_handling_minutes(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv, "--hourly-rate", "40", "--by", "team")
    assert data["metrics"]["cost_per_transaction"] == 44.0  # 220 over 5 tickets with minutes
    assert data["basis"]["cost_per_transaction"] == (
        "handling_minutes / 60 x hourly rate 40, over items with handling minutes"
    )
    team = data["groups"]["team"]
    assert team["A"]["cost_per_transaction"] == pytest.approx(80 / 3, abs=1e-6)  # 20 40 20
    assert team["B"]["cost_per_transaction"] == 70.0  # 60 80; T5 has no minutes


def test_without_hourly_rate_the_cost_is_null_with_what_to_do(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv)
    assert data["metrics"]["cost_per_transaction"] is None
    assert data["null_reasons"]["cost_per_transaction"] == (
        "no cost column; handling_minutes is there: pass --hourly-rate to price it"
    )


@pytest.mark.parametrize("rate", ["-5", "0"])
def test_hourly_rate_must_be_positive(tasks_csv: Path, rate: str) -> None:
    result = run("tasks", tasks_csv, "--hourly-rate", rate)
    assert result.exit_code == 2
    assert result.stderr == "boaudit: error: --hourly-rate must be more than zero\n"


# --- --as-of ---------------------------------------------------------------------------------


def test_as_of_defaults_to_the_latest_timestamp(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv)
    assert data["as_of"] == "2025-04-02T00:00:00Z"
    assert data["basis"]["as_of"] == "the latest timestamp in the data (completed_at)"
    backlog = data["metrics"]["backlog"]
    assert backlog["buckets"] == {"0-7": 0, "8-30": 0, "31-90": 1, ">90": 0}  # T5, 51 days
    assert backlog["age_days"]["max"] == 51.0


def test_as_of_sets_the_backlog_date(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv, "--as-of", "2025-02-01")
    assert data["as_of"] == "2025-02-01T00:00:00Z"
    assert data["basis"]["as_of"] == "given with --as-of"
    # only T4 is open then (created 01-14, resolved 02-03), 18 days old; T5, T6 not started
    backlog = data["metrics"]["backlog"]
    assert backlog["open"] == 1
    assert backlog["buckets"] == {"0-7": 0, "8-30": 1, "31-90": 0, ">90": 0}
    assert backlog["age_days"]["mean"] == 18.0


def test_as_of_with_an_offset_is_converted_to_utc(tasks_csv: Path) -> None:
    data = run_json("tasks", tasks_csv, "--as-of", "2025-02-01T01:30:00+02:00")
    assert data["as_of"] == "2025-01-31T23:30:00Z"


@pytest.mark.parametrize("bad", ["not-a-date", "2025-13-45"])
def test_bad_as_of_is_a_usage_error(tasks_csv: Path, bad: str) -> None:
    result = run("tasks", tasks_csv, "--as-of", bad, "-f", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"boaudit: error: --as-of {bad!r}: write an ISO date such as 2025-06-30\n"
    )


# --- --benchmarks ----------------------------------------------------------------------------

ENTRY = """
[[benchmark]]
id = "{id}"
kpi = "Internal target"
metric = "{metric}"
kinds = ["{kind}"]
definition = "What the board set as the target for the year"
unit = "{unit}"
direction = "{direction}"
p50 = {p50}
year = 2026
source = "Board minutes"
publisher = "Board"
source_url = "https://example.org/minutes"
confidence = "high"
"""


def test_benchmarks_file_adds_an_entry(tasks_csv: Path, tmp_path: Path) -> None:
    extra = write(
        tmp_path,
        "mine.toml",
        ENTRY.format(
            id="board-sla",
            metric="sla_compliance",
            kind="tasks",
            unit="share",
            direction="higher",
            p50=0.9,
        ),
    )
    assert run_json("tasks", tasks_csv)["benchmarks"] == []  # nothing bundled for tasks
    (comparison,) = run_json("tasks", tasks_csv, "--benchmarks", extra)["benchmarks"]
    assert comparison["benchmark"] == "board-sla"
    assert comparison["value"] == 0.6
    assert comparison["standing"] == "worse-than-worst"
    assert comparison["position"] == "60.0% is worse than the Board median (90.0%)"


def test_benchmarks_file_replaces_an_entry_with_the_same_id(
    invoices_csv: Path, tmp_path: Path
) -> None:
    extra = write(
        tmp_path,
        "mine.toml",
        ENTRY.format(
            id="apqc-ap-cost-per-invoice",
            metric="cost_per_transaction",
            kind="invoices",
            unit="USD per invoice",
            direction="lower",
            p50=7.5,
        ),
    )
    bundled = run_json("invoices", invoices_csv, "--hourly-rate", "40")["benchmarks"]
    mine = run_json("invoices", invoices_csv, "--hourly-rate", "40", "--benchmarks", extra)
    assert [c["benchmark"] for c in mine["benchmarks"]] == [c["benchmark"] for c in bundled]
    replaced = mine["benchmarks"][0]
    assert replaced["benchmark"] == "apqc-ap-cost-per-invoice"
    assert replaced["references"] == {"p50": 7.5}
    assert replaced["position"] == "8.00 is worse than the Board median (7.50)"
    assert bundled[0]["position"] == (
        "8.00 is between the APQC median (5.83) and the APQC bottom quartile (10.00)"
    )


def test_invalid_benchmarks_file_exits_78(tasks_csv: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.toml", '[[benchmark]]\nid = "Not A Slug"\n')
    result = run("tasks", tasks_csv, "--benchmarks", bad)
    assert result.exit_code == 78
    assert result.stdout == ""
    assert result.stderr.startswith(f"boaudit: error: {bad}: benchmark.0.")
