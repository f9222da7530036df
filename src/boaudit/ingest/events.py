"""Event logs and update logs collapsed into one task per case or per task id.

**Event logs** (kind ``events``: one row per event with ``case_id``, ``activity`` and
``timestamp``) become one task per case, in the order cases first appear:

* ``task_id`` = the case id; ``created_at`` = the first timestamp; ``updated_at`` = the last;
* ``completed_at`` = the last timestamp when any activity of the case matches a completion
  pattern (``close``, ``resolve``, ``complete``, ``clear``, ``pay``, ``done``, ``finish`` by
  default), else null (the case is open);
* ``assignee`` = the resource with most events in the case (ties: the first to appear), and
  ``team`` likewise from the event's team;
* ``status`` = the last activity; ``category``, ``priority`` and ``due_at`` (a deadline case
  attribute) = the first value in the case;
* ``rework_count`` = events minus distinct activities (an activity repeated in the case).

When no case matches a completion pattern, :func:`completion_summary` says so: the most
frequent last activities and a ``--completion`` pattern that would match them (the null reason
of the metrics that need a completion, and a note of ``inspect``).

Exact duplicate rows are removed before this (and counted as skipped ``duplicate-event``).

**Update logs** (kind ``tasks`` with one task id on several rows, as ServiceNow audit exports)
keep each task's latest row by ``updated_at`` (rows without one count as oldest; ties and a
missing ``updated_at`` column fall back to file order); the other rows are skipped as
``collapsed-update``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from boaudit.document import JsonObject
from boaudit.errors import UsageError
from boaudit.ingest.options import DEFAULT_COMPLETION_PATTERNS

_DEFAULT_WORDS = "close, resolve, complete, clear, pay, done, finish"
"""The default completion patterns as people read them."""

LAST_ACTIVITIES = 5
"""How many of the most frequent last activities the completion summary lists."""


def completion_regex(patterns: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive regex from the completion patterns; a bad pattern is a UsageError."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)
    except re.error as exc:
        raise UsageError(f"--completion: not a valid regular expression: {exc}") from None


def _most_involved(events: pd.DataFrame, column: str) -> pd.Series:
    """Per case, the value of ``column`` on most events (ties: the first to appear)."""
    present = events[events[column].notna()]
    if present.empty:
        return pd.Series(dtype="str")
    counts = (
        present.groupby(["case_id", column], sort=False, observed=True)
        .agg(n=("_order", "size"), first=("_order", "min"))
        .reset_index()
        .sort_values(["case_id", "n", "first"], ascending=[True, False, True], kind="stable")
        .drop_duplicates("case_id")
    )
    return pd.Series(counts[column].to_numpy(), index=counts["case_id"].to_numpy()).astype("str")


def collapse_events(events: pd.DataFrame, patterns: Sequence[str]) -> pd.DataFrame:
    """Collapse parsed events (canonical event columns, ``_source``, ``_row``) into tasks.

    Returns one row per case with the tasks columns described in the module docstring plus
    ``_source`` and ``_row`` of the case's first event (in time order).
    """
    regex = completion_regex(patterns)
    events = events.assign(_order=np.arange(len(events)))
    ordered = events.sort_values(["case_id", "timestamp", "_order"], kind="stable")
    groups = ordered.groupby("case_id", sort=False)
    first = groups.head(1).set_index("case_id")
    last = groups.tail(1).set_index("case_id")
    codes, uniques = pd.factorize(ordered["activity"])
    # Few distinct activities: a Python loop over them is cheap and keeps user regexes as-is.
    matches = np.array([bool(regex.search(str(u))) for u in uniques], dtype=bool)
    completes = pd.Series(matches[codes] & (codes >= 0), index=ordered.index)
    reached = completes.groupby(ordered["case_id"], sort=False).any()
    sizes = groups.size()
    distinct = groups["activity"].nunique()
    appearance = events.groupby("case_id", sort=False)["_order"].min().sort_values(kind="stable")
    cases = appearance.index
    created = first["timestamp"].reindex(cases)
    updated = last["timestamp"].reindex(cases)
    tasks = pd.DataFrame(
        {
            "task_id": pd.Series(cases.to_numpy(), dtype="str"),
            # .array keeps the UTC dtype (to_numpy would give objects, and all-NaT objects
            # become a naive column when no case is complete).
            "created_at": created.array,
            "completed_at": updated.where(reached.reindex(cases).fillna(False).astype(bool)).array,
            "status": last["activity"].reindex(cases).astype("str").to_numpy(),
            "rework_count": (sizes - distinct).reindex(cases).astype("Int64").to_numpy(),
            "updated_at": updated.array,
            "_source": first["_source"].reindex(cases).array,
            "_row": first["_row"].reindex(cases).astype("int64").to_numpy(),
        }
    )
    for source, target in (("resource", "assignee"), ("team", "team")):
        if source in events.columns:
            tasks[target] = _most_involved(events, source).reindex(cases).to_numpy()
    for column in ("category", "priority"):
        if column in events.columns:
            values = ordered.dropna(subset=[column]).groupby("case_id", sort=False)[column].first()
            tasks[column] = values.reindex(cases).to_numpy()
    if "due_at" in events.columns:  # a case attribute: the case's first value in time order
        due = ordered.dropna(subset=["due_at"]).groupby("case_id", sort=False)["due_at"].first()
        tasks["due_at"] = due.reindex(cases).array
    return tasks


EVENT_COLUMNS: tuple[str, ...] = (
    "activity",
    "timestamp",
    "resource",
    "team",
    "category",
    "priority",
    "lifecycle",
)
"""The canonical event columns kept in :func:`case_events` (beside ``case`` and ``_order``)."""


def _dictionary(values: pd.Series) -> pa.DictionaryArray:
    """Text as an Arrow dictionary array (each distinct value once; nulls kept)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(uniques.astype(str), pa.string()))


def case_events(events: pd.DataFrame, case_ids: pd.Series) -> pa.Table:
    """The accepted events beside their collapsed cases, for process analytics.

    ``case`` is the case's code (int32), its row in the collapsed tasks (``case_ids`` is their
    ``task_id``, in order of first appearance); ``_order`` the event's place among the accepted
    events in file order (int64). Rows sorted by case, then timestamp, then file order; the
    text columns are dictionary-encoded, ``timestamp`` is microseconds UTC; optional columns
    without any value are left out.
    """
    codes = pd.Index(case_ids.astype("str")).get_indexer(pd.Index(events["case_id"].astype("str")))
    order = np.arange(len(events), dtype=np.int64)
    stamps = events["timestamp"].astype("datetime64[ns, UTC]")
    micros = stamps.to_numpy(dtype="datetime64[us]").view(np.int64)
    sort = np.lexsort((order, micros, codes))
    columns: dict[str, pa.Array] = {"case": pa.array(codes[sort].astype(np.int32))}
    for name in EVENT_COLUMNS:
        if name not in events.columns:
            continue
        if name not in ("activity", "timestamp") and not events[name].notna().any():
            continue  # not in the export
        if name == "timestamp":
            columns[name] = pa.array(micros[sort], pa.timestamp("us", tz="UTC"))
        else:
            columns[name] = _dictionary(events[name].iloc[sort].reset_index(drop=True))
    columns["_order"] = pa.array(order[sort])
    return pa.table(columns)


def _escaped(text: str) -> str:
    """``text`` as a regex matching itself: the special characters escaped, spaces kept as
    they are (easier to read and edit than ``re.escape``'s)."""
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


def completion_summary(tasks: pd.DataFrame, patterns: Sequence[str]) -> JsonObject:
    """How the cases of collapsed ``tasks`` met the completion ``patterns``.

    ``{"patterns", "cases", "completed", "last_activities": [{"activity", "cases"}],
    "suggestion", "reason"}``: the last activities are the most frequent ones of the cases
    without a completion (ties: in order of the first case ending so), ``suggestion`` the
    ``--completion`` option matching exactly them, ``reason`` the sentence saying why nothing
    completed (None when some case did).
    """
    completed = int(tasks["completed_at"].notna().sum())
    open_last = tasks.loc[tasks["completed_at"].isna(), "status"].astype("str")
    counts = open_last.value_counts(sort=False)
    first = pd.Series(np.arange(len(open_last)), index=open_last.to_numpy())
    order = first.groupby(level=0, sort=False).min().reindex(counts.index)
    ranked = (
        pd.DataFrame({"cases": counts.to_numpy(), "first": order.to_numpy()}, index=counts.index)
        .sort_values(["cases", "first"], ascending=[False, True], kind="stable")
        .head(LAST_ACTIVITIES)
    )
    last = [
        {"activity": str(activity), "cases": int(n)}
        for activity, n in zip(ranked.index, ranked["cases"], strict=True)
    ]
    suggestion = None
    if last:
        alternatives = "|".join(_escaped(str(item["activity"])) for item in last)
        suggestion = "--completion " + shlex.quote(f"^(?:{alternatives})$")
    reason = None
    if completed == 0 and len(tasks):
        listing = ", ".join(f"{item['activity']!r} ({item['cases']:,})" for item in last)
        if tuple(patterns) == DEFAULT_COMPLETION_PATTERNS:
            said = "the default completion patterns (" + _DEFAULT_WORDS + ")"
        else:
            said = "the --completion patterns (" + ", ".join(patterns) + ")"
        reason = (
            f"no activity of the {len(tasks):,} cases matched {said}, so no case is complete; "
            f"the most frequent last activities: {listing}; "
            f"if they complete a case, pass {suggestion}"
        )
    return {
        "patterns": list(patterns),
        "cases": len(tasks),
        "completed": completed,
        "last_activities": last,
        "suggestion": suggestion,
        "reason": reason,
    }


def collapse_updates(frame: pd.DataFrame, has_updated_at: bool) -> tuple[pd.DataFrame, int]:
    """Keep each task's latest row (see the module docstring); return the frame and rows dropped."""
    if not frame["task_id"].duplicated().any():
        return frame, 0
    ordered = frame.reset_index(drop=True)
    if has_updated_at:
        ordered = ordered.sort_values("updated_at", kind="stable", na_position="first")
    keep = ~ordered["task_id"].duplicated(keep="last")
    kept = ordered[keep].sort_index()
    return kept.reset_index(drop=True), int((~keep).sum())
