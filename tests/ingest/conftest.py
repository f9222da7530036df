"""Fixtures for the ingest tests: the hand-made files, workbook factories and the real data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"


@pytest.fixture
def data() -> Path:
    """The folder of small hand-made tricky files."""
    return DATA


@pytest.fixture
def realdata() -> Path:
    """The shared real exports; skips the test when the folder is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real data folder {REALDATA.resolve()} is absent")
    return REALDATA


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write a workbook: ``make_xlsx({"Sheet": [[...], ...]}, name=..., epoch1904=...)``."""

    def make(
        sheets: dict[str, list[list[Any]]],
        name: str = "book.xlsx",
        *,
        epoch1904: bool = False,
        hidden: tuple[str, ...] = (),
    ) -> Path:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        if epoch1904:
            workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
            if title in hidden:
                sheet.sheet_state = "hidden"
        path = tmp_path / name
        workbook.save(path)
        return path

    return make
