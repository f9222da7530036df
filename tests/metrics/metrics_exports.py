"""Small exports (CSV text as systems write them) for the ``boaudit metrics`` CLI tests, with
every figure the tests expect worked out by hand below each one."""

from __future__ import annotations

from pathlib import Path

TASKS = """Ticket ID,Created,Resolved,Assigned To,Team,Priority,Within SLA,Provider,Handling Minutes,Error,Reopens
T1,2025-01-06,2025-01-07,ann,A,High,Yes,In-house,30,No,0
T2,2025-01-06,2025-01-09,ann,A,Low,Yes,In-house,60,Yes,1
T3,2025-01-13,2025-01-15,bob,B,High,No,Partner,90,No,0
T4,2025-01-14,2025-02-03,bob,B,Low,No,Partner,120,No,0
T5,2025-02-10,,cy,B,High,,Partner,,,2
T6,2025-04-01,2025-04-02,cy,A,Low,Yes,Partner,30,No,0
"""
"""Six tickets, five resolved.

Cycle times (days): T1 1, T2 3, T3 2, T4 20, T6 1 -> sorted 1 1 2 3 20: mean 27 / 5 = 5.4,
median 2, p90 h = 4 x 0.9 = 3.6 -> 3 + 0.6 x 17 = 13.2. Latest timestamp 2025-04-02 (T6
resolved) is the default as_of; T5 is open, 51 days old then (31-90 bucket).
Within SLA over resolved items: Y Y N N Y -> 0.6. Error known on 5: one -> 0.2. Reopens > 0:
T2, T5 of 6 -> 1/3. Handling minutes 30 60 90 120 - 30: at 40 an hour 20 40 60 80 20 -> 220 / 5
= 44. Resolved per assignee: ann 2, bob 2, cy 1 -> Gini 2 x (1 + 4 + 6) / (3 x 5) - 4 / 3 = 2/15.
Team A: T1 T2 T6; team B: T3 T4 T5. Provider In-house: T1 T2; Partner: T3 T4 T5 T6.
"""

MORE_TASKS = """Ticket ID,Created,Resolved,Assigned To,Team,Priority,Within SLA,Provider,Handling Minutes,Error,Reopens
U1,2025-01-20,2025-01-22,dee,C,High,Yes,In-house,60,No,0
U2,2025-01-21,2025-01-31,dee,C,Low,No,In-house,60,No,0
"""
"""Two more tickets in a second file: cycle times 2 and 10 days."""

INVOICES = """Invoice Number,Vendor,Invoice Date,Received,Approved,Paid,Due Date,Amount,Exception,Handling Minutes,Provider
I1,Acme,2025-03-03,2025-03-04,2025-03-06,2025-03-14,2025-03-31,100.00,No,12,In-house
I2,Beta,2025-03-05,2025-03-05,2025-03-10,2025-04-10,2025-04-04,250.00,No,12,In-house
I3,Gamma,2025-03-10,,2025-03-12,2025-03-20,2025-03-20,75.50,Yes,12,Acme BPO
I4,Delta,2025-03-20,2025-03-21,,,2025-04-20,40.00,No,12,Acme BPO
"""
"""Four invoices, three paid.

Handling 12 minutes each: at 40 an hour 8.00 per invoice (between the APQC median 5.83 and
bottom quartile 10.00). Approval (approved - (received, else invoice date)): 2, 5, 2 -> mean 3.
Paid by the due date: I1 yes, I2 6 days late, I3 on the day -> 2/3. Exceptions: 1 of 4.
Cycle (paid - (received, else invoice date)): 10, 36, 10 days.
"""

EVENTS = """Case ID,Activity,Timestamp,Resource
C1,Open,2025-01-01 09:00,ann
C1,Work,2025-01-02 09:00,ann
C1,Close,2025-01-03 09:00,ann
C2,Open,2025-01-01 00:00,bob
C2,Work,2025-01-02 00:00,bob
C2,Work,2025-01-03 00:00,bob
C2,Close,2025-01-05 00:00,bob
C3,Open,2025-01-04 00:00,ann
C3,Work,2025-01-06 00:00,ann
"""
"""Three cases: C1 closed after 2 days, C2 after 4 with Work repeated (rework), C3 open."""


def write(folder: Path, name: str, content: str) -> Path:
    """Write ``content`` to ``folder / name`` (UTF-8) and return the path."""
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path
