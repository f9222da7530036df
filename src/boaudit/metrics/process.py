"""Process analytics of an event log: variants, transitions, bottlenecks, rework, handovers.

The input is the loader's events table (:func:`boaudit.ingest.events.case_events`: an integer
``case`` code, ``activity``, ``timestamp``, optionally ``resource`` and ``team``, and the file
order ``_order``). Everything is computed by DuckDB in-process with SQL over that Arrow table,
so that millions of events stay in DuckDB's columnar storage and only results come back.

Definitions (durations in calendar days, quantiles exact with linear interpolation, as every
other duration of the metrics):

* the events of a case are in time order, ties in file order;
* **variant**: the sequence of activities of a case; ``median_days`` is the median over its
  cases of last event time minus first event time;
* **transition** (directly-follows): two consecutive events of a case; its waiting time is the
  later event's time minus the earlier one's;
* **bottlenecks**: the transitions with the largest total waiting time, with their share of
  the waiting time of all transitions;
* **rework**: per activity, the cases where it occurs more than once; a **loop** is three
  consecutive events A, B, A (B not A);
* **handovers**: the resource of consecutive events with a resource changes (runs of one
  resource count once); **ping-pong** is a run sequence A, B, A; reassignments per case count
  the handovers of every case with a resource. Teams likewise when the log has a team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boaudit.document import JsonObject
from boaudit.metrics.registry import rounded

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa  # type: ignore[import-untyped]

CLOCK = "calendar"
"""The clock of every duration here (business time is not computed yet)."""

US_PER_DAY = 86_400_000_000.0

_EVENTS = "boaudit_events"


@dataclass(frozen=True)
class ProcessOptions:
    """What the user can say about the process analytics."""

    variants: int = 10
    """How many of the most frequent variants are listed (``--variants``)."""
    bottlenecks: int = 10
    """How many transitions the bottleneck ranking lists."""


def process_metrics(events: pa.Table, options: ProcessOptions | None = None) -> JsonObject:
    """The ``process`` block of the metrics document for an events table (see the module)."""
    import duckdb

    options = options or ProcessOptions()
    connection = duckdb.connect()
    try:
        return _Queries(connection, events).block(options)
    finally:
        connection.close()


class _Queries:
    """The queries of one process block over one DuckDB connection."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, events: pa.Table) -> None:
        self.con = connection
        names = set(events.column_names)
        self.has_resource = "resource" in names
        self.has_team = "team" in names
        extra = "".join(f", {c}::VARCHAR AS {c}" for c in ("resource", "team") if c in names)
        connection.register("boaudit_arrow", events)
        # Copied once into DuckDB's columnar storage with each event's step in its case.
        connection.execute(
            f"CREATE TEMP TABLE {_EVENTS} AS SELECT "
            '"case" AS c, activity::VARCHAR AS a, epoch_us("timestamp") AS t, _order AS o'
            f'{extra}, row_number() OVER (PARTITION BY "case" ORDER BY "timestamp", _order)'
            " AS i FROM boaudit_arrow"
        )
        connection.unregister("boaudit_arrow")
        connection.execute(
            "CREATE TEMP TABLE boaudit_steps AS SELECT c, i, a, t, "
            "lead(a) OVER w AS b, lead(t) OVER w AS tb, lead(a, 2) OVER w AS a2 "
            f"FROM {_EVENTS} WINDOW w AS (PARTITION BY c ORDER BY i)"
        )

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        result: list[tuple[Any, ...]] = self.con.execute(sql).fetchall()
        return result

    def block(self, options: ProcessOptions) -> JsonObject:
        cases, events = self.rows(f"SELECT count(DISTINCT c), count(*) FROM {_EVENTS}")[0]
        transitions, totals = self.transitions()
        reasons: dict[str, str] = {}
        handovers = self.handovers() if self.has_resource else None
        if handovers is None:
            reasons["handovers"] = "no resource column in the event log"
        return {
            "clock": CLOCK,
            "cases": int(cases),
            "events": int(events),
            "variants": self.variants(options.variants, int(cases)),
            "transitions": transitions,
            "bottlenecks": _bottlenecks(transitions, totals, options.bottlenecks),
            "rework_by_activity": self.rework(),
            "loops": self.loops(),
            "handovers": handovers,
            "null_reasons": reasons,
        }

    def variants(self, top: int, cases: int) -> JsonObject:
        rows = self.rows(
            "WITH per_case AS (SELECT c, list(a ORDER BY i) AS acts, "
            f"(max(t) - min(t)) / {US_PER_DAY} AS d FROM {_EVENTS} GROUP BY c), "
            "ranked AS (SELECT acts, count(*) AS n, quantile_cont(d, 0.5) AS median, "
            "min(c) AS first FROM per_case GROUP BY acts) "
            "SELECT acts, n, median, count(*) OVER () AS distinct_variants FROM ranked "
            f"ORDER BY n DESC, first LIMIT {int(top)}"
        )
        listed = []
        cumulative = 0
        for acts, n, median, _ in rows:
            cumulative += int(n)
            listed.append(
                {
                    "activities": list(acts),
                    "cases": int(n),
                    "share": rounded(n / cases),
                    "cumulative_share": rounded(cumulative / cases),
                    "median_days": rounded(median),
                }
            )
        distinct = int(rows[0][3]) if rows else 0
        return {"distinct": distinct, "top": listed}

    def transitions(self) -> tuple[list[JsonObject], list[float]]:
        """The transitions, most frequent first (ties: first seen), and their unrounded total
        waiting times."""
        rows = self.rows(
            f"SELECT a, b, count(*) AS n, quantile_cont(w, 0.5), quantile_cont(w, 0.9), sum(w), "
            "min(c::BIGINT * 16777216 + i) AS first "
            f"FROM (SELECT a, b, c, i, (tb - t) / {US_PER_DAY} AS w FROM boaudit_steps "
            "WHERE b IS NOT NULL) GROUP BY a, b ORDER BY n DESC, first"
        )
        listed = [
            {
                "from": a,
                "to": b,
                "count": int(n),
                "waiting_days": {
                    "median": rounded(median),
                    "p90": rounded(p90),
                    "total": rounded(total),
                },
            }
            for a, b, n, median, p90, total, _ in rows
        ]
        return listed, [float(row[5]) for row in rows]

    def rework(self) -> dict[str, int]:
        rows = self.rows(
            "SELECT a, count(*) AS n, min(first) AS first FROM "
            f"(SELECT c, a, count(*) AS k, min(c::BIGINT * 16777216 + i) AS first FROM {_EVENTS} "
            "GROUP BY c, a) WHERE k > 1 GROUP BY a ORDER BY n DESC, first"
        )
        return {str(a): int(n) for a, n, _ in rows}

    def loops(self) -> JsonObject:
        n, cases = self.rows(
            "SELECT count(*), count(DISTINCT c) FROM boaudit_steps WHERE a2 = a AND b <> a"
        )[0]
        return {"count": int(n), "cases": int(cases)}

    def _runs(self, column: str) -> str:
        """SQL of the runs of one ``column`` value per case, with the previous and next run."""
        return (
            "WITH known AS (SELECT c, i, "
            f"{column} AS r, lag({column}) OVER w AS before FROM {_EVENTS} "
            f"WHERE {column} IS NOT NULL WINDOW w AS (PARTITION BY c ORDER BY i)), "
            "runs AS (SELECT c, i, r FROM known WHERE before IS NULL OR before <> r) "
            "SELECT c, r, lag(r) OVER w AS prev, lead(r) OVER w AS nxt FROM runs "
            "WINDOW w AS (PARTITION BY c ORDER BY i)"
        )

    def _transfers(self, column: str) -> int:
        (n,) = self.rows(f"SELECT count(prev) FROM ({self._runs(column)})")[0]
        return int(n)

    def handovers(self) -> JsonObject:
        runs = self._runs("resource")
        ping, ping_cases = self.rows(
            f"SELECT count(*), count(DISTINCT c) FROM ({runs}) WHERE prev = nxt"
        )[0]
        median, maximum, cases = self.rows(
            "SELECT quantile_cont(k, 0.5), max(k), count(*) FROM "
            f"(SELECT c, count(prev) AS k FROM ({runs}) GROUP BY c)"
        )[0]
        return {
            "resources": self._transfers("resource"),
            "teams": self._transfers("team") if self.has_team else None,
            "ping_pong": int(ping),
            "ping_pong_cases": int(ping_cases),
            "reassignments_per_case": {
                "median": rounded(median),
                "max": int(maximum) if maximum is not None else None,
                "cases": int(cases),
            },
        }


def _bottlenecks(transitions: list[JsonObject], totals: list[float], top: int) -> list[JsonObject]:
    """The transitions by total waiting time (ties: the more frequent first), with their share
    of the waiting time of all transitions."""
    whole = sum(totals)
    ranked = sorted(
        range(len(transitions)), key=lambda k: (-totals[k], -int(transitions[k]["count"]), k)
    )
    return [
        {
            "from": transitions[k]["from"],
            "to": transitions[k]["to"],
            "count": transitions[k]["count"],
            "total_days": transitions[k]["waiting_days"]["total"],
            "median_days": transitions[k]["waiting_days"]["median"],
            "share": rounded(totals[k] / whole) if whole > 0 else None,
        }
        for k in ranked[:top]
    ]
