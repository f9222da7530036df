"""The sheet scan of the guarded opening, in process: extents found whatever the order of the
cells, wherever a chunk boundary falls, with or without references."""

from __future__ import annotations

import io
import zipfile

import pytest

from boaudit.errors import InputDataError, LimitError
from boaudit.ingest.options import Limits
from boaudit.ingest.readers import guard


def _archive(xml: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("s.xml", xml)
    return zipfile.ZipFile(buffer)


def _rows(count: int, width: int, start: int = 1) -> str:
    letters = [guard._reference(1, c + 1)[:-1] for c in range(width)]
    return "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{letters[c]}{r}" t="n"><v>{c}</v></c>' for c in range(width))
        + "</row>"
        for r in range(start, start + count)
    )


def scan(xml: str, **limits: int) -> guard.SheetScan:
    return guard.scan_sheet(_archive(xml), "s.xml", "book.xlsx [S]", Limits(**limits))


def test_the_extent_of_a_large_sheet_crossing_many_chunks() -> None:
    # About 3 MB of XML: references straddle the 1 MiB chunk boundaries somewhere.
    found = scan(f"<worksheet><sheetData>{_rows(40_000, 4)}</sheetData></worksheet>")
    assert (found.rows, found.columns, found.last_cell) == (40_000, 4, "D40000")


def test_a_far_cell_written_before_the_others_is_found() -> None:
    xml = (
        '<worksheet><sheetData><row r="1"><c r="ZZ900"><v>1</v></c><c r="A1"><v>2</v></c>'
        f"</row>{_rows(3, 2, start=2)}</sheetData></worksheet>"
    )
    with pytest.raises(LimitError) as info:
        scan(xml, max_cells=1_000)
    assert info.value.fault == (
        "book.xlsx [S]: the sheet's used range is 900 rows x 702 columns (its last cell is "
        "ZZ900), 631,800 cells, more than the limit of 1,000 (a reader fills every cell of "
        "the range)"
    )
    assert info.value.option == "--max-cells"


def test_cells_without_references_count_from_their_row() -> None:
    xml = (
        "<worksheet><sheetData><row><c><v>1</v></c><c><v>2</v></c><c/></row>"
        '<row r="7"><c><v>1</v></c></row></sheetData></worksheet>'
    )
    assert (scan(xml).rows, scan(xml).columns) == (7, 3)


def test_a_reference_beyond_the_grid_is_malformed() -> None:
    xml = '<worksheet><sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>'
    with pytest.raises(InputDataError, match="malformed cell reference 'XFE1', beyond the last"):
        scan(xml, max_columns=20_000)


def test_formula_cells_without_a_value_are_listed() -> None:
    xml = (
        '<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f></c>'
        '<c r="B1"><f>2+2</f><v>4</v></c></row></sheetData></worksheet>'
    )
    assert scan(xml).missing_values == ("A1",)
