"""Workbooks through calamine: ODS and XLSX sheets, the sheet option, format sniffing, the 1904
date system, sheets of one type only, and the limits checked on a sheet."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from boaudit.errors import InputDataError
from boaudit.ingest import IngestOptions, Limits, MissingColumnsError, load, readers

Cell = str | int | float | tuple[str, str] | None


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def _ods_cell(value: Cell) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple):  # ("date", ISO text)
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value[1]}">'
            f"<text:p>{value[1]}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )


def ods_bytes(sheets: dict[str, list[list[Cell]]]) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, without styles)."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


BILLS: list[list[Cell]] = [
    ["Bill Number", "Vendor Name", "Bill Date", "Total"],
    ["B-1", "Supplier 1", ("date", "2024-01-02T10:00:00"), 1234.5],
    ["B-2", "Supplier 2", ("date", "2024-01-03"), -7],
]
BOOK: dict[str, list[list[Cell]]] = {"Notes": [["Exported by AP clerk 1"]], "Bills": BILLS}


# --------------------------------------------------------------------------- ODS


@pytest.mark.parametrize("sheet", ["Bills", "2"])
def test_ods_sheet_by_name_or_number(tmp_path: Path, sheet: str) -> None:
    path = tmp_path / "bills.ods"
    path.write_bytes(ods_bytes(BOOK))
    result = load([path], None, IngestOptions(sheet=sheet))
    info = result.detected[0]
    assert (info.format, info.sheet, info.sheets) == ("ods", "Bills", ("Notes", "Bills"))
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["B-1", "B-2"]
    assert frame["amount"].tolist() == [1234.5, -7.0]
    assert frame["invoice_date"].tolist() == [utc("2024-01-02 10:00"), utc("2024-01-03")]
    assert frame["_row"].tolist() == [2, 3]
    assert not any("the first visible" in note for note in result.notes)


def test_ods_default_is_the_first_sheet_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bills.ods"
    path.write_bytes(ods_bytes(BOOK))
    with pytest.raises(MissingColumnsError) as info:
        load([path], None, IngestOptions())
    assert info.value.message.startswith(f"{path} [Notes]: cannot tell whether")
    result = load([path], None, IngestOptions(sheet="Bills"))
    assert result.frame["vendor"].tolist() == ["Supplier 1", "Supplier 2"]


def test_ods_is_recognised_by_content_on_stdin() -> None:
    result = load(["-"], None, IngestOptions(sheet="Bills"), stdin=io.BytesIO(ods_bytes(BOOK)))
    assert result.detected[0].format == "ods"
    assert result.frame["_source"].tolist() == ["-", "-"]
    assert result.frame["amount"].tolist() == [1234.5, -7.0]


@pytest.mark.parametrize("wanted", ["0", "3", "Bill"])
def test_unknown_sheet_lists_the_sheets(tmp_path: Path, wanted: str) -> None:
    path = tmp_path / "bills.ods"
    path.write_bytes(ods_bytes(BOOK))
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions(sheet=wanted))
    assert info.value.message == (
        f"{path}: no sheet {wanted!r}; pass --sheet with one of: 'Notes', 'Bills' "
        "(or a number from 1)"
    )


def test_ods_row_and_column_limits(tmp_path: Path) -> None:
    header: list[Cell] = ["Bill Number", "Total", "Vendor Name", "Currency"]
    rows: list[list[Cell]] = [header] + [[f"B-{i}", i, "Supplier 1", "EUR"] for i in range(60)]
    path = tmp_path / "bills.ods"
    path.write_bytes(ods_bytes({"Bills": rows}))
    # Far over the limit: refused from the sheet's size, before its cells are converted.
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions(limits=Limits(max_rows=5)))
    assert info.value.message == (
        f"{path} [Bills]: more than 5 data rows (the limit); pass --max-rows N to raise it"
    )
    # Just over: refused once the header is found.
    with pytest.raises(InputDataError, match=r"\[Bills\]: more than 59 data rows"):
        load([path], None, IngestOptions(limits=Limits(max_rows=59)))
    assert load([path], None, IngestOptions(limits=Limits(max_rows=60))).account.read == 60
    assert load([path], None, IngestOptions(limits=Limits(max_columns=4))).account.read == 60
    with pytest.raises(InputDataError) as wide:
        load([path], None, IngestOptions(limits=Limits(max_columns=3)))
    assert wide.value.message == (
        f"{path} [Bills]: 4 columns, more than the limit of 3; pass --max-columns N to raise it"
    )


# --------------------------------------------------------------------------- XLSX


def test_xlsx_on_stdin_and_gzipped(make_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    path = make_xlsx({"Tickets": [["Ticket ID", "Created"], ["0007", "2024-01-01"]]})
    data = path.read_bytes()
    piped = load(["-"], None, IngestOptions(), stdin=io.BytesIO(data))
    assert (piped.detected[0].format, piped.detected[0].sheet) == ("xlsx", "Tickets")
    assert piped.frame["task_id"].tolist() == ["0007"]
    packed = tmp_path / "tickets.xlsx.gz"
    packed.write_bytes(gzip.compress(data))
    result = load([packed], None, IngestOptions())
    assert (result.detected[0].format, result.detected[0].compression) == ("xlsx", "gzip")
    assert result.frame["created_at"].tolist() == [utc("2024-01-01")]


@pytest.mark.parametrize(
    ("epoch1904", "expected"), [(False, "2024-03-05 12:00"), (True, "2028-03-06 12:00")]
)
def test_serial_numbers_follow_the_workbook_date_system(
    make_xlsx: Callable[..., Path], epoch1904: bool, expected: str
) -> None:
    # A date typed as a plain number: its meaning depends on the workbook's epoch (1462 days).
    rows = [["Ticket ID", "Created"], ["A", 45356.5], ["B", dt.datetime(2024, 3, 5, 12)]]
    path = make_xlsx({"S": rows}, epoch1904=epoch1904)
    frame = load([path], None, IngestOptions()).frame
    assert frame["created_at"].tolist() == [utc(expected), utc("2024-03-05 12:00")]


def test_sheet_with_a_header_and_no_rows(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"Unpaid": [["Bill Number", "Total", "Vendor Name"]]})
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message.startswith(f"{path} [Unpaid]: the file has a header but no rows;")


def test_an_empty_sheet_is_empty(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"Unpaid": []})
    with pytest.raises(InputDataError) as info:
        load([path], "invoices", IngestOptions())
    assert info.value.message.startswith(f"{path} [Unpaid]: the file is empty;")


def test_a_cover_sheet_read_by_default_is_a_clear_error(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"Report": [["Aged payables"]], "Data": [["Bill Number", "Total"]]})
    with pytest.raises(MissingColumnsError) as info:
        load([path], None, IngestOptions())
    assert info.value.message.startswith(f"{path} [Report]: cannot tell whether")


@pytest.mark.parametrize(
    ("rows", "header", "values"),
    [
        ([[1, 2], [3, 4]], ["1", "2"], [[3.0, 4.0]]),
        ([[True, False], [True, True]], ["True", "False"], [[True, True]]),
        ([[1.5, "x"], [2.5, "y"]], ["1.5", "x"], [[2.5, "y"]]),
    ],
)
def test_columns_of_one_type_keep_their_workbook_values(
    make_xlsx: Callable[..., Path],
    rows: list[list[object]],
    header: list[str],
    values: list[object],
) -> None:
    path = make_xlsx({"S": rows})
    table = readers.read_source(str(path), IngestOptions())
    assert table.header == header
    assert table.data.astype(object).values.tolist() == values
    assert table.read == 1


def test_numbers_only_sheet_loads_with_a_map(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"S": [[1, 2], [1001, 45292], [1002, 45293.25]]})
    mapping = {"task_id": "1", "created_at": "2"}
    frame = load([path], "tasks", IngestOptions(mapping=mapping)).frame
    assert frame["task_id"].tolist() == ["1001", "1002"]
    assert frame["created_at"].tolist() == [utc("2024-01-01"), utc("2024-01-02 06:00")]


def test_declared_dimension_wider_than_the_column_limit(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"S": [["Ticket ID", "Created", "A", "B", "C"], ["T", "2024-01-01", 1, 2, 3]]})
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions(limits=Limits(max_columns=3)))
    assert info.value.message == (
        f"{path} [S]: the sheet declares 5 columns, more than the limit of 3; "
        "pass --max-columns N to raise it"
    )


def test_a_sheet_without_a_dimension_is_still_read(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    source = make_xlsx({"S": [["Ticket ID", "Created"], ["T-1", "2024-01-01"]]})
    target = tmp_path / "nodim.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # the element's spacing differs between openpyxl versions
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
                assert b"<dimension" not in content
            new.writestr(item.filename, content)
    result = load([target], None, IngestOptions(limits=Limits(max_columns=2)))
    assert result.frame["task_id"].tolist() == ["T-1"]


# --------------------------------------------------------------------------- broken files


def test_bad_zip_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == f"{path}: not a valid workbook (bad zip); re-save it from Excel"


def test_ole_header_is_read_as_xls_and_refused_when_broken(tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message.startswith(f"{path}: cannot read the workbook (")
    assert info.value.message.endswith("); re-save it from Excel")


# --------------------------------------------------------------------------- text named .xls

SAP_SPREADSHEET = (
    "Vendor\tDocument Number\tDocument Date\tNet due date\tAmount in local currency\tCurrency\n"
    "100234\t5100000123\t15.01.2025\t14.02.2025\t1.234,56\tEUR\n"
    "100235\t5100000124\t16.01.2025\t15.02.2025\t980,00\tEUR\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_tab_separated_text_named_xls_is_read_as_text(tmp_path: Path, encoding: str) -> None:
    # SAP's ALV "Spreadsheet" export: tab-separated text saved with an .xls name.
    path = tmp_path / "FBL1N.xls"
    path.write_bytes(SAP_SPREADSHEET.encode(encoding))
    options = IngestOptions(date_order="dayfirst", decimal=",")
    result = load([path], "invoices", options)
    assert result.detected[0].format == "csv"
    assert result.detected[0].delimiter == "\t"
    assert result.frame["invoice_id"].tolist() == ["5100000123", "5100000124"]
    assert result.frame["amount"].tolist() == [1234.56, 980.0]
    assert result.frame["invoice_date"].tolist() == [utc("2025-01-15"), utc("2025-01-16")]
    assert f"{path}: named .xls but holds text; read as delimited text" in result.notes


def test_a_web_page_named_xls_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "report.xls"
    path.write_text("<html><body><table><tr><td>Invoice</td></tr></table></body></html>")
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == (
        f"{path}: a web page named .xls, not a workbook; open it in a spreadsheet program "
        "and save it as XLSX or CSV"
    )


def test_binary_named_xlsx_still_goes_to_the_workbook_reader(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"\x01\x02\x03garbage\x00\x00")
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert "re-save it from Excel" in info.value.message
