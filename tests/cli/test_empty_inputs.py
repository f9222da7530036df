"""An empty file, empty stdin or a header without rows: one line, exit 65, never exit 0 with
every metric null."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", [["metrics", "tasks"], ["inspect"]])
def test_empty_and_header_only_inputs_exit_65(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header.csv"
    header.write_text("Ticket ID,Created,Resolved\n", encoding="utf-8")
    cases = [
        ([str(empty)], None, f"{empty}: the file is empty"),
        (["-"], "", "stdin: the input is empty"),
        ([str(header)], None, f"{header}: the file has a header but no rows"),
        (["-"], "Ticket ID,Created\n", "stdin: the input has a header but no rows"),
    ]
    for paths, stdin, start in cases:
        result = runner.invoke(app, [*command, *paths], input=stdin)
        assert result.exit_code == 65, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith(f"boaudit: error: {start}; ")
        assert result.stderr.count("\n") == 1
