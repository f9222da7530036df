"""Atomic writes, strict JSON, spreadsheet-safe cells and the CLI's error boundary."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit import __version__
from boaudit.cli import app
from boaudit.cli import assess as assess_cmd
from boaudit.errors import OutputError
from boaudit.fileio import atomic_write, csv_text, dumps_json, neutralise_cell, restore_cell


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_atomic_write_failure_keeps_the_previous_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        atomic_write(target, "half a report")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_atomic_write_makes_a_missing_folder(tmp_path: Path) -> None:
    atomic_write(tmp_path / "new" / "deeper" / "x.txt", b"x")
    assert (tmp_path / "new" / "deeper" / "x.txt").read_bytes() == b"x"


def test_atomic_write_where_a_file_stands_for_the_folder(tmp_path: Path) -> None:
    (tmp_path / "nope").write_text("a file")
    with pytest.raises(OutputError, match="a file of that name is in the way"):
        atomic_write(tmp_path / "nope" / "x.txt", b"x")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_final_write_leaves_no_temporary_file(
    tmp_path: Path, signum: int
) -> None:
    # The signal arrives while the whole report sits in the hidden temporary file.
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from boaudit.cli.common import clean_up_on_signals\n"
        "from boaudit import fileio\n"
        "clean_up_on_signals()\n"
        f"fileio.os.fsync = lambda fd: os.kill(os.getpid(), {int(signum)})\n"
        "fileio.atomic_write(Path(sys.argv[1]) / 'report.html', 'x' * 1_000_000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, check=False
    )
    assert done.returncode in ({143} if signum == signal.SIGTERM else {1, -2, 130}), done.stderr
    assert list(tmp_path.iterdir()) == []


def test_dumps_json_is_strict() -> None:
    text = dumps_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": (1, None)})
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": [1, None]}
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-x", "'-x"),
        ("@SUM", "'@SUM"),
        ("\tA", "'\tA"),
        ("\rA", "'\rA"),
        (" =1+1", "' =1+1"),  # spreadsheets skip the leading space and run the formula
        ("  @SUM(A1)", "'  @SUM(A1)"),
        ("\x00=1+1", "'\x00=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\nA", "'\nA"),
        (" \t-2+3", "' \t-2+3"),
        ("ok", "ok"),
        ("  indented", "  indented"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected
    assert restore_cell(neutralise_cell(value)) == value


def test_csv_text_keeps_numbers_as_numbers() -> None:
    assert csv_text(["a", "b", "c"], [["=x", -5, None]]) == "a,b,c\n'=x,-5,\n"


def test_internal_error_exits_70_with_one_line(monkeypatch, tmp_path: Path) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(assess_cmd, "run_assessment", boom)
    result = CliRunner().invoke(app, ["assess", str(tmp_path / "a.csv")])
    assert result.exit_code == 70
    assert result.stderr.strip().splitlines() == [
        "boaudit: internal error: ZeroDivisionError: division by zero; "
        "rerun with --debug and report the traceback"
    ]


def test_python_dash_m_boaudit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "boaudit", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"boaudit {__version__}"
