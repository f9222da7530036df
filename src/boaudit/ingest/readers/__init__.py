"""Readers: CSV/TSV (plain, gzip, stdin) and workbooks (XLSX/XLSM, XLS, ODS) into a raw table.

A reader returns a :class:`RawTable`: the header as found, the data rows as text (CSV) or as the
workbook's own values (numbers, datetimes, booleans), the 1-based row number of every data row
(the header line counts, like a spreadsheet) and the rows it skipped on purpose (``blank``,
``total-row`` and, below a report preamble, ``label-row`` group headers and footers).

Nothing is guessed silently:

* Text is UTF-8 (a BOM is fine) unless ``encoding`` says otherwise; a decoding error is an
  :class:`InputDataError` naming the byte and line, never a latin-1 fallback.
* The delimiter is sniffed among ``, ; TAB |`` by the most consistent field count.
* The header is the row, among the first 50, with the most known column names (QuickBooks and
  Xero reports open with a preamble); when none has two, the first non-blank row.
* Limits (:class:`Limits`) are checked before a parser runs: file and decompressed size, the
  declared sheet dimension, and the rows and columns parsed; a DTD or entity declaration in a
  workbook part (an XML entity bomb) is refused. Workbooks are read with python-calamine; a
  formula is read as its cached value and a formula without one is reported, never evaluated.

The package's modules: :mod:`~boaudit.ingest.readers.source` (bytes in: paths, stdin, gzip,
the size limit, the format sniffed), :mod:`~boaudit.ingest.readers.csv` (delimited text),
:mod:`~boaudit.ingest.readers.workbook` (workbooks), :mod:`~boaudit.ingest.readers.xes` (XES
event logs, streamed and defused), :mod:`~boaudit.ingest.readers.table` (the
raw table, header detection and the tail every reader ends with) and
:mod:`~boaudit.ingest.readers.dispatch` (:func:`read_source`, which hands a source to a reader).
"""

from boaudit.ingest.readers.csv import DELIMITERS, read_csv_bytes, sniff_delimiter
from boaudit.ingest.readers.dispatch import Progress, read_source
from boaudit.ingest.readers.source import WORKBOOK_SUFFIXES
from boaudit.ingest.readers.table import RawTable, SourceInfo
from boaudit.ingest.readers.workbook import read_workbook_bytes

__all__ = [
    "DELIMITERS",
    "WORKBOOK_SUFFIXES",
    "Progress",
    "RawTable",
    "SourceInfo",
    "read_csv_bytes",
    "read_source",
    "read_workbook_bytes",
    "sniff_delimiter",
]
