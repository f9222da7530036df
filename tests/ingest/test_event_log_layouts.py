"""Event-log layouts of EXPORTS.md: BPIC's ``case ``/``event `` prefixes, XES-derived CSVs with
offsets, and HP Service Manager's activity log; each collapses into one task per case."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from boaudit.ingest import IngestOptions, load


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- event logs


def test_bpic_style_prefixed_event_log(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p2p_events.csv",
        "case concept:name,case Vendor,event concept:name,event org:resource,"
        "event time:timestamp,event Cumulative net worth (EUR)\n"
        "4507000001_00001,vendorID_0001,Create Purchase Order Item,user_001,"
        "02-01-2018 12:53:00.000,298\n"
        "4507000001_00001,vendorID_0001,Record Goods Receipt,user_002,13-01-2018 09:07:00.000,298\n"
        "4507000001_00001,vendorID_0001,Record Goods Receipt,user_002,14-01-2018 09:07:00.000,298\n"
        "4507000001_00001,vendorID_0001,Clear Invoice,user_002,25-02-2018 16:00:00.000,298\n"
        "4507000002_00001,vendorID_0002,Create Purchase Order Item,user_003,"
        "03-01-2018 08:00:00.000,100\n"
        "4507000002_00001,vendorID_0002,Remove Payment Block,user_003,04-01-2018 08:00:00.000,100\n",
    )
    result = load([path], None, IngestOptions())
    assert result.kind == "events"
    assert result.cases == 2
    frame = result.frame
    assert frame["task_id"].tolist() == ["4507000001_00001", "4507000002_00001"]
    assert frame["created_at"].tolist() == [utc("2018-01-02 12:53"), utc("2018-01-03 08:00")]
    # "Clear Invoice" completes a case; "Remove Payment Block" does not ("pay" is a whole word).
    assert frame["completed_at"].tolist()[0] == utc("2018-02-25 16:00")
    assert pd.isna(frame["completed_at"].iloc[1])
    assert frame["status"].tolist() == ["Clear Invoice", "Remove Payment Block"]
    assert frame["rework_count"].tolist() == [1, 0]  # Record Goods Receipt twice
    assert frame["assignee"].tolist() == ["user_002", "user_003"]  # most events in the case
    assert frame["_row"].tolist() == [2, 6]
    assert result.account.to_dict() == {"read": 6, "accepted": 6, "quarantined": 0, "skipped": 0}
    assert result.unmapped == ["case Vendor", "event Cumulative net worth (EUR)"]


def test_xes_derived_event_log_with_offsets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "helpdesk.csv",
        "case:concept:name,concept:name,time:timestamp,org:resource,org:group,"
        "lifecycle:transition\n"
        "Case 1,Assign seriousness,2012-10-09T14:50:17.000+02:00,Value 1,Group A,complete\n"
        "Case 1,Take in charge ticket,2012-10-09T14:51:01.000+02:00,Value 1,Group A,complete\n"
        "Case 1,Resolve ticket,2012-10-12T15:02:56.000+02:00,Value 2,Group B,complete\n"
        "Case 1,Closed,2012-10-25T11:54:26.000+02:00,Value 2,Group B,complete\n"
        "Case 2,Assign seriousness,2012-11-04T00:00:00.000+01:00,Value 3,Group A,complete\n",
    )
    result = load([path], None, IngestOptions())
    assert result.columns == {
        "case_id": "case:concept:name",
        "activity": "concept:name",
        "timestamp": "time:timestamp",
        "resource": "org:resource",
        "team": "org:group",
        "lifecycle": "lifecycle:transition",
    }
    frame = result.frame
    assert frame["created_at"].tolist() == [utc("2012-10-09 12:50:17"), utc("2012-11-03 23:00")]
    assert frame["completed_at"].tolist()[0] == utc("2012-10-25 09:54:26")
    # Value 1 and Value 2 have two events each: the first to appear wins the tie.
    assert frame["assignee"].tolist() == ["Value 1", "Value 3"]
    assert frame["team"].tolist() == ["Group A", "Group A"]
    assert frame["updated_at"].tolist()[1] == utc("2012-11-03 23:00")
    assert result.notes == ["5 events collapsed into 2 cases"]


HPSM_ACTIVITY = (
    "Incident ID;DateStamp;IncidentActivity_Number;IncidentActivity_Type;Assignment Group;"
    "KM number;Interaction ID\n"
    "IM0000004;07-01-2013 08:17:17;001A3689763;Reassignment;TEAM0001;KM0000553;SD0000007\n"
    "IM0000004;04-11-2013 13:41:30;001A5852941;Reassignment;TEAM0002;KM0000553;SD0000007\n"
    "IM0000004;04-11-2013 14:00:00;001A5852942;Closed;TEAM0002;KM0000553;SD0000007\n"
    "IM0000005;02-12-2013 12:31:00;001A5852950;Open;TEAM0003;KM0000611;SD0000009\n"
)


@pytest.mark.parametrize("kind", ["events", None])
def test_hp_service_manager_activity_log_needs_no_map(tmp_path: Path, kind: str | None) -> None:
    path = write(tmp_path, "Detail_Incident_Activity.csv", HPSM_ACTIVITY)
    result = load([path], kind, IngestOptions(date_order="dayfirst"))  # type: ignore[arg-type]
    assert result.kind == "events"
    assert result.columns == {
        "case_id": "Incident ID",
        "activity": "IncidentActivity_Type",
        "timestamp": "DateStamp",
        "team": "Assignment Group",
    }
    frame = result.frame
    assert frame["task_id"].tolist() == ["IM0000004", "IM0000005"]
    assert frame["created_at"].tolist() == [utc("2013-01-07 08:17:17"), utc("2013-12-02 12:31")]
    assert frame["completed_at"].tolist()[0] == utc("2013-11-04 14:00")
    assert frame["team"].tolist() == ["TEAM0002", "TEAM0003"]
    assert frame["rework_count"].tolist() == [1, 0]
    assert result.cases == 2


def test_event_log_with_no_completed_case(tmp_path: Path) -> None:
    # An extract of open cases only: every completed_at is null, still a UTC datetime column.
    path = write(
        tmp_path,
        "open_cases.csv",
        "case_id,activity,timestamp,resource\n"
        "C1,Open,2024-01-02 09:00,Agent 1\n"
        "C1,Wait for customer,2024-01-03 09:00,Agent 1\n"
        "C2,Open,2024-01-03T10:00:00+01:00,Agent 2\n",
    )
    result = load([path], None, IngestOptions())
    frame = result.frame
    assert frame["task_id"].tolist() == ["C1", "C2"]
    assert frame["completed_at"].isna().tolist() == [True, True]
    assert str(frame["completed_at"].dtype) == "datetime64[ns, UTC]"
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["created_at"].tolist() == [utc("2024-01-02 09:00"), utc("2024-01-03 09:00")]
    assert frame["updated_at"].tolist() == [utc("2024-01-03 09:00"), utc("2024-01-03 09:00")]
    assert frame["status"].tolist() == ["Wait for customer", "Open"]
    assert result.account.to_dict() == {"read": 3, "accepted": 3, "quarantined": 0, "skipped": 0}
