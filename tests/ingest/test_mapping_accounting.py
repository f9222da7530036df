"""Synonym table, map files, row accounting and the quarantine CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from boaudit.errors import ConfigError, InputMissingError
from boaudit.ingest import (
    SCHEMAS,
    QuarantinedRow,
    RowAccount,
    neutralise_cell,
    quarantine_csv,
    read_map_file,
)
from boaudit.ingest.mapping import map_columns, normalise, synonyms


def test_normalise_ignores_case_spaces_punctuation_and_star() -> None:
    assert normalise("*Invoice Number") == normalise("invoice_number") == "invoicenumber"
    assert normalise(" Due-Date ") == "duedate"
    assert normalise("Nettofälligkeitsdatum") == "nettofälligkeitsdatum"


def test_every_canonical_column_matches_itself() -> None:
    for kind, table in synonyms().items():
        for canonical in SCHEMAS[kind]:
            assert table[canonical][0] == normalise(canonical)


def test_no_synonym_belongs_to_two_canonical_columns_of_one_kind() -> None:
    for kind, table in synonyms().items():
        seen: dict[str, str] = {}
        for canonical, keys in table.items():
            for key in keys:
                assert seen.setdefault(key, canonical) == canonical, (kind, key)


@pytest.mark.parametrize(
    ("header", "kind", "expected"),
    [
        (
            ["Belegnummer", "Betrag in Hauswährung", "Buchungsdatum"],
            "invoices",
            {
                "invoice_id": "Belegnummer",
                "amount": "Betrag in Hauswährung",
                "received_at": "Buchungsdatum",
            },
        ),
        (
            ["Document Number", "Amount in local currency", "Net due date", "Clearing date"],
            "invoices",
            {
                "invoice_id": "Document Number",
                "amount": "Amount in local currency",
                "due_date": "Net due date",
                "paid_at": "Clearing date",
            },
        ),
        (
            ["Bill Number", "Vendor Name", "Bill Date", "Total", "Currency Code"],
            "invoices",
            {
                "invoice_id": "Bill Number",
                "vendor": "Vendor Name",
                "invoice_date": "Bill Date",
                "amount": "Total",
                "currency": "Currency Code",
            },
        ),
        (
            ["Ticket ID", "Created time", "Resolved time", "Agent", "Group"],
            "tasks",
            {
                "task_id": "Ticket ID",
                "created_at": "Created time",
                "completed_at": "Resolved time",
                "assignee": "Agent",
                "team": "Group",
            },
        ),
        (
            ["Incident ID", "Open Time", "Close Time"],
            "tasks",
            {"task_id": "Incident ID", "created_at": "Open Time", "completed_at": "Close Time"},
        ),
        (
            ["case:concept:name", "concept:name", "time:timestamp", "org:resource"],
            "events",
            {
                "case_id": "case:concept:name",
                "activity": "concept:name",
                "timestamp": "time:timestamp",
                "resource": "org:resource",
            },
        ),
    ],
)
def test_real_export_headers(header: list[str], kind: str, expected: dict[str, str]) -> None:
    mapping = map_columns(header, kind, {}, "x.csv")  # type: ignore[arg-type]
    assert mapping.names == expected


def test_override_switches_a_column_off() -> None:
    mapping = map_columns(["Id", "Created", "Status"], "tasks", {"status": ""}, "x")
    assert "status" not in mapping.names
    assert mapping.unmapped == ["Status"]


def test_read_map_file(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text('# comment\ntask_id = "Ref No."\ncreated_at = "When"\n')
    assert read_map_file(path) == {"task_id": "Ref No.", "created_at": "When"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("task_id = ", "not valid TOML"),
        ('ticket = "x"', r"1 problem\(s\)"),
        ("task_id = 3", r"1 problem\(s\)"),
    ],
)
def test_bad_map_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_map_file(path)


def test_missing_map_file(tmp_path: Path) -> None:
    with pytest.raises(InputMissingError):
        read_map_file(tmp_path / "nope.toml")


def test_account_balances_or_fails() -> None:
    account = RowAccount(read=5, accepted=2, quarantined=[], skipped={"blank": 3})
    assert account.to_dict() == {"read": 5, "accepted": 2, "quarantined": 0, "skipped": 3}
    with pytest.raises(AssertionError):
        RowAccount(read=5, accepted=2, quarantined=[], skipped={})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_quarantine_csv() -> None:
    rows = [
        QuarantinedRow(
            "a.csv", None, 4, {"id": "=cmd|' /C calc'!A0", "n": "1"}, ("bad-date:x", "extra-fields")
        ),
        QuarantinedRow("b.xlsx", "Sheet1", 2, {"id": "B"}, ("missing-required:task_id",)),
    ]
    text = quarantine_csv(rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ["source", "sheet", "row", "reasons", "raw"]
    assert parsed[1][:4] == ["a.csv", "", "4", "bad-date:x;extra-fields"]
    assert json.loads(parsed[1][4]) == {"id": "=cmd|' /C calc'!A0", "n": "1"}
    assert parsed[2][:4] == ["b.xlsx", "Sheet1", "2", "missing-required:task_id"]
    assert quarantine_csv([]) == "source,sheet,row,reasons,raw\n"
