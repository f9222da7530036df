"""Process analytics of event logs: exact figures on a hand-made log, the CLI, and the real
help-desk log cross-checked by an independent pandas computation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from metrics_frames import HAND_EVENT_LOG as LOG
from metrics_frames import realdata
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.ingest import IngestOptions, load
from boaudit.metrics import MetricsOptions, metrics_from_load
from boaudit.metrics.process import ProcessOptions, process_metrics

runner = CliRunner()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_hand_made_log(log: Path) -> None:
    events = load([log], "events", IngestOptions()).events
    assert events is not None
    block = process_metrics(events)
    assert block["clock"] == "calendar"
    assert (block["cases"], block["events"]) == (4, 12)
    # durations: c1 4 days, c2 2.25, c3 4, c4 0; [R, C, P] has c2 and c3: median 3.125
    assert block["variants"] == {
        "distinct": 3,
        "top": [
            {
                "activities": ["Receive", "Check", "Pay"],
                "cases": 2,
                "share": 0.5,
                "cumulative_share": 0.5,
                "median_days": 3.125,
            },
            {
                "activities": ["Receive", "Check", "Receive", "Check", "Pay"],
                "cases": 1,
                "share": 0.25,
                "cumulative_share": 0.75,
                "median_days": 4.0,
            },
            {
                "activities": ["Receive"],
                "cases": 1,
                "share": 0.25,
                "cumulative_share": 1.0,
                "median_days": 0.0,
            },
        ],
    }
    # Receive > Check waits 0.5, 1.0 (c1), 0.25 (c2), 1.0 (c3): median 0.75, p90 at 2.7 -> 1.0
    # Check > Pay waits 2.0 (c1), 2.0 (c2), 3.0 (c3): p90 at 1.8 -> 2.8
    assert block["transitions"] == [
        {
            "from": "Receive",
            "to": "Check",
            "count": 4,
            "waiting_days": {"median": 0.75, "p90": 1.0, "total": 2.75},
        },
        {
            "from": "Check",
            "to": "Pay",
            "count": 3,
            "waiting_days": {"median": 2.0, "p90": 2.8, "total": 7.0},
        },
        {
            "from": "Check",
            "to": "Receive",
            "count": 1,
            "waiting_days": {"median": 0.5, "p90": 0.5, "total": 0.5},
        },
    ]
    # all waiting: 10.25 days
    assert block["bottlenecks"] == [
        {
            "from": "Check",
            "to": "Pay",
            "count": 3,
            "total_days": 7.0,
            "median_days": 2.0,
            "share": 0.682927,
        },
        {
            "from": "Receive",
            "to": "Check",
            "count": 4,
            "total_days": 2.75,
            "median_days": 0.75,
            "share": 0.268293,
        },
        {
            "from": "Check",
            "to": "Receive",
            "count": 1,
            "total_days": 0.5,
            "median_days": 0.5,
            "share": 0.04878,
        },
    ]
    assert block["rework_by_activity"] == {"Receive": 1, "Check": 1}
    assert block["loops"] == {"count": 2, "cases": 1}  # R C R and C R C in c1
    # resources: c1 ann bob ann bob(bob) = 3, c2 ann(ann) cat = 1, c3 bob (-) bob = 0, c4 0
    assert block["handovers"] == {
        "resources": 4,
        "teams": 4,
        "ping_pong": 2,
        "ping_pong_cases": 1,
        "ping_pong_share": 0.25,
        "reassignments_per_case": {"median": 0.5, "max": 3, "cases": 4},
    }
    assert block["slowest_transition"] == {
        "from": "Check",
        "to": "Pay",
        "transitions": 3,
        "median_days": 2.0,
        "total_days": 7.0,
        "share": 0.682927,
    }
    assert block["null_reasons"] == {}


def test_top_k_and_no_resource(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "\n".join(",".join(line.split(",")[:3]) for line in LOG.splitlines()) + "\n",
        encoding="utf-8",
    )
    events = load([path], "events", IngestOptions()).events
    assert events is not None
    block = process_metrics(events, ProcessOptions(variants=1, bottlenecks=1))
    assert block["variants"]["distinct"] == 3
    assert [v["cases"] for v in block["variants"]["top"]] == [2]
    assert [(b["from"], b["to"]) for b in block["bottlenecks"]] == [("Check", "Pay")]
    assert block["handovers"] is None
    assert block["null_reasons"] == {"handovers": "no resource column in the event log"}


def test_metrics_document_has_the_process_block(log: Path) -> None:
    result = metrics_from_load(load([log], "events", IngestOptions()), MetricsOptions(variants=2))
    document = result.to_dict()
    assert [v["cases"] for v in document["process"]["variants"]["top"]] == [2, 1]
    assert document["process"]["handovers"]["resources"] == 4


def test_cli_json_and_table(log: Path) -> None:
    out = runner.invoke(app, ["metrics", "events", str(log), "-f", "json", "--variants", "1"])
    assert out.exit_code == 0, out.output
    process = json.loads(out.stdout)["process"]
    assert process["variants"]["top"][0]["activities"] == ["Receive", "Check", "Pay"]
    assert len(process["variants"]["top"]) == 1
    table = runner.invoke(app, ["metrics", "events", str(log)])
    assert table.exit_code == 0, table.output
    assert "process: 3 variants over 4 cases (durations in calendar days)" in table.stdout
    assert "Check > Pay" in table.stdout
    assert "handovers between resources 4, between teams 4; ping-pong in 1 cases" in table.stdout
    bad = runner.invoke(app, ["metrics", "events", str(log), "--variants", "0"])
    assert bad.exit_code == 2


def test_tasks_documents_have_no_process_block(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text("task_id,created_at\nt1,2024-01-01\n", encoding="utf-8")
    document = metrics_from_load(load([path], "tasks", IngestOptions())).to_dict()
    assert "process" not in document


# --------------------------------------------------------------------------- real log


def _independent(path: Path) -> dict[str, object]:
    """The help-desk figures recomputed with pandas and NumPy from the CSV itself."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()
    raw = raw.reset_index(drop=True)
    raw["t"] = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    raw["order"] = np.arange(len(raw))
    raw["first"] = raw.groupby("case_id")["order"].transform("min")
    ev = raw.sort_values(["first", "t", "order"], kind="stable").reset_index(drop=True)
    cases = ev.groupby("first", sort=True)
    sequences = cases["activity"].agg(tuple)
    days = (cases["t"].max() - cases["t"].min()).dt.total_seconds() / 86_400
    variants = pd.DataFrame({"seq": sequences, "d": days, "first": sequences.index})
    counted = variants.groupby("seq").agg(n=("d", "size"), first=("first", "min"))
    counted = counted.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    same = ev["first"].shift(-1) == ev["first"]
    wait = (ev["t"].shift(-1) - ev["t"]).dt.total_seconds() / 86_400
    pairs = pd.DataFrame({"a": ev["activity"], "b": ev["activity"].shift(-1), "w": wait})[same]
    transitions = {
        (a, b): (len(g), np.quantile(g["w"], 0.5), np.quantile(g["w"], 0.9), g["w"].sum())
        for (a, b), g in pairs.groupby(["a", "b"])
    }
    repeats = ev.groupby(["first", "activity"]).size()
    rework = repeats[repeats > 1].groupby(level="activity").size().to_dict()
    known = ev[ev["resource"] != ""]
    runs = known[known["resource"] != known.groupby("first")["resource"].shift()]
    handovers = int((runs.groupby("first").size() - 1).sum())
    before, after = (runs.groupby("first")["resource"].shift(k) for k in (1, -1))
    ping = (before == after) & before.notna()
    return {
        "distinct": len(counted),
        "top": [(list(seq), int(n)) for seq, n in counted["n"].head(10).items()],
        "medians": [
            float(variants.loc[variants["seq"] == s, "d"].median()) for s in counted.index[:3]
        ],
        "transitions": transitions,
        "rework": rework,
        "handovers": handovers,
        "ping_pong_cases": int(runs.loc[ping, "first"].nunique()),
    }


@pytest.mark.realdata
def test_real_helpdesk_log_against_pandas() -> None:
    path = realdata("helpdesk_events.csv")
    events = load([path], "events", IngestOptions()).events
    assert events is not None
    block = process_metrics(events)
    expected = _independent(path)
    assert block["cases"] == 4_580 and block["events"] == 21_221
    assert block["variants"]["distinct"] == expected["distinct"] == 211
    top = [(v["activities"], v["cases"]) for v in block["variants"]["top"]]
    assert top == expected["top"]
    assert top[0] == (
        ["Assign seriousness", "Take in charge ticket", "Resolve ticket", "Closed"],
        2418,
    )
    medians = [v["median_days"] for v in block["variants"]["top"][:3]]
    assert medians == pytest.approx(expected["medians"], abs=1e-6)
    transitions = expected["transitions"]
    assert isinstance(transitions, dict)
    assert len(block["transitions"]) == len(transitions)
    for item in block["transitions"]:
        count, median, p90, total = transitions[(item["from"], item["to"])]
        assert item["count"] == count
        waiting = item["waiting_days"]
        assert (waiting["median"], waiting["p90"]) == pytest.approx((median, p90), abs=1e-6)
        assert waiting["total"] == pytest.approx(total, abs=1e-5)
    assert block["transitions"][0]["from"] == "Resolve ticket"
    assert block["transitions"][0]["count"] == 4_558
    assert block["rework_by_activity"] == expected["rework"]
    assert block["rework_by_activity"]["Take in charge ticket"] == 623
    handovers = block["handovers"]
    assert handovers["resources"] == expected["handovers"] == 8_648
    assert handovers["ping_pong_cases"] == expected["ping_pong_cases"] == 269
    assert handovers["ping_pong_share"] == round(269 / 4_580, 6)
    slowest = block["bottlenecks"][0]
    assert (slowest["from"], slowest["to"], slowest["share"]) == (
        "Resolve ticket",
        "Closed",
        0.715524,
    )


@pytest.mark.realdata
def test_real_helpdesk_evidence_names_the_slowest_transition() -> None:
    from boaudit.findings import with_evidence

    loaded = load([realdata("helpdesk_events.csv")], "events", IngestOptions())
    evidence = with_evidence(metrics_from_load(loaded)).evidence
    found = {(e.rule, e.pitfall): (e.severity, e.message) for e in evidence}
    # 71.6% of the waiting: (0.715524 - 0.25) / 0.5 x 0.6
    assert found[("slowest-transition", "processes")] == (
        0.559,
        "Cases wait longest between 'Resolve ticket' and 'Closed': 71.6% of all the waiting "
        "between activities (median 30.0 days, 4,558 times), the step to look at first.",
    )
    assert ("slowest-transition", "resources") in found
    # 269 of 4,580 cases ping-pong: (0.058734 - 0.02) / 0.13 x 0.8
    assert found[("handover-ping-pong", "communication")][0] == 0.238
    # median 2 reassignments: (2 - 1) / 3 x 0.6
    assert found[("reassignments-per-case", "communication")][0] == 0.2


def test_conformance_to_the_expected_sequence(log: Path) -> None:
    events = load([log], "events", IngestOptions()).events
    assert events is not None
    block = process_metrics(events, ProcessOptions(expected=("Receive", "Check", "Pay")))
    # c2 and c3 follow it exactly; c1 repeats Receive and Check; c4 stops after Receive
    assert block["conformance"] == {
        "expected": ["Receive", "Check", "Pay"],
        "cases": 4,
        "conforming": 2,
        "share": 0.5,
        "deviations": [
            {"deviation": "skipped", "activity": "Check", "cases": 1},
            {"deviation": "skipped", "activity": "Pay", "cases": 1},
            {"deviation": "repeated", "activity": "Receive", "cases": 1},
            {"deviation": "repeated", "activity": "Check", "cases": 1},
        ],
    }
    other = process_metrics(events, ProcessOptions(expected=("Check", "Receive", "Approve")))
    # Approve is in no case; c1-c3 receive before they check; Pay is not expected
    assert other["conformance"]["conforming"] == 0
    assert other["conformance"]["deviations"] == [
        {"deviation": "skipped", "activity": "Approve", "cases": 4},
        {"deviation": "out-of-order", "activity": None, "cases": 3},
        {"deviation": "extra", "activity": "Pay", "cases": 3},
        {"deviation": "skipped", "activity": "Check", "cases": 1},
        {"deviation": "repeated", "activity": "Check", "cases": 1},
        {"deviation": "repeated", "activity": "Receive", "cases": 1},
    ]
    assert process_metrics(events)["conformance"] is None


def test_cli_expected(log: Path) -> None:
    out = runner.invoke(
        app, ["metrics", "events", str(log), "-f", "json", "--expected", "Receive > Check > Pay"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["process"]["conformance"]["conforming"] == 2
    table = runner.invoke(app, ["metrics", "events", str(log), "--expected", "Receive>Check>Pay"])
    assert "conformance to Receive > Check > Pay: 2 of 4 cases (50.0%); deviations: " in (
        table.stdout
    )
    bad = runner.invoke(app, ["metrics", "events", str(log), "--expected", "Receive > > Pay"])
    assert bad.exit_code == 2
    assert "--expected 'Receive > > Pay': an empty step" in bad.stderr


@pytest.mark.realdata
def test_real_helpdesk_conformance_to_the_main_path() -> None:
    path = realdata("helpdesk_events.csv")
    events = load([path], "events", IngestOptions()).events
    assert events is not None
    main = ("Assign seriousness", "Take in charge ticket", "Resolve ticket", "Closed")
    block = process_metrics(events, ProcessOptions(expected=main))
    conformance = block["conformance"]
    # exactly the most frequent variant
    assert conformance["conforming"] == block["variants"]["top"][0]["cases"] == 2_418
    expected = _independent(path)
    rework = expected["rework"]
    assert isinstance(rework, dict)
    listed = {(d["deviation"], d["activity"]): d["cases"] for d in conformance["deviations"]}
    for (deviation, activity), cases in listed.items():
        if deviation == "repeated":
            assert cases == rework[activity]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    having = raw.groupby("activity")["case_id"].nunique()
    assert listed[("skipped", "Take in charge ticket")] == 4_580 - having["Take in charge ticket"]
    assert listed[("extra", "Wait")] == having["Wait"] == 1_236
    assert listed[("repeated", "Take in charge ticket")] == 623


def test_any_arrow_events_table_gives_the_same_block(log: Path) -> None:
    events = load([log], "events", IngestOptions()).events
    assert events is not None
    expected = process_metrics(events)
    # plain text columns, rows reversed: sorted again by case, time and file order
    import pyarrow as pa

    plain = pa.table(
        {
            name: (
                events.column(name).cast(pa.string())
                if pa.types.is_dictionary(events.schema.field(name).type)
                else events.column(name)
            )
            for name in events.column_names
        }
    )
    assert process_metrics(plain.take(list(reversed(range(plain.num_rows))))) == expected
    # a dictionary that repeats a value, both entries used: one activity still
    names = plain["activity"].to_pylist()
    codes = [{"Receive": 3 * (i % 2), "Check": 1, "Pay": 2}[a] for i, a in enumerate(names)]
    activity = pa.DictionaryArray.from_arrays(
        pa.array(codes, pa.int32()), pa.array(["Receive", "Check", "Pay", "Receive"])
    )
    repeated = plain.set_column(plain.column_names.index("activity"), "activity", activity)
    assert process_metrics(repeated) == expected
