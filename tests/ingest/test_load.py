"""The loader on small hand-made tricky files: exact frames, mappings and row accounts."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from boaudit.errors import ConfigError, InputDataError, InputMissingError, UsageError
from boaudit.ingest import IngestOptions, LoadResult, MissingColumnsError, load


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def check_balance(result: LoadResult) -> None:
    account = result.account
    assert account.read == account.accepted + len(account.quarantined) + sum(
        account.skipped.values()
    )


def test_semicolon_decimal_comma_cp1252(data: Path) -> None:
    result = load([data / "sap_de_cp1252.csv"], "invoices", IngestOptions(encoding="cp1252"))
    info = result.detected[0]
    assert (info.encoding, info.delimiter, info.header_row) == ("cp1252", ";", 1)
    assert result.columns == {
        "invoice_id": "Belegnummer",
        "amount": "Betrag in Hauswährung",
        "vendor": "Kreditor",
        "invoice_date": "Belegdatum",
        "due_date": "Nettofälligkeitsdatum",
    }
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["0090040438", "0090040439", "0090040440"]
    assert frame["amount"].tolist() == [1234.56, -1234.56, 420.5]
    assert frame["vendor"].tolist() == ["Müller GmbH", "Bäckerei Groß", "Société Générale"]
    assert frame["invoice_date"].tolist() == [
        utc("2020-03-26"),
        utc("2020-04-13"),
        utc("2020-02-01"),
    ]
    assert pd.isna(frame["due_date"].iloc[2])  # 00000000 is SAP's empty date
    assert result.amount_scale == {"amount": 2}
    assert result.unmapped == ["Währung"]
    assert frame["_row"].tolist() == [2, 3, 4]


def test_cp1252_without_encoding_fails_clearly(data: Path) -> None:
    with pytest.raises(InputDataError) as info:
        load([data / "sap_de_cp1252.csv"], "invoices", IngestOptions())
    assert info.value.message.endswith(
        "sap_de_cp1252.csv: not valid utf-8 at byte 38 (line 1); pass --encoding cp1252 "
        "(Windows) or the file's encoding"
    )


def test_unknown_encoding_is_a_usage_error(data: Path) -> None:
    with pytest.raises(UsageError):
        load([data / "events.csv"], None, IngestOptions(encoding="klingon"))


def test_utf8_bom_zendesk(data: Path) -> None:
    result = load([data / "zendesk_bom.csv"], None, IngestOptions())
    assert result.kind == "tasks"
    assert result.detected[0].encoding == "utf-8-sig"
    assert result.columns["task_id"] == "Id"
    frame = result.frame
    assert frame["task_id"].tolist() == ["001", "002", "003"]
    assert frame["created_at"].tolist() == [
        utc("2024-03-01 09:20:30"),
        utc("2024-03-03 08:00:00"),
        utc("2024-03-04 12:00:00"),
    ]
    assert frame["rework_count"].tolist()[:2] == [0, 1]
    assert result.value_problems == {"rework_count": 1}
    assert result.value_examples == {"rework_count": [f"{data / 'zendesk_bom.csv'} row 4: 'two'"]}
    assert frame["csat"].tolist()[0] == 5.0
    assert result.account.to_dict() == {"read": 3, "accepted": 3, "quarantined": 0, "skipped": 0}


def test_quickbooks_report_preamble_totals_and_groups(data: Path) -> None:
    result = load([data / "quickbooks_invoice_list.csv"], None, IngestOptions())
    assert result.kind == "invoices"
    assert result.detected[0].header_row == 5
    assert result.frame["invoice_id"].tolist() == ["1001", "1002", "1003"]
    assert result.frame["amount"].tolist() == [1240.5, -420.81, -181.58]
    assert result.frame["_row"].tolist() == [7, 8, 11]
    assert result.frame["invoice_date"].iloc[0] == utc("2025-01-15")
    assert result.account.skipped == {"blank": 2, "total-row": 2, "label-row": 2}
    assert result.account.to_dict() == {"read": 9, "accepted": 3, "quarantined": 0, "skipped": 6}
    assert "column 1" in result.unmapped


def test_xero_star_headers_and_day_first(data: Path) -> None:
    result = load([data / "xero_bills.csv"], None, IngestOptions())
    assert result.columns["invoice_id"] == "*InvoiceNumber"
    assert result.columns["vendor"] == "*ContactName"
    assert result.columns["amount"] == "Total"
    assert result.frame["invoice_date"].tolist()[:2] == [utc("2026-09-08"), utc("2026-09-13")]
    assert result.value_problems == {"invoice_date": 1}
    assert result.account.skipped == {"blank": 1}
    check_balance(result)


def test_jira_repeated_columns_and_dates(data: Path) -> None:
    result = load([data / "jira_export.csv"], "tasks", IngestOptions())
    assert result.columns["task_id"] == "Issue key"
    assert result.frame["created_at"].tolist() == [utc("2025-07-14 15:42"), utc("2025-08-02 11:05")]
    assert result.frame["completed_at"].iloc[0] == utc("2025-07-15 09:00")
    assert result.unmapped == ["Summary", "Issue id", "Labels", "Comment"]
    assert any("also matched: 'Issue id'" in n for n in result.notes)


def test_repeated_mapped_columns_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("Key,Created,Assignee,Assignee\nA,2024-01-01,,bob\nB,2024-01-02,ann,cid\n")
    result = load([path], "tasks", IngestOptions())
    assert result.frame["assignee"].tolist() == ["bob", "ann"]


def test_ragged_rows(data: Path) -> None:
    result = load([data / "ragged.csv"], None, IngestOptions())
    assert result.detected[0].delimiter == ";"
    assert result.frame["task_id"].tolist() == ["T1", "T2", "T4"]
    assert result.frame["assignee"].tolist()[2] == "multi\nline"
    quarantined = [(q.row, q.reasons) for q in result.account.quarantined]
    assert quarantined == [(4, ("extra-fields",)), (6, ("missing-required:created_at",))]
    assert result.account.quarantined[0].raw == {
        "task_id": "T3",
        "created_at": "2024-01-03",
        "assignee": "bob",
        "(extra fields)": "EXTRA",
    }
    check_balance(result)


def test_ambiguous_dates_need_an_option(data: Path) -> None:
    with pytest.raises(InputDataError, match="pass --dayfirst or --monthfirst"):
        load([data / "ambiguous_dates.csv"], None, IngestOptions())
    result = load([data / "ambiguous_dates.csv"], None, IngestOptions(date_order="dayfirst"))
    assert result.frame["created_at"].tolist() == [utc("2024-02-01"), utc("2024-04-03")]


def test_update_log_collapses_to_latest(data: Path) -> None:
    result = load([data / "updates.csv"], None, IngestOptions())
    assert result.frame["task_id"].tolist() == ["INC2", "INC1"]
    assert result.frame["status"].tolist() == ["New", "Resolved"]
    assert result.frame["_row"].tolist() == [3, 4]
    assert result.account.skipped == {"collapsed-update": 2}
    assert result.account.to_dict() == {"read": 4, "accepted": 2, "quarantined": 0, "skipped": 2}


def test_events_collapse(data: Path) -> None:
    result = load([data / "events.csv"], None, IngestOptions())
    assert result.kind == "events"
    assert result.cases == 2
    frame = result.frame
    assert frame["task_id"].tolist() == ["C1", "C2"]
    assert frame["created_at"].tolist() == [utc("2024-01-01 09:00"), utc("2024-01-05 09:00")]
    assert frame["completed_at"].iloc[0] == utc("2024-01-04 08:00")
    assert pd.isna(frame["completed_at"].iloc[1])
    assert frame["assignee"].tolist() == ["ann", "cid"]
    assert frame["rework_count"].tolist() == [2, 0]
    assert frame["status"].tolist() == ["Resolve", "Wait"]
    assert frame["_row"].tolist() == [2, 8]
    assert result.account.to_dict() == {"read": 9, "accepted": 7, "quarantined": 1, "skipped": 1}
    assert result.account.skipped == {"duplicate-event": 1}
    assert result.account.quarantined[0].reasons == ("missing-required:activity",)


def test_custom_completion_patterns(data: Path) -> None:
    result = load([data / "events.csv"], "events", IngestOptions(completion_patterns=("wait",)))
    assert pd.isna(result.frame["completed_at"].iloc[0])
    assert result.frame["completed_at"].iloc[1] == utc("2024-01-06 09:00")


def test_bad_completion_pattern_is_a_usage_error(data: Path) -> None:
    with pytest.raises(UsageError):
        load([data / "events.csv"], "events", IngestOptions(completion_patterns=("(",)))


def test_tasks_dtypes(data: Path) -> None:
    frame = load([data / "zendesk_bom.csv"], "tasks", IngestOptions()).frame
    dtypes = {column: str(dtype) for column, dtype in frame.dtypes.items()}
    assert dtypes["task_id"] == "str"
    assert dtypes["created_at"] == "datetime64[ns, UTC]"
    assert dtypes["error"] == "boolean"
    assert dtypes["rework_count"] == "Int64"
    assert dtypes["csat"] == "float64"
    assert dtypes["handling_minutes"] == "float64"
    assert dtypes["_row"] == "int64"
    assert list(frame.columns)[-2:] == ["_source", "_row"]


def test_several_files_concatenate(data: Path, tmp_path: Path) -> None:
    second = tmp_path / "more.csv"
    second.write_text("Id,Created at\n004,2024-04-01\n")
    result = load([data / "zendesk_bom.csv", second], "tasks", IngestOptions())
    assert result.frame["task_id"].tolist() == ["001", "002", "003", "004"]
    assert result.frame["_source"].tolist()[-1] == str(second)
    assert result.account.read == 4


def test_files_of_different_kinds_are_refused(data: Path) -> None:
    with pytest.raises(InputDataError, match="different kinds"):
        load([data / "events.csv", data / "xero_bills.csv"], None, IngestOptions())


def test_stdin_and_gzip(data: Path) -> None:
    raw = (data / "xero_bills.csv").read_bytes()
    result = load(["-"], None, IngestOptions(), stdin=io.BytesIO(gzip.compress(raw)))
    assert result.detected[0].compression == "gzip"
    assert len(result.frame) == 3
    assert result.frame["_source"].iloc[0] == "-"


def test_gz_file(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "bills.csv.gz"
    path.write_bytes(gzip.compress((data / "xero_bills.csv").read_bytes()))
    assert len(load([path], "invoices", IngestOptions()).frame) == 3


def test_tsv_forced_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("task_id\tcreated_at\tnote\nA\t2024-01-01\tx, y; z\n")
    result = load([path], "tasks", IngestOptions(delimiter="\t"))
    assert result.frame["task_id"].tolist() == ["A"]


def test_missing_file() -> None:
    with pytest.raises(InputMissingError, match="no such file"):
        load(["/nonexistent/x.csv"], None, IngestOptions())


def test_missing_required_columns_carry_a_map_proposal(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Ref,When\nA,2024-01-01\n")
    with pytest.raises(MissingColumnsError) as info:
        load([path], "tasks", IngestOptions())
    assert "no column for required tasks column(s) task_id, created_at" in info.value.message
    assert '# task_id = ""  # required' in info.value.proposal
    result = load([path], "tasks", IngestOptions(mapping={"task_id": "Ref", "created_at": "When"}))
    assert result.frame["task_id"].tolist() == ["A"]


def test_undetectable_kind(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(MissingColumnsError, match="cannot tell whether"):
        load([path], None, IngestOptions())


def test_map_naming_an_absent_column(data: Path) -> None:
    with pytest.raises(ConfigError, match="no such column"):
        load([data / "events.csv"], "events", IngestOptions(mapping={"resource": "Nope"}))


def test_ambiguous_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Id,Created,created ,X\nA,2024-01-01,2024-01-02,1\n")
    with pytest.raises(InputDataError) as info:
        load([path], "tasks", IngestOptions())
    assert info.value.details == (
        "created_at: columns 'Created', 'created' all match; put e.g. created_at = \"Created\" "
        "in a map file and pass --map FILE",
    )


def test_two_sheet_workbook(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx(
        {
            "Notes": [["this sheet is hidden"]],
            "Tasks": [["Ticket ID", "Created"], ["007", "2024-01-01"]],
            "Other": [["Invoice number", "Amount"], ["I1", 10.5]],
        },
        hidden=("Notes",),
    )
    result = load([path], None, IngestOptions())
    assert result.detected[0].sheet == "Tasks"
    assert result.frame["task_id"].tolist() == ["007"]
    assert any("read sheet 'Tasks', the first visible of 3" in n for n in result.notes)
    other = load([path], None, IngestOptions(sheet="Other"))
    assert other.kind == "invoices"
    assert other.frame["amount"].tolist() == [10.5]
    by_index = load([path], None, IngestOptions(sheet="3"))
    assert by_index.detected[0].sheet == "Other"
    with pytest.raises(InputDataError, match="no sheet 'Nope'"):
        load([path], None, IngestOptions(sheet="Nope"))


def test_workbook_types_1904_and_numbers(make_xlsx: Callable[..., Path]) -> None:
    import datetime as dt

    path = make_xlsx(
        {
            "S": [
                ["Ticket ID", "Created", "Reopens", "Cost"],
                [1, dt.datetime(2024, 3, 5, 10, 30), 2, 12.5],
                ["0002", dt.date(2024, 3, 6), None, "7,50"],
            ]
        },
        epoch1904=True,
    )
    result = load([path], "tasks", IngestOptions(decimal=","))
    frame = result.frame
    assert frame["task_id"].tolist() == ["1", "0002"]
    assert frame["created_at"].tolist() == [utc("2024-03-05 10:30"), utc("2024-03-06")]
    assert frame["rework_count"].tolist()[0] == 2
    assert frame["cost"].tolist() == [12.5, 7.5]


def test_workbook_report_preamble_merged_cells_and_formulas(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Report"
    sheet.append(["Acme Ltd"])
    sheet.append(["Aged payables"])
    sheet.append([])
    sheet.append(["Invoice Number", "Vendor", "Amount", "Cost"])
    sheet.append(["A-1", "Paper Co", 10, "=C5*2"])
    sheet.append(["A-2", None, 20, 1])
    sheet.merge_cells("B5:B6")
    sheet.append(["Total", None, 30])
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    result = load([path], None, IngestOptions())
    assert result.detected[0].header_row == 4
    assert result.frame["vendor"].tolist() == ["Paper Co", "Paper Co"]
    assert pd.isna(result.frame["cost"].iloc[0])
    assert result.frame["_row"].tolist() == [5, 6]
    assert result.account.skipped == {"total-row": 1}
    assert any("1 formula cell(s) have no saved value (D5)" in n for n in result.notes)
    assert any("merged cell range" in n for n in result.notes)


@pytest.mark.parametrize("when", ["0000-01-01", "1500-06-30", "2262-05-01 10:00", "00010101"])
def test_dates_outside_the_nanosecond_range_are_bad_values_not_a_crash(
    tmp_path: Path, when: str
) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        "Ticket ID,Created,Resolved\n"
        f"T1,{when},2024-01-02\n"
        "T2,2024-01-01,2024-01-03\n"
        f"T3,2024-01-01,{when}\n",
        encoding="utf-8",
    )
    result = load([str(path)], "tasks", IngestOptions())
    assert result.account.accepted == 2
    assert [row.row for row in result.account.quarantined] == [2]
    assert result.account.quarantined[0].reasons == ("bad-date:created_at",)
    assert result.value_problems == {"completed_at": 1}
    assert result.frame["task_id"].tolist() == ["T2", "T3"]
    assert result.frame["completed_at"].isna().tolist() == [False, True]
