"""Row accounting: every input row is accepted, quarantined or skipped, each with its reasons.

The invariant ``read == accepted + len(quarantined) + sum(skipped.values())`` holds for every
:class:`RowAccount` a load returns. :func:`quarantine_csv` renders quarantined rows as CSV that is
safe to open in a spreadsheet (see :func:`neutralise_cell`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from boaudit.fileio import neutralise_cell


@dataclass(frozen=True)
class QuarantinedRow:
    """One input row that could not be used, with where it came from and why."""

    source: str
    """The file name as given (``-`` for stdin)."""
    sheet: str | None
    """The sheet name for workbooks, else None."""
    row: int
    """1-based row number in the file or sheet, the header line counting as row 1 or later."""
    raw: dict[str, str]
    """The row's values as read, by source column name."""
    reasons: tuple[str, ...]
    """Reason codes such as ``missing-required:task_id`` or ``bad-date:created_at``."""


@dataclass(frozen=True)
class RowAccount:
    """What happened to every row read.

    For ``events`` loads, ``read`` counts event rows and ``accepted`` the events that went into a
    case; the number of cases (tasks produced) is :attr:`LoadResult.cases`.
    """

    read: int
    """Data rows read (header and preamble lines excluded)."""
    accepted: int
    """Rows that made it into the frame (for events: events that went into a case)."""
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    """Rows refused, each with its reasons."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Rows left out on purpose, by reason: ``blank``, ``total-row``, ``label-row``,
    ``duplicate-event``, ``collapsed-update``, ``line-item``."""

    def __post_init__(self) -> None:
        total = self.accepted + len(self.quarantined) + sum(self.skipped.values())
        if total != self.read:
            raise AssertionError(f"row account does not balance: read {self.read} != {total}")

    def to_dict(self) -> dict[str, int]:
        """The ``"rows"`` object of the JSON outputs: read, accepted, quarantined, skipped."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "quarantined": len(self.quarantined),
            "skipped": sum(self.skipped.values()),
        }


def quarantine_csv(rows: list[QuarantinedRow]) -> str:
    """Render quarantined rows as CSV: ``source,sheet,row,reasons,raw`` (raw is JSON).

    Reasons are joined with ``;``. Every text cell is passed through :func:`neutralise_cell`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source", "sheet", "row", "reasons", "raw"])
    for row in rows:
        writer.writerow(
            [
                neutralise_cell(row.source),
                neutralise_cell(row.sheet or ""),
                str(row.row),
                neutralise_cell(";".join(row.reasons)),
                neutralise_cell(json.dumps(row.raw, ensure_ascii=False)),
            ]
        )
    return buffer.getvalue()
