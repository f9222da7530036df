"""The shared option bundles reach every command that takes them, through the CLI.

``inspect``, ``metrics`` and ``report`` take the "Reading exports" options, ``metrics`` and
``report`` the "Metrics" ones, each declared once (:mod:`boaudit.cli.ingest_options`,
:mod:`boaudit.cli.metrics_options`). Each test gives the same option to every command: a bundle
that stopped reaching one of them fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from boaudit.cli import app
from boaudit.cli.bundles import OptionBundle
from boaudit.cli.ingest_options import INGEST_OPTIONS
from boaudit.cli.metrics_options import METRICS_OPTIONS

runner = CliRunner()

TASKS = """Ticket ID,Created,Resolved,Assigned To,Group,Priority,Within SLA,Reopens
T1,2025-01-01 00:00,2025-01-02 00:00,ann,A,High,Yes,0
T2,2025-01-01 00:00,2025-01-04 00:00,ann,A,Low,No,1
T3,2025-01-09 00:00,2025-01-11 12:00,bob,B,Low,Yes,0
T4,2025-01-10 00:00,,bob,B,High,,2
"""

# Each command reading one tasks export, as it is written on its command line.
READERS: dict[str, Callable[[Path], list[str]]] = {
    "inspect": lambda path: ["inspect", str(path), "--format", "json"],
    "metrics": lambda path: ["metrics", "tasks", str(path), "--format", "json"],
    "report": lambda path: ["report", "--tasks", str(path), "--format", "json"],
}
COMPUTERS = {name: READERS[name] for name in ("metrics", "report")}


@pytest.fixture
def tasks_csv(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.csv"
    path.write_text(TASKS, encoding="utf-8")
    return path


def invoke(args: list[str]) -> Result:
    return runner.invoke(app, args)


def metrics_document(command: str, result: Result) -> dict[str, Any]:
    """The tasks metrics of a ``--format json`` run of ``metrics`` or ``report``."""
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data if command == "metrics" else data["metrics"]["tasks"]  # type: ignore[no-any-return]


# --- Reading exports: inspect, metrics, report -----------------------------------------------


@pytest.mark.parametrize("command", READERS)
def test_max_rows_is_refused_the_same_way_by_every_reader(command: str, tasks_csv: Path) -> None:
    result = invoke([*READERS[command](tasks_csv), "--max-rows", "1"])
    assert result.exit_code == 65
    assert result.stderr == (
        f"boaudit: error: {tasks_csv}: more than 1 data rows (the limit); "
        "pass --max-rows N to raise it\n"
    )
    assert invoke([*READERS[command](tasks_csv), "--max-rows", "4"]).exit_code == 0


@pytest.mark.parametrize("command", READERS)
@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--delimiter", "ab"], "--delimiter 'ab': give one character, or 'tab'"),
        (["--decimal", ";"], "--decimal ';': give ',' or '.'"),
    ],
)
def test_reading_values_are_checked_by_every_reader(
    command: str, option: list[str], message: str, tasks_csv: Path
) -> None:
    result = invoke([*READERS[command](tasks_csv), *option])
    assert result.exit_code == 2
    assert result.stderr == f"boaudit: error: {message}\n"


@pytest.mark.parametrize("command", READERS)
def test_map_file_reaches_every_reader(command: str, tasks_csv: Path, tmp_path: Path) -> None:
    # The export's "Group" is its team; mapped to the assignee instead, the team is gone.
    mapping = tmp_path / "map.toml"
    mapping.write_text('assignee = "Group"\n', encoding="utf-8")
    result = invoke([*READERS[command](tasks_csv), "--map", str(mapping)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    columns = (
        data["mapping"] if command == "inspect" else metrics_document(command, result)["columns"]
    )
    assert columns["assignee"] == "Group"


@pytest.mark.parametrize("command", READERS)
def test_quarantine_file_is_written_by_every_reader(
    command: str, tasks_csv: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(TASKS + "T5,not a date,,ann,A,High,Yes,0\n", encoding="utf-8")
    quarantine = tmp_path / "quarantine.csv"
    result = invoke([*READERS[command](bad), "--quarantine", str(quarantine)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote 1 quarantined row(s): {quarantine}\n" in result.stderr
    assert quarantine.read_text(encoding="utf-8").splitlines()[0] == "source,sheet,row,reasons,raw"


# --- Metrics: metrics, report ----------------------------------------------------------------


@pytest.mark.parametrize("command", COMPUTERS)
def test_by_and_period_reach_metrics_and_report(command: str, tasks_csv: Path) -> None:
    args = [*COMPUTERS[command](tasks_csv), "--by", "team", "--period", "week"]
    document = metrics_document(command, invoke(args))
    assert sorted(document["groups"]["team"]) == ["A", "B"]
    assert [entry["period"] for entry in document["periods"]] == ["2025-W01", "2025-W02"]


def test_report_trends_by_month_unless_told(tasks_csv: Path) -> None:
    document = metrics_document("report", invoke(COMPUTERS["report"](tasks_csv)))
    assert [entry["period"] for entry in document["periods"]] == ["2025-01"]
    plain = metrics_document("metrics", invoke(COMPUTERS["metrics"](tasks_csv)))
    assert plain.get("periods") in (None, [])


@pytest.mark.parametrize("command", COMPUTERS)
def test_as_of_sla_and_hourly_rate_reach_metrics_and_report(command: str, tasks_csv: Path) -> None:
    args = [*COMPUTERS[command](tasks_csv), "--as-of", "2025-02-01", "--sla", "2d"]
    document = metrics_document(command, invoke(args))
    assert document["as_of"] == "2025-02-01T00:00:00Z"
    # Against 2 days: T1 (1 day) met, T2 (3 days) and T3 (2.5 days) not; T4 is open.
    assert document["metrics"]["sla_compliance"] == pytest.approx(1 / 3, abs=1e-6)


@pytest.mark.parametrize("command", COMPUTERS)
@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--hourly-rate", "0"], "--hourly-rate must be more than zero"),
        (["--sla", "2d", "--sla-map", "sla.toml"], "give --sla or --sla-map, not both"),
    ],
)
def test_metrics_values_are_checked_by_metrics_and_report(
    command: str, option: list[str], message: str, tasks_csv: Path
) -> None:
    result = invoke([*COMPUTERS[command](tasks_csv), *option])
    assert result.exit_code == 2
    assert result.stderr == f"boaudit: error: {message}\n"


# --- Help: each bundle's panel, in its order -------------------------------------------------


def panel_options(command: str, panel: str) -> list[str]:
    """The long options listed in ``panel`` of ``boaudit COMMAND --help``."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0
    block = result.stdout.split(f"─ {panel} ─", 1)[1].split("╰", 1)[0]
    return re.findall(r"^│ (--[a-z-]+)", block, flags=re.MULTILINE)


READING = [
    "--quarantine",
    "--encoding",
    "--delimiter",
    "--decimal",
    "--dayfirst",
    "--sheet",
    "--map",
    "--completion",
    "--max-rows",
    "--max-columns",
    "--max-cells",
    "--max-cell-chars",
    "--max-bytes",
]
METRICS = [
    "--by",
    "--period",
    "--sla",
    "--sla-map",
    "--hourly-rate",
    "--as-of",
    "--benchmarks",
    "--engine",
    "--test",
    "--no-tests",
    "--variants",
    "--expected",
    "--calendar",
]


@pytest.mark.parametrize("command", READERS)
def test_every_reader_lists_the_reading_options_in_one_order(command: str) -> None:
    assert panel_options(command, "Reading exports") == READING


def test_metrics_lists_as_of_in_its_place_and_report_first() -> None:
    assert panel_options("metrics", "Metrics") == METRICS
    # The report's --as-of also dates the report: it leads its panel.
    assert panel_options("report", "Metrics") == [
        "--as-of",
        *(o for o in METRICS if o != "--as-of"),
    ]


# --- The bundle itself -----------------------------------------------------------------------


@pytest.mark.parametrize("bundle", [INGEST_OPTIONS, METRICS_OPTIONS])
def test_a_command_must_take_what_the_bundle_gives(bundle: OptionBundle) -> None:
    def command(sources: list[str]) -> None:
        """Takes nothing the bundle gives."""

    with pytest.raises(TypeError, match="does not take"):
        bundle(command)


def test_ordered_takes_every_option_once() -> None:
    with pytest.raises(ValueError, match="give every option once"):
        METRICS_OPTIONS.ordered("as_of", "by")
    names = [p.name for p in METRICS_OPTIONS.options]
    assert [p.name for p in METRICS_OPTIONS.ordered(*reversed(names)).options] == names[::-1]
