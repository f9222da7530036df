"""Start-up cost of the CLI: importing it, or running ``metrics``, loads no heavy package.

Each check runs in a fresh interpreter: the test session itself has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fresh_imports
import pytest
from typer.testing import CliRunner

from boaudit import __version__
from boaudit.cli import app

HEAVY = (
    "boaudit.questionnaire",
    "boaudit.report.build",
    "boaudit.audit.pipeline",
    "boaudit.audit.config",
    "boaudit.findings.prioritise",
    "boaudit.history",
    "krippendorff",
    "sqlite3",
    "jinja2",
    "matplotlib",
    "openpyxl",
)

TASKS = """Ticket ID,Created,Resolved,Assigned To,Group,Priority,Within SLA,Reopens
T1,2025-01-01 00:00,2025-01-02 00:00,ann,A,High,Yes,0
T2,2025-01-01 00:00,2025-01-04 00:00,ann,A,Low,No,1
T3,2025-01-02 00:00,2025-01-04 12:00,bob,B,Low,Yes,0
T4,2025-01-03 00:00,,bob,B,High,,2
"""


def heavy_modules_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` modules (default: the CLI's heavy ones) that ``code`` leaves loaded."""
    return fresh_imports.heavy_modules_after(code, heavy)


def run_cli(*args: str) -> str:
    """Python code running ``boaudit ARGS`` the way the console script does, exit 0 expected."""
    return (
        "import sys\n"
        "from boaudit.cli import main\n"
        f"sys.argv = ['boaudit', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
    )


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert heavy_modules_after("import boaudit.cli") == []


def test_metrics_help_loads_no_heavy_module() -> None:
    assert heavy_modules_after(run_cli("metrics", "--help")) == []


def test_metrics_run_loads_no_heavy_module(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.csv"
    tasks.write_text(TASKS, encoding="utf-8")
    out = tmp_path / "metrics.json"
    assert (
        heavy_modules_after(run_cli("metrics", "tasks", str(tasks), "-f", "json", "-o", str(out)))
        == []
    )
    assert json.loads(out.read_text(encoding="utf-8"))["kind"] == "tasks"


DATAFRAMES = ("pandas", "numpy", "pyarrow")


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["inspect", "--help"], ["report", "--help"]]
)
def test_help_and_version_need_no_dataframe_package(args: list[str]) -> None:
    assert heavy_modules_after(run_cli(*args), DATAFRAMES) == []


def test_version_is_answered_before_the_commands_are_built() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "boaudit", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout == f"boaudit {__version__}\n" and done.stderr == ""
    assert heavy_modules_after(run_cli("--version"), ("typer", "rich", "boaudit.cli.app")) == []


def test_the_check_sees_a_heavy_import() -> None:
    assert heavy_modules_after("from boaudit.report import ReportOptions") != []


def test_report_is_listed_in_place_and_has_its_options() -> None:
    # ``report`` builds its options from light modules of boaudit.report: check it is still
    # a full command, listed where it always was.
    runner = CliRunner()
    root = runner.invoke(app, ["--help"])
    assert root.exit_code == 0
    listed = [
        line.split()[1]
        for line in root.stdout.splitlines()
        if line.startswith("│ ") and len(line.split()) > 1 and line.split()[1].isalpha()
    ]
    commands = ["template", "assess", "interview", "inspect", "metrics", "report", "run"]
    assert [name for name in listed if name in {*commands, "history", "questionnaires"}] == [
        *commands,
        "history",
        "questionnaires",
    ]
    report = runner.invoke(app, ["report", "--help"])
    assert report.exit_code == 0
    assert "Build the prioritised fix report" in report.stdout
    assert "--format" in report.stdout and "--effort" in report.stdout
    wrong = runner.invoke(app, ["report", "--format", "pdf"])
    assert wrong.exit_code == 2
    assert "'pdf' is not one of" in wrong.stderr
    typo = runner.invoke(app, ["reprt"])
    assert typo.exit_code == 2
    assert "Did you mean 'report'?" in typo.stderr
