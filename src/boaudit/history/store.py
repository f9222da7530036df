"""The run history: an embedded SQLite database of every run's scores, metrics and findings.

Safe for two runs at once: WAL journaling, a busy timeout, and one short transaction per run.
The schema carries a version; :data:`MIGRATIONS` brings an older database up to date, in order,
each step in its own transaction.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from boaudit.document import JsonObject
from boaudit.errors import BusyError, ConfigError, OutputError
from boaudit.fileio import parse_problem

BUSY_TIMEOUT_MS = 30_000
"""How long to wait for another run's write to finish before saying the history is busy."""


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


@contextmanager
def _busy_is_temporary(path: Path) -> Iterator[None]:
    """A history another process holds past the wait: exit 75 with what to do, not a bug."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if not _is_busy(exc):
            raise
        raise BusyError(
            f"{path}: the history is busy: another boaudit run (or another program) holds it; "
            "nothing was recorded; try again when it has finished"
        ) from exc


def _run(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: executescript would commit the migration's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    _run(
        db,
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            config TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            as_of TEXT,
            title TEXT NOT NULL,
            overall_score REAL,
            breaches TEXT NOT NULL DEFAULT '[]',
            report BLOB NOT NULL
        );
        CREATE TABLE run_pitfalls (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            pitfall TEXT NOT NULL,
            score REAL,
            severity REAL,
            priority REAL,
            rank INTEGER,
            PRIMARY KEY (run_id, pitfall)
        );
        CREATE TABLE run_metrics (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (run_id, kind, name)
        );
        """,
    )


def _v2(db: sqlite3.Connection) -> None:
    # Version 2: the boaudit version that recorded each run, and fast look-ups by config.
    _run(
        db,
        """
        ALTER TABLE runs ADD COLUMN boaudit_version TEXT NOT NULL DEFAULT '';
        CREATE INDEX runs_by_config ON runs (config, as_of, id);
        """,
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2)
"""Step ``i`` takes a database from version ``i`` to ``i + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class RunRecord:
    """One recorded run."""

    id: int
    config: str
    recorded_at: str
    as_of: str | None
    title: str
    overall_score: float | None
    breaches: tuple[str, ...]
    boaudit_version: str

    def report(self, store: History) -> JsonObject:
        """The full report JSON of this run."""
        return store.report_of(self.id)


class History:
    """The history database at ``path`` (created, and migrated, on first use)."""

    def __init__(self, path: Path, *, migrate: bool = True) -> None:
        self.path = path
        wait = BUSY_TIMEOUT_MS
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=wait / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{path}: cannot open the history database: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        try:
            with _busy_is_temporary(path):
                self.db.execute(f"PRAGMA busy_timeout = {wait}")
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA foreign_keys = ON")
                if migrate:
                    self.migrate()
        except BusyError:
            self.db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise ConfigError(
                f"{path}: not a boaudit history database ({exc}); point 'history' elsewhere"
            ) from exc

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two runs queue instead of failing.
        with _busy_is_temporary(self.path):
            self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def version(self) -> int:
        """The schema version of the database file."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Apply the missing migrations up to ``target``, one transaction each."""
        if self.version > SCHEMA_VERSION:
            raise ConfigError(
                f"{self.path}: history schema version {self.version} is newer than this "
                f"boaudit understands ({SCHEMA_VERSION}); upgrade boaudit"
            )
        while self.version < target:
            step = self.version
            with self._transaction() as db:
                # Re-read inside the write lock: another run may have migrated meanwhile.
                if int(db.execute("PRAGMA user_version").fetchone()[0]) != step:
                    continue
                MIGRATIONS[step](db)
                db.execute(f"PRAGMA user_version = {step + 1}")

    def record(
        self,
        report: Mapping[str, Any],
        *,
        config: str,
        breaches: list[str],
        version: str = "",
        recorded_at: datetime | None = None,
    ) -> int:
        """Store a run (the report's JSON document) and return its id."""
        when = (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds")
        assessment = report.get("assessment") or {}
        overall = (assessment.get("overall") or {}).get("score")
        blob = gzip.compress(json.dumps(report, sort_keys=True).encode("utf-8"), mtime=0)
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (config, recorded_at, as_of, title, overall_score, breaches, "
                "report, boaudit_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    config,
                    when,
                    report.get("as_of"),
                    report.get("title", ""),
                    overall,
                    json.dumps(breaches),
                    blob,
                    version,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO run_pitfalls VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        f["pitfall"],
                        f.get("questionnaire_score"),
                        f.get("severity"),
                        f.get("priority"),
                        f.get("rank"),
                    )
                    for f in report.get("findings") or []
                ],
            )
            db.executemany(
                "INSERT INTO run_metrics VALUES (?, ?, ?, ?)",
                [
                    (run_id, kind, name, value)
                    for kind, doc in (report.get("metrics") or {}).items()
                    for name, value in scalar_metrics(doc).items()
                ],
            )
        return run_id

    def runs(self, config: str | None = None) -> list[RunRecord]:
        """Every run, oldest first (only ``config``'s when given)."""
        query = "SELECT * FROM runs"
        params: tuple[Any, ...] = ()
        if config is not None:
            query += " WHERE config = ?"
            params = (config,)
        with _busy_is_temporary(self.path):
            rows = self.db.execute(query + " ORDER BY id", params).fetchall()
        try:
            return [_record(row) for row in rows]
        except (ValueError, RecursionError) as exc:
            raise ConfigError(
                f"{self.path}: a recorded run cannot be read ({parse_problem(exc)}); this is not "
                "a history boaudit wrote, or it is damaged: point 'history' elsewhere"
            ) from None

    def report_of(self, run_id: int) -> JsonObject:
        """The stored report JSON of run ``run_id``."""
        with _busy_is_temporary(self.path):
            row = self.db.execute("SELECT report FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(run_id)
        try:
            data: JsonObject = json.loads(gzip.decompress(row["report"]).decode("utf-8"))
        except (OSError, EOFError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ConfigError(
                f"{self.path}: the stored report of run {run_id} cannot be read "
                f"({parse_problem(exc)}); this is not a history boaudit wrote, or it is damaged: "
                "point 'history' elsewhere"
            ) from None
        return data

    def find(self, config: str, ref: str) -> RunRecord | None:
        """A run of ``config`` by id (``12``) or by date: the latest run as of that date."""
        runs = self.runs(config)
        if ref.isdigit():
            return next((r for r in runs if r.id == int(ref)), None)
        candidates = [r for r in runs if (r.as_of or r.recorded_at)[: len(ref)] <= ref]
        return candidates[-1] if candidates else None

    def metric_series(self, config: str | None = None) -> list[JsonObject]:
        """One row per run: id, as_of, overall score and every scalar metric (``kind.name``)."""
        out = []
        for run in self.runs(config):
            row: JsonObject = {
                "run": run.id,
                "recorded_at": run.recorded_at,
                "as_of": run.as_of,
                "config": run.config,
                "overall_score": run.overall_score,
                "breaches": len(run.breaches),
            }
            for item in self.db.execute(
                "SELECT kind, name, value FROM run_metrics WHERE run_id = ? ORDER BY kind, name",
                (run.id,),
            ):
                row[f"{item['kind']}.{item['name']}"] = item["value"]
            for item in self.db.execute(
                "SELECT pitfall, score FROM run_pitfalls WHERE run_id = ? ORDER BY pitfall",
                (run.id,),
            ):
                if item["score"] is not None:
                    row[f"score.{item['pitfall']}"] = item["score"]
            out.append(row)
        return out


def _record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"],
        config=row["config"],
        recorded_at=row["recorded_at"],
        as_of=row["as_of"],
        title=row["title"],
        overall_score=row["overall_score"],
        breaches=tuple(json.loads(row["breaches"])),
        # sqlite3.Row's "in" looks at values, not column names, hence keys().
        boaudit_version=row["boaudit_version"] if "boaudit_version" in row.keys() else "",  # noqa: SIM118
    )


def scalar_metrics(doc: Mapping[str, Any]) -> dict[str, float]:
    """A metrics document's numeric values, objects flattened one level (``a.b``)."""
    out: dict[str, float] = {}
    for name, value in (doc.get("metrics") or {}).items():
        if isinstance(value, Mapping):
            for key, inner in value.items():
                if isinstance(inner, int | float) and not isinstance(inner, bool):
                    out[f"{name}.{key}"] = float(inner)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def compare(current: Mapping[str, Any], previous: Mapping[str, Any]) -> JsonObject:
    """What changed between two report documents: scores, severities and metrics."""

    def overall(doc: Mapping[str, Any]) -> float | None:
        """The overall interview score of a report document."""
        assessment = doc.get("assessment") or {}
        value = (assessment.get("overall") or {}).get("score")
        return None if value is None else float(value)

    def delta(now: float | None, before: float | None) -> float | None:
        """``now - before`` rounded, or None when either is unknown."""
        return None if now is None or before is None else round(now - before, 4)

    before_findings = {f["pitfall"]: f for f in previous.get("findings") or []}
    pitfalls = {}
    for finding in current.get("findings") or []:
        old = before_findings.get(finding["pitfall"], {})
        pitfalls[finding["pitfall"]] = {
            "score": finding.get("questionnaire_score"),
            "score_before": old.get("questionnaire_score"),
            "score_change": delta(
                finding.get("questionnaire_score"), old.get("questionnaire_score")
            ),
            "severity": finding.get("severity"),
            "severity_before": old.get("severity"),
            "severity_change": delta(finding.get("severity"), old.get("severity")),
        }
    metrics: dict[str, JsonObject] = {}
    for kind, doc in (current.get("metrics") or {}).items():
        now = scalar_metrics(doc)
        before = scalar_metrics((previous.get("metrics") or {}).get(kind) or {})
        metrics[kind] = {
            name: {
                "value": value,
                "before": before.get(name),
                "change": delta(value, before.get(name)),
            }
            for name, value in sorted(now.items())
        }
    return {
        "as_of_before": previous.get("as_of"),
        "overall_score": overall(current),
        "overall_score_before": overall(previous),
        "overall_score_change": delta(overall(current), overall(previous)),
        "pitfalls": pitfalls,
        "metrics": metrics,
    }
