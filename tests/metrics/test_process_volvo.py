"""The process block of the real Volvo incident log (BPI Challenge 2013) against figures
recomputed independently with DuckDB SQL window functions straight from the CSV."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from metrics_frames import realdata

from boaudit.ingest import IngestOptions, load
from boaudit.ingest.values import NULL_TOKENS
from boaudit.metrics.process import process_metrics

pytestmark = pytest.mark.realdata


def test_volvo_log_against_sql() -> None:
    path = realdata("bpic2013_volvo_incidents_events.csv")
    loaded = load([path], "events", IngestOptions())
    assert loaded.events is not None
    block = process_metrics(loaded.events)
    resource = loaded.columns["resource"]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()
    raw = raw.reset_index(drop=True).assign(ord=np.arange(len(raw)))
    nulls = ", ".join(f"'{token}'" for token in sorted(NULL_TOKENS))
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("raw", raw)
    con.execute(
        "CREATE TABLE e AS SELECT case_id, activity, CAST(timestamp AS TIMESTAMPTZ) AS t, ord, "
        # the placeholders the loader reads as missing ("-" in this log; see NULL_TOKENS)
        f'CASE WHEN lower(trim("{resource}")) IN ({nulls}) THEN NULL ELSE "{resource}" END AS r, '
        "min(ord) OVER (PARTITION BY case_id) AS seen FROM raw"
    )
    transitions = {
        (a, b): (n, med, p90, total)
        for a, b, n, med, p90, total in con.execute(
            "SELECT activity, nb, count(*), quantile_cont(w, 0.5), quantile_cont(w, 0.9), sum(w) "
            "FROM (SELECT activity, lead(activity) OVER o AS nb, "
            "(epoch(lead(t) OVER o) - epoch(t)) / 86400 AS w FROM e "
            "WINDOW o AS (PARTITION BY case_id ORDER BY t, ord)) WHERE nb IS NOT NULL "
            "GROUP BY activity, nb"
        ).fetchall()
    }
    assert len(block["transitions"]) == len(transitions)
    for item in block["transitions"]:
        n, med, p90, total = transitions[(item["from"], item["to"])]
        assert item["count"] == n
        waiting = item["waiting_days"]
        assert waiting["median"] == pytest.approx(med, abs=1e-6)
        assert waiting["p90"] == pytest.approx(p90, abs=1e-6)
        assert waiting["total"] == pytest.approx(total, abs=1e-4)
    variants = con.execute(
        "SELECT acts, count(*) AS n, min(seen) AS first FROM (SELECT case_id, "
        "string_agg(activity, '|' ORDER BY t, ord) AS acts, min(seen) AS seen FROM e "
        "GROUP BY case_id) GROUP BY acts ORDER BY n DESC, first"
    ).fetchall()
    assert block["variants"]["distinct"] == len(variants)
    top = [("|".join(v["activities"]), v["cases"]) for v in block["variants"]["top"]]
    assert top == [(acts, n) for acts, n, _ in variants[:10]]
    (transfers,) = con.execute(
        "SELECT count(*) - count(DISTINCT case_id) FROM (SELECT case_id, r, "
        "lag(r) OVER (PARTITION BY case_id ORDER BY t, ord) AS before FROM e "
        "WHERE r IS NOT NULL) WHERE before IS NULL OR before <> r"
    ).fetchone() or (None,)
    assert block["handovers"]["resources"] == transfers
    # the figures themselves, as the log has them
    assert (block["cases"], block["events"]) == (7_554, 65_533)
    assert block["handovers"]["resources"] == 20_624
