"""The report formats and the one function that maps each to its writer module."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from boaudit.fileio import dumps_json
from boaudit.report.model import Report


class ReportFormat(StrEnum):
    """Formats of ``boaudit report``."""

    table = "table"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"
    json = "json"

    @property
    def binary(self) -> bool:
        """True when the writer returns bytes."""
        return self in (ReportFormat.xlsx, ReportFormat.docx)

    def require(self) -> None:
        """Raise :class:`boaudit.errors.UsageError`, before any work, when this format's
        optional package is not installed (docx: python-docx)."""
        if self is ReportFormat.docx:
            from boaudit.report.word import require

            require()


def render(
    report: Report,
    fmt: ReportFormat,
    *,
    color: bool = False,
    width: int = 100,
    terminal: bool = False,
) -> str | bytes:
    """Render ``report`` in ``fmt``: text for every format but xlsx and docx, which are
    bytes. The table is boxed and ``width`` wide for a ``terminal``, plain aligned text
    otherwise."""
    if fmt is ReportFormat.json:
        return dumps_json(report.to_dict())
    if fmt is ReportFormat.markdown:
        from boaudit.report.markdown import render_markdown

        return render_markdown(report)
    if fmt is ReportFormat.html:
        from boaudit.report.html import render_html

        return render_html(report)
    if fmt is ReportFormat.xlsx:
        from boaudit.report.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt is ReportFormat.docx:
        from boaudit.report.word import render_docx

        return render_docx(report)
    if fmt is ReportFormat.table:
        from boaudit.report.table import render_table

        return render_table(report, color=color, width=width, terminal=terminal)
    assert_never(fmt)
