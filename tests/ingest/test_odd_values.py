"""Odd values that real exports hold: dates beyond what a timestamp can hold, amounts too
large for a float. Each is read as missing or quarantined with a word, never a crash."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()

PLACEHOLDER_NOTE = (
    "1 date(s) such as {shown} lie after 2262-04-11 or before 1677-09-21, beyond the dates "
    "boaudit can hold (9999-12-31 is the usual 'no end date' placeholder); left empty and "
    "counted as unreadable"
)


def metrics_json(*args: str) -> dict:
    result = runner.invoke(app, ["metrics", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_no_end_date_placeholder_in_text_is_missing_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        "Ticket ID,Created,Resolved\nT1,2024-01-01,2024-01-03\nT2,2024-01-02,9999-12-31\n",
        encoding="utf-8",
    )
    document = metrics_json("tasks", str(path))
    assert document["rows"] == {"read": 2, "accepted": 2, "quarantined": 0, "skipped": 0}
    assert document["metrics"]["completed"] == 1
    assert document["data_quality"]["value_problems"] == {"completed_at": 1}
    assert document["notes"] == [
        f"{path}, column 'Resolved' (completed_at): " + PLACEHOLDER_NOTE.format(shown="9999-12-31")
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (dt.datetime(9999, 12, 31), "9999-12-31"),
        (2_958_465, "2958465 (an Excel serial)"),  # 9999-12-31 as Excel stores it
        (dt.datetime(2300, 1, 1, 8, 30), "2300-01-01"),
    ],
)
def test_far_future_workbook_dates_do_not_crash(
    make_xlsx: Callable[..., Path], value: object, shown: str
) -> None:
    book = make_xlsx(
        {
            "Tickets": [
                ["Ticket ID", "Created", "Resolved"],
                ["T1", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3)],
                ["T2", dt.datetime(2024, 1, 2), value],
            ]
        }
    )
    document = metrics_json("tasks", str(book))
    assert document["data_quality"]["value_problems"] == {"completed_at": 1}
    assert document["metrics"]["completed"] == 1
    assert document["metrics"]["cycle_time_days"]["n"] == 1
    assert document["notes"] == [
        f"{book} [Tickets], column 'Resolved' (completed_at): "
        + PLACEHOLDER_NOTE.format(shown=shown)
    ]


@pytest.mark.parametrize("amount", ["9" * 309, "1" + "0" * 400 + ".00", "1e400"])
def test_an_amount_too_large_for_a_float_is_quarantined(tmp_path: Path, amount: str) -> None:
    # Two duplicate invoices with it used to crash the duplicate check (KeyError).
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice Number,Vendor,Amount,Invoice Date\n"
        f"I1,Acme,{amount},2024-01-01\nI1,Acme,{amount},2024-01-01\nI2,Beta,10.50,2024-01-02\n",
        encoding="utf-8",
    )
    quarantine = tmp_path / "q.csv"
    document = metrics_json("invoices", str(path), "--quarantine", str(quarantine))
    assert document["rows"] == {"read": 3, "accepted": 1, "quarantined": 2, "skipped": 0}
    lines = quarantine.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[2:4] for line in lines[1:]] == [
        ["2", "bad-amount:amount"],
        ["3", "bad-amount:amount"],
    ]


@pytest.mark.parametrize("output_format", ["json", "table", "csv"])
def test_unreadable_optional_values_are_said_on_stderr(tmp_path: Path, output_format: str) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        "Ticket ID,Created,Resolved,Due\n"
        "T1,2024-01-01,2024-01-03,garbage\nT2,2024-01-02,2024-01-05,2024-01-04\n"
        "T3,2024-01-05,2024-01-09,nope\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["metrics", "tasks", str(path), "--format", output_format])
    assert result.exit_code == 0, result.stderr
    assert (
        f"2 value(s) of due_at ('Due') could not be read and count as missing, first: "
        f"{path} row 2: 'garbage'\n"
    ) in result.stderr
    assert "value(s) of due_at" not in result.stdout


@pytest.mark.parametrize("from_stdin", [False, True])
def test_rows_with_fewer_fields_than_the_header_are_kept_counted_and_said(
    tmp_path: Path, from_stdin: bool
) -> None:
    text = (
        "Ticket ID,Created,Resolved,Assigned To,Priority,Status,Queue\n"
        "T1,2024-01-01,2024-01-03,ann,high,closed,a\n"
        "T2,2024-01-02,2024-01-05,bob\n"  # an exporter that drops trailing empty fields
        'T3,2024-01-05,2024-01-09,ann,"low, really",closed,b\n'
        "T4,2024-01-06\n"
    )
    path = tmp_path / "tasks.csv"
    path.write_text(text, encoding="utf-8")
    source = "-" if from_stdin else str(path)
    result = runner.invoke(
        app, ["metrics", "tasks", source, "--format", "json"], input=text if from_stdin else None
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["rows"] == {"read": 4, "accepted": 4, "quarantined": 0, "skipped": 0}
    where = "-" if from_stdin else str(path)
    assert document["data_quality"]["short_rows"] == {
        "rows": 2,
        "first": {"source": where, "row": 3, "fields": 4, "of": 7},
    }
    assert (
        f"{where}: 2 row(s) have fewer fields than the header (first: row 3, 4 of 7); kept, "
        "with the missing fields empty"
    ) in document["notes"]


def test_rows_of_the_full_width_say_nothing(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text("Ticket ID,Created\nT1,2024-01-01\nT2,\n", encoding="utf-8")
    document = metrics_json("tasks", str(path))
    assert "short_rows" not in document["data_quality"]
    assert not any("fewer fields" in note for note in document["notes"])


def test_merged_cells_name_their_range_and_how_they_were_read(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tickets"
    for row in (
        ["Ticket ID", "Created", "Resolved", "Queue"],
        ["T1", "2024-01-01", "2024-01-03", "Accounts payable"],
        ["T2", "2024-01-02", "2024-01-05", None],
        ["T3", "2024-01-05", "2024-01-09", None],
        ["T4", "2024-01-06", "2024-01-07", "Vendor master"],
    ):
        sheet.append(row)
    sheet.merge_cells("D2:D4")
    path = tmp_path / "tickets.xlsx"
    workbook.save(path)
    document = metrics_json("tasks", str(path), "--by", "Queue")
    assert document["notes"] == [
        f"{path} [Tickets]: 1 merged cell range(s), D2:D4 ('Accounts payable'): every cell of "
        "a range reads the value of its top-left cell"
    ]
    queues = document["groups"]["team"]
    assert {name: group["count"] for name, group in queues.items()} == {
        "Accounts payable": 3,
        "Vendor master": 1,
    }
