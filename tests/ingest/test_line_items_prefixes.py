"""Line-item invoice exports (Xero) collapse into invoices; BPIC 2019's prefixed event columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from boaudit.ingest import IngestOptions, LoadResult, load
from boaudit.ingest.mapping import line_item_columns, map_columns


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def check_balance(result: LoadResult) -> None:
    account = result.account
    assert account.read == account.accepted + len(account.quarantined) + sum(
        account.skipped.values()
    )


def test_xero_multi_line_bill_collapses_to_its_total(data: Path) -> None:
    result = load([data / "xero_bills_lines.csv"], None, IngestOptions())
    assert result.kind == "invoices"
    assert result.columns["amount"] == "Total"
    frame = result.frame
    # AP-3001 of Kea Ltd is another vendor's invoice: not merged into Kiwi Supplies' AP-3001.
    assert frame["invoice_id"].tolist() == ["AP-3001", "AP-3002", "AP-3001", "AP-3003"]
    assert frame["vendor"].tolist() == ["Kiwi Supplies", "Tui Traders", "Kea Ltd", "Kea Ltd"]
    # The Total repeated on every line, taken once (two identical lines of AP-3003 included).
    assert frame["amount"].tolist() == [431.25, 57.5, 23.0, 80.5]
    assert frame["invoice_date"].tolist() == [
        utc("2026-09-08"),
        utc("2026-09-13"),
        utc("2026-09-14"),
        utc("2026-09-15"),
    ]
    assert frame["_row"].tolist() == [2, 5, 6, 7]  # the first line of each invoice
    assert result.account.to_dict() == {"read": 7, "accepted": 4, "quarantined": 0, "skipped": 3}
    assert result.account.skipped == {"line-item": 3}
    assert any("line-item rows collapsed into 2 invoice(s)" in n for n in result.notes)
    check_balance(result)


def test_line_items_without_total_are_summed_exactly(data: Path) -> None:
    result = load([data / "line_items_no_total.csv"], None, IngestOptions())
    assert result.kind == "invoices"
    assert "amount" not in result.columns or result.columns["amount"]
    frame = result.frame
    assert frame["invoice_id"].tolist() == ["INV-1", "INV-2", "INV-1"]
    assert frame["vendor"].tolist() == ["Kiwi Supplies", "Kiwi Supplies", "Tui Traders"]
    # 3 x 0.10 + 1 x 0.20 is exactly 0.5 (float arithmetic would give 0.5000000000000001).
    assert frame["amount"].tolist() == [0.5, 24.69, 1.1]
    assert result.amount_scale == {"amount": 3}
    assert result.account.skipped == {"line-item": 1}
    assert any("'*Quantity' x '*UnitAmount'" in n for n in result.notes)
    check_balance(result)


def test_line_amount_column_is_summed(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "Invoice Number,Supplier,Invoice Date,Item Code,Line Amount\n"
        "B-1,Acme,2026-01-05,P1,0.10\n"
        "B-1,Acme,2026-01-05,P2,0.20\n"
        "B-2,Acme,2026-01-06,P1,7.00\n"
        "B-2,Acme,2026-01-06,P1,7.00\n"
    )
    result = load([path], "invoices", IngestOptions())
    assert result.frame["amount"].tolist() == [0.3, 14.0]
    assert result.account.skipped == {"line-item": 2}
    check_balance(result)


def test_per_line_amount_equal_on_every_line_is_summed(tmp_path: Path) -> None:
    # Sage-style: the mapped amount (Net Amount) is each line's own amount (qty x unit price).
    path = tmp_path / "sage.csv"
    path.write_text(
        "INVOICE_NUMBER,ACCOUNT_REF,QTY_ORDER,UNIT_PRICE,NET_AMOUNT\n"
        "9001,ACME01,2,25.00,50.00\n"
        "9001,ACME01,1,50.00,50.00\n"
        "9002,ACME01,1,10.00,10.00\n"
    )
    result = load([path], "invoices", IngestOptions())
    assert result.columns["amount"] == "NET_AMOUNT"
    assert result.frame["amount"].tolist() == [100.0, 10.0]
    assert result.account.skipped == {"line-item": 1}


def test_a_refused_line_quarantines_its_whole_invoice(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "Invoice Number,Supplier,Quantity,Unit Price\nB-1,Acme,1,5.00\nB-1,Acme,1,oops\nB-2,Acme,2,3.00\n"
    )
    result = load([path], "invoices", IngestOptions())
    assert result.frame["invoice_id"].tolist() == ["B-2"]
    assert result.frame["amount"].tolist() == [6.0]
    reasons = {q.row: q.reasons for q in result.account.quarantined}
    assert reasons == {
        2: ("line-item:invoice-has-quarantined-line",),
        3: ("bad-amount:amount",),
    }
    check_balance(result)


def test_plain_invoices_with_a_repeated_number_are_not_collapsed(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        "Invoice Number,Vendor,Invoice Date,Amount,Description\n"
        "A-1,Acme,2026-01-05,100.00,Office chairs\n"
        "A-1,Acme,2026-01-05,100.00,Office chairs\n"
        "A-2,Acme,2026-01-06,50.00,Desk\n"
    )
    result = load([path], "invoices", IngestOptions())
    assert result.frame["invoice_id"].tolist() == ["A-1", "A-1", "A-2"]
    assert result.frame["amount"].tolist() == [100.0, 100.0, 50.0]
    assert result.account.skipped == {}
    assert result.account.accepted == 3


def test_line_item_columns_come_from_the_synonym_table() -> None:
    header = ["*InvoiceNumber", "InventoryItemCode", "*Quantity", "*UnitAmount", "LineAmount"]
    columns = line_item_columns(header, set())
    assert columns is not None
    assert columns.names == {
        "quantity": "*Quantity",
        "unit_amount": "*UnitAmount",
        "line_amount": "LineAmount",
        "item": "InventoryItemCode",
    }
    assert line_item_columns(["Invoice", "Amount", "Description"], set()) is None
    mapping = map_columns(["Invoice", "LineAmount"], "invoices", {}, "x.csv")
    assert mapping.complete and "amount" not in mapping.positions


# --------------------------------------------------------------------------- BPIC 2019


def test_bpic2019_official_csv_prefixes(data: Path) -> None:
    result = load([data / "bpic2019_official_cp1252.csv"], None, IngestOptions(encoding="cp1252"))
    assert result.kind == "events"
    assert result.columns == {
        "case_id": "case concept:name",
        "activity": "event concept:name",
        "timestamp": "event time:timestamp",
        "resource": "event org:resource",
    }
    assert result.cases == 2
    frame = result.frame
    assert frame["task_id"].tolist() == ["4507000001_00001", "4507000002_00001"]
    assert frame["created_at"].tolist() == [utc("2018-01-02 12:53"), utc("2018-01-03 08:00")]
    assert frame["completed_at"].iloc[0] == utc("2018-02-25 16:00")  # "Clear Invoice"
    assert pd.isna(frame["completed_at"].iloc[1])
    assert result.account.to_dict() == {"read": 4, "accepted": 4, "quarantined": 0, "skipped": 0}
    assert any("also matched: 'event User'" in n for n in result.notes)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["case:concept:name", "concept:name", "time:timestamp", "org:resource"],
            ["case:concept:name", "concept:name", "time:timestamp", "org:resource"],
        ),
        (
            ["event concept:name", "case concept:name", "event time:timestamp"],
            ["case concept:name", "event concept:name", "event time:timestamp"],
        ),
    ],
)
def test_xes_names_with_and_without_prefixes(header: list[str], expected: list[str]) -> None:
    mapping = map_columns(header, "events", {}, "x.csv")
    assert [mapping.names[c] for c in ("case_id", "activity", "timestamp")] == expected[:3]


def test_full_names_beat_prefixed_names() -> None:
    mapping = map_columns(["case Vendor", "Vendor", "Invoice", "Amount"], "invoices", {}, "x")
    assert mapping.names["vendor"] == "Vendor"
    prefixed = map_columns(["case Vendor", "Invoice", "Amount"], "invoices", {}, "x")
    assert prefixed.names["vendor"] == "case Vendor"
