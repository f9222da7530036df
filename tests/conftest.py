"""Shared fixtures: paths to small named sample files and answer-file factories."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import pytest
from metrics_frames import invoices_frame, tasks_frame

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
REPO = TESTS.parent
REALDATA = REPO.parent / "shared" / "realdata"
MINI = DATA / "questionnaires" / "mini.toml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden/ from the current output",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite it with --update-golden."""

    def check(name: str, text: str) -> None:
        path = TESTS / "golden" / name
        if request.config.getoption("--update-golden"):
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")

    return check


@pytest.fixture
def mini_path() -> Path:
    """A small questionnaire with hand-checkable weights (processes, metrics, security)."""
    return MINI


AnswerRow = tuple[str, str, str] | tuple[str, str, str, str]


@pytest.fixture
def write_answers(tmp_path: Path) -> Callable[..., Path]:
    """Write a long-format answer CSV from (respondent, question_id, answer[, comment]) rows."""

    def write(rows: Iterable[AnswerRow], name: str = "answers.csv") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["respondent", "question_id", "answer", "comment"])
            for row in rows:
                writer.writerow([*row, ""][:4])
        return path

    return write


def realdata(name: str) -> Path:
    """A file in ../shared/realdata, or skip the test with the reason."""
    path = REALDATA / name
    if not path.exists():
        pytest.skip(f"real data not available: {path} (the shared/ folder is absent)")
    return path


@pytest.fixture
def tasks() -> pd.DataFrame:
    """Hand-made tasks (see :func:`metrics_frames.tasks_frame`)."""
    return tasks_frame()


@pytest.fixture
def invoices() -> pd.DataFrame:
    """Hand-made invoices (see :func:`metrics_frames.invoices_frame`)."""
    return invoices_frame()
