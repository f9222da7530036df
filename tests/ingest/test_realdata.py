"""Every real export in ../shared/realdata loads with the right number of tasks, invoices or cases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from boaudit.ingest import IngestOptions, load

pytestmark = pytest.mark.realdata


def balanced(result: object) -> bool:
    account = result.account  # type: ignore[attr-defined]
    return bool(
        account.read == account.accepted + len(account.quarantined) + sum(account.skipped.values())
    )


def test_ibm_accounts_receivable(realdata: Path) -> None:
    result = load([realdata / "ibm_accounts_receivable.csv"], None, IngestOptions())
    assert result.kind == "invoices"
    assert len(result.frame) == 2466
    assert result.columns == {
        "invoice_id": "invoiceNumber",
        "amount": "InvoiceAmount",
        "vendor": "customerID",
        "invoice_date": "InvoiceDate",
        "paid_at": "SettledDate",
        "due_date": "DueDate",
        "disputed": "Disputed",
    }
    first = result.frame.iloc[0]
    assert first["invoice_id"] == "0000611365"
    assert first["amount"] == 55.94
    assert first["invoice_date"] == pd.Timestamp("2013-01-02", tz="UTC")
    assert first["disputed"] is False or first["disputed"] == False  # noqa: E712
    assert result.account.to_dict() == {
        "read": 2466,
        "accepted": 2466,
        "quarantined": 0,
        "skipped": 0,
    }


def test_servicenow_update_log(realdata: Path) -> None:
    result = load([realdata / "servicenow_incident_event_log_sample.csv"], None, IngestOptions())
    assert result.kind == "tasks"
    assert len(result.frame) == 890
    assert result.frame["task_id"].is_unique
    assert result.columns["updated_at"] == "sys_updated_at"
    assert result.account.skipped == {"collapsed-update": 5108}
    assert result.frame["created_at"].iloc[0] == pd.Timestamp("2016-02-29 01:16", tz="UTC")
    assert any("read as day-first" in note for note in result.notes)
    assert balanced(result)


def test_helpdesk_events(realdata: Path) -> None:
    result = load([realdata / "helpdesk_events.csv"], None, IngestOptions())
    assert result.kind == "events"
    assert result.cases == 4580
    assert result.account.to_dict() == {
        "read": 21348,
        "accepted": 21221,
        "quarantined": 0,
        "skipped": 127,
    }
    assert result.account.skipped == {"duplicate-event": 127}
    assert int((result.frame["rework_count"] > 0).sum()) > 0


def test_bpic2013_volvo(realdata: Path) -> None:
    result = load([realdata / "bpic2013_volvo_incidents_events.csv"], "events", IngestOptions())
    assert result.cases == 7554
    assert result.account.read == 65533
    assert balanced(result)


def test_bpic2019_gz(realdata: Path) -> None:
    result = load([realdata / "bpic2019_p2p_1t_per_variant_events.csv.gz"], None, IngestOptions())
    assert result.kind == "events"
    assert result.cases == 11973
    assert result.detected[0].compression == "gzip"
    assert result.account.read == 338247
    assert result.account.skipped == {"duplicate-event": 173895}
    assert balanced(result)
