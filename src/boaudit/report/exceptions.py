"""The exceptions file of the invoice audit tests: every flagged invoice, ranked by score.

CSV: one line per flagged invoice of each test. XLSX: a summary sheet (each test, what it
flags, its parameters, how many invoices it flagged and their amount per currency, or why it
was skipped), then one sheet per test that flagged anything. Text cells never become formulas.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from boaudit.fileio import csv_text

if TYPE_CHECKING:
    from boaudit.metrics.audit_tests import Exception_

HEADER = [
    "test",
    "score",
    "vendor",
    "invoice_id",
    "invoice_date",
    "amount",
    "currency",
    "status",
    "at_stake",
    "detail",
    "group",
    "paid",
    "action",
    "source",
    "row",
]
"""The columns of every exception line."""

SUMMARY_HEADER = [
    "test",
    "status",
    "tested",
    "flagged",
    "groups",
    "amount",
    "params",
    "flags",
    "reason skipped",
]


def _line(item: Exception_) -> list[Any]:
    record = item.to_dict()
    record["group"] = "; ".join(item.group)
    return [record[column] for column in HEADER]


def exceptions_csv(exceptions: Sequence[Exception_]) -> str:
    """Every exception as CSV, in rank order (highest score first)."""
    return csv_text(HEADER, [_line(item) for item in exceptions])


def _param(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _summary_rows(tests: Mapping[str, Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for test_id, result in tests.items():
        amounts = result.get("amount") or {}
        rows.append(
            [
                test_id,
                result["status"],
                result.get("tested"),
                result.get("flagged"),
                result.get("groups"),
                ", ".join(f"{value:,.2f} {currency}" for currency, value in amounts.items()),
                ", ".join(f"{k}={_param(v)}" for k, v in result.get("params", {}).items()),
                result.get("flags", ""),
                result.get("reason", ""),
            ]
        )
    return rows


def add_exception_sheets(
    workbook: Any, tests: Mapping[str, Mapping[str, Any]], exceptions: Sequence[Exception_]
) -> None:
    """Add the tests' summary sheet and one sheet per test with flags to an openpyxl workbook."""
    from openpyxl.styles import Alignment, Font

    from boaudit.xlsxio import cell_at, write_cell

    def sheet(title: str, header: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        ws = workbook.create_sheet(title[:31])
        for column, name in enumerate(header, start=1):
            cell = cell_at(ws, 1, column)
            write_cell(cell, name)
            cell.font = Font(bold=True)
        for r, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                cell = cell_at(ws, r, column)
                write_cell(cell, value)
                name = header[column - 1]
                if name in {"amount", "at_stake", "score"} and isinstance(value, float):
                    cell.number_format = "#,##0.00"
                elif isinstance(value, int) and name != "row":
                    cell.number_format = "#,##0"
                if name in {"amount", "params", "detail", "vendor"}:
                    cell.alignment = Alignment(indent=1)
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[cell_at(ws, 1, column).column_letter].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"

    sheet(
        "Audit tests",
        SUMMARY_HEADER,
        _summary_rows(tests),
        [26, 9, 9, 9, 9, 44, 40, 80, 80],
    )
    by_test: dict[str, list[list[Any]]] = {}
    for item in exceptions:
        by_test.setdefault(item.test, []).append(_line(item))
    widths = [22, 10, 26, 16, 12, 12, 9, 12, 11, 44, 30, 28, 7]
    for test_id in tests:
        if by_test.get(test_id):
            sheet(test_id, HEADER, by_test[test_id], widths)


def exceptions_xlsx(
    tests: Mapping[str, Mapping[str, Any]], exceptions: Sequence[Exception_]
) -> bytes:
    """A workbook: the summary sheet, then one sheet per test with flags."""
    from openpyxl import Workbook

    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    add_exception_sheets(workbook, tests, exceptions)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
