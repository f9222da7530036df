"""The README's quick start runs on sample_data/, and the generator reproduces it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
runner = CliRunner()


def _generator():
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_start_assesses_the_sample_answers() -> None:
    files = sorted(str(p) for p in (SAMPLE / "answers").iterdir())
    assert len(files) == 3
    result = runner.invoke(app, ["assess", *files, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["questionnaire"]["id"] == "full"
    assert len(data["respondents"]) == 3
    assert data["overall"]["coverage"] == 1.0
    assert data["overall"]["agreement_alpha"] is not None
    # The sample is built to show disagreement between management and the front line.
    processes = data["pitfalls"][0]
    assert processes["id"] == "processes" and processes["disagreement_share"] > 0
    # The outsourcing manager left well-being as n/a: unanswered, not zero.
    wellbeing = next(p for p in data["pitfalls"] if p["id"] == "wellbeing")
    assert wellbeing["questions"][0]["answers"]["Outsourcing manager"] == "n/a"
    # Each interview's date, interviewer and length, from the CSV columns and the Roster sheet.
    assert data["interviews"] == {
        "Finance manager": {
            "dates": ["2026-10-28"],
            "interviewers": ["Lead auditor"],
            "duration_minutes": 55.0,
        },
        "AP team lead": {
            "dates": ["2026-10-29"],
            "interviewers": ["Lead auditor"],
            "duration_minutes": 40.0,
        },
        "Outsourcing manager": {
            "dates": ["2026-11-02"],
            "interviewers": ["Second auditor"],
            "duration_minutes": 65.0,
        },
    }


def test_generator_reproduces_the_committed_csv_files(tmp_path: Path) -> None:
    _generator().generate_answers(tmp_path)
    for name in ("finance-manager.csv", "ap-team-lead.csv"):
        assert (tmp_path / "answers" / name).read_bytes() == (
            SAMPLE / "answers" / name
        ).read_bytes()
