"""The prioritised fix report: one Report model, one pure writer module per format.

The names below are imported on first use (PEP 562), so that a light module of this package
(the model, the formats) can be imported without the questionnaire and scoring packages that
building a report needs: ``boaudit --help`` and every command's start-up pay for what the
command-line interface imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boaudit.lazy import lazy_attributes

if TYPE_CHECKING:
    from boaudit.report.build import ReportOptions, build_report
    from boaudit.report.model import Report
    from boaudit.report.writers import ReportFormat, render

_HOMES = {
    "Report": "boaudit.report.model",
    "ReportFormat": "boaudit.report.writers",
    "ReportOptions": "boaudit.report.build",
    "build_report": "boaudit.report.build",
    "render": "boaudit.report.writers",
}

__all__ = [
    "Report",
    "ReportFormat",
    "ReportOptions",
    "build_report",
    "render",
]

__getattr__ = lazy_attributes(__name__, globals(), _HOMES)
