"""Ingestion: real exports in, clean tasks and invoices out, every row accounted for.

The contract the rest of boaudit relies on::

    load(sources, kind, options, on_progress=None, stdin=None) -> LoadResult

* ``sources``: paths (CSV, TSV, ``.gz``, XLSX/XLSM/XLSB, XLS, ODS) or ``-`` for ``stdin``
  (default ``sys.stdin.buffer``). Several files of one kind are concatenated.
* ``kind``: ``"tasks"``, ``"invoices"``, ``"events"``, or None to detect it from the headers.
* ``options``: an :class:`IngestOptions` (encoding, delimiter, decimal, date order, sheet,
  mapping overrides, :class:`Limits`, completion patterns).

:class:`LoadResult` carries:

* ``frame``: one row per accepted task or invoice; for events one row per *case*, already
  collapsed to the tasks columns (:mod:`boaudit.ingest.events`). Every canonical column of
  the kind is present (null when unmapped; ``columns`` says which were found), plus
  ``_source`` (the file name as given, categorical) and ``_row`` (1-based row in that file,
  the header line counting as a row like in a spreadsheet; for a collapsed case its first
  event's row, for a collapsed update log the latest row's).
* dtypes: ids and text as pandas strings (leading zeros kept); datetimes ``datetime64[ns, UTC]``
  (offsets converted, **naive values taken as UTC**); ``amount``/``cost`` float64 parsed exactly
  from the decimal text (each equals ``float(Decimal(text))``); booleans ``boolean``;
  ``rework_count`` ``Int64``; ``handling_minutes`` and ``csat`` float64.
* ``account``: a :class:`RowAccount` with ``read == accepted + len(quarantined) +
  sum(skipped.values())`` always. ``read`` counts data rows after the header (preamble lines
  are not rows). A row whose **required** value is missing or unparsable is quarantined with
  reason codes (``missing-required:task_id``, ``bad-date:created_at``, ``extra-fields``). An
  **optional** value that fails to parse becomes null and is counted in ``value_problems``
  (examples in ``value_examples``); the row is kept. Skipped reasons: ``blank``,
  ``total-row``, ``label-row`` (group headers and footers under a report preamble),
  ``duplicate-event`` (exact duplicate event rows), ``collapsed-update`` (older rows of an
  update log), ``line-item`` (the further lines of an invoice in a line-item export such as
  Xero's: a source with quantity, unit amount, line amount or item code columns has its rows of
  one invoice id *and* vendor collapsed into one invoice, with the first line's fields and, as
  ``amount``, the total repeated on every line or else the exact sum of the line amounts; an
  invoice with a refused line is quarantined whole, reason
  ``line-item:invoice-has-quarantined-line``). Sources without line-item columns are never
  collapsed: a repeated invoice number there stays (duplicate evidence). For events,
  ``read`` counts event rows, ``accepted`` the events that went into
  a case, and ``cases`` the tasks produced.
* ``columns`` (canonical -> source), ``unmapped``, ``detected`` (per source :class:`SourceInfo`:
  format, encoding, delimiter, sheet, header row, likely kind), ``amount_scale`` (decimal
  places seen per amount column), ``notes`` (sheet used, day/month order inferred, rows
  collapsed...), ``map_text`` (the mapping as a ``--map`` file).

Errors are the typed ones of :mod:`boaudit.errors`: :class:`InputMissingError` (a file cannot be
read), :class:`InputDataError` (undecodable text, limits exceeded, ambiguous dates or decimals,
missing required columns, an XML entity bomb), :class:`ConfigError` (a bad map file) and
:class:`UsageError` (contradictory requests). This package never prints, prompts or exits.

The names below are imported on first use (PEP 562): the options, the mapping and the row
account are light, and ``boaudit --help`` or a command checking its options must not pay for
pandas, NumPy and Arrow, which only the loader and the readers need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boaudit.lazy import lazy_attributes

if TYPE_CHECKING:
    from boaudit.fileio import neutralise_cell
    from boaudit.ingest.accounting import QuarantinedRow, RowAccount, quarantine_csv
    from boaudit.ingest.loader import ColumnSummary, LoadResult, column_summaries, load
    from boaudit.ingest.mapping import (
        KINDS,
        REQUIRED,
        SCHEMAS,
        ColumnMapping,
        Kind,
        MissingColumnsError,
        read_map_file,
        render_map,
    )
    from boaudit.ingest.options import DEFAULT_COMPLETION_PATTERNS, IngestOptions, Limits
    from boaudit.ingest.readers import SourceInfo

_HOMES = {
    "neutralise_cell": "boaudit.fileio",
    "QuarantinedRow": "boaudit.ingest.accounting",
    "RowAccount": "boaudit.ingest.accounting",
    "quarantine_csv": "boaudit.ingest.accounting",
    "ColumnSummary": "boaudit.ingest.loader",
    "LoadResult": "boaudit.ingest.loader",
    "column_summaries": "boaudit.ingest.loader",
    "load": "boaudit.ingest.loader",
    "KINDS": "boaudit.ingest.mapping",
    "REQUIRED": "boaudit.ingest.mapping",
    "SCHEMAS": "boaudit.ingest.mapping",
    "ColumnMapping": "boaudit.ingest.mapping",
    "Kind": "boaudit.ingest.mapping",
    "MissingColumnsError": "boaudit.ingest.mapping",
    "read_map_file": "boaudit.ingest.mapping",
    "render_map": "boaudit.ingest.mapping",
    "DEFAULT_COMPLETION_PATTERNS": "boaudit.ingest.options",
    "IngestOptions": "boaudit.ingest.options",
    "Limits": "boaudit.ingest.options",
    "SourceInfo": "boaudit.ingest.readers.table",
}

__all__ = [
    "DEFAULT_COMPLETION_PATTERNS",
    "KINDS",
    "REQUIRED",
    "SCHEMAS",
    "ColumnMapping",
    "ColumnSummary",
    "IngestOptions",
    "Kind",
    "Limits",
    "LoadResult",
    "MissingColumnsError",
    "QuarantinedRow",
    "RowAccount",
    "SourceInfo",
    "column_summaries",
    "load",
    "neutralise_cell",
    "quarantine_csv",
    "read_map_file",
    "render_map",
]

__getattr__ = lazy_attributes(__name__, globals(), _HOMES)
