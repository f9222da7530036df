"""Hand-made canonical frames (as the loader returns them) whose metrics the tests work out by
hand, and the path to the shared real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


def ts(*values: str | None) -> pd.Series:
    """UTC datetimes like the loader's (None is NaT)."""
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601"))


def text(*values: str | None) -> pd.Series:
    """Text like the loader's."""
    return pd.Series(list(values), dtype="string")


def flags(*values: bool | None) -> pd.Series:
    """Nullable booleans like the loader's."""
    return pd.Series(list(values), dtype="boolean")


def tasks_frame() -> pd.DataFrame:
    """Five tasks; cycle times 1, 3, 2.5, (open), 10 days.

    | id | created    | completed        | assignee | team | error | rework | sla_met | priority | cost | provider |
    | t1 | 01-01      | 01-02            | ann      | A    | F     | 0      | T       | high     | 10   | In-house |
    | t2 | 01-01      | 01-04            | ann      | A    | T     | 1      | F       | low      | 20   | In-house |
    | t3 | 01-02      | 01-04 12:00      | bob      | B    | F     | 0      | T       | low      | -    | Partner  |
    | t4 | 01-03      | (open)           | bob      | B    | ?     | 2      | ?       | high     | 30   | Partner  |
    | t5 | 01-10      | 01-20            | cy       | B    | F     | 0      | F       | low      | 40   | Partner  |
    """
    return pd.DataFrame(
        {
            "task_id": text("t1", "t2", "t3", "t4", "t5"),
            "created_at": ts("2025-01-01", "2025-01-01", "2025-01-02", "2025-01-03", "2025-01-10"),
            "completed_at": ts("2025-01-02", "2025-01-04", "2025-01-04T12:00", None, "2025-01-20"),
            "assignee": text("ann", "ann", "bob", "bob", "cy"),
            "team": text("A", "A", "B", "B", "B"),
            "error": flags(False, True, False, None, False),
            "rework_count": pd.Series([0, 1, 0, 2, 0], dtype="Int64"),
            "sla_met": flags(True, False, True, None, False),
            "priority": text("high", "low", "low", "high", "low"),
            "cost": [10.0, 20.0, None, 30.0, 40.0],
            "provider": text("In-house", "In-house", "Partner", "Partner", "Partner"),
            "_source": "tasks.csv",
            "_row": [2, 3, 4, 5, 6],
        }
    )


def invoices_frame() -> pd.DataFrame:
    """Five invoices: an exact duplicate pair (A1 / A-1), a near pair (B2 / C3), one open.

    Cycle (paid - (received else invoice date)): A1 8, A-1 17, B2 3 (no received: invoice date)
    days; C3 and D4 unpaid. Approval: 2, 2, 2 days. Days late: 0, 5, 0.
    """
    return pd.DataFrame(
        {
            "invoice_id": text("A1", "A-1", "B2", "C3", "D4"),
            "amount": [100.0, 100.0, 50.0, 50.0, 70.0],
            "vendor": text("Acme", "acme ", "Beta", "Beta", None),
            "currency": text("USD", "USD", "USD", "USD", "USD"),
            "invoice_date": ts(
                "2025-01-01", "2025-01-02", "2025-01-05", "2025-01-09", "2025-02-01"
            ),
            "received_at": ts("2025-01-02", "2025-01-03", None, "2025-01-10", "2025-02-02"),
            "approved_at": ts("2025-01-04", "2025-01-05", "2025-01-07", None, None),
            "paid_at": ts("2025-01-10T09:00", "2025-01-20", "2025-01-08T15:00", None, None),
            "due_date": ts("2025-01-15", "2025-01-15", "2025-01-08", None, "2025-03-01"),
            "error": flags(True, False, None, False, True),
            "disputed": flags(False, True, False, False, False),
            "processed_by": text("ann", "bob", "ann", "bob", "ann"),
            "handling_minutes": [30.0, 60.0, 15.0, None, 45.0],
            "provider": text("In-house", "Acme BPO", "Acme BPO", "In-house", "In-house"),
            "_source": "invoices.csv",
            "_row": [2, 3, 4, 5, 6],
        }
    )


def realdata(name: str) -> Path:
    """A file in ../shared/realdata, or skip with the reason."""
    path = REALDATA / name
    if not path.exists():
        pytest.skip(f"real data not available: {path} (the shared/realdata folder is absent)")
    return path


# c1: Receive, Check, Receive, Check, Pay (a loop; ann and bob hand the case back and forth);
# c2: Receive, Check, Pay (ann, ann, cat); c3: Receive, Check, Pay (bob, -, bob);
# c4: Receive only. c1's second Check is written before its second Receive in the file.
HAND_EVENT_LOG = (
    "case_id,activity,timestamp,resource,team\n"
    "c1,Receive,2024-01-01T09:00:00Z,ann,T1\n"
    "c1,Check,2024-01-01T21:00:00Z,bob,T2\n"
    "c2,Receive,2024-01-02T00:00:00Z,ann,T1\n"
    "c1,Check,2024-01-03T09:00:00Z,bob,T2\n"
    "c1,Receive,2024-01-02T09:00:00Z,ann,T1\n"
    "c2,Check,2024-01-02T06:00:00Z,ann,T1\n"
    "c3,Receive,2024-01-03T00:00:00Z,bob,T2\n"
    "c3,Check,2024-01-04T00:00:00Z,,T2\n"
    "c2,Pay,2024-01-04T06:00:00Z,cat,T2\n"
    "c1,Pay,2024-01-05T09:00:00Z,bob,T2\n"
    "c4,Receive,2024-01-05T00:00:00Z,cat,T1\n"
    "c3,Pay,2024-01-07T00:00:00Z,bob,T2\n"
)
"""A hand-made event log whose process figures tests/metrics/test_process.py works out by hand."""
