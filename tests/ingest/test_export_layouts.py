"""One small made-up file per export layout of EXPORTS.md that the loader takes.

Each file mimics the documented header and value shapes (QuickBooks reports, Xero's bill
template, SAP FBL1N and raw tables, Jira, Zendesk, Freshdesk, ServiceNow, HP Service Manager,
BPIC and XES event logs); the tests assert the canonical frame, dtypes, the row account and the
notes a user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from boaudit.errors import InputDataError
from boaudit.ingest import IngestOptions, LoadResult, load


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def balanced(result: LoadResult) -> bool:
    account = result.account
    return account.read == account.accepted + len(account.quarantined) + sum(
        account.skipped.values()
    )


# --------------------------------------------------------------------------- QuickBooks

QBO_TRANSACTION_DETAIL = """Acme Trading Ltd
Transaction Detail by Account
"January 1 - December 31, 2025"

,,Transaction date,Transaction type,Num,Name,Description,Split,Amount,Balance
,Accounts Payable (A/P),,,,,,,,
,,03/04/2025,Bill,B-17,Supplier 1,Toner,Office Supplies,"2,500.00","2,500.00"
,,03/18/2025,Bill Payment (Check),P-3,Supplier 1,,Checking,(500.00),"2,000.00"
,,03/19/2025,Bill Payment (Check),,Supplier 1,,Checking,-25.00,"1,975.00"
,Total for Accounts Payable (A/P),,,,,,,"$1,975.00",
,Office Supplies,,,,,,,,
,,03/04/2025,Bill,B-17,Supplier 1,Toner,Accounts Payable (A/P),"2,500.00","2,500.00"
,Total for Office Supplies,,,,,,,"$2,500.00",
,TOTAL,,,,,,,"$4,475.00",


" Wednesday, September 30, 2026 11:11 AM GMT-05:00"
"""


def test_quickbooks_transaction_detail_report(tmp_path: Path) -> None:
    path = write(tmp_path, "transaction_detail.csv", QBO_TRANSACTION_DETAIL)
    result = load([path], None, IngestOptions())
    assert result.kind == "invoices"
    assert result.detected[0].header_row == 5
    assert result.columns == {
        "invoice_id": "Num",
        "amount": "Amount",
        "vendor": "Name",
        "invoice_date": "Transaction date",
    }
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["B-17", "P-3", "B-17"]
    # Quoted thousands and a parenthesised negative, each parsed exactly.
    assert frame["amount"].tolist() == [2500.0, -500.0, 2500.0]
    assert frame["invoice_date"].tolist() == [
        utc("2025-03-04"),
        utc("2025-03-18"),
        utc("2025-03-04"),
    ]
    assert frame["_row"].tolist() == [7, 8, 12]
    # Group rows (a name alone in column 2) and the footer are label rows; two group
    # totals and the grand TOTAL are total rows; two blank lines before the footer.
    assert result.account.skipped == {"blank": 2, "total-row": 3, "label-row": 3}
    assert [(q.row, q.reasons) for q in result.account.quarantined] == [
        (9, ("missing-required:invoice_id",))
    ]
    assert result.account.to_dict() == {"read": 12, "accepted": 3, "quarantined": 1, "skipped": 8}
    assert result.unmapped == [
        "column 1",
        "column 2",
        "Transaction type",
        "Description",
        "Split",
        "Balance",
    ]
    assert any("read as month-first (e.g. '03/18/2025')" in note for note in result.notes)


QBO_GENERAL_LEDGER = """Acme Trading Ltd
General Ledger
"January 1 - December 31, 2025"

,Date,Transaction Type,Num,Name,Memo/Description,Split,Amount,Balance
Checking,,,,,,,,
,01/05/2025,Expense,E-1,Supplier 2,Cartridges,Office Supplies,-45.10,-45.10
,01/07/2025,Deposit,D-1,Customer 1,,Sales,"1,000.00",954.90
Total for Checking,,,,,,,"$954.90",
TOTAL,,,,,,,"$954.90",

" Wednesday, September 30, 2026 11:11 AM GMT-05:00"
"""


def test_quickbooks_general_ledger_us_dates_without_proof_need_monthfirst(tmp_path: Path) -> None:
    path = write(tmp_path, "general_ledger.csv", QBO_GENERAL_LEDGER)
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == (
        f"{path}, column 'Date' (invoice_date): cannot tell whether '01/05/2025' is day-first "
        "or month-first (no day above 12 in the column); pass --dayfirst or --monthfirst"
    )
    result = load([path], None, IngestOptions(date_order="monthfirst"))
    assert result.frame["invoice_id"].tolist() == ["E-1", "D-1"]
    assert result.frame["amount"].tolist() == [-45.1, 1000.0]
    assert result.frame["invoice_date"].tolist() == [utc("2025-01-05"), utc("2025-01-07")]
    assert result.account.skipped == {"blank": 1, "total-row": 2, "label-row": 2}
    assert result.account.read == 7
    assert balanced(result)


def test_quickbooks_report_saved_as_workbook(make_xlsx: Callable[..., Path]) -> None:
    rows: list[list[Any]] = [
        ["Acme Trading Ltd"],
        ["Unpaid Bills"],
        ["All Dates"],
        [],
        [None, "Date", "Transaction type", "Num", "Due date", "Past due", "Amount"],
        [None, "Supplier 1"],
        [None, "04/02/2025", "Bill", "B-9", "05/02/2025", 12, 100.25],
        [None, "Total for Supplier 1", None, None, None, None, 100.25],
        [None, "Supplier 2"],
        [None, "04/20/2025", "Bill", 1044, "05/20/2025", 0, -20],
        [None, "Total for Supplier 2", None, None, None, None, -20],
        [None, "TOTAL", None, None, None, None, 80.25],
    ]
    path = make_xlsx({"Unpaid Bills": rows}, name="unpaid_bills.xlsx")
    result = load([path], "invoices", IngestOptions())
    assert result.detected[0].header_row == 5
    assert result.detected[0].sheet == "Unpaid Bills"
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["B-9", "1044"]  # a numeric Num becomes its text
    assert frame["amount"].tolist() == [100.25, -20.0]
    assert frame["due_date"].tolist() == [utc("2025-05-02"), utc("2025-05-20")]
    assert frame["_row"].tolist() == [7, 10]
    assert result.account.skipped == {"total-row": 3, "label-row": 2}
    assert result.account.to_dict() == {"read": 7, "accepted": 2, "quarantined": 0, "skipped": 5}


# --------------------------------------------------------------------------- Xero

XERO_HEADER = (
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,"
    "POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,*InvoiceDate,*DueDate,Total,"
    "InventoryItemCode,Description,*Quantity,*UnitAmount,*AccountCode,*TaxType,TaxAmount,"
    "TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency\n"
)
XERO_BILLS = XERO_HEADER + (
    "Supplier A,ap@supplier-a.example,1 Main St,,,,Wellington,,6011,NZ,AP-2296,08/09/2026,"
    "29/09/2026,172.50,,Widgets,1,100.00,400,15% GST on Expenses,15.00,,,,,NZD\n"
    "Supplier A,ap@supplier-a.example,1 Main St,,,,Wellington,,6011,NZ,AP-2296,08/09/2026,"
    "29/09/2026,172.50,,Freight,1,50.00,400,15% GST on Expenses,7.50,,,,,NZD\n"
    "Supplier B,,,,,,,,,,AP-2297,07/10/2026,06/11/2026,23.00,,Paper,2,10.00,400,"
    "15% GST on Expenses,3.00,,,,,NZD\n"
)


def test_xero_bills_with_no_proving_day_are_refused_as_ambiguous(tmp_path: Path) -> None:
    # The due dates prove day-first (29/09), but the order is decided per column, and no
    # invoice date has a day above 12.
    path = write(tmp_path, "bills.csv", XERO_BILLS)
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == (
        f"{path}, column '*InvoiceDate' (invoice_date): cannot tell whether '08/09/2026' is "
        "day-first or month-first (no day above 12 in the column); pass --dayfirst or "
        "--monthfirst"
    )


def test_xero_bill_template_with_dayfirst(tmp_path: Path) -> None:
    path = write(tmp_path, "bills.csv", XERO_BILLS)
    result = load([path], None, IngestOptions(date_order="dayfirst"))
    assert result.kind == "invoices"
    assert result.columns == {
        "invoice_id": "*InvoiceNumber",
        "amount": "Total",
        "vendor": "*ContactName",
        "currency": "Currency",
        "invoice_date": "*InvoiceDate",
        "due_date": "*DueDate",
    }
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["AP-2296", "AP-2297"]
    assert frame["vendor"].tolist() == ["Supplier A", "Supplier B"]
    assert frame["amount"].tolist() == [172.5, 23.0]  # the Total repeated on each line, once
    assert frame["currency"].tolist() == ["NZD", "NZD"]
    assert frame["invoice_date"].tolist() == [utc("2026-09-08"), utc("2026-10-07")]
    assert frame["due_date"].tolist() == [utc("2026-09-29"), utc("2026-11-06")]
    assert frame["_row"].tolist() == [2, 4]
    assert result.account.to_dict() == {"read": 3, "accepted": 2, "quarantined": 0, "skipped": 1}
    assert result.account.skipped == {"line-item": 1}
    assert result.amount_scale == {"amount": 2}
    assert "*Quantity" in result.unmapped and "TrackingOption2" in result.unmapped


def test_xero_dates_read_monthfirst_when_forced(tmp_path: Path) -> None:
    # The same file with --monthfirst: the order the user forces wins over what the values
    # prove; 29/09/2026 is then impossible (an optional column, so a value problem).
    path = write(tmp_path, "bills.csv", XERO_BILLS)
    result = load([path], None, IngestOptions(date_order="monthfirst"))
    assert result.frame["invoice_date"].tolist() == [utc("2026-08-09"), utc("2026-07-10")]
    assert pd.isna(result.frame["due_date"].iloc[0])
    assert result.frame["due_date"].iloc[1] == utc("2026-06-11")
    assert result.value_problems == {"due_date": 2}  # both lines of AP-2296
    assert result.value_examples["due_date"][0] == f"{path} row 2: '29/09/2026'"


# --------------------------------------------------------------------------- SAP

SAP_FBL1N_DE = (
    "Belegnummer;Kreditor;Belegdatum;Buchungsdatum;Nettofälligkeitsdatum;Ausgleichsdatum;"
    "Betrag in Hauswährung;Hauswährung\n"
    "0090040438;0000100001;26.03.2020;27.03.2020;25.04.2020;0000-00-00;1.234,56;EUR\n"
    "0090040439;0000100002;13.04.2020;14.04.2020;13.05.2020;20.05.2020;99,9-;EUR\n"
    "0090040440;0000100001;01.02.2020;00.00.0000;00000000;;12.000,00;EUR\n"
)


def test_sap_fbl1n_german_semicolon_decimal_comma_trailing_minus(tmp_path: Path) -> None:
    path = write(tmp_path, "fbl1n.csv", SAP_FBL1N_DE)
    result = load([path], None, IngestOptions())
    assert result.detected[0].delimiter == ";"
    assert result.columns == {
        "invoice_id": "Belegnummer",
        "amount": "Betrag in Hauswährung",
        "vendor": "Kreditor",
        "currency": "Hauswährung",
        "invoice_date": "Belegdatum",
        "received_at": "Buchungsdatum",
        "paid_at": "Ausgleichsdatum",
        "due_date": "Nettofälligkeitsdatum",
    }
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["0090040438", "0090040439", "0090040440"]
    assert frame["vendor"].tolist() == ["0000100001", "0000100002", "0000100001"]
    assert frame["amount"].tolist() == [1234.56, -99.9, 12000.0]
    assert frame["invoice_date"].tolist() == [
        utc("2020-03-26"),
        utc("2020-04-13"),
        utc("2020-02-01"),
    ]
    # 0000-00-00, 00.00.0000, 00000000 and "" are SAP's empty dates: nulls, not problems.
    assert frame["paid_at"].isna().tolist() == [True, False, True]
    assert frame["received_at"].isna().tolist() == [False, False, True]
    assert frame["due_date"].isna().tolist() == [False, False, True]
    assert result.value_problems == {}
    assert result.amount_scale == {"amount": 2}
    assert (
        f"{path}, column 'Betrag in Hauswährung' (amount): read with a decimal comma "
        "(e.g. '1.234,56')"
    ) in result.notes
    assert (
        f"{path}, column 'Belegdatum' (invoice_date): read as day-first (e.g. '26.03.2020')"
        in result.notes
    )
    assert result.account.to_dict() == {"read": 3, "accepted": 3, "quarantined": 0, "skipped": 0}


def test_sap_raw_table_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bsik.csv",
        "BELNR,LIFNR,BLDAT,BUDAT,AUGDT,DMBTR,WAERS,USNAM\n"
        "0090040438,0000100001,20200326,20200327,00000000,5200.0,EUR,AP clerk 1\n"
        "0090040439,0000100002,20200413,20200414,20200520,-17.5,EUR, \n",
    )
    result = load([path], None, IngestOptions())
    assert result.columns == {
        "invoice_id": "BELNR",
        "amount": "DMBTR",
        "vendor": "LIFNR",
        "currency": "WAERS",
        "invoice_date": "BLDAT",
        "received_at": "BUDAT",
        "paid_at": "AUGDT",
        "processed_by": "USNAM",
    }
    frame = result.frame
    assert frame["vendor"].tolist() == ["0000100001", "0000100002"]
    assert frame["amount"].tolist() == [5200.0, -17.5]
    assert frame["invoice_date"].tolist() == [utc("2020-03-26"), utc("2020-04-13")]
    assert frame["paid_at"].isna().tolist() == [True, False]
    assert frame["paid_at"].iloc[1] == utc("2020-05-20")
    # SAP's blank character field is a single space: a null, not a name.
    assert frame["processed_by"].isna().tolist() == [False, True]
    assert result.amount_scale == {"amount": 1}
    assert str(frame["invoice_date"].dtype) == "datetime64[ns, UTC]"


# --------------------------------------------------------------------------- ticketing

JIRA_HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Project key,Project name,Priority,Resolution,"
    "Assignee,Reporter,Created,Updated,Last Viewed,Resolved,Due Date,Labels,Labels,Sprint,"
    "Sprint,Comment,Comment\n"
)


def test_jira_all_fields_export(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "jira.csv",
        JIRA_HEADER
        + "Fix login,OPS-1,10001,Bug,Done,OPS,Operations,High,Done,Support agent 1,Requester 1,"
        "14/Jul/25 3:42 PM,15/Jul/25 9:00 AM,,15/Jul/25 9:00 AM,20/Aug/25,ui,,Sprint 1,,"
        '"03/Jan/25 9:00 AM;Support agent 1;text",\n'
        "Add report,OPS-2,10002,Story,In Progress,OPS,Operations,Medium,,,Requester 2,"
        "02/Aug/25 11:05 AM,03/Aug/25 12:00 PM,,,,,backend,,Sprint 2,,second\n",
    )
    result = load([path], None, IngestOptions())
    assert result.kind == "tasks"
    assert result.columns == {
        "task_id": "Issue key",
        "created_at": "Created",
        "completed_at": "Resolved",
        "due_at": "Due Date",
        "assignee": "Assignee",
        "category": "Issue Type",
        "status": "Status",
        "priority": "Priority",
        "updated_at": "Updated",
    }
    frame = result.frame
    assert frame["task_id"].tolist() == ["OPS-1", "OPS-2"]
    assert frame["created_at"].tolist() == [utc("2025-07-14 15:42"), utc("2025-08-02 11:05")]
    assert frame["updated_at"].tolist() == [utc("2025-07-15 09:00"), utc("2025-08-03 12:00")]
    assert frame["due_at"].iloc[0] == utc("2025-08-20")
    assert frame["completed_at"].isna().tolist() == [False, True]
    assert frame["assignee"].isna().tolist() == [False, True]
    assert frame["category"].tolist() == ["Bug", "Story"]
    assert result.unmapped.count("Labels") == 1 and result.unmapped.count("Sprint") == 1
    assert result.account.to_dict() == {"read": 2, "accepted": 2, "quarantined": 0, "skipped": 0}


def test_jira_export_resaved_through_excel(tmp_path: Path) -> None:
    # Excel rewrites Jira's dates as M/D/YYYY H:MM; a day above 12 proves month-first.
    path = write(
        tmp_path,
        "jira_excel.csv",
        "Issue key,Status,Created,Resolved\n"
        "OPS-7,Done,6/21/2025 16:14,6/23/2025 9:05\n"
        "OPS-8,Open,7/1/2025 8:00,\n",
    )
    result = load([path], "tasks", IngestOptions())
    assert result.frame["created_at"].tolist() == [
        utc("2025-06-21 16:14"),
        utc("2025-07-01 08:00"),
    ]
    assert result.frame["completed_at"].iloc[0] == utc("2025-06-23 09:05")
    assert (
        f"{path}, column 'Created' (created_at): read as month-first (e.g. '6/21/2025 16:14')"
        in result.notes
    )


def test_zendesk_support_export(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "zendesk.csv",
        "Id,Requester,Requester id,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,"
        "Ticket type,Created at,Updated at,Assigned at,Due date,Solved at,Satisfaction Score,"
        "Group stations,Reopens,Replies,First reply time in minutes\n"
        "101,Requester 1,9001,Requester 1,Support agent 1,Billing,Refund,refund,Solved,High,"
        "Web form,Incident,2016-03-01 10:20:30 +0100,2016-03-02 09:00:00 +0100,"
        "2016-03-01 11:00:00 +0100,,2016-03-02 09:00:00 +0100,4,1,0,2,40\n"
        "102,Requester 2,9002,Requester 2,Support agent 2,Support,Login,,Open,Normal,Email,"
        "Question,2016-03-03 08:00:00 +0000,2016-03-03 08:30:00 +0000,,2016-03-10,,,2,3,1,15\n",
    )
    result = load([path], None, IngestOptions())
    assert result.columns == {
        "task_id": "Id",
        "created_at": "Created at",
        "completed_at": "Solved at",
        "due_at": "Due date",
        "assignee": "Assignee",
        "team": "Group",
        "category": "Ticket type",
        "status": "Status",
        "priority": "Priority",
        "rework_count": "Reopens",
        "csat": "Satisfaction Score",
        "updated_at": "Updated at",
    }
    frame = result.frame
    assert frame["task_id"].tolist() == ["101", "102"]
    # Offsets are converted to UTC.
    assert frame["created_at"].tolist() == [utc("2016-03-01 09:20:30"), utc("2016-03-03 08:00")]
    assert frame["completed_at"].iloc[0] == utc("2016-03-02 08:00")
    assert frame["due_at"].tolist()[1] == utc("2016-03-10")
    assert frame["rework_count"].tolist() == [0, 3]
    assert str(frame["rework_count"].dtype) == "Int64"
    assert frame["csat"].tolist()[0] == 4.0
    assert frame["team"].tolist() == ["Billing", "Support"]
    assert "Group stations" in result.unmapped


def test_freshdesk_ticket_export(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "freshdesk.csv",
        "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,"
        "Resolved time,Closed time,Last update time,Time tracked,Resolution status,"
        "First response status,Survey results\n"
        "1001,Printer,Closed,Low,Email,Incident,Support agent 1,Helpdesk,2024-05-02 09:15:00,"
        "2024-05-03 09:15:00,2024-05-02 17:45:00,2024-05-03 10:00:00,2024-05-03 10:00:00,"
        "01:30:00,Within SLA,Within SLA,4\n"
        "1002,VPN,Open,High,Portal,Problem,,Network,2024-05-04 11:00:00,2024-05-04 15:00:00,,,"
        "2024-05-04 12:00:00,,SLA Violated,Within SLA,\n",
    )
    result = load([path], None, IngestOptions())
    frame = result.frame
    assert result.columns["handling_minutes"] == "Time tracked"
    assert result.columns["sla_met"] == "Resolution status"
    assert result.columns["completed_at"] == "Resolved time"
    assert frame["handling_minutes"].tolist()[0] == 90.0  # HH:MM:SS
    assert frame["handling_minutes"].isna().tolist() == [False, True]
    assert frame["sla_met"].tolist() == [True, False]
    assert str(frame["sla_met"].dtype) == "boolean"
    assert frame["due_at"].tolist() == [utc("2024-05-03 09:15"), utc("2024-05-04 15:00")]
    assert (
        f"{path}: completed_at <- 'Resolved time' (also matched: 'Closed time'; use --map to "
        "choose another)"
    ) in result.notes


SERVICENOW_HEADER = (
    "number,incident_state,active,reassignment_count,reopen_count,made_sla,caller_id,"
    "opened_at,sys_updated_by,sys_updated_at,category,impact,urgency,priority,"
    "assignment_group,assigned_to,resolved_at\n"
)


def test_servicenow_incident_update_log(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "incident_log.csv",
        SERVICENOW_HEADER
        + "INC0000045,New,true,0,0,true,Caller 1,29-02-2016 01:16,Updater 1,29-02-2016 01:23,"
        "Category 55,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,?\n"
        "INC0000047,Active,true,1,0,false,Caller 2,29-02-2016 04:40,Updater 2,"
        "29-02-2016 05:00,Category 40,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 2,?\n"
        "INC0000045,Resolved,true,0,1,true,Caller 1,29-02-2016 01:16,Updater 3,"
        "29-02-2016 11:29,Category 55,2 - Medium,2 - Medium,3 - Moderate,Group 56,Resolver 1,"
        "29-02-2016 11:29\n",
    )
    result = load([path], None, IngestOptions())
    assert result.kind == "tasks"
    frame = result.frame
    assert frame["task_id"].tolist() == ["INC0000047", "INC0000045"]
    assert frame["status"].tolist() == ["Active", "Resolved"]
    assert frame["assignee"].tolist() == ["Resolver 2", "Resolver 1"]  # "?" is a null
    assert frame["priority"].tolist() == ["3 - Moderate", "3 - Moderate"]
    assert frame["sla_met"].tolist() == [False, True]
    assert frame["rework_count"].tolist() == [0, 1]
    assert frame["completed_at"].isna().tolist() == [True, False]
    assert frame["created_at"].tolist() == [utc("2016-02-29 04:40"), utc("2016-02-29 01:16")]
    assert frame["_row"].tolist() == [3, 4]
    assert result.account.skipped == {"collapsed-update": 1}
    assert result.account.to_dict() == {"read": 3, "accepted": 2, "quarantined": 0, "skipped": 1}
    assert (
        "3 rows of an update log collapsed into 2 tasks (latest row per task_id by updated_at)"
        in (result.notes)
    )


def test_servicenow_default_iso_format_and_sys_updated_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "incident.csv",
        "number,opened_at,short_description,state,assignment_group,sys_updated_on\n"
        "INC0010001,2024-01-02 08:00:00,Laptop,Closed,Service Desk,2024-01-03 09:30:00\n"
        "INC0010002,2024-01-02 09:00:00,Email,In Progress,Network,2024-01-02 09:10:00\n",
    )
    result = load([path], None, IngestOptions())
    assert result.columns == {
        "task_id": "number",
        "created_at": "opened_at",
        "team": "assignment_group",
        "status": "state",
        "updated_at": "sys_updated_on",
    }
    assert result.frame["updated_at"].tolist() == [
        utc("2024-01-03 09:30"),
        utc("2024-01-02 09:10"),
    ]
    assert not any("day-first" in note or "month-first" in note for note in result.notes)


def test_hp_service_manager_incidents_latin1_semicolons(tmp_path: Path) -> None:
    text = (
        "CI Name (aff);CI Type (aff);Incident ID;Status;Impact;Urgency;Priority;Category;"
        "# Reassignments;Open Time;Reopen Time;Resolved Time;Close Time;Handle Time (Hours);"
        "Closure Code\n"
        "SUB000508;subapplication;IM0000004;Closed;4;4;4;incident;26;05/02/2012 13:32:00;;"
        "04/11/2013 13:50:00;04/11/2013 13:51:00;3871,69;Other\n"
        "WBA000124;application;IM0000005;Closed;3;5 - Very Low;3;incident;33;"
        "18/03/2012 15:44:00;02/12/2013 12:31:00;02/12/2013 12:36:00;02/12/2013 12:36:00;"
        "4354,17;Logiciel façade\n"
        ";;;;;;;;;;;;;;\n"
        ";;;;;;;;;;;;;;\n"
    )
    path = write(tmp_path, "Detail_Incident.csv", text.encode("latin-1"))
    with pytest.raises(InputDataError, match="pass --dayfirst or --monthfirst"):
        load([path], None, IngestOptions(encoding="latin-1"))
    result = load([path], None, IngestOptions(encoding="latin-1", date_order="dayfirst"))
    assert result.detected[0].encoding == "latin-1"
    frame = result.frame
    assert frame["task_id"].tolist() == ["IM0000004", "IM0000005"]
    assert frame["created_at"].tolist() == [utc("2012-02-05 13:32"), utc("2012-03-18 15:44")]
    assert frame["completed_at"].tolist() == [utc("2013-11-04 13:50"), utc("2013-12-02 12:36")]
    assert frame["priority"].tolist() == ["4", "3"]
    # The trailing empty rows of the export are blank rows, not quarantined tasks.
    assert result.account.skipped == {"blank": 2}
    assert result.account.to_dict() == {"read": 4, "accepted": 2, "quarantined": 0, "skipped": 2}
