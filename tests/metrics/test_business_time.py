"""Business time (``--calendar FILE``): working hours between timestamps, checked by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.errors import ConfigError
from boaudit.metrics.calendar import BusinessCalendar, load_calendar

runner = CliRunner()

GB = BusinessCalendar(country="GB", label="gb.toml")


def _us(*stamps: str) -> np.ndarray:
    return np.array([pd.Timestamp(s, tz="UTC").value // 1000 for s in stamps], dtype=np.int64)


def _hours(calendar: BusinessCalendar, start: str, end: str) -> float:
    return float(calendar.hours_between(_us(start), _us(end))[0])


def test_gb_christmas_2026_holidays() -> None:
    # the dates the hand-checked case relies on, as the holidays package gives them
    closed = GB.closed_dates(2026, 2026)
    assert {dt.date(2026, 12, 25), dt.date(2026, 12, 26), dt.date(2026, 12, 28)} <= closed
    assert dt.date(2026, 12, 24) not in closed


def test_across_a_weekend_and_public_holidays() -> None:
    # Thu 24 Dec 16:00 -> 17:00 (1 h); Fri 25, Sat 26, Sun 27, Mon 28 (Boxing Day observed)
    # closed; Tue 29 09:00 -> 10:00 (1 h): 2 business hours
    assert _hours(GB, "2026-12-24 16:00", "2026-12-29 10:00") == 2.0


def test_start_outside_working_hours() -> None:
    # 07:00 counts from 09:00; ending 20:00 counts to 17:00: one full day, 8 h
    assert _hours(GB, "2026-12-01 07:00", "2026-12-01 20:00") == 8.0
    # Friday evening to Monday 09:30: half an hour
    assert _hours(GB, "2026-12-04 18:00", "2026-12-07 09:30") == 0.5


def test_same_closed_day_is_zero() -> None:
    closed = BusinessCalendar(closed=(dt.date(2026, 12, 24),))
    assert _hours(closed, "2026-12-24 10:00", "2026-12-24 15:00") == 0.0
    assert _hours(GB, "2026-12-25 10:00", "2026-12-25 15:00") == 0.0


def test_time_zone_moves_the_hours() -> None:
    # 09:00-17:00 in New York is 14:00-22:00 UTC in December
    ny = BusinessCalendar(timezone="America/New_York")
    assert _hours(ny, "2026-12-01 00:00", "2026-12-01 15:00") == 1.0


def test_vectorised_many_rows() -> None:
    rng = np.random.default_rng(1)
    start = _us("2026-01-01")[0] + rng.integers(0, 300 * 86_400_000_000, 200_000)
    end = start + rng.integers(0, 30 * 86_400_000_000, 200_000)
    hours = GB.hours_between(start, end)
    assert len(hours) == 200_000 and (hours >= 0).all()
    assert (hours <= (end - start) / 3_600_000_000).all()


def test_load_calendar(tmp_path: Path) -> None:
    path = tmp_path / "cal.toml"
    path.write_text(
        'days = ["Mon", "Tue", "Wed", "Thu"]\nhours = "08:30-16:00"\ncountry = "GB"\n'
        'subdivision = "SCT"\nclosed = [2026-12-24]\n',
        encoding="utf-8",
    )
    calendar = load_calendar(path)
    assert calendar.days == (0, 1, 2, 3)
    assert calendar.hours == ((510, 960),)
    assert calendar.clock() == (
        "business hours (Mon-Thu 08:30-16:00, GB-SCT holidays, 1 closed date(s))"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('hours = "9 to 5"', "hours"),
        ('days = ["Funday"]', "days"),
        ('country = "XX"', "country"),
        ('timezone = "Mars/Base"', "timezone"),
        ('closed = ["2026-13-01"]', "closed"),
        ('hour = "09:00-17:00"', "hour"),
    ],
)
def test_bad_calendar_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_calendar(path)
    assert caught.value.message.startswith(f"{path}: {key}")


TASKS = """Ticket ID,Created,Resolved
T1,2026-12-24 16:00,2026-12-29 10:00
T2,2026-12-01 07:00,2026-12-01 20:00
T3,2026-12-02 10:00,
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    tasks = tmp_path / "tasks.csv"
    tasks.write_text(TASKS, encoding="utf-8")
    calendar = tmp_path / "gb.toml"
    calendar.write_text('country = "GB"\n', encoding="utf-8")
    return tasks, calendar


def test_cli_json_business_time(tmp_path: Path) -> None:
    tasks, calendar = _files(tmp_path)
    out = runner.invoke(
        app, ["metrics", "tasks", str(tasks), "-f", "json", "--calendar", str(calendar)]
    )
    assert out.exit_code == 0, out.output
    document = json.loads(out.stdout)
    block = document["business_time"]
    assert block["clock"] == "business hours (Mon-Fri 09:00-17:00, GB holidays)"
    assert block["cycle_time_hours"] == {"mean": 5.0, "median": 5.0, "p90": 7.4, "n": 2}
    assert block["clocks"]["cycle_time_days"].startswith("calendar days")
    plain = runner.invoke(app, ["metrics", "tasks", str(tasks), "-f", "json"])
    assert "business_time" not in json.loads(plain.stdout)


def test_cli_table_shows_the_business_hours_and_their_clock(tmp_path: Path) -> None:
    tasks, calendar = _files(tmp_path)
    out = runner.invoke(app, ["metrics", "tasks", str(tasks), "--calendar", str(calendar)])
    assert out.exit_code == 0, out.output
    row = next(line for line in out.stdout.splitlines() if line.startswith("cycle_time_hours"))
    assert "mean 5, median 5, p90 7.4" in row
    assert row.rstrip().endswith("business hours (Mon-Fri 09:00-17:00, GB holidays)")
    plain = runner.invoke(app, ["metrics", "tasks", str(tasks)])
    assert "cycle_time_hours" not in plain.stdout


def test_cli_bad_calendar_exits_78_with_one_line(tmp_path: Path) -> None:
    tasks, calendar = _files(tmp_path)
    calendar.write_text('hours = "17:00-09:00"\n', encoding="utf-8")
    out = runner.invoke(app, ["metrics", "tasks", str(tasks), "--calendar", str(calendar)])
    assert out.exit_code == 78
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "hours" in lines[0] and "gb.toml" in lines[0]


EVENTS = """case,activity,timestamp
1,Receive,2026-12-24 16:00
1,Approve,2026-12-29 10:00
2,Receive,2026-12-01 10:00
2,Approve,2026-12-01 12:00
"""


def test_events_transitions_in_business_hours(tmp_path: Path) -> None:
    log = tmp_path / "events.csv"
    log.write_text(EVENTS, encoding="utf-8")
    _, calendar = _files(tmp_path)
    out = runner.invoke(
        app, ["metrics", "events", str(log), "-f", "json", "--calendar", str(calendar)]
    )
    assert out.exit_code == 0, out.output
    document = json.loads(out.stdout)
    (transition,) = document["process"]["transitions"]
    assert transition["waiting_business_hours"] == {"median": 2.0, "p90": 2.0, "total": 4.0}
    assert document["process"]["business_clock"].startswith("business hours")
    assert document["business_time"]["clock"].startswith("business hours")


def test_run_config_takes_a_calendar(tmp_path: Path) -> None:
    from boaudit.audit.config import load_config, to_inputs

    tasks, _ = _files(tmp_path)
    (tmp_path / "cal.toml").write_text('country = "GB"\n', encoding="utf-8")
    config = tmp_path / "boaudit.toml"
    config.write_text(
        f'[[sources]]\nkind = "tasks"\nfiles = ["{tasks.name}"]\n\n'
        '[metrics]\ncalendar = "cal.toml"\n\n'
        '[[outputs]]\nformat = "json"\npath = "out.json"\n',
        encoding="utf-8",
    )
    inputs = to_inputs(load_config(config), config)
    assert inputs.metrics.calendar is not None
    assert inputs.metrics.calendar.country == "GB"
