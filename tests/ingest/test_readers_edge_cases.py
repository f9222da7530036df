"""CSV reader edge cases: encodings, gzip, stdin, delimiters, line endings, ragged and blank
rows, broken quoting, NUL bytes, limits, unreadable paths, and the Arrow and C parsers agreeing."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from boaudit.errors import InputDataError, InputMissingError, UsageError
from boaudit.ingest import IngestOptions, Limits, MissingColumnsError, load, readers
from boaudit.ingest.readers import csv as readers_csv

TICKETS = "Ticket ID,Created,Agent\nT-1,2024-01-02,Agent é\nT-2,2024-01-03,Agent 2\n"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --------------------------------------------------------------------------- encodings


def test_utf8_bom_on_stdin_is_stripped_from_the_header() -> None:
    data = b"\xef\xbb\xbf" + TICKETS.encode()
    result = load(["-"], None, IngestOptions(), stdin=io.BytesIO(data))
    assert result.detected[0].encoding == "utf-8-sig"
    assert result.columns["task_id"] == "Ticket ID"
    assert result.frame["assignee"].tolist() == ["Agent é", "Agent 2"]


def test_utf16_with_the_encoding_option(tmp_path: Path) -> None:
    path = write(tmp_path, "tickets.csv", TICKETS.encode("utf-16"))
    result = load([path], None, IngestOptions(encoding="utf-16"))
    assert result.detected[0].encoding == "utf-16"
    assert result.frame["task_id"].tolist() == ["T-1", "T-2"]
    assert result.frame["assignee"].tolist() == ["Agent é", "Agent 2"]
    assert result.frame["created_at"].tolist() == [utc("2024-01-02"), utc("2024-01-03")]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_needs_no_option(tmp_path: Path, codec: str) -> None:
    # The mark says it all (Excel's "Unicode Text", SAP's spreadsheet export).
    data = ("\ufeff" if codec == "utf-16-be" else "") + TICKETS
    path = write(tmp_path, "tickets.csv", data.encode(codec))
    result = load([path], None, IngestOptions())
    assert result.detected[0].encoding == "utf-16"
    assert result.frame["task_id"].tolist() == ["T-1", "T-2"]
    assert result.frame["assignee"].tolist() == ["Agent é", "Agent 2"]


def test_utf16_without_a_bom_shows_up_as_nul_bytes(tmp_path: Path) -> None:
    # ASCII text in UTF-16 is valid UTF-8 with a NUL after every character.
    path = write(tmp_path, "tickets.csv", TICKETS.replace("é", "e").encode("utf-16-le"))
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == (
        f"{path}: contains NUL bytes, so it is not a text CSV; is it a workbook or a UTF-16 "
        "file (then pass --encoding utf-16)?"
    )


def test_cp1252_with_the_encoding_option(tmp_path: Path) -> None:
    text = "Invoice Number,Vendor,Amount\nI-1,Café – Lieferant,€ 12.50\n"
    path = write(tmp_path, "bills.csv", text.encode("cp1252"))
    result = load([path], None, IngestOptions(encoding="cp1252"))
    assert result.detected[0].encoding == "cp1252"
    assert result.frame["vendor"].tolist() == ["Café – Lieferant"]
    assert result.frame["amount"].tolist() == [12.5]


def test_invalid_byte_far_into_a_file_names_its_line(tmp_path: Path) -> None:
    # Past the part the streaming reader decodes up front: found while Arrow reads the file.
    body = b"Ticket ID,Created\n" + b"T-1,2024-01-02\n" * 30_000 + b"T-2,2024-01-03\xff\n"
    path = write(tmp_path, "big.csv", body)
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == (
        f"{path}: not valid utf-8 at byte 450032 (line 30002); pass --encoding cp1252 "
        "(Windows) or the file's encoding"
    )
    with pytest.raises(InputDataError, match=r"^-: not valid utf-8 at byte 450032 \(line 30002\)"):
        load(["-"], None, IngestOptions(), stdin=io.BytesIO(body))


# --------------------------------------------------------------------------- gzip and stdin


def test_gzipped_tsv_takes_the_tab_from_the_inner_name(tmp_path: Path) -> None:
    text = "Ticket ID\tCreated\tNote, more\nT-1\t2024-01-02\ta, b\n"
    path = write(tmp_path, "tickets.tsv.gz", gzip.compress(text.encode()))
    result = load([path], None, IngestOptions())
    info = result.detected[0]
    assert (info.compression, info.delimiter, info.format) == ("gzip", "\t", "csv")
    assert result.frame["task_id"].tolist() == ["T-1"]
    assert result.unmapped == ["Note, more"]


def test_gzip_is_recognised_by_its_bytes_whatever_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, "tickets.csv", gzip.compress(TICKETS.encode()))
    result = load([path], None, IngestOptions())
    assert result.detected[0].compression == "gzip"
    assert result.frame["task_id"].tolist() == ["T-1", "T-2"]


def test_truncated_gzip_is_a_data_error(tmp_path: Path) -> None:
    path = write(tmp_path, "tickets.csv.gz", gzip.compress(TICKETS.encode())[:20])
    with pytest.raises(InputDataError) as info:
        load([path], None, IngestOptions())
    assert info.value.message.startswith(f"{path}: not a valid gzip file (")
    assert info.value.message.endswith("); check the file")


def test_stdin_can_be_read_only_once_and_sources_are_needed() -> None:
    with pytest.raises(UsageError, match=r"stdin \(-\) can be read only once"):
        load(["-", "-"], None, IngestOptions(), stdin=io.BytesIO(TICKETS.encode()))
    with pytest.raises(UsageError, match="no input files"):
        load([], None, IngestOptions())


# --------------------------------------------------------------------------- delimiters


def test_tab_is_preferred_for_a_tsv_name_and_comma_wins_the_tie_otherwise(
    tmp_path: Path,
) -> None:
    # Comma and tab split every line consistently here; the file name breaks the tie.
    text = "Ticket ID\tCreated\tNote, more\nT-1\t2024-01-02\ta, b\n"
    as_tsv = load([write(tmp_path, "t.tsv", text)], None, IngestOptions())
    assert as_tsv.detected[0].delimiter == "\t"
    assert as_tsv.frame["created_at"].tolist() == [utc("2024-01-02")]
    with pytest.raises(MissingColumnsError, match="cannot tell whether"):
        load([write(tmp_path, "t.csv", text)], None, IngestOptions())


def test_pipe_delimiter_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", "Ticket ID|Created|Note\nT-1|2024-01-02|a, b; c\n")
    result = load([path], None, IngestOptions())
    assert result.detected[0].delimiter == "|"
    assert result.frame["task_id"].tolist() == ["T-1"]


# --------------------------------------------------------------------------- line endings


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same(tmp_path: Path, ending: str) -> None:
    # "\r" alone: classic Mac line endings (Excel for Mac's "CSV (Macintosh)").
    text = TICKETS.replace("\n", ending)
    on_disk = load([write(tmp_path, "t.csv", text)], None, IngestOptions())
    piped = load(["-"], None, IngestOptions(), stdin=io.BytesIO(text.encode()))
    for result in (on_disk, piped):
        assert result.columns == {
            "task_id": "Ticket ID",
            "created_at": "Created",
            "assignee": "Agent",
        }
        assert result.frame["task_id"].tolist() == ["T-1", "T-2"]
        assert result.frame["assignee"].tolist() == ["Agent é", "Agent 2"]
        assert result.frame["_row"].tolist() == [2, 3]


def test_a_bare_carriage_return_in_a_cell_ends_the_record() -> None:
    # As the parsers read it: the sniffer must agree, or the header and a value are lost.
    table = readers.read_csv_bytes(b"a,b\nx\ry,2\n", "mem.csv", IngestOptions())
    assert table.header == ["a", "b"]
    assert table.data.values.tolist() == [["x", ""], ["y", "2"]]
    assert table.rows.tolist() == [2, 3]


def test_quoted_newlines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    text = (
        'Ticket ID,Created,Agent\nT-1,2024-01-02,"two\nlines"\nT-2,2024-01-03,"a ""quoted"" name"\n'
    )
    result = load([write(tmp_path, "t.csv", text)], None, IngestOptions())
    assert result.frame["assignee"].tolist() == ["two\nlines", 'a "quoted" name']
    assert result.frame["_row"].tolist() == [2, 3]  # records, not physical lines


# --------------------------------------------------------------------------- rows


def test_blank_and_whitespace_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    text = "\n\nTicket ID,Created\n\nT-1,2024-01-02\n   ,  \nT-2,2024-01-03\n\n"
    result = load([write(tmp_path, "t.csv", text)], None, IngestOptions())
    assert result.detected[0].header_row == 3
    assert result.frame["_row"].tolist() == [5, 7]
    assert result.account.skipped == {"blank": 3}
    assert result.account.to_dict() == {"read": 5, "accepted": 2, "quarantined": 0, "skipped": 3}
    assert f"{tmp_path / 't.csv'}: skipped 3 blank row(s)" in result.notes


def test_a_row_wider_than_the_sniffed_sample_is_quarantined(tmp_path: Path) -> None:
    text = "Ticket ID,Created\n" + "".join(f"T{i},2024-01-02\n" for i in range(5000))
    text += "T-x,2024-01-03,EXTRA,MORE\n"
    assert len(text) > 65_536
    result = load([write(tmp_path, "t.csv", text)], None, IngestOptions())
    assert len(result.frame) == 5000
    [row] = result.account.quarantined
    assert (row.row, row.reasons) == (5002, ("extra-fields",))
    assert row.raw == {"Ticket ID": "T-x", "Created": "2024-01-03", "(extra fields)": "EXTRA,MORE"}


def test_short_rows_are_padded_with_empty_cells() -> None:
    table = readers.read_csv_bytes(b"a,b,c\n1\n1,2\n", "mem.csv", IngestOptions())
    assert table.data.values.tolist() == [["1", "", ""], ["1", "2", ""]]
    assert table.extra.tolist() == ["", ""]


def test_trailing_unnamed_column_counts_only_when_it_holds_values() -> None:
    empty = readers.read_csv_bytes(b"a,b,\n1,2,\n3,4,\n", "mem.csv", IngestOptions())
    assert empty.header == ["a", "b"]
    assert empty.data.values.tolist() == [["1", "2"], ["3", "4"]]
    filled = readers.read_csv_bytes(b"a,b,\n1,2,x\n3,4,\n", "mem.csv", IngestOptions())
    assert filled.header == ["a", "b", "column 3"]
    assert filled.data.values.tolist() == [["1", "2", "x"], ["3", "4", ""]]


@pytest.mark.parametrize("kind", [None, "tasks"])
def test_an_empty_file_and_a_file_of_blank_lines_are_empty(tmp_path: Path, kind: str) -> None:
    for name, content in (
        ("empty.csv", b""),
        ("blank.csv", b"\n\n\n"),
        ("bom.csv", b"\xef\xbb\xbf"),
    ):
        path = write(tmp_path, name, content)
        with pytest.raises(InputDataError) as info:
            load([path], kind, IngestOptions())  # type: ignore[arg-type]
        assert info.value.message == (
            f"{path}: the file is empty; export it again, with its header row and its rows"
        )
    with pytest.raises(InputDataError) as info:
        load(["-"], "tasks", IngestOptions(), stdin=io.BytesIO(b""))
    assert info.value.message.startswith("stdin: the input is empty; ")


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "Ticket ID,Created\n")
    with pytest.raises(InputDataError) as info:
        load([path], "tasks", IngestOptions())
    assert info.value.message == (
        f"{path}: the file has a header but no rows; check the export's filters or date range "
        "and export it again"
    )


def test_a_header_only_file_among_others_loads(tmp_path: Path) -> None:
    # A month with nothing in it, beside one with rows: every row accounted for, no error.
    empty = write(tmp_path, "t.csv", "Ticket ID,Created\n")
    full = write(tmp_path, "u.csv", "Ticket ID,Created\nT-1,2024-01-02\n")
    result = load([empty, full], "tasks", IngestOptions())
    assert result.frame["task_id"].tolist() == ["T-1"]
    assert str(result.frame["created_at"].dtype) == "datetime64[ns, UTC]"
    assert str(result.frame["rework_count"].dtype) == "Int64"
    assert result.account.to_dict() == {"read": 1, "accepted": 1, "quarantined": 0, "skipped": 0}


# --------------------------------------------------------------------------- refused content


@pytest.mark.parametrize("on_disk", [True, False])
def test_unterminated_quote_is_refused(tmp_path: Path, on_disk: bool) -> None:
    data = b'Ticket ID,Created,Agent\nT-1,2024-01-02,"Agent 1\nT-2,2024-01-03,Agent 2\n'
    source = str(write(tmp_path, "t.csv", data)) if on_disk else "-"
    with pytest.raises(InputDataError) as info:
        load([source], None, IngestOptions(), stdin=io.BytesIO(data))
    assert info.value.exit_code == 65
    assert info.value.message == (
        f"{source}: cannot parse as CSV (Error tokenizing data. C error: EOF inside string "
        "starting at row 1); check the quoting, or pass --delimiter"
    )


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", b"Ticket ID,Created\nT-1\x00,2024-01-02\n")
    with pytest.raises(InputDataError, match=r"contains NUL bytes, so it is not a text CSV"):
        load([path], None, IngestOptions())


# --------------------------------------------------------------------------- limits


def test_cell_limit_counts_characters_not_bytes(tmp_path: Path) -> None:
    options = IngestOptions(limits=Limits(max_cell_chars=20))
    fits = write(tmp_path, "fits.csv", "Ticket ID,Created,Agent\nT-1,2024-01-02," + "é" * 20 + "\n")
    assert load([fits], None, options).frame["assignee"].tolist() == ["é" * 20]
    over = write(tmp_path, "over.csv", "Ticket ID,Created,Agent\nT-1,2024-01-02," + "é" * 21 + "\n")
    with pytest.raises(InputDataError) as info:
        load([over], None, options)
    assert info.value.message == (
        f"{over}: a cell in column 3 has 21 characters, more than the limit of 20; "
        "pass --max-cell-chars N to raise it"
    )


def test_long_lines_of_short_cells_are_within_the_cell_limit() -> None:
    data = b"a,b,c,d\n" + b"x" * 15 + b"," + b"y" * 15 + b",1,2\n"
    table = readers.read_csv_bytes(data, "mem.csv", IngestOptions(limits=Limits(max_cell_chars=20)))
    assert table.data.values.tolist() == [["x" * 15, "y" * 15, "1", "2"]]


def test_row_limit_is_inclusive() -> None:
    options = IngestOptions(limits=Limits(max_rows=3))
    table = readers.read_csv_bytes(b"a,b\n1,2\n3,4\n5,6\n", "mem.csv", options)
    assert table.read == 3
    with pytest.raises(InputDataError, match=r"^mem.csv: more than 3 data rows \(the limit\)"):
        readers.read_csv_bytes(b"a,b\n1,2\n3,4\n5,6\n7,8\n", "mem.csv", options)


def test_a_row_past_the_sample_over_the_column_limit_names_its_line() -> None:
    data = b"a,b\n" + b"1,2\n" * 40_000 + b"1,2,3,4,5,6\n"
    with pytest.raises(InputDataError) as info:
        readers.read_csv_bytes(data, "mem.csv", IngestOptions(limits=Limits(max_columns=4)))
    assert info.value.message == (
        "mem.csv: line 40002 has 6 fields, more than the limit of 4; "
        "pass --max-columns N to raise it"
    )


# --------------------------------------------------------------------------- paths


def test_a_folder_is_not_an_export(tmp_path: Path) -> None:
    with pytest.raises(InputMissingError) as info:
        load([tmp_path], None, IngestOptions())
    assert info.value.message == f"{tmp_path}: not a file; give the path of an export file"
    assert info.value.exit_code == 66


def test_an_unreadable_path_says_why(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300 + ".csv")
    with pytest.raises(InputMissingError) as info:
        load([path], None, IngestOptions())
    assert info.value.message == f"{path}: cannot read: File name too long"


def test_progress_messages(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", "case_id,activity,timestamp\nC1,Open,2024-01-02\n")
    messages: list[str] = []
    load([path], None, IngestOptions(), on_progress=messages.append)
    assert messages == [
        f"reading {path}",
        f"read 1 rows from {path}",
        f"parsing {path}",
        "collapsing 1 events into cases",
    ]


# --------------------------------------------------------------------------- parsers agree

RECTANGULAR = [
    b"a,b\n1,2\n3,4\n",
    b"a,b\r\n1,2\r\n3,4",
    b'a,b\n"x\ny",2\n"say ""hi""",\n',
    b'a;b\n"1;5";2\n',
    "a,b\n\u00e9,\u20ac\n\U0001f600,\n".encode(),
    b"a,b\n,\n,\n",
    b'a,b\n"",""\n',
    b"a,b\n1,2\n\n3,4\n",
]


@pytest.mark.parametrize("data", RECTANGULAR)
def test_arrow_and_c_parsers_read_the_same_cells(data: bytes) -> None:
    delimiter = ";" if data.startswith(b"a;") else ","
    arrow = readers_csv._parse_csv_arrow(data, delimiter, 2)
    assert arrow is not None
    general = readers_csv._parse_csv(data, delimiter, 2, 100, "mem.csv", Limits())
    assert arrow.astype(object).values.tolist() == general.astype(object).values.tolist()


@pytest.mark.parametrize(
    "data",
    [b"a,b\n1,2,3\n", b"a,b\n1\n", b'a,b\n1,"open\n', b"only\nx\n"],
)
def test_arrow_declines_what_only_the_c_parser_takes(data: bytes) -> None:
    # Ragged rows, an unterminated quote, a single column: the C parser's work.
    assert readers_csv._parse_csv_arrow(data, ",", 2 if b"," in data else 1) is None


@pytest.mark.parametrize("size", [-1, 1, 3, 100])
def test_appended_stream_gives_the_data_then_the_tail(size: int) -> None:
    stream = readers_csv._Appended(b"a,b\n1,2", b"\n,\n")
    pieces = []
    while piece := stream.read(size):
        pieces.append(piece)
        assert size < 0 or len(piece) <= size
    assert b"".join(pieces) == b"a,b\n1,2\n,\n"


def test_rows_of_white_space_are_blank_and_a_padded_total_is_a_total(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tickets.csv",
        "Ticket ID,Created,Agent,Team\n"
        "T-1,2024-01-02,Agent 1,A\n"
        " , ,\u00a0, \n"  # four cells of white space, one a no-break space
        " ,Total,2,\n",  # a padded first cell, then the total
    )
    result = load([path], "tasks", IngestOptions())
    assert result.account.skipped == {"blank": 1, "total-row": 1}
    assert result.account.quarantined == []
    assert result.frame["task_id"].tolist() == ["T-1"]
