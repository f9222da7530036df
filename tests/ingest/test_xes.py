"""XES event logs read directly: flattened attributes, every event a row, defused and limited."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from metrics_frames import realdata
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.errors import InputDataError
from boaudit.ingest import IngestOptions, load
from boaudit.ingest.options import Limits
from boaudit.ingest.readers import read_source
from boaudit.metrics import metrics_from_load

runner = CliRunner()

XES = """<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="the log's own name"/>
  <trace>
    <string key="concept:name" value="T-1"/>
    <string key="channel" value="mail"/>
    <event>
      <string key="concept:name" value="Receive"/>
      <string key="lifecycle:transition" value="complete"/>
      <string key="org:resource" value="ann"/>
      <string key="org:group" value="AP"/>
      <date key="time:timestamp" value="2024-01-01T09:00:00.000+01:00"/>
      <float key="amount" value="12.50">
        <string key="currency" value="EUR"/>
      </float>
    </event>
    <event>
      <string key="concept:name" value="Pay"/>
      <string key="org:resource" value="bob"/>
      <date key="time:timestamp" value="2024-01-03T09:00:00.000+01:00"/>
    </event>
  </trace>
  <trace>
    <event>
      <string key="concept:name" value="Receive"/>
      <date key="time:timestamp" value="2024-01-02T10:00:00Z"/>
    </event>
    <string key="concept:name" value="T-2"/>
  </trace>
  <trace><string key="concept:name" value="T-3"/></trace>
  <event>
    <string key="concept:name" value="Stray"/>
    <date key="time:timestamp" value="2024-01-02T10:00:00Z"/>
  </event>
</log>
"""


@pytest.fixture
def xes(tmp_path: Path) -> Path:
    path = tmp_path / "log.xes"
    path.write_text(XES, encoding="utf-8")
    return path


def test_attributes_flattened_one_row_per_event(xes: Path) -> None:
    table = read_source(xes, IngestOptions())
    assert table.info.format == "xes"
    assert table.header == [
        "case_id",
        "case_channel",
        "activity",
        "lifecycle_transition",
        "resource",
        "org_group",
        "timestamp",
        "amount",
    ]
    rows = table.data.astype(object).where(table.data.notna(), None).values.tolist()
    assert rows == [
        [
            "T-1",
            "mail",
            "Receive",
            "complete",
            "ann",
            "AP",
            "2024-01-01T09:00:00.000+01:00",
            "12.50",
        ],
        ["T-1", "mail", "Pay", None, "bob", None, "2024-01-03T09:00:00.000+01:00", None],
        # the trace's name written after its events still names them
        ["T-2", None, "Receive", None, None, None, "2024-01-02T10:00:00Z", None],
        # an event outside any trace has no case
        [None, None, "Stray", None, None, None, "2024-01-02T10:00:00Z", None],
    ]
    assert table.rows.tolist() == [2, 3, 4, 5]
    assert table.read == 4
    assert table.notes == [f"{xes}: 1 trace(s) without events (no rows)"]


def test_every_event_accounted_for(xes: Path) -> None:
    result = load([xes], None, IngestOptions())
    assert result.kind == "events"
    assert result.account.to_dict() == {"read": 4, "accepted": 3, "quarantined": 1, "skipped": 0}
    (stray,) = result.account.quarantined
    assert stray.row == 5
    assert result.frame["task_id"].tolist() == ["T-1", "T-2"]
    assert result.frame["completed_at"].notna().tolist() == [True, False]  # "Pay" completes


def test_gzip_and_stdin(xes: Path, tmp_path: Path) -> None:
    packed = tmp_path / "log.xes.gz"
    packed.write_bytes(gzip.compress(XES.encode()))
    table = read_source(packed, IngestOptions())
    assert (table.info.format, table.info.compression, table.read) == ("xes", "gzip", 4)
    piped = read_source("-", IngestOptions(), stdin=io.BytesIO(gzip.compress(XES.encode())))
    assert (piped.info.format, piped.info.compression, piped.read) == ("xes", "gzip", 4)


def test_dtd_and_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xes"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "aaaaaaaaaa">]>\n'
        '<log><trace><string key="concept:name" value="&a;"/></trace></log>\n',
        encoding="utf-8",
    )
    with pytest.raises(InputDataError, match=r"bomb\.xes: not a readable XES file \(.*DTD"):
        read_source(path, IngestOptions())


def test_limits(xes: Path, tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="more than 3 events, the limit of data rows; pass"):
        read_source(xes, IngestOptions(limits=Limits(max_rows=3)))
    with pytest.raises(InputDataError, match="more than 5 distinct attributes"):
        read_source(xes, IngestOptions(limits=Limits(max_columns=5)))
    with pytest.raises(InputDataError, match="attribute 'channel' has a value of 4 characters"):
        read_source(xes, IngestOptions(limits=Limits(max_cell_chars=3)))
    packed = tmp_path / "log.xes.gz"
    packed.write_bytes(gzip.compress(XES.encode()))
    with pytest.raises(InputDataError, match=r"log\.xes\.gz: decompresses to more than 1,000"):
        read_source(packed, IngestOptions(limits=Limits(max_bytes=1000)))


def test_broken_xes_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.xes"
    path.write_text(XES[:900], encoding="utf-8")
    out = runner.invoke(app, ["metrics", "events", str(path)])
    assert out.exit_code == 65
    assert "cut.xes: not a readable XES file" in out.stderr
    assert "check that it is a complete XES export" in out.stderr


@pytest.mark.realdata
def test_real_helpdesk_xes_gives_the_csv_figures() -> None:
    options = IngestOptions()
    from_xes = load([realdata("helpdesk.xes.gz")], "events", options)
    from_csv = load([realdata("helpdesk_events.csv")], "events", options)
    # every row accounted for, the same way: 21,348 events, 127 exact duplicates
    assert from_xes.account.to_dict() == from_csv.account.to_dict()
    assert from_xes.account.to_dict() == {
        "read": 21_348,
        "accepted": 21_221,
        "quarantined": 0,
        "skipped": 127,
    }
    assert from_xes.columns == from_csv.columns
    xes_doc = metrics_from_load(from_xes).to_dict()
    csv_doc = metrics_from_load(from_csv).to_dict()
    for key in ("metrics", "null_reasons", "rows", "process", "data_quality", "evidence"):
        assert xes_doc[key] == csv_doc[key], key
    assert xes_doc["process"]["variants"]["distinct"] == 211
