"""Limits against hostile or broken files: each gives exit 65 quickly, never a hang."""

from __future__ import annotations

import gzip
import io
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.errors import InputDataError
from boaudit.ingest import IngestOptions, Limits, load

runner = CliRunner()

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))


@pytest.fixture
def book(make_xlsx: Callable[..., Path]) -> Path:
    return make_xlsx({"S": [["Ticket ID", "Created"], ["A", "2024-01-01"]]})


def run_65(args: list[str]) -> str:
    start = time.perf_counter()
    result = runner.invoke(app, ["inspect", *args])
    assert time.perf_counter() - start < 10
    assert result.exit_code == 65, result.stderr
    assert result.stderr.count("\n") == 1
    return result.stderr


def test_xml_entity_bomb_is_refused(book: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    rewrite_zip(book, bomb, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS.encode()})
    stderr = run_65([str(bomb)])
    assert "declares a DTD or XML entities" in stderr


def test_declared_huge_size_is_refused(book: Path, tmp_path: Path) -> None:
    data = bytearray(book.read_bytes())
    # Patch the uncompressed size of every central-directory entry to 4 GiB - 1.
    position = data.find(b"PK\x01\x02")
    while position != -1:
        data[position + 24 : position + 28] = struct.pack("<I", 0xFFFFFFFF)
        position = data.find(b"PK\x01\x02", position + 4)
    bomb = tmp_path / "declared.xlsx"
    bomb.write_bytes(bytes(data))
    stderr = run_65([str(bomb)])
    assert "unpacks to more than 1,073,741,824 bytes" in stderr
    assert "--max-bytes" in stderr


def test_zip_bomb_sheet_over_the_limit(book: Path, tmp_path: Path) -> None:
    padded = tmp_path / "padded.xlsx"
    sheet = zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 30_000_000)
    rewrite_zip(book, padded, {"xl/worksheets/sheet1.xml": huge})
    assert padded.stat().st_size < 1_000_000
    stderr = run_65([str(padded), "--max-bytes", "10000000"])
    assert "unpacks to more than 10,000,000 bytes" in stderr


def test_declared_dimension_over_max_rows(book: Path, tmp_path: Path) -> None:
    big = tmp_path / "dim.xlsx"
    sheet = zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    rewrite_zip(
        book, big, {"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:B2"', b'ref="A1:B9000000"')}
    )
    stderr = run_65([str(big)])
    assert "declares 9,000,000 rows" in stderr


def test_gzip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"task_id,created_at\n" + b"x" * 20_000_000, compresslevel=9))
    stderr = run_65([str(path), "--max-bytes", "5000000"])
    assert "decompresses to more than 5,000,000 bytes" in stderr


def test_csv_over_max_rows(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("task_id,created_at\n" + "".join(f"T{i},2024-01-01\n" for i in range(20)))
    stderr = run_65([str(path), "--max-rows", "10"])
    assert (
        stderr
        == f"boaudit: error: {path}: more than 10 data rows (the limit); pass --max-rows N to raise it\n"
    )
    assert runner.invoke(app, ["inspect", str(path), "--max-rows", "20"]).exit_code == 0


def test_csv_over_max_columns_and_cell_chars(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(50)) + "\n")
    assert "50 columns, more than the limit of 10" in run_65([str(wide), "--max-columns", "10"])
    long_cell = tmp_path / "long.csv"
    long_cell.write_text("task_id,created_at\n" + "x" * 5000 + ",2024-01-01\n")
    assert "5,000 characters" in run_65([str(long_cell), "--max-cell-chars", "1000"])


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("task_id,created_at\n" + "A,2024-01-01\n" * 1000)
    with pytest.raises(InputDataError, match="the file is more than 100 bytes"):
        load([path], None, IngestOptions(limits=Limits(max_bytes=100)))
    with pytest.raises(InputDataError, match="the input is more than 100 bytes"):
        load(
            ["-"],
            None,
            IngestOptions(limits=Limits(max_bytes=100)),
            stdin=io.BytesIO(path.read_bytes()),
        )
