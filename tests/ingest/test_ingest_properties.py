"""Hypothesis properties of the loader: the row account always balances on ragged CSV text, the
streamed and in-memory readers agree, and formatted amounts and dates survive a whole load."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_outcome import outcome

from boaudit.errors import InputDataError
from boaudit.ingest import IngestOptions, Limits, load, readers
from boaudit.ingest.readers import csv as readers_csv

CELLS = st.sampled_from(
    ["T1", "T2", "T3", "2024-01-02", "2024-01-03 10:00", "", " ", "soon", "Total", "x, y", 'a "q"']
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=5), min_size=0, max_size=25)


def render(rows: list[list[str]], delimiter: str = ",") -> str:
    """CSV text with minimal quoting; an empty list is a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        if row:
            writer.writerow(row)
        else:
            buffer.write("\n")
    return buffer.getvalue()


def expected_skips(rows: list[list[str]]) -> dict[str, int]:
    """The blank rows, and the rows whose first filled cell is "Total"."""
    blank = sum(1 for row in rows if not any(cell.strip() for cell in row))
    total = sum(
        1
        for row in rows
        if any(cell.strip() for cell in row)
        and next(cell for cell in row if cell.strip()).strip().lower() == "total"
    )
    return {k: v for k, v in (("blank", blank), ("total-row", total)) if v}


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_row_account_balances_on_ragged_csv(rows: list[list[str]]) -> None:
    text = "Ticket ID,Created,Agent\n" + render(rows)
    if sum(expected_skips(rows).values()) == len(rows):
        # Nothing but blank and total rows (or none): a header without rows is refused.
        with pytest.raises(InputDataError, match=r"^stdin: the input has a header but no rows"):
            load(["-"], "tasks", IngestOptions(), stdin=io.BytesIO(text.encode()))
        return
    result = load(["-"], "tasks", IngestOptions(), stdin=io.BytesIO(text.encode()))
    account = result.account
    assert account.read == len(rows)
    assert account.read == account.accepted + len(account.quarantined) + sum(
        account.skipped.values()
    )
    assert account.accepted == len(result.frame)
    skipped = {k: v for k, v in account.skipped.items() if k in {"blank", "total-row"}}
    assert skipped == expected_skips(rows)
    # Every row number points at a real data row, once.
    numbers = result.frame["_row"].tolist() + [q.row for q in account.quarantined]
    assert len(numbers) == len(set(numbers))
    assert all(2 <= n <= len(rows) + 1 for n in numbers)
    for row in account.quarantined:
        assert row.reasons, row
        if "extra-fields" in row.reasons:
            assert row.raw["(extra fields)"] != ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS, st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_streamed_file_and_bytes_read_alike(
    rows: list[list[str]], delimiter: str, ending: str
) -> None:
    data = (("Ticket ID" + delimiter + "Created\n") + render(rows, delimiter)).replace("\n", ending)
    raw = data.encode()
    options = IngestOptions(limits=Limits(max_cell_chars=8))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(raw)
        streamed = outcome(lambda: readers.read_source(str(path), options))
        in_memory = outcome(lambda: readers.read_csv_bytes(raw, str(path), options))
    assert streamed == in_memory


TEXT = st.text(alphabet='ab,;"\n é', max_size=6)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6))
def test_arrow_and_c_parsers_agree_on_quoted_cells(pairs: list[tuple[str, str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(pairs)
    data = buffer.getvalue().encode()
    arrow = readers_csv._parse_csv_arrow(data, ",", 2)
    general = readers_csv._parse_csv(data, ",", 2, 100, "mem.csv", Limits())
    assert arrow is not None
    assert arrow.astype(object).values.tolist() == [list(p) for p in pairs]
    assert general.astype(object).values.tolist() == [list(p) for p in pairs]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
        min_size=1,
        max_size=6,
    )
)
def test_quickbooks_amounts_survive_a_load(values: list[Decimal]) -> None:
    # Thousands separators (so quoted in the CSV) and parenthesised negatives, as QBO writes.
    lines = ["Date,Transaction type,Num,Name,Amount"]
    for number, value in enumerate(values):
        text = f"{abs(value):,.2f}"
        text = f"({text})" if value < 0 else text
        lines.append(f'01/15/2025,Bill,{number},Supplier 1,"{text}"')
    data = "\n".join(lines).encode() + b"\n"
    options = IngestOptions(date_order="monthfirst", decimal=".")
    result = load(["-"], "invoices", options, stdin=io.BytesIO(data))
    assert result.frame["amount"].tolist() == [float(Decimal(f"{v:.2f}")) for v in values]
    assert result.frame["invoice_id"].tolist() == [str(n) for n in range(len(values))]


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2090, 12, 30)),
    st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15),
)
def test_offsets_convert_to_the_same_instant_in_utc(moment: dt.datetime, minutes: int) -> None:
    moment = moment.replace(microsecond=0)
    zone = dt.timezone(dt.timedelta(minutes=minutes))
    text = moment.replace(tzinfo=zone).isoformat()
    data = f"Ticket ID,Created\nT-1,{text}\n".encode()
    frame = load(["-"], "tasks", IngestOptions(), stdin=io.BytesIO(data)).frame
    expected = pd.Timestamp(moment.replace(tzinfo=zone)).tz_convert("UTC")
    assert frame["created_at"].iloc[0] == expected
