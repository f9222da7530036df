"""Writing XLSX cells safely: user text stays text and can never become a formula.

A workbook is XML 1.0, which has no way to hold most control characters (``\x0b``, ``\x16``,
...): they are removed from every text written, and :func:`counting_removals` lets the caller
say how many texts lost some, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from boaudit.fileio import starts_like_formula

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 does not allow in a document (tab, newline and carriage return it does)."""


@dataclass
class Removals:
    """The texts written to a workbook that lost characters XML 1.0 forbids (each once)."""

    originals: set[str] = field(default_factory=set)

    @property
    def texts(self) -> int:
        """How many different texts lost characters."""
        return len(self.originals)


_REMOVALS: ContextVar[Removals | None] = ContextVar("xlsx_removals", default=None)


@contextmanager
def counting_removals() -> Iterator[Removals]:
    """Count, while the block runs, the texts :func:`xml_text` had to clean."""
    removals = Removals()
    token = _REMOVALS.set(removals)
    try:
        yield removals
    finally:
        _REMOVALS.reset(token)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (counted, see :func:`counting_removals`)."""
    cleaned = XML_FORBIDDEN.sub("", text)
    if cleaned != text:
        removals = _REMOVALS.get()
        if removals is not None:
            removals.originals.add(text)
    return cleaned


def write_cell(cell: Cell, value: Any) -> None:
    """Write ``value``: numbers and booleans as they are, anything else as text.

    Text is stored as a string cell (never a formula), without the characters XML forbids,
    and text that starts like a formula (``= + - @``, or spaces, a tab, a newline or a NUL
    before one) also gets Excel's quote prefix, so editing the cell later cannot turn it into
    one either.
    """
    if value is None or isinstance(value, bool | int | float):
        cell.value = value
        return
    raw = str(value)
    text = xml_text(raw)
    cell.value = text
    cell.data_type = "s"
    if starts_like_formula(raw) or starts_like_formula(text):
        cell.quotePrefix = True


def cell_at(sheet: Worksheet, row: int, column: int) -> Cell:
    """The cell at ``row``, ``column`` of a sheet boaudit writes (it never merges cells)."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    return cell
