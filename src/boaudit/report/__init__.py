"""The prioritised fix report: one Report model, one pure writer module per format."""

from boaudit.report.build import ReportOptions, build_report
from boaudit.report.model import EvidenceItem, Finding, Impact, Report
from boaudit.report.writers import ReportFormat, render

__all__ = [
    "EvidenceItem",
    "Finding",
    "Impact",
    "Report",
    "ReportFormat",
    "ReportOptions",
    "build_report",
    "render",
]
