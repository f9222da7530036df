"""Vectorised value parsers: dates, amounts, numbers, booleans, text and null tokens.

Every parser takes one column as a pandas Series and returns a :class:`Parsed`: the typed values
and a boolean mask of the cells that were present but could not be parsed. String columns are
parsed on their *unique* values (``pandas.factorize``) with regular expressions and string
operations over the whole column, so a large file costs one pass per distinct value, never a
Python call per row. Cells that are not text (numbers, datetimes and booleans read from a
workbook) are converted one by one; a workbook has already materialised them as Python objects.

Conventions:

* Null tokens (``""``, blanks, ``?``, ``-``, ``--``, ``N/A``, ``#N/A``, ``NULL``) are missing
  values, never problems; date columns also take ``00000000`` and ``0000-00-00`` (SAP).
* Datetimes come back as ``datetime64[ns, UTC]``: ISO values with an offset are converted to UTC;
  naive values (no offset) are taken as UTC.
* Day-first versus month-first is decided per column, from the values only when they prove it
  (a first field above 12 proves day-first, a second field above 12 month-first); otherwise
  the ``date_order`` option decides, and ``auto`` raises :class:`InputDataError`.
* Amounts are parsed exactly: the text is rewritten as a plain decimal (``-1234.56``) and
  converted with Python's correctly rounded ``float()``, so each value equals
  ``float(Decimal(text))``. The decimal separator is inferred per column; ``1,234`` alone is
  ambiguous and raises :class:`InputDataError` unless ``decimal`` is given.

The only exception these functions raise is :class:`InputDataError` (for a column whose
values cannot be read without a choice only the user can make).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from boaudit.errors import InputDataError
from boaudit.ingest.options import DateOrder, Decimal

BoolArray = npt.NDArray[np.bool_]

NULL_TOKENS: frozenset[str] = frozenset({"", "?", "-", "--", "n/a", "#n/a", "null"})
"""Cell values (compared case-insensitively, stripped) that mean "no value"."""
DATE_NULL_TOKENS: frozenset[str] = NULL_TOKENS | {"00000000", "0000-00-00", "00.00.0000"}
"""Null tokens for date columns: SAP writes an empty date as ``00000000``."""

TRUE_TOKENS: frozenset[str] = frozenset(
    {"yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "within sla", "met", "achieved"}
)
"""Values read as True (case-insensitive)."""
FALSE_TOKENS: frozenset[str] = frozenset(
    {"no", "n", "false", "f", "0", "nein", "non", "sla violated", "breached", "missed"}
)
"""Values read as False (case-insensitive)."""

_EXCEL_EPOCH_1900 = pd.Timestamp("1899-12-30", tz="UTC")
_EXCEL_EPOCH_1904 = pd.Timestamp("1904-01-01", tz="UTC")
_MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31

_MONTHS = {
    "jan": 1, "january": 1, "januar": 1, "feb": 2, "february": 2, "februar": 2, "mar": 3,
    "march": 3, "mär": 3, "mrz": 3, "märz": 3, "apr": 4, "april": 4, "may": 5, "mai": 5,
    "jun": 6, "june": 6, "juni": 6, "jul": 7, "july": 7, "juli": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "okt": 10, "oktober": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12, "dez": 12, "dezember": 12,
}  # fmt: skip

_TIME = (
    r"(?:[ T,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
)
_ISO_RE = (
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?"
    r"\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?"
)
_PLAIN_ISO_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?"
"""A subset of ``_ISO_RE`` that Arrow's regular expressions match the same way as Python's."""
_NUMERIC_DATE_RE = r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})" + _TIME
_NAMED_MONTH_RE = (
    r"(?P<day>\d{1,2})[/\-. ]+(?P<mon>[^\W\d_]{3,9})\.?[/\-. ]+(?P<year>\d{4}|\d{2})" + _TIME
)
_YEAR_FIRST_RE = r"(?P<year>\d{4})[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})" + _TIME
_COMPACT_RE = r"\d{8}"
_SERIAL_RE = r"\d{1,7}(?:\.\d+)?"


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one column."""

    values: pd.Series
    """The typed values, same index as the input."""
    bad: BoolArray
    """True where a value was present but could not be parsed (the typed value is null)."""
    scale: int | None = None
    """Amounts: the most decimal places seen; None for other types."""
    note: str | None = None
    """A human note about a choice made (e.g. the day/month order inferred)."""


def _distinct(
    values: pd.Series, tokens: frozenset[str]
) -> tuple[npt.NDArray[np.intp], pd.Series, BoolArray, BoolArray]:
    """Factorize a column's text cells into stripped, non-null distinct values.

    Returns ``codes`` (row -> index into ``uniques``, ``-1`` for missing, null-token and
    non-text cells), ``uniques`` (stripped strings), ``present`` (``codes >= 0``) and
    ``other`` (cells that are neither text nor missing: workbook numbers, dates, booleans).
    String work happens once per distinct value, not once per row.
    """
    if values.dtype == object:
        is_text = values.map(type).isin([str]).to_numpy(dtype=bool)
        other = ~is_text & values.notna().to_numpy(dtype=bool)
        text = values.where(is_text)
    else:
        other = np.zeros(len(values), dtype=bool)
        text = values
    raw_codes, raw_uniques = pd.factorize(text)
    stripped = _text_series(raw_uniques).str.strip()
    null = _casefold(stripped).isin(tokens).to_numpy(dtype=bool)
    merged_codes, merged = pd.factorize(stripped.where(~null))
    if len(merged_codes):
        looked_up = merged_codes[np.maximum(raw_codes, 0)]
        codes = np.where(raw_codes >= 0, looked_up, -1).astype(np.intp)
    else:
        codes = np.full(len(values), -1, dtype=np.intp)
    uniques = _text_series(merged)
    return codes, uniques, codes >= 0, other


def _text_series(values: Any) -> pd.Series:
    """Distinct values as a ``str`` Series with a fresh index, without a detour through Python
    objects when they are already pandas (Arrow-backed) strings."""
    if isinstance(getattr(values, "dtype", None), pd.StringDtype):
        return pd.Series(values.array if isinstance(values, pd.Index) else values, dtype="str")
    return pd.Series(np.asarray(values, dtype=object), dtype="str")


def _casefold(values: pd.Series) -> pd.Series:
    """``str.casefold`` of every value: plain lower-casing for ASCII text (the same thing, done
    in one vectorised call), Python's casefold for the rest."""
    folded = values.str.lower()
    plain = values.str.isascii().to_numpy(dtype=bool, na_value=True)
    if not plain.all():
        folded[~plain] = values[~plain].str.casefold()
    return folded


def _take(parsed: pd.Series, codes: npt.NDArray[np.intp], index: pd.Index) -> pd.Series:
    """Expand per-unique results back to the rows (code ``-1`` gives a null)."""
    taken = parsed.array.take(codes, allow_fill=True)
    return pd.Series(taken, index=index)


def _others(values: pd.Series, other: BoolArray) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """Positions and values of the non-text cells."""
    positions = np.flatnonzero(other)
    return positions, values.to_numpy(dtype=object)[positions].tolist()


def _fill_other(
    out: pd.Series,
    bad: BoolArray,
    values: pd.Series,
    other: BoolArray,
    convert: Callable[[Any], Any],
) -> pd.Series:
    """Convert the non-text cells with ``convert`` (None means unparsable); one bulk assignment."""
    positions, objects = _others(values, other)
    converted = [convert(v) for v in objects]
    ok = np.array([c is not None for c in converted], dtype=bool)
    bad[positions[~ok]] = True
    if ok.any():
        out = out.copy()
        out.iloc[positions[ok]] = [c for c in converted if c is not None]
    return out


# --------------------------------------------------------------------------- Arrow fast paths
#
# A CSV column arrives as Arrow strings. When every cell already has the plain shape a parser
# would produce anyway (text with nothing to strip, ISO dates, plain decimals), the typed column
# is computed straight from the Arrow buffers, with no factorizing; the first cell that is not
# plain sends the column (or, for text, that cell) to the general per-distinct-value path, so
# the results are the same either way.


def _arrow_chunks(values: pd.Series) -> list[Any] | None:
    """The Arrow string chunks behind an Arrow-backed text column, else None."""
    dtype = values.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    chunked = values.array.__arrow_array__()
    chunks = [
        chunk if pa.types.is_large_string(chunk.type) else chunk.cast(pa.large_string())
        for chunk in chunked.chunks
    ]
    return chunks or [pa.array([], type=pa.large_string())]


def _layout(
    chunk: Any,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8], BoolArray]:
    """A ``large_string`` chunk's offsets (n + 1, from 0), bytes and null mask, without copies."""
    n = len(chunk)
    buffers = chunk.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
    start = int(offsets[0]) if n else 0
    end = int(offsets[-1]) if n else 0
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)[start:end]
        if buffers[2] is not None
        else np.empty(0, dtype=np.uint8)
    )
    nulls = (
        np.asarray(chunk.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        if chunk.null_count
        else np.zeros(n, dtype=bool)
    )
    return offsets - start, data, nulls


def null_or_empty(values: pd.Series) -> BoolArray:
    """True where a cell is null or the empty string; for Arrow strings, read from the
    offsets and the validity bitmap (no per-cell comparison)."""
    chunks = _arrow_chunks(values)
    if chunks is None:
        return np.asarray((values.isna() | (values == "")).to_numpy(dtype=bool), dtype=bool)
    parts = []
    for chunk in chunks:
        offsets, _, nulls = _layout(chunk)
        parts.append((np.diff(offsets) == 0) | nulls)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


_SPACE_LEADS = np.zeros(256, dtype=bool)
_SPACE_LEADS[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
_SPACE_LEADS[[0xC2, 0xE1, 0xE2, 0xE3]] = True  # first bytes of U+0085, U+00A0, U+1680, U+2000...
"""First bytes of every character ``str.isspace`` accepts, in UTF-8 (and a few others)."""


def starts_with_space(values: pd.Series) -> BoolArray:
    """True where a text cell may start with white space (every cell that does, and a few
    that start with another character sharing the first UTF-8 byte): the candidates for a
    closer look. From the first bytes of Arrow strings; per cell otherwise."""
    chunks = _arrow_chunks(values)
    if chunks is None:
        return np.asarray(
            values.map(lambda v: isinstance(v, str) and v[:1].isspace()).to_numpy(dtype=bool),
            dtype=bool,
        )
    parts = []
    for chunk in chunks:
        offsets, data, nulls = _layout(chunk)
        first, _ = _ends(offsets, data)
        parts.append(_SPACE_LEADS[first] & (np.diff(offsets) > 0) & ~nulls)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _ends(
    offsets: npt.NDArray[np.int64], data: npt.NDArray[np.uint8]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """The first and last byte of every cell (garbage for empty cells)."""
    if not len(data):
        zeros = np.zeros(len(offsets) - 1, dtype=np.uint8)
        return zeros, zeros
    first = np.take(data, offsets[:-1], mode="clip")
    last = np.take(data, offsets[1:] - 1, mode="clip")
    return first, last


def _token_mask(
    chunk: Any, lengths: npt.NDArray[np.int64], first: npt.NDArray[np.uint8], tokens: frozenset[str]
) -> BoolArray:
    """Cells whose ASCII lower case is one of the (ASCII) ``tokens``; looked at only where the
    length and the first byte allow it."""
    longest = max(len(token) for token in tokens)
    starts = {token[0] for token in tokens if token}
    initials = np.zeros(256, dtype=bool)
    initials[[ord(c) for c in starts | {c.upper() for c in starts}]] = True
    found = np.zeros(len(chunk), dtype=bool)
    maybe = (lengths > 0) & (lengths <= longest) & initials[first]
    if not maybe.any():
        return found
    positions = np.flatnonzero(maybe)
    cells = chunk.take(pa.array(positions))
    folded = pc.ascii_lower(cells)
    hit = pc.is_in(folded, value_set=pa.array(sorted(tokens), type=pa.large_string()))
    found[positions] = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
    return found


def _fast_text(values: pd.Series) -> pd.Series | None:
    """:func:`parse_text` for Arrow strings, done per cell: a cell with nothing to strip keeps
    its text, or becomes null when it is an (ASCII) null token; cells that start or end with a
    space, a control or a non-ASCII character, and short non-ASCII cells, go through the
    general path."""
    chunks = _arrow_chunks(values)
    if chunks is None:
        return None
    column = chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)
    offsets, data, nulls = _layout(column)
    lengths = np.diff(offsets)
    first, last = _ends(offsets, data)
    filled = (lengths > 0) & ~nulls
    # Python's str.strip removes ASCII spaces and controls up to 0x20 and Unicode spaces,
    # which start with a byte >= 0x80: an end byte outside 0x21-0x7e needs the general path,
    # and so does a short cell with a non-ASCII character (it might casefold to a token).
    edge = filled & ((first <= 0x20) | (first >= 0x7F) | (last <= 0x20) | (last >= 0x7F))
    short = filled & ~edge & (lengths <= 4 * max(len(token) for token in NULL_TOKENS))
    odd = np.zeros(len(column), dtype=bool)
    if short.any() and len(data) and int(data.max()) >= 0x80:  # some non-ASCII byte
        ascii_ = np.asarray(pc.string_is_ascii(column).to_numpy(zero_copy_only=False), dtype=bool)
        odd = short & ~ascii_
    token = _token_mask(column, lengths, first, NULL_TOKENS) & filled & ~edge & ~odd
    null = ~filled | token
    if null.any():
        column = pc.if_else(pa.array(null), pa.scalar(None, pa.large_string()), column)
    out: pd.Series = pa.chunked_array([column]).to_pandas()
    out.index = values.index
    slow = edge | odd
    if slow.any():
        positions = np.flatnonzero(slow)
        general = _parse_text_general(values.iloc[positions])
        out.iloc[positions] = general.values.to_numpy(dtype=object)
    return out


_NAT = np.iinfo(np.int64).min
_ISO_DIGITS = {
    10: (0, 1, 2, 3, 5, 6, 8, 9),
    16: (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15),
    19: (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18),
}
"""Digit positions of ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` and ``YYYY-MM-DD HH:MM:SS``."""


def _iso_cells(
    size: int, cells: npt.NDArray[np.uint8]
) -> tuple[npt.NDArray[np.int64], BoolArray] | None:
    """Nanoseconds since the epoch of fixed-width ISO cells (one row of bytes per cell), and
    which cells are the SAP null date ``0000-00-00``; None unless every cell is a valid date
    (and time) of that exact shape within pandas' nanosecond range."""
    count = len(cells)
    if not count:
        return np.empty(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if not ((cells[:, 4] == 45) & (cells[:, 7] == 45)).all():  # "-"
        return None
    if size > 10:
        if not (((cells[:, 10] == 32) | (cells[:, 10] == 84)) & (cells[:, 13] == 58)).all():
            return None  # " " or "T", then ":"
        if size == 19 and not (cells[:, 16] == 58).all():
            return None
    digits = cells[:, list(_ISO_DIGITS[size])] - np.uint8(48)  # a byte per digit, 0-9
    if int(digits.max()) > 9:
        return None

    def number(*columns: int) -> npt.NDArray[np.int32]:
        value = digits[:, columns[0]].astype(np.int32)
        for column in columns[1:]:
            value *= 10
            value += digits[:, column]
        return value

    year, month, day = number(0, 1, 2, 3), number(4, 5), number(6, 7)
    # Year and month as one number, whose range is small: month lengths come from a table.
    serial = year * 12 + (month - 1)
    del year
    zero = (serial == -1) & (day == 0) if size == 10 else np.zeros(count, dtype=bool)
    real = ~zero
    checked = serial[real]
    if len(checked):
        low, high = int(checked.min()), int(checked.max())
        if low < 1678 * 12 or high > 2261 * 12 + 11 or not _within(month[real], 1, 12):
            return None
    else:
        low = high = 1970 * 12
    del checked
    firsts = (
        (np.arange(low, high + 2) - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    place = np.clip(serial - low, 0, high - low)
    valid = (day >= 1) & (day <= np.diff(firsts)[place])
    seconds: npt.NDArray[np.int32] | None = None
    if size > 10:
        hour, minute = number(8, 9), number(10, 11)
        valid &= (hour < 24) & (minute < 60)
        seconds = hour * 3_600 + minute * 60
        if size == 19:
            second = number(12, 13)
            valid &= second < 60
            seconds += second
    if not valid[real].all():
        return None
    stamps = firsts[place] + (day - 1)
    stamps *= 86_400
    if seconds is not None:
        stamps += seconds
    stamps *= 1_000_000_000
    stamps[zero] = _NAT
    return stamps, zero


def _within(values: npt.NDArray[np.int32], low: int, high: int) -> bool:
    return bool(((values >= low) & (values <= high)).all())


def _fast_dates(values: pd.Series) -> pd.Series | None:
    """:func:`parse_dates` for Arrow strings that are all plain ISO dates or date-times
    (``YYYY-MM-DD``, with `` HH:MM`` or ``THH:MM`` and optionally ``:SS``), empty, or
    ``0000-00-00``: computed from the bytes, no per-value parsing. None for anything else."""
    chunks = _arrow_chunks(values)
    if chunks is None:
        return None
    parts: list[npt.NDArray[np.int64]] = []
    for chunk in chunks:
        offsets, data, nulls = _layout(chunk)
        lengths = np.diff(offsets)
        stamps = np.full(len(lengths), _NAT, dtype=np.int64)
        counts = np.bincount(np.minimum(lengths, 20), minlength=21)
        widths = [int(size) for size in np.flatnonzero(counts) if size]
        if not set(widths) <= {10, 16, 19}:
            return None
        for size in widths:
            rows = np.flatnonzero(lengths == size)
            if len(widths) == 1:  # the cells' bytes are back to back
                cells = data.reshape(-1, size)
            else:
                cells = data[offsets[rows][:, None] + np.arange(size)]
            parsed = _iso_cells(size, cells)
            if parsed is None:
                return None
            stamps[rows] = parsed[0]
        stamps[nulls] = _NAT
        parts.append(stamps)
    joined = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    naive = pd.Series(joined.view("datetime64[ns]"), index=values.index)
    return naive.dt.tz_localize("UTC")


def _all_plain_amounts(
    chunk: Any,
    offsets: npt.NDArray[np.int64],
    data: npt.NDArray[np.uint8],
    lengths: npt.NDArray[np.int64],
    filled: BoolArray,
) -> npt.NDArray[np.int64] | None:
    """Whether every filled cell matches ``_PLAIN_AMOUNT_RE`` (``-?D{1,15}(.D{1,9})?``),
    checked on the bytes: the position of each cell's point (-1 when none), or None when
    some cell is not plain. Counting the minus signs and points of the whole chunk against
    the cells that start with one or hold one proves there is at most one of each, in place.
    """
    if not filled.any():
        return np.full(len(lengths), -1, dtype=np.int64)
    allowed = np.zeros(256, dtype=bool)
    allowed[list(b"0123456789.-")] = True
    if not allowed[data].all():
        return None
    first, _ = _ends(offsets, data)
    negative = filled & (first == 45)  # "-"
    if int(np.count_nonzero(data == 45)) != int(np.count_nonzero(negative)):
        return None  # a minus sign elsewhere than first, or in an empty cell
    point = pc.find_substring(chunk, ".").fill_null(-1).to_numpy(zero_copy_only=False)
    point = np.asarray(point, dtype=np.int64)
    if int(np.count_nonzero(data == 46)) != int(np.count_nonzero(point >= 0)):
        return None  # a cell with two points
    whole = np.where(point >= 0, point, lengths) - negative
    fraction = np.where(point >= 0, lengths - point - 1, 1)
    plain = (whole >= 1) & (whole <= 15) & (fraction >= 1) & (fraction <= 9)
    return point if bool(plain[filled].all()) else None


def _fast_amounts(values: pd.Series, decimal: Decimal | None) -> Parsed | None:
    """:func:`parse_amounts` for Arrow strings that are all plain decimals (``-1234.56``) or
    empty: Arrow's correctly rounded conversion on the cells themselves. None when a cell is
    anything else, or when the decimal separator is a comma or cannot be told from them."""
    if decimal == ",":
        return None
    chunks = _arrow_chunks(values)
    if chunks is None:
        return None
    floats_parts: list[npt.NDArray[np.float64]] = []
    scale = 0
    proves_point = False
    grouping_seen = False
    for chunk in chunks:
        offsets, data, nulls = _layout(chunk)
        lengths = np.diff(offsets)
        filled = (lengths > 0) & ~nulls
        point = _all_plain_amounts(chunk, offsets, data, lengths, filled)
        if point is None:
            return None
        text = (
            chunk
            if filled.all()
            else pc.if_else(pa.array(filled), chunk, pa.scalar("0", pa.large_string()))
        )
        floats = np.array(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False))
        floats[~filled] = np.nan
        floats_parts.append(floats)
        if not filled.any():
            continue
        places = np.where(filled & (point >= 0), lengths - point - 1, 0)
        scale = max(scale, int(places.max()))
        if decimal is None:
            first, _ = _ends(offsets, data)
            second = data[np.clip(offsets[:-1] + 1, 0, max(len(data) - 1, 0))]
            leading_zero = (first == 48) | ((first == 45) & (second == 48))  # "0", "-0"
            grouping = filled & (point >= 0) & (places == 3) & ~leading_zero
            proves_point |= bool((filled & (point >= 0) & ~grouping).any())
            grouping_seen |= bool(grouping.any())
    if grouping_seen and not proves_point:
        return None  # "1.234" alone: the general path explains the ambiguity
    joined = np.concatenate(floats_parts) if floats_parts else np.empty(0, dtype=np.float64)
    out = pd.Series(joined, index=values.index, dtype=np.float64)
    return Parsed(out, np.zeros(len(values), dtype=bool), scale=scale)


# --------------------------------------------------------------------------- dates


def _two_digit_year(year: pd.Series) -> pd.Series:
    """Four-digit years from ``yy`` the way ``strptime`` does (69-99 -> 19xx, else 20xx)."""
    small = year < 100
    return year.where(~small, year + np.where(year >= 69, 1900, 2000))


_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")


def _in_ns_range(parsed: pd.Series) -> pd.Series:
    """UTC datetimes in nanoseconds; a date outside pandas' nanosecond range (before
    1677-09-21 or after 2262-04-11, e.g. ``0000-01-01``) is unparsable: NaT, then reported
    as a bad value like any other, not a crash."""
    if parsed.dtype == "datetime64[ns, UTC]":
        return parsed
    inside = (parsed >= _NS_MIN) & (parsed <= _NS_MAX)
    return parsed.where(inside.fillna(False)).astype("datetime64[ns, UTC]")


def _assemble(parts: pd.DataFrame, year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Datetimes (UTC) from extracted parts; impossible dates become NaT."""
    hour = pd.to_numeric(parts["hour"], errors="coerce").fillna(0)
    ampm = parts["ampm"].fillna("").str.lower().str.replace(".", "", regex=False)
    bad_hour = (ampm != "") & ((hour < 1) | (hour > 12))
    hour = hour.where(ampm != "pm", (hour % 12) + 12).where(ampm != "am", hour % 12)
    frac = parts["frac"].fillna("").str.ljust(9, "0").replace("000000000", "0")
    frame = pd.DataFrame(
        {
            "year": year,
            "month": month,
            "day": day,
            "hour": hour,
            "minute": pd.to_numeric(parts["minute"], errors="coerce").fillna(0),
            "second": pd.to_numeric(parts["second"], errors="coerce").fillna(0),
            "ns": pd.to_numeric(frac.where(frac != "", "0"), errors="coerce").fillna(0),
        }
    ).astype("int64")
    result = _in_ns_range(pd.to_datetime(frame, errors="coerce", utc=True))
    return result.where(~bad_hour.to_numpy(dtype=bool))


def _last_serial(epoch1904: bool) -> float:
    """The first Excel serial beyond what a nanosecond timestamp holds (2262-04-11)."""
    epoch = dt.date(1904, 1, 1) if epoch1904 else dt.date(1899, 12, 30)
    return float((dt.date(2262, 4, 11) - epoch).days)


def _far_away(value: Any, epoch1904: bool) -> bool:
    """Whether ``value`` is a date before 1677-09-21 or after 2262-04-11 (beyond a nanosecond
    timestamp): text with such a year, a date object, or an Excel serial beyond the range."""
    if isinstance(value, dt.date):
        return not _NS_MIN.year < value.year < _NS_MAX.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _last_serial(epoch1904) <= value <= _MAX_EXCEL_SERIAL
    match = _FAR_YEAR_RE.search(str(value))
    return (
        match is not None
        and not _NS_MIN.year < int(match.group(1) or match.group(2)) < _NS_MAX.year
    )


_FAR_YEAR_RE = re.compile(r"^\s*(\d{4})[-/.]\d{1,2}[-/.]\d{1,2}|[-/.](\d{4})(?:\D|$)")


def _excel_serial(serial: pd.Series, epoch1904: bool) -> pd.Series:
    """Datetimes from Excel serial day numbers (fractions are times of day)."""
    epoch = _EXCEL_EPOCH_1904 if epoch1904 else _EXCEL_EPOCH_1900
    ok = (serial >= 1) & (serial <= _MAX_EXCEL_SERIAL) & (serial < _last_serial(epoch1904))
    days = pd.to_timedelta(serial.where(ok).round(9), unit="D").dt.round("ms")
    return (epoch + days).astype("datetime64[ns, UTC]")


def _parse_date_uniques(
    uniques: pd.Series, order: DateOrder, where: str, epoch1904: bool
) -> tuple[pd.Series, str | None]:
    """Parse distinct date strings; returns UTC datetimes (NaT where unparsable) and a note."""
    result = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns, UTC]")
    done = np.zeros(len(uniques), dtype=bool)
    note: str | None = None

    # Plain ISO dates and times (ASCII digits, no offset) are checked in one vectorised call;
    # only the other values go through the full pattern (whose \\d and \\s are Unicode-aware).
    iso = np.array(uniques.str.fullmatch(_PLAIN_ISO_RE).to_numpy(dtype=bool, na_value=False))
    if not iso.all():
        iso[~iso] = uniques[~iso].str.fullmatch(_ISO_RE).to_numpy(dtype=bool)
    if iso.any():
        # Fast path first; only values pandas refuses get normalised ("UTC", " +0100", ",").
        parsed = _in_ns_range(
            pd.to_datetime(uniques[iso], format="ISO8601", utc=True, errors="coerce")
        )
        retry = parsed.isna().to_numpy(dtype=bool)
        if retry.any():
            text = uniques[iso][retry].str.replace(r"\s*UTC$", "Z", regex=True)
            text = text.str.replace(r"\s+(?=[+-]\d{2}(?::?\d{2})?$)", "", regex=True)
            text = text.str.replace(",", ".", regex=False)
            parsed[retry] = _in_ns_range(
                pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
            )
        result[iso] = parsed
        done |= iso

    def still(pattern: str) -> tuple[BoolArray, pd.DataFrame]:
        """Extract ``pattern`` from the uniques not parsed yet."""
        rest = uniques[~done]
        parts = rest.str.extract("^" + pattern + "$").reindex(uniques.index)
        return ~done & parts.iloc[:, 0].notna().to_numpy(dtype=bool), parts

    compact = ~done & uniques.str.match(r"^\d{8}$").fillna(False).to_numpy(dtype=bool)
    if compact.any():
        result[compact] = _in_ns_range(
            pd.to_datetime(uniques[compact], format="%Y%m%d", utc=True, errors="coerce")
        )
        done |= compact

    serial = ~done & uniques.str.fullmatch(_SERIAL_RE).to_numpy(dtype=bool)
    if serial.any():
        result[serial] = _excel_serial(uniques[serial].astype(float), epoch1904)
        done |= serial

    yf, year_first = still(_YEAR_FIRST_RE)
    if yf.any():
        parts = year_first[yf]
        result[yf] = _assemble(
            parts, parts["year"].astype(int), parts["month"].astype(int), parts["day"].astype(int)
        )
        done |= yf

    nm, named = still(_NAMED_MONTH_RE)
    if nm.any():
        parts = named[nm]
        month = parts["mon"].str.casefold().map(_MONTHS)
        known = month.notna()
        year = _two_digit_year(parts["year"].astype(int))
        assembled = _assemble(parts, year, month.fillna(1).astype(int), parts["day"].astype(int))
        result[nm] = assembled.where(known.to_numpy(dtype=bool))
        done |= nm

    nd, numeric = still(_NUMERIC_DATE_RE)
    if nd.any():
        parts = numeric[nd]
        first = parts["a"].astype(int)
        second = parts["b"].astype(int)
        proves_day = parts["a"][first > 12]
        proves_month = parts["a"][second > 12]
        if order == "auto":
            if len(proves_day) and len(proves_month):
                day_ex = uniques[nd][first > 12].iloc[0]
                month_ex = uniques[nd][second > 12].iloc[0]
                raise InputDataError(
                    f"{where}: dates mix day-first ({day_ex!r}) and month-first "
                    f"({month_ex!r}) order; fix the column, or pass --dayfirst or --monthfirst "
                    "to read one order and report the rest as unparsable"
                )
            if len(proves_day):
                order = "dayfirst"
                example = uniques[nd][first > 12].iloc[0]
                note = f"{where}: read as day-first (e.g. {example!r})"
            elif len(proves_month):
                order = "monthfirst"
                example = uniques[nd][second > 12].iloc[0]
                note = f"{where}: read as month-first (e.g. {example!r})"
            elif bool((first != second).any()):
                example = uniques[nd][first != second].iloc[0]
                raise InputDataError(
                    f"{where}: cannot tell whether {example!r} is day-first or month-first "
                    "(no day above 12 in the column); pass --dayfirst or --monthfirst"
                )
            else:
                order = "dayfirst"
        day, month = (first, second) if order == "dayfirst" else (second, first)
        year = _two_digit_year(parts["year"].astype(int))
        result[nd] = _assemble(parts, year, month, day)
        done |= nd
    return result, note


def parse_dates(
    values: pd.Series, *, order: DateOrder = "auto", where: str = "column", epoch1904: bool = False
) -> Parsed:
    """Parse a column of dates or datetimes into ``datetime64[ns, UTC]``.

    Formats: ISO 8601 (offsets converted to UTC, naive taken as UTC), ``M/D/YYYY``,
    ``D/M/YYYY``, ``DD.MM.YYYY``, ``DD-MM-YYYY HH:MM[:SS]``, two-digit years, 12-hour times
    with AM/PM, ``YYYY/MM/DD``, ``YYYYMMDD``, month names (Jira ``14/Jul/25 3:42 PM``) and
    Excel serial numbers (``epoch1904`` for workbooks in the 1904 date system).

    Raises :class:`InputDataError` when ``order`` is ``auto`` and the day/month order of the
    column cannot be proved from its values, or the values contradict each other; ``where``
    names the file and column in that message.
    """
    fast = _fast_dates(values)
    if fast is not None:
        return Parsed(fast, np.zeros(len(values), dtype=bool))
    codes, uniques, present, other = _distinct(values, DATE_NULL_TOKENS)
    parsed_uniques, note = _parse_date_uniques(uniques, order, where, epoch1904)
    out = _take(parsed_uniques, codes, values.index).astype("datetime64[ns, UTC]")
    bad = present & out.isna().to_numpy(dtype=bool)
    if other.any():
        positions, objects = _others(values, other)
        is_date = np.array([isinstance(v, dt.date) for v in objects], dtype=bool)
        is_number = np.array(
            [isinstance(v, int | float) and not isinstance(v, bool) for v in objects], dtype=bool
        )
        array = np.asarray(objects, dtype=object)
        if is_date.any():
            # pandas cannot hold dates after 2262-04-11 (9999-12-31, the "no end date" of
            # many ERP exports): they stay NaT and are named below.
            is_date &= np.array([not _far_away(v, epoch1904) for v in objects], dtype=bool)
            stamps = pd.to_datetime(pd.Series(array[is_date]), utc=True, errors="coerce")
            out.iloc[positions[is_date]] = pd.DatetimeIndex(stamps)
        if is_number.any():
            serials = _excel_serial(pd.Series(array[is_number].astype(np.float64)), epoch1904)
            out.iloc[positions[is_number]] = pd.DatetimeIndex(serials)
        converted = out.iloc[positions].notna().to_numpy(dtype=bool)
        bad[positions[~converted]] = True
    if bad.any():
        far_note = _far_dates(values, bad, where, epoch1904)
        note = "; ".join(n for n in (note, far_note) if n) or None
    return Parsed(out, bad, note=note)


def _far_dates(values: pd.Series, bad: BoolArray, where: str, epoch1904: bool) -> str | None:
    """A note on the unreadable values that are dates beyond a nanosecond timestamp: how many,
    and one of them (they stay unreadable: missing in an optional column, quarantined in a
    required one)."""
    positions = np.flatnonzero(bad)
    far = np.array([_far_away(values.iloc[i], epoch1904) for i in positions], dtype=bool)
    if not far.any():
        return None
    example = values.iloc[positions[far][0]]
    if isinstance(example, dt.date):
        shown = example.isoformat()[:10]
    elif isinstance(example, int | float):
        shown = f"{example:.10g} (an Excel serial)"
    else:
        shown = str(example).strip()
    return (
        f"{where}: {int(far.sum()):,} date(s) such as {shown} lie after 2262-04-11 or before "
        "1677-09-21, beyond the dates boaudit can hold (9999-12-31 is the usual 'no end "
        "date' placeholder); left empty and counted as unreadable"
    )


# --------------------------------------------------------------------------- amounts

_AMOUNT_RE = re.compile(
    r"^(?P<lp>\()?\s*(?P<s1>[-+])?\s*(?P<cur1>[A-Za-z]{3}|[^\w\s.,()+\-]{1,2}|[A-Za-z]{1,2}\$)?"
    r"\s*(?P<s2>[-+])?\s*(?P<num>\d[\d.,]*|[.,]\d+)\s*"
    r"(?P<cur2>[A-Za-z]{3}|[^\w\s.,()+\-]{1,2})?\s*(?P<s3>-)?\s*(?P<rp>\))?$"
)
_SPACES_RE = r"[\s\u00a0\u202f\u2009'\u2019]"


def _decimal_evidence(num: pd.Series) -> tuple[BoolArray, BoolArray, BoolArray]:
    """Per value: proves comma-decimal, proves point-decimal, or is ambiguous (``1,234``)."""
    commas = num.str.count(",")
    dots = num.str.count(r"\.")
    last_comma = num.str.rfind(",")
    last_dot = num.str.rfind(".")
    both = (commas > 0) & (dots > 0)
    comma_dec = both & (last_comma > last_dot)
    dot_dec = both & (last_dot > last_comma)
    # One kind of separator, used more than once: it groups thousands, so the other is decimal.
    dot_dec |= (commas > 1) & (dots == 0)
    comma_dec |= (dots > 1) & (commas == 0)
    single_comma = (commas == 1) & (dots == 0)
    single_dot = (dots == 1) & (commas == 0)
    after = num.str.len() - np.maximum(last_comma, last_dot) - 1
    before = num.str.slice(0, 1)
    grouping = (after == 3) & (before != "0") & ~num.str.match(r"^[.,]")
    comma_dec |= single_comma & ~grouping
    dot_dec |= single_dot & ~grouping
    ambiguous = (single_comma | single_dot) & grouping
    return (
        comma_dec.to_numpy(dtype=bool),
        dot_dec.to_numpy(dtype=bool),
        ambiguous.to_numpy(dtype=bool),
    )


_PLAIN_AMOUNT_RE = r"-?[0-9]{1,15}(?:\.[0-9]{1,9})?"
"""A plain decimal (``-1234.56``): what most exports write, parsed without rewriting."""


def _amount_text(uniques: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The number part of each amount (NaN where the text is not an amount) and its sign."""
    compact = uniques.str.replace(_SPACES_RE, "", regex=True).str.replace(
        "\u2212", "-", regex=False
    )
    parts = compact.str.extract(_AMOUNT_RE)
    signs = parts[["lp", "s1", "s2", "s3"]].notna().sum(axis=1)
    valid = (
        parts["num"].notna()
        & (parts["lp"].isna() == parts["rp"].isna())
        & (signs <= 1)
        & ~(parts["cur1"].notna() & parts["cur2"].notna())
    )
    num = parts["num"].where(valid)
    negative = (
        parts["lp"].notna() | (parts["s1"] == "-") | (parts["s2"] == "-") | parts["s3"].notna()
    ) & valid
    return num, negative


def _plain_evidence(plain: pd.Series) -> tuple[BoolArray, BoolArray]:
    """:func:`_decimal_evidence` for plain decimals: (proves point-decimal, ambiguous)."""
    unsigned = plain.str.removeprefix("-")
    point = unsigned.str.find(".").to_numpy(dtype=np.int64)
    after = unsigned.str.len().to_numpy(dtype=np.int64) - point - 1
    leading_zero = unsigned.str.startswith("0").to_numpy(dtype=bool)
    grouping = (point >= 0) & (after == 3) & ~leading_zero
    return (point >= 0) & ~grouping, grouping


def _to_floats(
    num: pd.Series, negative: pd.Series, decimal: str
) -> tuple[npt.NDArray[np.float64], int]:
    """Floats from number parts written with ``decimal`` (NaN where malformed), and the scale."""
    thousands = "," if decimal == "." else "."
    d, t = re.escape(decimal), re.escape(thousands)
    shape = rf"^(?:\d{{1,3}}(?:{t}\d{{3}})+|\d+)?(?:{d}\d*)?$"
    well_formed = num.str.fullmatch(shape).fillna(False).astype(bool) & num.str.contains(r"\d")
    num = num.where(well_formed)
    split = num.str.split(d, n=1, regex=True, expand=True).reindex(columns=[0, 1])
    integer = split[0].astype("str").fillna("").str.replace(thousands, "", regex=False)
    fraction = split[1].astype("str").fillna("")
    canonical = integer.where(integer != "", "0") + "." + fraction.where(fraction != "", "0")
    canonical = ("-" + canonical).where(negative, canonical).where(num.notna())
    array = np.asarray(canonical.fillna("nan"), dtype=object).astype(np.float64)
    scale = int(fraction[num.notna()].str.len().max()) if bool(num.notna().any()) else 0
    return array, scale


def _parse_amount_uniques(
    uniques: pd.Series, decimal: Decimal | None, where: str
) -> tuple[npt.NDArray[np.float64], int, str | None]:
    """Parse distinct amount strings into floats (NaN where unparsable) and the decimal scale.

    Plain decimals (``-1234.56``, ASCII digits) take a fast path: Arrow's correctly rounded
    text-to-float conversion, which gives the same float as ``float(text)``. Everything else
    (separators, currencies, brackets) is rewritten as a plain decimal first.
    """
    if len(uniques) == 0:
        return np.empty(0, dtype=np.float64), 0, None
    plain = uniques.str.fullmatch(_PLAIN_AMOUNT_RE).to_numpy(dtype=bool, na_value=False)
    num, negative = _amount_text(uniques[~plain])
    note = None
    if decimal is None:
        comma_dec, dot_dec, ambiguous = (np.zeros(len(uniques), dtype=bool) for _ in range(3))
        comma_dec[~plain], dot_dec[~plain], ambiguous[~plain] = _decimal_evidence(num.fillna(""))
        if plain.any():
            dot_dec[plain], ambiguous[plain] = _plain_evidence(uniques[plain])
        if comma_dec.any() and dot_dec.any():
            raise InputDataError(
                f"{where}: amounts mix decimal commas ({uniques[comma_dec].iloc[0]!r}) and "
                f"decimal points ({uniques[dot_dec].iloc[0]!r}); pass --decimal , or "
                "--decimal . to choose"
            )
        if comma_dec.any():
            decimal = ","
            note = f"{where}: read with a decimal comma (e.g. {uniques[comma_dec].iloc[0]!r})"
        elif dot_dec.any():
            decimal = "."
        elif ambiguous.any():
            raise InputDataError(
                f"{where}: cannot tell whether {uniques[ambiguous].iloc[0]!r} has a decimal "
                "or a thousands separator; pass --decimal , or --decimal ."
            )
        else:
            decimal = "."
    if decimal != "." and plain.any():
        # With a decimal comma, "1.234" groups thousands: rewrite every value.
        plain = np.zeros(len(uniques), dtype=bool)
        num, negative = _amount_text(uniques)
    array = np.full(len(uniques), np.nan, dtype=np.float64)
    scale = 0
    if not plain.all():
        array[~plain], scale = _to_floats(num, negative, decimal)
    if plain.any():
        text = uniques[plain]
        array[plain] = pc.cast(pa.array(text), pa.float64()).to_numpy(zero_copy_only=False)
        point = text.str.find(".").to_numpy(dtype=np.int64)
        places = np.where(point >= 0, text.str.len().to_numpy(dtype=np.int64) - point - 1, 0)
        scale = max(scale, int(places.max()))
    return array, scale, note


def _scale_of_floats(floats: npt.NDArray[np.float64]) -> int:
    """The fewest decimal places (up to 9) that represent every finite float exactly enough."""
    finite = floats[np.isfinite(floats)]
    for places in range(10):
        scaled = finite * 10**places
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return places
    return 9


def _number_from_object(value: Any) -> float | None:
    """A workbook number as a float, or None for other types."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_amounts(
    values: pd.Series, *, decimal: Decimal | None = None, where: str = "column"
) -> Parsed:
    """Parse a column of amounts into float64, exactly from the decimal text.

    Takes decimal commas or points, thousands separators (``,`` ``.`` spaces ``'``), currency
    symbols and three-letter codes before or after the number, and negatives written
    ``-1``, ``(420.81)`` or ``1.234,56-``. ``scale`` is the most decimal places seen.

    Raises :class:`InputDataError` when ``decimal`` is None and the column's separators are
    ambiguous (only values like ``1,234``) or contradictory.
    """
    fast = _fast_amounts(values, decimal)
    if fast is not None:
        return _finite(fast)
    codes, uniques, present, other = _distinct(values, NULL_TOKENS)
    parsed, scale, note = _parse_amount_uniques(uniques, decimal, where)
    array = (
        np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.nan)
        if len(parsed)
        else (np.full(len(values), np.nan))
    )
    out = pd.Series(array.astype(np.float64), index=values.index)
    bad = present & np.isnan(array)
    if other.any():
        out = _fill_other(out, bad, values, other, _number_from_object)
        scale = max(scale, _scale_of_floats(np.asarray(out[other], dtype=np.float64)))
    return _finite(Parsed(out, bad, scale=scale, note=note))


def _finite(parsed: Parsed) -> Parsed:
    """An amount too large for a float (309 digits or more) is infinite: unparsable, like
    ``1e400``, never a number that breaks every sum it enters."""
    infinite = np.isinf(parsed.values.to_numpy(dtype=np.float64))
    if not infinite.any():
        return parsed
    return Parsed(
        parsed.values.mask(infinite),
        parsed.bad | infinite,
        scale=parsed.scale,
        note=parsed.note,
    )


_DURATION_RE = r"^(?P<h>\d+):(?P<m>\d{2})(?::(?P<s>\d{2}))?$"


def parse_minutes(
    values: pd.Series, *, decimal: Decimal | None = None, where: str = "column"
) -> Parsed:
    """Parse handling times in minutes: plain numbers, or ``H:MM[:SS]`` durations."""
    fast = _fast_amounts(values, decimal)  # plain numbers only: no duration among them
    if fast is not None:
        return fast
    codes, uniques, _, _ = _distinct(values, NULL_TOKENS)
    parts = uniques.str.extract(_DURATION_RE)
    duration_u = parts["h"].notna().to_numpy(dtype=bool)
    if not duration_u.any():
        return parse_amounts(values, decimal=decimal, where=where)
    minutes_u = (
        parts["h"].astype(float) * 60
        + parts["m"].astype(float)
        + parts["s"].fillna("0").astype(float) / 60
    ).to_numpy(dtype=np.float64)
    safe = np.maximum(codes, 0)
    is_duration = (codes >= 0) & duration_u[safe]
    minutes = pd.Series(np.where(is_duration, minutes_u[safe], np.nan), index=values.index)
    plain = parse_amounts(values.where(~is_duration), decimal=decimal, where=where)
    out = plain.values.where(~is_duration, minutes)
    return Parsed(out, plain.bad, scale=plain.scale, note=plain.note)


def parse_integers(
    values: pd.Series, *, decimal: Decimal | None = None, where: str = "column"
) -> Parsed:
    """Parse whole numbers into nullable ``Int64``; fractions are unparsable."""
    numbers = parse_amounts(values, decimal=decimal, where=where)
    floats = numbers.values.to_numpy(dtype=np.float64)
    whole = np.isfinite(floats) & (floats == np.round(floats))
    bad = numbers.bad | (np.isfinite(floats) & ~whole)
    out = pd.Series(np.where(whole, floats, np.nan), index=values.index).astype("Float64")
    return Parsed(out.round().astype("Int64"), bad)


# --------------------------------------------------------------------------- booleans and text


def _bool_from_object(value: Any) -> bool | None:
    """A workbook cell as a boolean (True/False or the numbers 1/0), or None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return None


def parse_booleans(values: pd.Series) -> Parsed:
    """Parse Yes/No, TRUE/FALSE, Y/N, 1/0, x (and a few more) into pandas ``boolean``."""
    codes, uniques, present, other = _distinct(values, NULL_TOKENS)
    folded = uniques.str.casefold()
    safe = np.maximum(codes, 0)
    true_u = folded.isin(TRUE_TOKENS).to_numpy(dtype=bool)
    false_u = folded.isin(FALSE_TOKENS).to_numpy(dtype=bool)
    falsy = present & false_u[safe] if len(uniques) else np.zeros(len(values), dtype=bool)
    truthy = present & true_u[safe] & ~falsy if len(uniques) else np.zeros_like(falsy)
    known = truthy | falsy
    # Built from the two masks at once (a token in both lists would read as False).
    out = pd.Series(pd.arrays.BooleanArray(truthy, ~known), index=values.index)
    bad = present & ~known
    if other.any():
        out = _fill_other(out, bad, values, other, _bool_from_object)
    return Parsed(out, bad)


def _text_from_object(value: Any) -> str:
    """A workbook cell as text: whole floats lose their ``.0``, datetimes become ISO text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def parse_text(values: pd.Series) -> Parsed:
    """Text (ids, names, free text): stripped, null tokens made missing, leading zeros kept."""
    fast = _fast_text(values)
    if fast is not None:
        return Parsed(fast, np.zeros(len(values), dtype=bool))
    return _parse_text_general(values)


def _parse_text_general(values: pd.Series) -> Parsed:
    """:func:`parse_text` per distinct value (any column, workbook cells too)."""
    codes, uniques, _, other = _distinct(values, NULL_TOKENS)
    out = _take(uniques, codes, values.index)
    if other.any():
        converted = values[other].map(_text_from_object)
        out = out.astype(object)
        out[other] = converted
        out = out.astype("str")
    return Parsed(out.astype("str"), np.zeros(len(values), dtype=bool))
