"""The run history: schema migrations, records, look-ups, comparisons and concurrent writers."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from boaudit.errors import ConfigError
from boaudit.history import SCHEMA_VERSION, History, compare


def report(as_of: str, score: float, error_rate: float, severity: float) -> dict:
    return {
        "title": "Monthly",
        "as_of": as_of,
        "assessment": {"overall": {"score": score}},
        "metrics": {
            "invoices": {
                "metrics": {
                    "count": 100,
                    "error_rate": error_rate,
                    "cycle_time_days": {"median": 4.0, "p90": 9.5},
                    "flag": True,
                    "backlog": {"buckets": {"0-7": 3}},
                }
            }
        },
        "findings": [
            {
                "pitfall": "processes",
                "questionnaire_score": score,
                "severity": severity,
                "priority": 50.0,
                "rank": 1,
            }
        ],
    }


def test_new_database_is_at_the_current_version(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite") as store:
        assert store.version == SCHEMA_VERSION == 2
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_from_version_1_keeps_runs(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    old = History(path, migrate=False)
    old.migrate(target=1)
    assert old.version == 1
    old.db.execute(
        "INSERT INTO runs (config, recorded_at, as_of, title, overall_score, breaches, report) "
        "VALUES ('a.toml', '2026-01-01T00:00:00+00:00', '2026-01-01', 'Old', 50.0, '[]', x'1f8b')"
    )
    old.close()
    with History(path) as store:
        assert store.version == 2
        runs = store.runs("a.toml")
        assert [(r.title, r.overall_score, r.boaudit_version) for r in runs] == [("Old", 50.0, "")]
        assert store.db.execute(
            "SELECT name FROM sqlite_master WHERE name = 'runs_by_config'"
        ).fetchone()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with History(path) as store:
        store.db.execute("PRAGMA user_version = 99")
    with pytest.raises(ConfigError, match="newer than this boaudit understands"):
        History(path)


def test_not_a_database_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="not a boaudit history database"):
        History(path)


def test_record_and_look_up_runs(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite") as store:
        when = datetime(2026, 3, 1, tzinfo=UTC)
        first = store.record(
            report("2026-01-31", 40.0, 0.10, 0.7), config="a.toml", breaches=["x"], recorded_at=when
        )
        second = store.record(
            report("2026-02-28", 55.0, 0.06, 0.5), config="a.toml", breaches=[], version="0.1.0"
        )
        store.record(report("2026-02-28", 90.0, 0.01, 0.1), config="other.toml", breaches=[])
        assert [r.id for r in store.runs("a.toml")] == [first, second]
        assert store.runs("a.toml")[0].breaches == ("x",)
        assert store.find("a.toml", str(first)).id == first
        assert store.find("a.toml", "2026-02-15").id == first  # latest run as of that date
        assert store.find("a.toml", "2026-12").id == second
        assert store.find("a.toml", "2025-01-01") is None
        assert store.report_of(second)["as_of"] == "2026-02-28"
        series = store.metric_series("a.toml")
        assert [row["invoices.error_rate"] for row in series] == [0.10, 0.06]
        assert series[0]["invoices.cycle_time_days.p90"] == 9.5
        assert "invoices.flag" not in series[0]  # booleans are not measurements
        assert series[1]["score.processes"] == 55.0


def test_compare_reports() -> None:
    changes = compare(report("2026-02-28", 55.0, 0.06, 0.5), report("2026-01-31", 40.0, 0.10, 0.7))
    assert changes["overall_score_change"] == 15.0
    assert changes["pitfalls"]["processes"]["severity_change"] == -0.2
    assert changes["metrics"]["invoices"]["error_rate"] == {
        "value": 0.06,
        "before": 0.10,
        "change": -0.04,
    }


def _writer(path: str, n: int, config: str) -> None:
    with History(Path(path)) as store:
        for i in range(n):
            store.record(report("2026-01-31", float(i), 0.1, 0.5), config=config, breaches=[])


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite")
    History(Path(path)).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, 25, f"c{i}.toml")) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with History(Path(path)) as store:
        assert len(store.runs("c0.toml")) == 25 and len(store.runs("c1.toml")) == 25
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = store.db.execute("SELECT COUNT(*) FROM run_metrics").fetchone()[0]
        assert count == 50 * 4
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 50
