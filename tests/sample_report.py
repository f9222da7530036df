"""The sample organisation's report as a user runs it: the command line every report test
that starts from sample_data/ shares."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

SAMPLE_REPORT = [
    "report",
    "--answers",
    str(SAMPLE / "answers"),
    "--invoices",
    str(SAMPLE / "exports" / "invoices.csv"),
    "--tasks",
    str(SAMPLE / "exports" / "tasks.csv"),
    "--hourly-rate",
    "45",
]
"""``boaudit report`` on the sample's interviews, invoices and tasks (handling priced at 45 an
hour); add the format and output."""
