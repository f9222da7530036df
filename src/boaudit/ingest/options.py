"""How a load is configured: :class:`IngestOptions` and the :class:`Limits` against hostile files.

Both are frozen dataclasses so that one options value can be shared by every command that reads
exports (``inspect``, ``metrics``, ``report``, ``run``) without being changed along the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

DateOrder = Literal["auto", "dayfirst", "monthfirst"]
"""How to read ``01/02/2025``: infer from the values (``auto``), day first, or month first."""

Decimal = Literal[",", "."]
"""The decimal separator of amounts, when the values cannot settle it."""

DEFAULT_COMPLETION_PATTERNS: tuple[str, ...] = (
    r"\bclos(?:e|ed|ing|ure)\b",
    r"\bresolv(?:e|ed|ing)\b",
    r"\bcomplet(?:e|ed|ion)\b",
    r"\bclear(?:ed)?\b",
    r"\bpa(?:y|id)\b",
    r"\bdone\b",
    r"\bfinish(?:ed)?\b",
)
"""Regular expressions (searched case-insensitively in the activity name) that mark a case as
completed. ``pay`` is a whole word so that ``Remove Payment Block`` does not count."""


@dataclass(frozen=True)
class Limits:
    """Ceilings checked before a parser is let loose on a file; exceeding one: InputDataError."""

    max_rows: int = 5_000_000
    """Data rows per file (after the header)."""
    max_columns: int = 2_000
    """Columns per file or sheet."""
    max_cells: int = 50_000_000
    """Cells in a sheet's used range (rows x columns of its last cells): a reader fills every
    cell of the range, so one stray cell at ``ZZ1000000`` would cost gigabytes."""
    max_cell_chars: int = 100_000
    """Characters in one cell."""
    max_bytes: int = 1_073_741_824
    """Bytes of a file after decompression (gzip, or the parts of an XLSX/ODS zip): 1 GiB."""


@dataclass(frozen=True)
class IngestOptions:
    """Everything the user can say about how to read the exports."""

    encoding: str | None = None
    """Text encoding of CSV/TSV files; None means UTF-8 with or without a BOM (never a fallback)."""
    delimiter: str | None = None
    """Field delimiter; None means sniffed among ``, ; TAB |``."""
    decimal: Decimal | None = None
    """Decimal separator of amounts; None means inferred per column and an error when ambiguous."""
    date_order: DateOrder = "auto"
    """Day/month order of slash, dot and dash dates."""
    sheet: str | None = None
    """Sheet name, or a number from 1 as text; None means the first visible sheet."""
    mapping: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """``canonical name -> source column`` overrides (a ``--map`` file); they beat the synonyms."""
    limits: Limits = field(default_factory=Limits)
    """Ceilings against hostile or broken files."""
    completion_patterns: tuple[str, ...] = DEFAULT_COMPLETION_PATTERNS
    """Regular expressions for activities that complete an event-log case."""
