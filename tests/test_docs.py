"""The README's promises: its quick-start command runs, every command has help."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## Commands", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, re.S)


def test_quick_start_main_job_runs_as_written(tmp_path: Path, monkeypatch) -> None:
    main_job = quick_start_commands()[0]
    assert main_job.startswith("python3 -m venv .venv && .venv/bin/pip install")
    boaudit = main_job.split("&& .venv/bin/boaudit ", 1)[1]
    args = shlex.split(boaudit)
    assert args[0] == "report" and "-o" in args
    args[args.index("-o") + 1] = str(tmp_path / "report.html")
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "report.html").read_text()
    assert "Sample distributor: back-office audit" in html


def test_quick_start_test_command_is_what_ci_runs() -> None:
    test_command = quick_start_commands()[1]
    assert test_command.endswith(".venv/bin/python -m pytest")
    assert "-m pytest" in (REPO / ".ci" / "run").read_text()


def _commands() -> list[list[str]]:
    out: list[list[str]] = [[], *([c.name or ""] for c in app.registered_commands)]
    for group in app.registered_groups:
        out.append([group.name or ""])
        out.extend(
            [group.name or "", c.name or ""] for c in group.typer_instance.registered_commands
        )
    return out


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a) or "boaudit")
def test_every_command_has_help(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    assert len(result.stdout) > 200


def test_readme_documents_every_command() -> None:
    for args in _commands()[1:]:
        assert f"boaudit {' '.join(args)}" in README, args
