"""Safe output: atomic writes and strict JSON.

A report is written to a temporary file in the destination folder and renamed over the target
only once it is complete, so a failed run leaves the previous file untouched.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boaudit.errors import OutputError


def make_folder(path: Path) -> Path:
    """Make the folder ``path`` goes in (and its parents) when missing; that folder.

    Raises :class:`OutputError` when it cannot be made (a file stands in the way, no
    permission).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(
            f"{path}: cannot write: {folder} cannot be a folder, a file of that name is in the way"
        ) from None
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write: cannot make the folder {folder}: {exc.strerror or exc}"
        ) from exc
    return folder


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename),
    making the folder first when it is missing.

    Raises :class:`OutputError` when the folder cannot be made or is not writable. Stopped
    half-way (an error, Ctrl-C, or SIGTERM once the CLI has turned it into an exception), it
    removes its temporary file.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = make_folder(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the report the permissions a normal file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def parse_problem(exc: Exception) -> str:
    """What is wrong with a TOML or JSON text the parser could not read, in words: a parser
    that runs out of stack on tables or arrays nested thousands deep says so, not a bug."""
    if isinstance(exc, RecursionError):
        return "nested too deeply (tables, arrays or objects inside one another thousands of times)"
    return str(exc)


def strict(value: Any) -> Any:
    """Return ``value`` with every NaN or infinite float replaced by ``None``, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: strict(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strict(item) for item in value]
    return value


def dumps_json(value: Any) -> str:
    """Serialise ``value`` as strict, stable JSON (no NaN, two-space indent, trailing newline)."""
    return json.dumps(strict(value), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
"""First characters a spreadsheet may read as the start of a formula (or that hide one)."""
_FORMULA_START = re.compile(r"[\s\x00-\x1f]*[=+\-@]|[\t\r\n\x00]")


def starts_like_formula(value: str) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula: it begins with ``= + - @``, a
    tab, a carriage return, a newline or a NUL, or with spaces or control characters before
    one of ``= + - @`` (spreadsheets skip them, `` =1+1`` is a formula too)."""
    return _FORMULA_START.match(value) is not None


def neutralise_cell(value: str) -> str:
    """Make a text cell safe to open in a spreadsheet: no formula can start from it.

    A text that :func:`starts_like_formula` gets a leading apostrophe, the spreadsheet
    convention for "this is text". Write numbers as numbers, not through this.
    """
    return f"'{value}" if starts_like_formula(value) else value


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """Render rows as CSV text, neutralising every text cell (numbers stay numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                neutralise_cell(cell) if isinstance(cell, str) else ("" if cell is None else cell)
                for cell in row
            ]
        )
    return buffer.getvalue()


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` on text read back from a file boaudit wrote."""
    if value.startswith("'") and starts_like_formula(value[1:]):
        return value[1:]
    return value
