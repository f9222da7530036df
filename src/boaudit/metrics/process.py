"""Process analytics of an event log: variants, transitions, bottlenecks, rework, handovers.

The input is the loader's events table (:func:`boaudit.ingest.events.case_events`: an integer
``case`` code, ``activity``, ``timestamp``, optionally ``resource`` and ``team``, and the file
order ``_order``). What follows from the event order alone (the next event of a case, the runs of
one resource) is read off the Arrow columns; every grouping, count and quantile is computed by
DuckDB in-process with SQL over them, so that millions of events stay in DuckDB's columnar
storage and only results come back.

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
  resource count once); **ping-pong** is a run sequence A, B, A (``ping_pong_share``: the
  share of the cases with a resource that have one); reassignments per case count the
  handovers of every case with a resource. Teams likewise when the log has a team;
* ``slowest_transition``: the first bottleneck, as the evidence rules read it;
* **processing** (logs with a ``lifecycle`` column of ``start`` and ``complete`` events, as
  XES logs carry): the k-th start of an activity in a case pairs with its k-th complete (a
  complete before its start, or a start without a complete, is not paired and is counted);
  processing time is complete minus start, and its share of the cases' first-to-last time
  says how much of that time is work and how much waiting;
* **conformance** (``--expected "A > B > C"``): the share of cases whose sequence is exactly
  the expected one, and the most common deviations with their cases: an expected step
  ``skipped`` (absent from the case), ``repeated`` (more than once), ``extra`` (an activity
  not expected) and ``out-of-order`` (the first occurrences of the expected steps the case has
  are not in the expected order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from boaudit.document import JsonObject
from boaudit.errors import UsageError
from boaudit.metrics.registry import rounded

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa  # type: ignore[import-untyped]

    from boaudit.metrics.calendar import BusinessCalendar

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
    expected: tuple[str, ...] = ()
    """The expected sequence of activities (``--expected "A > B > C"``); empty: no
    conformance."""
    deviations: int = 10
    """How many of the most common deviations the conformance lists."""
    calendar: BusinessCalendar | None = None
    """Working days and hours (``--calendar``): the waiting times also in business hours."""


def parse_expected(text: str) -> tuple[str, ...]:
    """``"Receive > Approve > Pay"`` as its activities; an empty step is a UsageError."""
    steps = tuple(step.strip() for step in text.split(">"))
    if not all(steps):
        raise UsageError(
            'an empty step; write the activities in order, separated by ">", '
            'e.g. "Receive > Approve > Pay"'
        )
    return steps


def process_metrics(events: pa.Table, options: ProcessOptions | None = None) -> JsonObject:
    """The ``process`` block of the metrics document for an events table (see the module)."""
    import duckdb

    options = options or ProcessOptions()
    connection = duckdb.connect()
    try:
        # no progress bar on stdout (the JSON document goes there)
        connection.execute("SET enable_progress_bar = false")
        return _Queries(connection, events, options.calendar).block(options)
    finally:
        connection.close()


def _codes(column: pa.ChunkedArray) -> tuple[npt.NDArray[np.int32], list[str]]:
    """A text column as int32 codes (-1 for null) and the distinct values they index."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    array = column.combine_chunks()
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array.cast(pa.string()))
    elif len(pc.unique(array.dictionary)) != len(array.dictionary) or array.dictionary.null_count:
        # one dictionary entry per distinct text (a dictionary may repeat a value)
        array = pc.dictionary_encode(array.dictionary_decode().cast(pa.string()))
    codes = array.indices.to_numpy(zero_copy_only=False)
    codes = np.where(array.indices.is_null().to_numpy(zero_copy_only=False), -1, codes)
    return codes.astype(np.int32), [str(v) for v in array.dictionary.to_pylist()]


def _sorted(events: pa.Table) -> pa.Table:
    """The events by case, then time, then file order (the loader's order already)."""
    case = events.column("case").to_numpy()
    stamp = events.column("timestamp").cast("int64").to_numpy()
    order = events.column("_order").to_numpy()
    same = case[1:] == case[:-1]
    later = (stamp[1:] > stamp[:-1]) | ((stamp[1:] == stamp[:-1]) & (order[1:] > order[:-1]))
    if bool(np.all((case[1:] > case[:-1]) | (same & later))):
        return events
    return events.sort_by(
        [("case", "ascending"), ("timestamp", "ascending"), ("_order", "ascending")]
    )


def _shifted(values: npt.NDArray[Any], by: int, keep: npt.NDArray[np.bool_]) -> pa.Array:
    """``values`` moved up ``by`` rows, null where ``keep`` is false (another case)."""
    import pyarrow as pa

    moved = np.empty_like(values)
    moved[: len(values) - by] = values[by:]
    return pa.array(moved, mask=~keep)


class _Queries:
    """The queries of one process block over one DuckDB connection.

    The events are in case and time order; what follows from that order alone (the next
    event of the same case, the runs of one resource) is read off the arrays, and DuckDB
    does every grouping, count and quantile over the resulting columns."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        events: pa.Table,
        calendar: BusinessCalendar | None = None,
    ) -> None:
        import pyarrow as pa

        self.con = connection
        events = _sorted(events)
        case = events.column("case").to_numpy().astype(np.int64)
        stamp = events.column("timestamp").cast("int64").to_numpy()
        activity, self.activities = _codes(events.column("activity"))
        length = len(case)
        next1 = np.zeros(length, dtype=bool)
        next1[:-1] = case[1:] == case[:-1]
        next2 = np.zeros(length, dtype=bool)
        next2[:-2] = case[2:] == case[:-2]
        wait = np.zeros(length, dtype=np.float64)
        wait[:-1] = (stamp[1:] - stamp[:-1]) / US_PER_DAY
        self.calendar = calendar
        business: dict[str, pa.Array] = {}
        if calendar is not None:
            hours = np.zeros(length, dtype=np.float64)
            if length > 1:
                hours[:-1] = calendar.hours_between(stamp[:-1], stamp[1:])
            business["h"] = pa.array(hours, mask=~next1)
        lifecycle: dict[str, Any] = {}
        self.has_lifecycle = False
        if "lifecycle" in events.column_names:
            codes, names = _codes(events.column("lifecycle"))
            kinds = np.array(
                [{"start": 1, "complete": 2}.get(n.strip().casefold(), 0) for n in names] + [0],
                dtype=np.int8,
            )
            lc = kinds[codes]  # a null (-1) takes the trailing 0
            self.has_lifecycle = bool((lc == 1).any() and (lc == 2).any())
            lifecycle["lc"] = lc
        steps = pa.table(
            {
                **business,
                **lifecycle,
                "c": case,
                "i": np.arange(length, dtype=np.int64),
                "a": activity,
                "t": stamp,
                "b": _shifted(activity, 1, next1),
                "w": pa.array(wait, mask=~next1),
                "a2": _shifted(activity, 2, next2),
            }
        )
        # Copied once into DuckDB's columnar storage: every query below scans it natively.
        connection.register("boaudit_arrow", steps)
        connection.execute(f"CREATE TEMP TABLE {_EVENTS} AS SELECT * FROM boaudit_arrow")
        connection.unregister("boaudit_arrow")
        self.has_resource = "resource" in events.column_names
        self.has_team = "team" in events.column_names
        self.runs: dict[str, str] = {}
        for column in ("resource", "team"):
            if column in events.column_names:
                self.runs[column] = self._runs(column, case, events.column(column))

    def _runs(self, column: str, case: npt.NDArray[np.int64], values: pa.ChunkedArray) -> str:
        """The table of the runs of one ``column`` value per case (events without a value left
        out): ``c``, ``handover`` (the run follows another of the case), ``ping`` (the runs
        before and after it in the case have the same value)."""
        import pyarrow as pa

        codes, _ = _codes(values)
        known = codes >= 0
        c, r = case[known], codes[known]
        start = np.ones(len(c), dtype=bool)
        start[1:] = (c[1:] != c[:-1]) | (r[1:] != r[:-1])
        c, r = c[start], r[start]
        handover = np.zeros(len(c), dtype=bool)
        handover[1:] = c[1:] == c[:-1]
        ping = np.zeros(len(c), dtype=bool)
        ping[1:-1] = (c[2:] == c[:-2]) & handover[1:-1] & (r[2:] == r[:-2])
        name = f"boaudit_runs_{column}"
        self.con.register(f"{name}_arrow", pa.table({"c": c, "handover": handover, "ping": ping}))
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(f"{name}_arrow")
        return name

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        result: list[tuple[Any, ...]] = self.con.execute(sql).fetchall()
        return result

    def name(self, code: Any) -> str:
        return self.activities[int(code)]

    def block(self, options: ProcessOptions) -> JsonObject:
        cases, events = self.rows(f"SELECT count(DISTINCT c), count(*) FROM {_EVENTS}")[0]
        transitions, totals = self.transitions()
        bottlenecks = _bottlenecks(transitions, totals, options.bottlenecks)
        reasons: dict[str, str] = {}
        handovers = self.handovers() if self.has_resource else None
        if handovers is None:
            reasons["handovers"] = "no resource column in the event log"
        clocks: JsonObject = {}
        if self.calendar is not None:
            clocks = {"business_clock": self.calendar.clock()}
        return {
            "clock": CLOCK,
            **clocks,
            "cases": int(cases),
            "events": int(events),
            "variants": self.variants(options.variants, int(cases)),
            "transitions": transitions,
            "bottlenecks": bottlenecks,
            "slowest_transition": _slowest(bottlenecks),
            "rework_by_activity": self.rework(),
            "loops": self.loops(),
            "handovers": handovers,
            "conformance": (
                self.conformance(options.expected, int(cases), options.deviations)
                if options.expected
                else None
            ),
            **({"processing": self.processing(options.bottlenecks)} if self.has_lifecycle else {}),
            "null_reasons": reasons,
        }

    def processing(self, top: int) -> JsonObject:
        """Processing time from the lifecycle's start and complete events (see the module)."""
        pairs = (
            "WITH s AS (SELECT c, a, t, row_number() OVER (PARTITION BY c, a ORDER BY t, i) AS n "
            f"FROM {_EVENTS} WHERE lc = 1), "
            "e AS (SELECT c, a, t, row_number() OVER (PARTITION BY c, a ORDER BY t, i) AS n "
            f"FROM {_EVENTS} WHERE lc = 2) "
            f"SELECT s.a, (e.t - s.t) / {US_PER_DAY} AS d FROM s JOIN e USING (c, a, n) "
            "WHERE e.t >= s.t"
        )
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE boaudit_processing AS {pairs}")
        figures = "count(*), quantile_cont(d, 0.5), quantile_cont(d, 0.9), coalesce(sum(d), 0)"
        instances, median, p90, total = self.rows(f"SELECT {figures} FROM boaudit_processing")[0]
        (starts,) = self.rows(f"SELECT count(*) FROM {_EVENTS} WHERE lc = 1")[0]
        (case_time,) = self.rows(
            f"SELECT coalesce(sum(d), 0) FROM (SELECT (max(t) - min(t)) / {US_PER_DAY} AS d "
            f"FROM {_EVENTS} GROUP BY c)"
        )[0]
        by_activity = [
            {
                "activity": self.name(a),
                "instances": int(n),
                "processing_days": {
                    "median": rounded(q50),
                    "p90": rounded(q90),
                    "total": rounded(sum_),
                },
            }
            for a, n, q50, q90, sum_ in self.rows(
                f"SELECT a, {figures} FROM boaudit_processing GROUP BY a "
                f"ORDER BY 5 DESC, a LIMIT {int(top)}"
            )
        ]
        return {
            "rule": "the k-th start of an activity in a case pairs with its k-th complete",
            "instances": int(instances),
            "unpaired_starts": int(starts) - int(instances),
            "processing_days": {
                "median": rounded(median),
                "p90": rounded(p90),
                "total": rounded(total),
            },
            "share_of_case_time": rounded(total / case_time) if case_time else None,
            "by_activity": by_activity,
        }

    def conformance(self, expected: tuple[str, ...], cases: int, top: int) -> JsonObject:
        """How the cases follow ``expected``: exactly, or with which deviations."""
        codes = {name: code for code, name in enumerate(self.activities)}
        wanted = [codes.get(name, -1) for name in expected]
        steps = ", ".join(f"({k}, {code})" for k, code in enumerate(wanted))
        listed = "[" + ", ".join(str(code) for code in wanted) + "]"
        self.con.execute("CREATE OR REPLACE TEMP TABLE boaudit_expected (k INTEGER, a INTEGER)")
        self.con.execute(f"INSERT INTO boaudit_expected VALUES {steps}")
        (conforming,) = self.rows(
            f"SELECT count(*) FROM (SELECT c, list(a ORDER BY i) AS acts FROM {_EVENTS} "
            f"GROUP BY c) WHERE acts = {listed}::INTEGER[]"
        )[0]
        found: list[tuple[str, str, int]] = []
        for k, n in self.rows(
            "SELECT x.k, count(DISTINCT e.c) FROM boaudit_expected x "
            f"LEFT JOIN {_EVENTS} e ON e.a = x.a GROUP BY x.k ORDER BY x.k"
        ):
            if cases - int(n):
                found.append(("skipped", expected[int(k)], cases - int(n)))
        for k, n in self.rows(
            "SELECT x.k, count(*) FROM (SELECT c, a, count(*) AS m FROM "
            f"{_EVENTS} GROUP BY c, a) r JOIN boaudit_expected x ON r.a = x.a "
            "WHERE m > 1 GROUP BY x.k ORDER BY x.k"
        ):
            found.append(("repeated", expected[int(k)], int(n)))
        for a, n in self.rows(
            f"SELECT a, count(DISTINCT c) FROM {_EVENTS} "
            "WHERE a NOT IN (SELECT a FROM boaudit_expected) GROUP BY a ORDER BY min(i)"
        ):
            found.append(("extra", self.name(a), int(n)))
        (disordered,) = self.rows(
            "SELECT count(DISTINCT c) FROM (SELECT c, p, lag(p) OVER (PARTITION BY c ORDER BY k) "
            "AS before FROM (SELECT e.c, x.k, min(e.i) AS p FROM "
            f"{_EVENTS} e JOIN boaudit_expected x ON e.a = x.a GROUP BY e.c, x.k)) "
            "WHERE before > p"
        )[0]
        if disordered:
            found.append(("out-of-order", "", int(disordered)))
        order = {"skipped": 0, "repeated": 1, "out-of-order": 2, "extra": 3}
        found.sort(key=lambda item: (-item[2], order[item[0]]))
        return {
            "expected": list(expected),
            "cases": cases,
            "conforming": int(conforming),
            "share": rounded(conforming / cases) if cases else None,
            "deviations": [
                {"deviation": kind, "activity": activity or None, "cases": n}
                for kind, activity, n in found[:top]
            ],
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
                    "activities": [self.name(a) for a in acts],
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
        business = (
            ", quantile_cont(h, 0.5), quantile_cont(h, 0.9), sum(h)"
            if self.calendar is not None
            else ""
        )
        rows = self.rows(
            "SELECT a, b, count(*) AS n, quantile_cont(w, 0.5), quantile_cont(w, 0.9), sum(w), "
            f"min(i) AS first{business} FROM {_EVENTS} WHERE b IS NOT NULL GROUP BY a, b "
            "ORDER BY n DESC, first"
        )
        listed: list[JsonObject] = []
        for a, b, n, median, p90, total, _, *hours in rows:
            entry: JsonObject = {
                "from": self.name(a),
                "to": self.name(b),
                "count": int(n),
                "waiting_days": {
                    "median": rounded(median),
                    "p90": rounded(p90),
                    "total": rounded(total),
                },
            }
            if hours:
                entry["waiting_business_hours"] = {
                    "median": rounded(hours[0]),
                    "p90": rounded(hours[1]),
                    "total": rounded(hours[2]),
                }
            listed.append(entry)
        return listed, [float(row[5]) for row in rows]

    def rework(self) -> dict[str, int]:
        rows = self.rows(
            "SELECT a, count(*) AS n, min(first) AS first FROM "
            f"(SELECT c, a, count(*) AS k, min(i) AS first FROM {_EVENTS} GROUP BY c, a) "
            "WHERE k > 1 GROUP BY a ORDER BY n DESC, first"
        )
        return {self.name(a): int(n) for a, n, _ in rows}

    def loops(self) -> JsonObject:
        n, cases = self.rows(
            f"SELECT count(*), count(DISTINCT c) FROM {_EVENTS} WHERE a2 = a AND b <> a"
        )[0]
        return {"count": int(n), "cases": int(cases)}

    def handovers(self) -> JsonObject:
        runs = self.runs["resource"]
        transfers, ping, ping_cases = self.rows(
            "SELECT count(*) FILTER (WHERE handover), count(*) FILTER (WHERE ping), "
            f"count(DISTINCT c) FILTER (WHERE ping) FROM {runs}"
        )[0]
        median, maximum, cases = self.rows(
            "SELECT quantile_cont(k, 0.5), max(k), count(*) FROM "
            f"(SELECT c, count(*) FILTER (WHERE handover) AS k FROM {runs} GROUP BY c)"
        )[0]
        teams = None
        if "team" in self.runs:
            (teams,) = self.rows(
                f"SELECT count(*) FILTER (WHERE handover) FROM {self.runs['team']}"
            )[0]
        return {
            "resources": int(transfers),
            "teams": int(teams) if teams is not None else None,
            "ping_pong": int(ping),
            "ping_pong_cases": int(ping_cases),
            "ping_pong_share": rounded(ping_cases / cases) if cases else None,
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


def _slowest(bottlenecks: list[JsonObject]) -> JsonObject | None:
    """The transition with the most waiting, as one object of scalars (what the evidence
    rules read): ``from``, ``to``, ``transitions`` (its count), ``median_days``,
    ``total_days``, ``share``; None without a transition."""
    if not bottlenecks or bottlenecks[0]["share"] is None:
        return None
    top = bottlenecks[0]
    return {
        "from": top["from"],
        "to": top["to"],
        "transitions": top["count"],
        "median_days": top["median_days"],
        "total_days": top["total_days"],
        "share": top["share"],
    }
