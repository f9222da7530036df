"""The run store: every unattended run's scores, metrics and findings, in SQLite."""

from boaudit.history.store import SCHEMA_VERSION, History, RunRecord, compare

__all__ = ["SCHEMA_VERSION", "History", "RunRecord", "compare"]
