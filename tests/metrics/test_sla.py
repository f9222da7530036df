"""SLA targets: durations, per-priority maps (``--sla-map``) and how ``sla_compliance`` uses
them, including items whose priority is missing or not in the map."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from metrics_frames import text

from boaudit.errors import ConfigError, InputMissingError, UsageError
from boaudit.metrics import (
    MetricsOptions,
    SlaTarget,
    compute_metrics,
    load_sla_map,
    parse_duration,
)

# The tasks fixture (metrics_frames.tasks_frame): completed t1 high 1 day, t2 low 3 days,
# t3 low 2.5 days, t5 low 10 days; t4 (high) is open.


def _sla(frame: pd.DataFrame, target: SlaTarget) -> tuple[float | None, list[str]]:
    result = compute_metrics(frame, "tasks", MetricsOptions(sla=target))
    return result.metrics["sla_compliance"], list(result.notes)


def _map(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# --- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("4h", 4 / 24),
        ("4 hrs", 4 / 24),
        ("36 hours", 1.5),
        ("30min", 30 / 1440),
        ("45 minutes", 45 / 1440),
        ("2D", 2.0),
        ("1 day", 1.0),
        ("2wks", 14.0),
        ("1 week", 7.0),
        (" 0.5d ", 0.5),
    ],
)
def test_duration_units(written: str, days: float) -> None:
    assert parse_duration(written) == pytest.approx(days)


@pytest.mark.parametrize("bad", ["4 months", "h4", "1d 2h", "1,5d", "0", "0.0h"])
def test_duration_refusals_say_how_to_write_one(bad: str) -> None:
    with pytest.raises(UsageError, match=f"duration {bad!r}"):
        parse_duration(bad)


# --- the map file ----------------------------------------------------------------------------


def test_toml_map_reads_durations(tmp_path: Path) -> None:
    path = _map(tmp_path, "sla.toml", 'P1 = "4h"\nP2 = "2d"\nP3 = "1.5 days"\n"*" = "1w"\n')
    target = load_sla_map(path)
    assert target.by_priority == {"P1": pytest.approx(4 / 24), "P2": 2.0, "P3": 1.5, "*": 7.0}
    assert (target.days, target.label) == (None, "sla.toml")


def test_toml_map_refuses_a_bare_number(tmp_path: Path) -> None:
    # 2 could be hours or days: read as days it would pass nearly every ticket.
    path = _map(tmp_path, "sla.toml", 'P1 = "4h"\nP2 = 2\n')
    with pytest.raises(ConfigError) as info:
        load_sla_map(path)
    assert info.value.message == (
        f"{path}: P2: duration '2' has no unit: write 2h for hours or 2d for days (or m, w)"
    )


def test_toml_map_under_an_sla_table(tmp_path: Path) -> None:
    path = _map(tmp_path, "sla.toml", '[sla]\nhigh = "1d"\n')
    assert load_sla_map(path).by_priority == {"high": 1.0}


def test_csv_map_with_a_bom_and_spaces(tmp_path: Path) -> None:
    path = tmp_path / "SLA.CSV"
    path.write_text("\ufeffPriority , Target\n High , 12h \nLow,3d\n", encoding="utf-8")
    assert load_sla_map(path).by_priority == {"High": 0.5, "Low": 3.0}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.toml", "P1 = true\n", 'P1: write a duration such as "4h" or "2d"'),
        ("m.toml", "[sla]\nP1 = { hours = 4 }\n", 'P1: write a duration such as "4h" or "2d"'),
        ("m.toml", 'P1 = "soon"\n', "P1: duration 'soon': write it like 48h"),
        ("m.toml", "P1 = 0\n", "P1: duration '0': must be more than zero"),
        ("m.toml", "P1 = [4\n", "not valid TOML"),
        ("m.toml", "# nothing yet\n", "no SLA targets in the file"),
        ("m.csv", "priority,target\n", "no SLA targets in the file"),
        ("m.csv", "target,priority\n4h,P1\n", "the header must be priority,target"),
        ("m.csv", "", "the header must be priority,target"),
        ("m.csv", "priority,target\n,4h\n", "row 2: give a priority and a target"),
        ("m.csv", "priority,target\nP1,4h\nP2\n", "P2: duration '': write it like"),
    ],
)
def test_bad_map_is_a_config_error_naming_file_and_entry(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = _map(tmp_path, name, content)
    with pytest.raises(ConfigError) as caught:
        load_sla_map(path)
    assert caught.value.message.startswith(f"{path}: ")
    assert message in caught.value.message
    assert caught.value.exit_code == 78


def test_unreadable_map_is_missing_input(tmp_path: Path) -> None:
    with pytest.raises(InputMissingError, match="cannot read") as caught:
        load_sla_map(tmp_path / "absent.toml")
    assert caught.value.exit_code == 66


# --- sla_compliance with a target ------------------------------------------------------------


def test_priority_keys_match_ignoring_case_and_spaces(tasks: pd.DataFrame) -> None:
    tasks["priority"] = text(" HIGH", "Low ", "low", "High", "LOW")
    target = SlaTarget(by_priority={"high": 1.0, " LOW ": 3.0}, label="m")
    # t1 1 <= 1, t2 3 <= 3, t3 2.5 <= 3, t5 10 > 3
    assert _sla(tasks, target) == (0.75, [])


def test_items_with_a_priority_not_in_the_map_are_left_out_with_a_note(
    tasks: pd.DataFrame,
) -> None:
    target = SlaTarget(by_priority={"high": 0.5}, label="m")
    compliance, notes = _sla(tasks, target)
    assert compliance == 0.0  # t1 only: 1 day > 12 hours
    assert notes == [
        "sla_compliance: 3 completed item(s) have a priority the SLA map does not list "
        "(add a '*' entry for a default); they are left out"
    ]


def test_star_entry_covers_other_priorities(tasks: pd.DataFrame) -> None:
    target = SlaTarget(by_priority={"high": 0.5, "*": 2.75}, label="m")
    # t1 high 1 > 0.5; t2 3 > 2.75; t3 2.5 <= 2.75; t5 10 > 2.75
    assert _sla(tasks, target) == (0.25, [])


def test_missing_priority_values_take_the_star_entry(tasks: pd.DataFrame) -> None:
    tasks["priority"] = text(None, "low", "low", "high", None)
    target = SlaTarget(by_priority={"low": 3.0, "*": 1.0}, label="m")
    # t1 (none) 1 <= 1; t2 3 <= 3; t3 2.5 <= 3; t5 (none) 10 > 1
    assert _sla(tasks, target) == (0.75, [])


def test_missing_priority_values_without_a_star_entry_are_left_out(tasks: pd.DataFrame) -> None:
    tasks["priority"] = text(None, "low", "low", "high", " ")
    compliance, notes = _sla(tasks, SlaTarget(by_priority={"low": 2.75}, label="m"))
    assert compliance == 0.5  # t2 3 > 2.75, t3 2.5 <= 2.75; t1 and t5 have no priority
    assert notes[0].startswith("sla_compliance: 2 completed item(s) have a priority")


def test_no_completed_item_in_the_map_is_null_with_a_reason(tasks: pd.DataFrame) -> None:
    result = compute_metrics(
        tasks, "tasks", MetricsOptions(sla=SlaTarget(by_priority={"urgent": 1.0}, label="m"))
    )
    assert result.metrics["sla_compliance"] is None
    assert result.null_reasons["sla_compliance"] == "no completed item with an SLA judgement"


def test_map_with_all_priorities_empty_is_null_with_a_reason(tasks: pd.DataFrame) -> None:
    tasks["priority"] = text(None, None, None, None, None)
    result = compute_metrics(
        tasks, "tasks", MetricsOptions(sla=SlaTarget(by_priority={"*": 1.0}, label="m"))
    )
    assert result.metrics["sla_compliance"] is None
    assert result.null_reasons["sla_compliance"] == (
        "--sla-map gives targets per priority but the export has no priority column"
    )


def test_a_cycle_time_equal_to_the_target_meets_it(tasks: pd.DataFrame) -> None:
    # t2 takes exactly 3 days: 1, 3, 2.5 within 3; only 1 and 2.5 within 2.99
    assert _sla(tasks, SlaTarget(days=3.0, label="3d"))[0] == 0.75
    assert _sla(tasks, SlaTarget(days=2.99, label="2.99d"))[0] == 0.5


def test_target_without_completion_timestamps_is_null_with_a_reason(
    tasks: pd.DataFrame,
) -> None:
    frame = tasks.drop(columns="completed_at")
    result = compute_metrics(frame, "tasks", MetricsOptions(sla=SlaTarget(days=2.0, label="2d")))
    assert result.metrics["sla_compliance"] is None
    assert result.null_reasons["sla_compliance"] == (
        "no completion timestamps to measure against --sla"
    )


def test_target_basis_uses_the_label_else_the_days(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks, "tasks", MetricsOptions(sla=SlaTarget(days=0.5)))
    assert result.basis["sla_compliance"] == (
        "cycle time within 0.5 (0.5 calendar days), over completed items"
    )


def test_target_without_sla_met_column_adds_no_note(tasks: pd.DataFrame) -> None:
    frame = tasks.drop(columns="sla_met")
    assert _sla(frame, SlaTarget(days=2.0, label="2d")) == (0.25, [])


def test_sla_met_without_completion_timestamps_counts_every_item(tasks: pd.DataFrame) -> None:
    result = compute_metrics(tasks.drop(columns="completed_at"), "tasks")
    assert result.metrics["sla_compliance"] == 0.5  # T F T F over the 4 known of 5
    assert result.basis["sla_compliance"] == "the export's sla_met column"


def test_sla_met_counts_completed_items_only(tasks: pd.DataFrame) -> None:
    tasks["sla_met"] = pd.Series([True, False, True, False, False], dtype="boolean")
    # t4 is open: its False is not a breach yet; t1 T, t2 F, t3 T, t5 F
    assert compute_metrics(tasks, "tasks").metrics["sla_compliance"] == 0.5
