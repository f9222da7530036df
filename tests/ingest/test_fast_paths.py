"""The Arrow fast paths give what the general paths give.

Text, ISO dates and plain decimals of an Arrow-backed column are parsed from the Arrow buffers;
the same values as Python objects take the general per-distinct-value path. A UTF-8 CSV on
disk is streamed to Arrow; the same bytes in memory take the bytes path.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_outcome import outcome

from boaudit.errors import InputDataError
from boaudit.ingest import readers
from boaudit.ingest import values as values_module
from boaudit.ingest.options import IngestOptions, Limits
from boaudit.ingest.readers import csv as readers_csv
from boaudit.ingest.readers import source as readers_source
from boaudit.ingest.readers import table as readers_table
from boaudit.ingest.values import (
    Parsed,
    parse_amounts,
    parse_dates,
    parse_minutes,
    parse_text,
)


def both(values: list[str]) -> tuple[pd.Series, pd.Series]:
    """The values as Arrow strings in two chunks (fast path) and as objects (general path)."""
    half = len(values) // 2
    chunks = [pa.array(values[:half], pa.string()), pa.array(values[half:], pa.string())]
    chunked = pa.chunked_array(chunks, pa.string())
    return chunked.to_pandas(), pd.Series(values, dtype=object)


def same(fast: Parsed, general: Parsed) -> None:
    pd.testing.assert_series_equal(fast.values, general.values, check_exact=True)
    assert fast.bad.tolist() == general.bad.tolist()
    assert (fast.scale, fast.note) == (general.scale, general.note)


TEXT = ["INV-1", " INV-2 ", "N/A", "null", "", "0042", "é", "a é", "\u00a0x", "x\x1f", "ſ"]
DATES = [
    "2024-01-31",
    "2024-02-29",
    "0000-00-00",
    "",
    "2024-03-01 10:20",
    "2024-03-01T10:20",
    "2024-03-01 23:59:59",
]
AMOUNTS = ["1", "-1.5", "0.125", "-0.125", "12.345", "", "0", "-012.500", "123456789012345"]


@pytest.mark.parametrize("cut", range(len(TEXT) + 1))
def test_text(cut: int) -> None:
    fast, general = both(TEXT[:cut] + TEXT[cut:][::-1])
    same(parse_text(fast), parse_text(general))


@pytest.mark.parametrize("cut", range(len(DATES) + 1))
def test_iso_dates(cut: int) -> None:
    fast, general = both(DATES[cut:] + DATES[:cut])
    same(parse_dates(fast), parse_dates(general))


@pytest.mark.parametrize(
    "values",
    [
        ["2024-02-30"],
        ["2023-02-29 10:00"],
        ["2024-01-01 24:00"],
        ["2024-13-01"],
        ["2024-01-01", " 2024-01-02"],
        ["2024-01-01", "31/12/2024"],
        ["2024-01-01 10:00:60"],
        ["2024-01-0x"],
    ],
)
def test_dates_the_fast_path_leaves_alone(values: list[str]) -> None:
    fast, general = both(values)
    same(parse_dates(fast), parse_dates(general))


@pytest.mark.parametrize("cut", range(len(AMOUNTS) + 1))
def test_plain_amounts(cut: int) -> None:
    fast, general = both(AMOUNTS[cut:] + AMOUNTS[:cut])
    same(parse_amounts(fast), parse_amounts(general))
    same(parse_minutes(fast), parse_minutes(general))


@pytest.mark.parametrize(
    "values", [["1.234"], ["1.234", "5"], ["1.234", "1,5"], ["1.5", "(2)"], ["7", "1:30"]]
)
def test_amounts_the_fast_path_leaves_alone(values: list[str]) -> None:
    fast, general = both(values)
    for parse in (parse_amounts, parse_minutes):
        try:
            expected: Parsed | str = parse(general)
        except InputDataError as exc:
            expected = str(exc)
        if isinstance(expected, str):
            with pytest.raises(InputDataError) as raised:
                parse(fast)
            assert str(raised.value) == expected
        else:
            same(parse(fast), expected)


@pytest.mark.parametrize(
    "data",
    [
        b"Invoice Number,Amount\nINV-1,10.50\nINV-2,3\n",
        b"\xef\xbb\xbfInvoice Number,Amount\r\nINV-1,10.50\r\nINV-2,3",
        b'Invoice Number,Vendor\nINV-1,"Acme, ""Ltd"""\nINV-2,"two\nlines"\n',
        b'Invoice Number,Vendor\nINV-1,"open\n',
        b"Invoice Number,Amount\nINV-1,10\nINV-2,\xff\n",
        b"Invoice Number,Amount\nINV-1,10\nINV-2,\xc3",
        b"Invoice Number,Amount\nINV-1,10\nINV-2,3,4\n",
        b"Invoice Number,Amount\nINV-1,10\n,\nTotal,10\n",
        b"Invoice Number,Amount\nINV-1," + b"9" * 40 + b"\n",
        b"Invoice Number,Amount\nINV-1,1\nINV-2,2\nINV-3,3\nINV-4,4\n",
        b'Invoice Number,Vendor\nINV-1,plain\nINV-2,plain\nINV-3,"late\nquote"\n',
        b"\xef\xbb\xbfInvoice Number,Vendor\nINV-1,no quotes at all\n",
    ],
)
@pytest.mark.parametrize("block", [7, 1 << 24])
def test_streamed_file_reads_as_the_bytes(
    tmp_path: Path, data: bytes, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small check block: the first quote turns up in a later block than the first.
    monkeypatch.setattr(readers_csv, "_CHECK_BLOCK", block)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    options = IngestOptions(limits=Limits(max_cell_chars=20, max_rows=3))
    streamed = outcome(lambda: readers.read_source(str(path), options))
    in_memory = outcome(lambda: readers.read_csv_bytes(data, str(path), options))
    assert streamed == in_memory


@pytest.mark.parametrize("limit", [1, 3, 7, 20])
@pytest.mark.parametrize("size", [1, 2, 5, 64])
def test_stream_checks_lines_and_encoding_across_reads(limit: int, size: int) -> None:
    data = "a,b\néé,\n\n" + "x" * 9 + "\nlast,é"
    raw = data.encode()
    stream = readers_csv._CheckedStream(io.BytesIO(raw[5:]), raw[:5], ",", 2, limit)
    pieces = []
    while piece := stream.read(size):
        pieces.append(piece)
    assert not stream.failed
    assert stream.long_line == (readers_csv._longest_line(raw) > limit)
    assert b"".join(pieces) == raw + b"\n,\n"
    broken = readers_csv._CheckedStream(io.BytesIO(raw[:-1]), b"", ",", 2, limit)
    while broken.read(size):
        pass
    assert broken.failed


@pytest.mark.parametrize(
    ("data", "vendor", "expected"),
    [
        (b"Invoice Number,Vendor\nINV-1,Acme\n", "Acme", [(False, False)]),
        (b'Invoice Number,Vendor\nINV-1,"Acme, Ltd"\n', "Acme, Ltd", [(True, True)]),
    ],
)
def test_files_without_quotes_are_read_in_parallel_blocks(
    tmp_path: Path,
    data: bytes,
    vendor: str,
    expected: list[tuple[bool, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (sentinel, quoted) of each Arrow read: a file without a quote character is read by Arrow
    # from its path with newlines_in_values off; any quote sends it through the checked stream.
    calls: list[tuple[bool, bool]] = []
    real = readers_csv._arrow_frame

    def spy(
        source: object, delimiter: str, width: int, sentinel: bool, quoted: bool = True
    ) -> pd.DataFrame | None:
        calls.append((sentinel, quoted))
        return real(source, delimiter, width, sentinel, quoted)

    monkeypatch.setattr(readers_csv, "_arrow_frame", spy)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    table = readers.read_source(str(path), IngestOptions())
    assert calls == expected
    assert table.data.iloc[0].tolist() == ["INV-1", vendor]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet="tToOaAlL ſKİı\u212aé-0", max_size=8),
            st.sampled_from(["Total", "GRAND TOTAL", "tOtAl due", "totl", "subtotals"]),
        ),
        max_size=30,
    )
)
def test_total_search_on_arrow_strings_is_the_case_insensitive_search(
    cells: list[str | None],
) -> None:
    arrow = pd.Series(cells, dtype=pd.StringDtype("pyarrow"))
    expected = arrow.astype(object).map(lambda v: isinstance(v, str) and "total" in v.casefold())
    assert readers_table._contains_total(arrow).tolist() == expected.tolist()
    python = pd.Series(cells, dtype=pd.StringDtype("python"))
    assert readers_table._contains_total(python).tolist() == expected.tolist()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789.-+e ,", max_size=20),
            st.from_regex(r"-?[0-9]{1,16}(\.[0-9]{0,10})?", fullmatch=True),
        ),
        max_size=12,
    )
)
def test_plain_amount_check_on_bytes_is_the_regular_expression(cells: list[str]) -> None:
    chunk = pa.array(cells, type=pa.large_string())
    offsets, data, nulls = values_module._layout(chunk)
    lengths = np.diff(offsets)
    filled = (lengths > 0) & ~nulls
    point = values_module._all_plain_amounts(chunk, offsets, data, lengths, filled)
    pattern = re.compile(values_module._PLAIN_AMOUNT_RE)
    expected = all(pattern.fullmatch(cell) for cell in cells if cell)
    assert (point is not None) == expected
    if point is not None:
        assert point.tolist() == [cell.find(".") for cell in cells]


ISO_CELLS = st.one_of(
    st.builds(
        lambda y, m, d, rest: f"{y:04d}-{m:02d}-{d:02d}{rest}",
        st.sampled_from([0, 1677, 1678, 1900, 2000, 2023, 2024, 2100, 2261, 2262, 9999]),
        st.integers(0, 13),
        st.integers(0, 32),
        st.one_of(
            st.just(""),
            st.builds(
                lambda sep, h, mi, sec: f"{sep}{h:02d}:{mi:02d}{sec}",
                st.sampled_from([" ", "T"]),
                st.integers(0, 24),
                st.integers(0, 60),
                st.one_of(st.just(""), st.integers(0, 60).map(lambda v: f":{v:02d}")),
            ),
        ),
    ),
    st.sampled_from(["", "0000-00-00", "2024-1-05", "2024/01/05", "2024-01-05 7:00"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ISO_CELLS, min_size=1, max_size=12))
def test_iso_dates_from_bytes_match_the_general_path(cells: list[str]) -> None:
    fast, general = both(cells)
    same(parse_dates(fast), parse_dates(general))


def test_a_quote_after_the_first_block_reads_the_file_again_with_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrow reads the file as quote-free while the checks run; a quote further on (here, a
    # cell holding a newline) sends it through the checked stream instead.
    monkeypatch.setattr(readers_csv, "_CHECK_BLOCK", 1 << 12)
    plain = b"".join(b"INV-%d,Vendor %d\n" % (i, i % 7) for i in range(20_000))
    data = b"Invoice Number,Vendor\n" + plain + b'INV-X,"two\nlines"\nINV-Y,last\n'
    assert len(data) > 4 * readers_source.SNIFF_CHARS + 4
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    options = IngestOptions()
    streamed = outcome(lambda: readers.read_source(str(path), options))
    in_memory = outcome(lambda: readers.read_csv_bytes(data, str(path), options))
    assert streamed == in_memory
    calls: list[bool] = []
    real = readers_csv._arrow_frame

    def spy(
        source: object, delimiter: str, width: int, sentinel: bool, quoted: bool = True
    ) -> pd.DataFrame | None:
        calls.append(quoted)
        return real(source, delimiter, width, sentinel, quoted)

    monkeypatch.setattr(readers_csv, "_arrow_frame", spy)
    table = readers.read_source(str(path), options)
    assert calls == [False, True]  # read as quote-free, then again with quotes
    assert table.data.iloc[-2].tolist() == ["INV-X", "two\nlines"]
    assert table.read == 20_002


def test_reserving_memory_for_a_large_read_keeps_none_of_it() -> None:
    before = pa.total_allocated_bytes()
    readers_csv._reserve(64 << 20)
    readers_csv._reserve(1 << 10)  # small files: nothing to do
    assert pa.total_allocated_bytes() == before


def test_reserving_memory_gives_up_quietly_when_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(size: int) -> None:
        raise MemoryError(size)

    monkeypatch.setattr(readers_csv.pa, "allocate_buffer", refuse)
    readers_csv._reserve(64 << 20)  # no exception: the read goes on without the reservation
