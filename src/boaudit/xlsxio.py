"""Writing XLSX cells safely: user text stays text and can never become a formula."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from boaudit.fileio import FORMULA_PREFIXES


def write_cell(cell: Cell, value: Any) -> None:
    """Write ``value``: numbers and booleans as they are, anything else as text.

    Text is stored as a string cell (never a formula), and text that starts like a formula
    (``= + - @``, tab, carriage return) also gets Excel's quote prefix, so editing the cell
    later cannot turn it into one either.
    """
    if value is None or isinstance(value, bool | int | float):
        cell.value = value
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def cell_at(sheet: Worksheet, row: int, column: int) -> Cell:
    """The cell at ``row``, ``column`` of a sheet boaudit writes (it never merges cells)."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    return cell
