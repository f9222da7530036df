"""Progress of long reads: the core reports the bytes read through its callback, a terminal
shows a bar of them with the rate, and nothing is shown without a terminal."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.cli import progress as progress_module
from boaudit.cli.progress import LARGE_INPUT, TerminalProgress
from boaudit.ingest import load
from boaudit.ingest.options import IngestOptions

runner = CliRunner()
MB = 1024 * 1024


@pytest.fixture(scope="module")
def large_invoices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An invoice export of about 6 MiB (no quotes: the streamed path)."""
    path = tmp_path_factory.mktemp("large") / "invoices.csv"
    row = "INV-{i:07d},Vendor {v},2026-01-{d:02d},2026-02-{d:02d},2026-02-10,{a}.25,No\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Invoice Number,Vendor,Invoice Date,Paid,Due Date,Amount,Exception\n")
        i = 0
        while handle.tell() < 6 * MB:
            handle.write(row.format(i=i, v=i % 40, d=i % 28 + 1, a=100 + i % 900))
            i += 1
    return path


class Recorder:
    """An on_progress callback that follows bytes, as the terminal's does."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.bytes: list[tuple[str, int, int]] = []

    def __call__(self, message: str) -> None:
        self.messages.append(message)

    def read_bytes(self, source: str, done: int, total: int) -> None:
        self.bytes.append((source, done, total))


def test_the_core_reports_the_bytes_read_as_they_go(
    large_invoices: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boaudit.ingest.readers import csv as csv_reader

    # Checked 1 MiB at a time (16 MiB in use): a 6 MiB file reports several steps.
    monkeypatch.setattr(csv_reader, "_CHECK_BLOCK", 1 << 20)
    recorder = Recorder()
    result = load([str(large_invoices)], "invoices", IngestOptions(), on_progress=recorder)
    size = large_invoices.stat().st_size
    assert result.account.to_dict()["read"] > 50_000
    assert len(recorder.bytes) > 3  # a real progression, not one jump at the end
    assert {(source, total) for source, _, total in recorder.bytes} == {(str(large_invoices), size)}
    done = [d for _, d, _ in recorder.bytes]
    assert done == sorted(done) and done[-1] == size
    assert recorder.messages[0] == f"reading {large_invoices}"


def test_a_plain_callback_without_read_bytes_still_gets_the_messages(large_invoices: Path) -> None:
    messages: list[str] = []
    load([str(large_invoices)], "invoices", IngestOptions(), on_progress=messages.append)
    assert messages[0] == f"reading {large_invoices}"


def test_the_terminal_bar_shows_bytes_of_the_total_and_the_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([100.0, 102.0, 104.0])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, color_system=None)
    with TerminalProgress(console) as shown:
        shown("reading the invoices")
        shown.read_bytes("small.csv", 10, 100)  # under LARGE_INPUT: no bar
        shown.read_bytes("big.csv", 0, 8 * MB)
        shown.read_bytes("big.csv", 4 * MB, 8 * MB)
        shown.read_bytes("big.csv", 8 * MB, 8 * MB)
    text = buffer.getvalue()
    assert "small.csv" not in text
    assert "reading big.csv" in text
    assert "0.0/8.0 MB" in text
    assert "8.0/8.0 MB, 2.0 MB/s" in text  # 8 MB in the 4 s since the first byte
    assert LARGE_INPUT == 4 * MB


def test_a_large_read_on_a_terminal_draws_the_bar(large_invoices: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "boaudit",
            "metrics",
            "invoices",
            str(large_invoices),
            "-f",
            "json",
            "-o",
            os.devnull,
        ],
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "140"},
        encoding="utf-8",
        timeout=120,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert f"reading {large_invoices}" in child.before
    assert " MB" in child.before and "/6.0 MB" in child.before


def test_nothing_is_shown_without_a_terminal(large_invoices: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["metrics", "invoices", str(large_invoices), "-f", "json", "-o", str(tmp_path / "m")]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
