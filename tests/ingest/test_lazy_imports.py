"""``boaudit.ingest`` imports its names on first use: the light ones need no pandas.

Each check runs in a fresh interpreter: the test session itself has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import boaudit.ingest

HEAVY = ("pandas", "numpy", "pyarrow")


def heavy_modules_after(code: str) -> list[str]:
    """Run ``code`` in a new interpreter; the heavy modules it left in ``sys.modules``."""
    script = (
        f"{code}\n"
        "import json, sys\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.__stderr__)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "code",
    [
        "import boaudit.ingest",
        "from boaudit.ingest import IngestOptions, Limits, DEFAULT_COMPLETION_PATTERNS",
        "from boaudit.ingest import KINDS, Kind, MissingColumnsError, read_map_file",
        "from boaudit.ingest import RowAccount, quarantine_csv, neutralise_cell",
        "from boaudit.ingest.options import IngestOptions",
    ],
)
def test_light_names_load_no_heavy_module(code: str) -> None:
    assert heavy_modules_after(code) == []


def test_the_check_sees_the_loader() -> None:
    assert heavy_modules_after("from boaudit.ingest import load") == list(HEAVY)


def test_every_listed_name_is_importable() -> None:
    for name in boaudit.ingest.__all__:
        assert getattr(boaudit.ingest, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = boaudit.ingest.nothing  # type: ignore[attr-defined]


def test_load_is_the_function_whatever_was_imported_first() -> None:
    # A submodule named like a lazy name would shadow it once imported (boaudit.ingest.load).
    code = (
        "from boaudit.ingest import LoadResult\n"
        "from boaudit.ingest import load\n"
        "assert callable(load) and load.__name__ == 'load', load\n"
    )
    assert heavy_modules_after(code) == list(HEAVY)
