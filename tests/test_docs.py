"""The README's promises: its quick-start command runs, every command has help."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import boaudit
from boaudit.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SRC = Path(boaudit.__file__).resolve().parents[1]
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


def readme_command_lines() -> list[str]:
    """Every command line of the README's ``sh`` blocks after the quick start (the
    Development section's setup and tool lines aside: the quick start covers setting up)."""
    body = README.split("\n## Commands", 1)[1].split("\n## Development", 1)[0]
    return [
        line
        for block in re.findall(r"```sh\n(.+?)\n```", body, re.S)
        for line in block.splitlines()
        if line.strip()
    ]


def readme_questionnaire_example() -> str:
    section = README.split("## Writing your own questionnaire", 1)[1]
    match = re.search(r"```toml\n(.+?)\n```", section, re.S)
    assert match is not None
    return match.group(1) + "\n"


def _stages(line: str) -> list[list[str]]:
    """A shell line's pipeline: its commands, comments dropped, in order."""
    stages: list[list[str]] = [[]]
    for token in shlex.split(line, comments=True):
        if token == "|":
            stages.append([])
        else:
            stages[-1].append(token)
    return stages


def _interview(args: list[str], root: Path) -> tuple[int, str]:
    """Run an interview in a pseudo-terminal: answer the first question, then stop."""
    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "boaudit", *args],
        cwd=str(root),
        # The boaudit under test, wherever the working folder is.
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONPATH": str(SRC)},
        encoding="utf-8",
        timeout=30,
    )
    child.expect_exact("Answer [")
    child.sendline("3")
    child.expect_exact("How do they know? e seen evidence, t told, g guess (Enter: not given): ")
    child.sendline("t")
    child.expect_exact("Comment (Enter for none): ")
    child.sendline("")
    child.expect_exact("Answer [")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus or 0, child.before or ""


def _run_line(line: str, root: Path) -> tuple[int, str]:
    """Run one README line in ``root`` as a shell would: ``cat FILE |`` feeds stdin, globs
    expand, ``| jq FILTER`` reads the JSON printed; ``boaudit`` is the CLI itself."""
    stages = _stages(line)
    stdin: bytes | None = None
    if stages[0][0] == "cat":
        stdin = (root / stages[0][1]).read_bytes()
        stages = stages[1:]
    command = stages[0]
    assert command[0] == "boaudit", line
    args: list[str] = []
    for arg in command[1:]:
        args.extend(
            sorted(str(p.relative_to(root)) for p in root.glob(arg)) if "*" in arg else [arg]
        )
    if args[0] == "interview":
        return _interview(args, root)
    result = runner.invoke(app, args, input=stdin)
    if result.exit_code != 0:
        return result.exit_code, result.stderr + (str(result.exception or ""))
    for stage in stages[1:]:
        assert stage[0] == "jq", line
        if shutil.which("jq") is None:
            json.loads(result.stdout)
            continue
        done = subprocess.run(stage, input=result.stdout_bytes, capture_output=True, check=False)
        if done.returncode != 0:
            return done.returncode, done.stderr.decode()
    return 0, ""


def test_every_readme_command_runs_as_written_from_the_repository_root(
    tmp_path: Path, monkeypatch
) -> None:
    lines = readme_command_lines()
    assert len(lines) >= 12
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(REPO / "sample_data", root / "sample_data")
    # The README asks to save its questionnaire example under this name before using it.
    (root / "my-review.toml").write_text(readme_questionnaire_example(), encoding="utf-8")
    monkeypatch.chdir(root)
    failures = []
    for line in lines:
        # A line whose comment says "exit N" documents that exit status; the others exit 0.
        documented = re.search(r"#\s*exit (\d+)", line)
        expected = int(documented.group(1)) if documented else 0
        code, output = _run_line(line, root)
        if code != expected:
            failures.append(f"{line}\n  exit {code}, not {expected}: {output.strip()}")
    assert not failures, "\n".join(failures)
    written_files = (
        "interview-guide.md",
        "interviews.xlsx",
        "by-role.md",
        "ap.toml",
        "kpis.csv",
        "report.docx",
    )
    for written in (*written_files, "exceptions.xlsx"):
        assert (root / written).stat().st_size > 0, written
    assert (root / "interviews" / "ap-lead.csv").read_text(encoding="utf-8").count("\n") == 2
    assert (root / "trend.csv").read_text(encoding="utf-8").startswith("run,")


def test_the_readme_questionnaire_example_validates(tmp_path: Path) -> None:
    path = tmp_path / "my-review.toml"
    path.write_text(readme_questionnaire_example(), encoding="utf-8")
    result = runner.invoke(app, ["questionnaires", "validate", str(path)])
    assert result.exit_code == 0, result.stderr


def test_the_readme_names_no_file_that_the_repository_lacks() -> None:
    for name in re.findall(r"sample_data/[\w./-]+", README):
        if "*" not in name and "{" not in name:
            assert (REPO / name.rstrip(".")).exists(), name
