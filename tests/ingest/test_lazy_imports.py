"""``boaudit.ingest`` imports its names on first use: the light ones need no pandas.

Each check runs in a fresh interpreter: the test session itself has imported everything.
"""

from __future__ import annotations

import pytest
from fresh_imports import HEAVY, heavy_modules_after

import boaudit.ingest


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
