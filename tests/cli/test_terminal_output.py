"""What reaches a terminal or a pipe: data shown, never obeyed; plain tables in pipes; one-line
usage errors; help in the words a user types; a closed or full stdout handled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app

REPO = Path(__file__).resolve().parents[2]
SAMPLE_INVOICES = REPO / "sample_data" / "exports" / "invoices.csv"
runner = CliRunner()
BOX = set("─━│┃┏┓┗┛╭╮╰╯┡┩╇┳┻")

HOSTILE_VENDOR = "\x1b[2J\x1b]0;owned\x07Evil\x1b[31m\u202eCorp"
SHOWN_VENDOR = "\\x1b[2J\\x1b]0;owned\\x07Evil\\x1b[31m\\u202eCorp"


def boaudit(
    *args: str, stdout: int | object = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    """``python -m boaudit ARGS`` in a new process, with real pipes (or ``stdout``)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, "-m", "boaudit", *args],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
        check=False,
        timeout=120,
    )


@pytest.fixture
def hostile_invoices(tmp_path: Path) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice Number,Vendor,Invoice Date,Paid,Due Date,Amount\n"
        f"I1,{HOSTILE_VENDOR},2026-01-01,2026-01-05,2026-01-10,10.00\n"
        "I2,Good Supplies,2026-01-02,2026-01-09,2026-01-10,12.00\n",
        encoding="utf-8",
    )
    return path


# --- control characters from the data ------------------------------------------------------


def test_metrics_by_vendor_shows_escape_sequences_escaped(hostile_invoices: Path) -> None:
    result = runner.invoke(app, ["metrics", "invoices", str(hostile_invoices), "--by", "vendor"])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\u202e" not in result.stdout
    row = next(line for line in result.stdout.splitlines() if "Evil" in line)
    assert row.startswith(SHOWN_VENDOR + "  ")


def test_report_table_shows_escape_sequences_escaped(hostile_invoices: Path) -> None:
    title = "Audit \x1b[5mblink\x1b[0m"
    result = runner.invoke(
        app, ["report", "--invoices", str(hostile_invoices), "--by", "vendor", "--title", title]
    )
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert result.stdout.splitlines()[0] == "Audit \\x1b[5mblink\\x1b[0m"


def test_error_lines_show_control_characters_escaped(tmp_path: Path) -> None:
    missing = tmp_path / "no\x1b[2Jsuch.csv"
    result = runner.invoke(app, ["metrics", "invoices", str(missing)])
    assert result.exit_code == 66
    assert "\x1b" not in result.stderr
    assert "no\\x1b[2Jsuch.csv" in result.stderr


# --- tables without a terminal ------------------------------------------------------------------


def test_piped_tables_are_plain_aligned_text_cut_at_no_width() -> None:
    done = boaudit("metrics", "invoices", str(SAMPLE_INVOICES))
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert not set(text) & BOX
    # A benchmark position longer than 80 columns stands whole on its metric's line.
    line = next(line for line in text.splitlines() if line.startswith("on_time_payment_rate "))
    assert len(line) > 80
    assert line.endswith("85.2% is worse than the APQC median (88.0%)")
    assert all(line == line.rstrip() for line in text.splitlines())
    listed = boaudit("questionnaires", "list").stdout.decode()
    assert not set(listed) & BOX
    assert (
        "All five practitioner articles behind the bundled questionnaires, on boaudit's shared taxonomy"
        in listed
    )


# --- usage errors and help --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["metrics", "invoices", "x.csv", "--format", "yaml"],
            "boaudit: error: '--format': 'yaml' is not one of 'table', 'json', 'csv'; "
            "see 'boaudit metrics --help'",
        ),
        (
            ["metrics", "invoices", "x.csv", "--max-rows", "many"],
            "boaudit: error: '--max-rows': give a whole number; see 'boaudit metrics --help'",
        ),
        (
            ["report", "--hourly-rate", "lots"],
            "boaudit: error: '--hourly-rate': give a number; see 'boaudit report --help'",
        ),
        (
            ["metrics", "invoices"],
            "boaudit: error: Missing argument 'FILE...'; see 'boaudit metrics --help'",
        ),
        (
            ["questionnaires", "show", "full", "--nope"],
            "boaudit: error: No such option: --nope; see 'boaudit questionnaires show --help'",
        ),
        (
            ["assess", "answers.csv", "--by-role", "true"],
            "boaudit: error: 'true' is not a file: --by-role is a flag and takes no value; "
            "give it alone (--by-role, not --by-role true)",
        ),
        (
            ["report", "--by-role", "true"],
            "boaudit: error: Got unexpected extra argument(s) (true); a flag (--by-role, "
            "--verbose, --review, ...) takes no value: give it alone; see 'boaudit report --help'",
        ),
    ],
)
def test_usage_errors_are_one_line_naming_the_option(args: list[str], line: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


def _commands() -> list[list[str]]:
    out = [[c.name or ""] for c in app.registered_commands]
    for group in app.registered_groups:
        out.extend(
            [group.name or "", c.name or ""] for c in group.typer_instance.registered_commands
        )
    return out


@pytest.mark.parametrize("args", _commands(), ids=" ".join)
def test_help_shows_the_values_a_user_types_not_python_types(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for python in ("<bool>", "<str>", "<int>", "<float>", "<path>", "<Path>", "list[", "}..."):
        assert python not in result.stdout, (python, result.stdout)


def test_help_names_files_dates_and_columns_and_shows_nothing_after_a_flag() -> None:
    result = runner.invoke(app, ["metrics", "--help"], env={"COLUMNS": "200"})
    lines = result.stdout.splitlines()

    def row(option: str) -> str:
        return next(line for line in lines if line.lstrip("│ ").startswith(f"{option} "))

    assert row("--by").split()[2] == "COLUMN"
    assert row("--as-of").split()[2] == "DATE"
    assert row("--sla-map").split()[2] == "FILE"
    assert row("--sla").split()[2] == "DURATION"
    # Flags: the two spellings, then straight to the help; no value after them.
    assert row("--dayfirst").split()[2:5] == ["--monthfirst", "Read", "01/02/2025"]


# --- a closed or full stdout ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_closed_pipe_ends_quietly_with_141(fmt: str) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "boaudit", "metrics", "invoices", str(SAMPLE_INVOICES), "-f", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader leaves before a byte is written, as `| true` does
    code = proc.wait(120)
    assert (code, proc.stderr.read()) == (141, b"")


def test_a_closed_pipe_ends_the_report_table_quietly_with_141() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "boaudit", "report", "--invoices", str(SAMPLE_INVOICES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    assert (proc.wait(120), proc.stderr.read()) == (141, b"")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_full_device_is_exit_73_with_one_line(fmt: str) -> None:
    with open("/dev/full", "wb") as full:
        done = boaudit("metrics", "invoices", str(SAMPLE_INVOICES), "-f", fmt, stdout=full)
    assert done.returncode == 73
    assert done.stderr.decode().splitlines() == [
        "boaudit: error: standard output: cannot write: No space left on device; free space "
        "or write to a file with -o"
    ]


# --- options checked first, folders made ------------------------------------------------------


def test_a_bad_as_of_stops_metrics_before_the_quarantine_file_is_written(tmp_path: Path) -> None:
    quarantine = tmp_path / "bad.csv"
    result = runner.invoke(
        app,
        [
            *("metrics", "invoices", str(SAMPLE_INVOICES), "--as-of", "../../x"),
            *("--quarantine", str(quarantine)),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "boaudit: error: --as-of '../../x': write an ISO date such as 2025-06-30"
    ]
    assert not quarantine.exists()


def test_an_output_in_a_missing_folder_is_written_there(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "2026" / "by-role.md"
    answers = sorted(map(str, (REPO / "sample_data" / "answers").iterdir()))
    result = runner.invoke(
        app, ["assess", *answers, "--by-role", "--format", "markdown", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("# Assessment: ")


DEEP_TOML = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"


@pytest.mark.parametrize(
    "args",
    [
        ["metrics", "invoices", str(SAMPLE_INVOICES), "--benchmarks", "{deep}"],
        ["metrics", "invoices", str(SAMPLE_INVOICES), "--map", "{deep}"],
        ["questionnaires", "validate", "{deep}"],
    ],
    ids=["benchmarks", "map", "questionnaire"],
)
def test_toml_nested_too_deeply_is_78_naming_the_file(tmp_path: Path, args: list[str]) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text(DEEP_TOML)
    result = runner.invoke(app, [a.replace("{deep}", str(deep)) for a in args])
    assert result.exit_code == 78
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"boaudit: error: {deep}: not valid TOML: nested too deeply")
