"""Hostile files made on the fly (never committed), and a guarded way to run boaudit on them.

Every file here is a few KB at most. Each is run through :func:`run_guarded`: a fresh
interpreter under an address-space limit and a timeout, so that a regression (a reader that
builds 16 GB of rows for one far-away cell) fails the test instead of taking the machine down.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

SRC = Path(__file__).resolve().parents[1] / "src"

MEMORY_LIMIT = 1_280 * 1024 * 1024
"""Address space a guarded run may take (1.25 GiB): far more than a refusal needs."""
TIME_LIMIT = 20.0
"""Seconds before a guarded run is killed (a hang is a failure, never a stuck suite)."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(
    rows: Sequence[Sequence[object]],
    *,
    extra: str = "",
    dimension: str | None = "A1:B2",
    merged: Sequence[str] = (),
) -> str:
    """A worksheet part: ``rows`` from A1, then ``extra`` raw XML inside ``<sheetData>``."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row, 1))
        + "</row>"
        for r, row in enumerate(rows, 1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merges = (
        f'<mergeCells count="{len(merged)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
        + "</mergeCells>"
        if merged
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}'
        f"<sheetData>{body}{extra}</sheetData>{merges}</worksheet>"
    )


def write_xlsx(path: Path, sheets: dict[str, str]) -> Path:
    """An XLSX file from ``sheet name -> worksheet XML`` (see :func:`sheet_xml`)."""
    names = list(sheets)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        "<sheets>"
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, 1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for i, name in enumerate(names, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
    return path


EXPORT_ROWS = [["Ticket ID", "Created", "Resolved"], ["T1", "2024-01-01", "2024-01-03"]]
ANSWER_ROWS = [
    ["respondent", "question_id", "answer", "comment"],
    ["AP lead", "mini.1.1", 3, ""],
]


def far_cell_export(path: Path, ref: str = "ZZ1000000") -> Path:
    """A tiny export with one valued cell at ``ref``; its dimension says A1:C2 (a lie)."""
    xml = sheet_xml(
        EXPORT_ROWS,
        extra=f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{_cell(ref, 1)}</row>',
        dimension="A1:C2",
    )
    return write_xlsx(path, {"Tickets": xml})


def lying_zip(path: Path) -> Path:
    """A workbook whose zip headers understate the sheet's size (1 KB said, 2 MB inside)."""
    rows = [*EXPORT_ROWS, *([["T2", "2024-01-02", "2024-01-05"]] * 20_000)]
    write_xlsx(path, {"Tickets": sheet_xml(rows, dimension=None)})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = data.find(signature)
        while position != -1:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[position + offset : position + offset + 4] = struct.pack("<I", 1024)
            position = data.find(signature, position + 4)
    path.write_bytes(bytes(data))
    return path


def encrypted_workbook(path: Path) -> Path:
    """What Excel writes for a password-protected XLSX: an OLE2 (CFB) file holding the
    streams ``EncryptionInfo`` and ``EncryptedPackage`` (here with dummy content)."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # the directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<iI", header, 60, -2, 0)
    struct.pack_into("<iI", header, 68, -2, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    for i in range(1, 109):
        struct.pack_into("<i", header, 76 + 4 * i, -1)
    fat = bytearray(b"\xff" * sector)
    struct.pack_into("<iii", fat, 0, -3, -2, -2)  # FAT, directory (end), data (end)

    def entry(name: str, kind: int, start: int, size: int, child: int = -1) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<iii", raw, 68, -1, -1, child)
        struct.pack_into("<iI", raw, 116, start, size)
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, -2, 0, child=1)
        + entry("EncryptedPackage", 2, 2, 64)
        + entry("EncryptionInfo", 2, 2, 64)
        + bytes(128)
    )
    path.write_bytes(bytes(header) + bytes(fat) + directory + bytes(sector))
    return path


def _deflate_repeated(head: bytes, block: bytes, times: int, tail: bytes) -> bytes:
    """Raw deflate of ``head + block * times + tail``, compressing ``block`` once: after a
    full flush the compressor forgets its history, so every copy compresses to the same bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    copy = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return start + copy * times + packer.compress(tail) + packer.flush()


def zip_bomb_answers(path: Path, unpacked_mib: int = 1_100) -> Path:
    """An answer workbook whose sheet honestly declares ``unpacked_mib`` MiB of blanks
    (about 1 MB on disk). Its CRC is left at 0: a reader must refuse it before it gets there."""
    head = sheet_xml(ANSWER_ROWS, dimension=None).split("</sheetData>")[0].encode()
    tail = b"</sheetData></worksheet>"
    block = b" " * (1 << 20)
    write_xlsx(path, {"AP lead": "<x/>"})
    with zipfile.ZipFile(path) as old:
        parts = [(info.filename, old.read(info.filename)) for info in old.infolist()]
    local = bytearray()
    central = bytearray()
    for name, content in parts:
        if name == "xl/worksheets/sheet1.xml":
            packed = _deflate_repeated(head, block, unpacked_mib, tail)
            size, crc = len(head) + len(tail) + unpacked_mib * len(block), 0
        else:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = packer.compress(content) + packer.flush()
            size, crc = len(content), zlib.crc32(content)
        encoded = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0)
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, len(local))
            + encoded
        )
        local += b"PK\x03\x04" + fields + encoded + packed
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))
    return path


@dataclass(frozen=True)
class GuardedRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int
    """The child's peak resident memory."""


_CHILD = """
import atexit, os, resource, runpy, sys
limit = int(os.environ["BOAUDIT_TEST_MEMORY"])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
def peak():
    # VmHWM is this program's own peak: ru_maxrss also counts the parent's pages at the fork,
    # so a large test process would inflate it
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status") as status:
            kib = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    with open(os.environ["BOAUDIT_TEST_PEAK"], "w") as handle:
        handle.write(str(kib))
atexit.register(peak)
sys.argv = ["boaudit", *sys.argv[1:]]
runpy.run_module("boaudit", run_name="__main__", alter_sys=True)
"""


def run_guarded(
    args: Sequence[str], cwd: Path, stdin: bytes | None = None, *, timeout: float = TIME_LIMIT
) -> GuardedRun:
    """``boaudit ARGS`` in a fresh interpreter under the memory limit and a timeout."""
    peak_file = cwd / ".peak"
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "BOAUDIT_TEST_MEMORY": str(MEMORY_LIMIT),
        "BOAUDIT_TEST_PEAK": str(peak_file),
    }
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        cwd=cwd,
        env=env,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - start
    peak = int(peak_file.read_text()) * 1024 if peak_file.exists() else 0  # KiB on Linux
    peak_file.unlink(missing_ok=True)
    return GuardedRun(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        seconds,
        peak,
    )
