"""``boaudit.toml`` as a library: validation lines, path resolution, ``{date}`` and thresholds.

The CLI side of the same rules is in tests/audit/test_run.py and tests/cli/test_cli_run_history.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boaudit.audit.config import (
    RunConfig,
    ThresholdConfig,
    load_config,
    output_paths,
    run_date,
    to_inputs,
)
from boaudit.audit.thresholds import check_thresholds, threshold_value
from boaudit.errors import ConfigError, InputMissingError
from boaudit.metrics.compute import METRIC_NAMES
from boaudit.taxonomy import load_taxonomy

OUTPUT = '[[outputs]]\nformat = "json"\npath = "a.json"\n'


def config_file(tmp_path: Path, text: str, name: str = "boaudit.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    """The lines of the ConfigError that loading ``path`` raises, without the path prefix."""
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [line.removeprefix(f"{path}: ") for line in caught.value.lines]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (OUTPUT, ["(top level): nothing to report on: give answers and/or [[sources]]"]),
        ('answers = ["a.csv"]\n', ["outputs: missing; add this key"]),
        (
            'answers = ["a.csv"]\noutputs = []\n',
            ["outputs: List should have at least 1 item after validation, not 0"],
        ),
        (
            'answers = ["a.csv"]\n[[outputs]]\nformat = "pdf"\npath = "a.pdf"\n',
            [
                "outputs[0].format: Input should be 'table', 'markdown', 'html', 'xlsx', 'docx' or 'json'"
            ],
        ),
        (
            'answers = ["a.csv"]\n[[thresholds]]\nmetric = "score"\n' + OUTPUT,
            ["thresholds[0]: give min, max or both"],
        ),
        (
            'answers = ["a.csv"]\n[metrics]\nhourly_rate = 0\n' + OUTPUT,
            ["metrics.hourly_rate: Input should be greater than 0"],
        ),
        (
            'answers = ["a.csv"]\n[metrics]\nperiod = "year"\n' + OUTPUT,
            ["metrics.period: Input should be 'day', 'week', 'month' or 'quarter'"],
        ),
        (
            'answers = ["a.csv"]\n[metrics]\nsla = "fast"\n' + OUTPUT,
            ["metrics.sla: duration 'fast': write it like 48h, 2d, 1.5 days, 1w or 90m"],
        ),
        (
            'answers = ["a.csv"]\n[impact]\nlate_payment_rate = 1.5\nannual_volume = {bills = 3}\n'
            + OUTPUT,
            [
                "impact.late_payment_rate: Input should be less than or equal to 1",
                "impact.annual_volume.bills: Input should be 'tasks', 'invoices' or 'events'",
            ],
        ),
        (
            'answers = ["a.csv"]\n[effort]\ndata = "tiny"\n' + OUTPUT,
            ["effort.data: Input should be 'low', 'medium' or 'high'"],
        ),
        (
            '[[sources]]\nkind = "tasks"\nfiles = []\n' + OUTPUT,
            ["sources[0].files: List should have at least 1 item after validation, not 0"],
        ),
        (
            'answers = ["a.csv"]\n[[sources]]\nkind = "tasks"\nfiles = ["t.csv"]\nsheet = 2\n'
            + OUTPUT,
            ["sources[0].sheet: Input should be a valid string"],
        ),
    ],
    ids=[
        "nothing-to-report",
        "no-outputs",
        "empty-outputs",
        "bad-format",
        "threshold-without-bounds",
        "zero-hourly-rate",
        "bad-period",
        "bad-sla-duration",
        "impact-bounds-and-kinds",
        "bad-effort",
        "empty-file-list",
        "sheet-number-not-string",
    ],
)
def test_each_problem_is_one_line_naming_its_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    assert problems(config_file(tmp_path, text)) == expected


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        'titel = "x"\nanswers = "a.csv"\n[[outputs]]\nformat = "pdf"\npath = "a.pdf"\n'
        '[[thresholds]]\nmetric = "speed"\nmax = 1\n'
    )
    found = problems(config_file(tmp_path, text))
    assert found == [
        "answers: Input should be a valid list",
        "thresholds[0]: metric 'speed' is not one of: score, money.KIND.CURRENCY (KIND recover, "
        "block or yearly, e.g. money.recover.USD), pitfall.ID.score, "
        "pitfall.ID.severity, KIND.METRIC[.KEY] (e.g. tasks.sla_compliance, "
        "invoices.cycle_time_days.median)",
        "outputs[0].format: Input should be 'table', 'markdown', 'html', 'xlsx', 'docx' or 'json'",
        "titel: unknown key; remove it or check its spelling",
    ]


def test_a_threshold_on_an_unknown_pitfall_is_a_config_error(tmp_path: Path) -> None:
    text = 'answers = ["a.csv"]\n[[thresholds]]\nmetric = "pitfall.proceses.score"\nmin = 50\n'
    [line] = problems(config_file(tmp_path, text + OUTPUT))
    assert line.startswith(
        "thresholds[0]: metric 'pitfall.proceses.score' names unknown pitfall 'proceses'; "
        "use one of processes, complexity,"
    )


def test_a_config_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes('title = "Révision"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin\.toml: cannot read the configuration: 'utf-8'"):
        load_config(path)


def test_a_missing_config_is_missing_input_not_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(InputMissingError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")


def test_defaults_of_a_minimal_config(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, 'answers = ["a.csv"]\n' + OUTPUT))
    assert config.title == "Back-office audit"
    assert config.history is None and config.questionnaire is None
    assert config.thresholds == [] and config.effort == {}
    inputs = to_inputs(config, tmp_path / "boaudit.toml")
    assert inputs.metrics.period == "month"
    assert inputs.metrics.sla is None
    assert inputs.report.impact.annual_volume is None


# --- paths --------------------------------------------------------------------------------------


def test_output_paths_fill_date_from_as_of_and_resolve_from_the_config_folder(
    tmp_path: Path,
) -> None:
    text = (
        'answers = ["a.csv"]\n'
        '[[outputs]]\nformat = "html"\npath = "reports/{date}/audit-{date}.html"\n'
        f'[[outputs]]\nformat = "xlsx"\npath = "{tmp_path}/abs.xlsx"\n'
    )
    path = config_file(tmp_path, text)
    config = load_config(path)
    paths = output_paths(config, path, "2026-04-01T12:30:00")
    assert [(str(fmt), p) for fmt, p in paths] == [
        ("html", tmp_path / "reports" / "2026-04-01" / "audit-2026-04-01.html"),
        ("xlsx", tmp_path / "abs.xlsx"),
    ]


@pytest.mark.parametrize("template", ["{month}.json", "{}.json", "{date:%Y}.json", "{date.year}"])
def test_output_path_braces_other_than_date_are_a_config_error(
    tmp_path: Path, template: str
) -> None:
    text = f'answers = ["a.csv"]\n[[outputs]]\nformat = "json"\npath = "{template}"\n'
    path = config_file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        output_paths(load_config(path), path, "2026-04-01")
    assert caught.value.lines == (f"{path}: outputs[0].path: only {{date}} may appear in braces",)


def test_run_date_without_as_of_is_today_in_utc() -> None:
    before = datetime.now(UTC).date().isoformat()
    today = run_date(None)
    after = datetime.now(UTC).date().isoformat()
    assert today in {before, after}
    assert run_date("2026-02-28T23:59:59+05:00") == "2026-02-28"


def test_answer_globs_expand_sorted_relative_to_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("b.csv", "a.csv", "c.xlsx", "notes.txt"):
        (folder / name).write_text("x")
    sub = tmp_path / "cfg"
    sub.mkdir()
    path = config_file(sub, 'answers = ["../answers/*.csv", "../answers/c.xlsx"]\n' + OUTPUT)
    inputs = to_inputs(load_config(path), path)
    assert [p.name for p in inputs.answers] == ["a.csv", "b.csv", "c.xlsx"]
    assert all(p.parent.resolve() == folder for p in inputs.answers)


def test_stdin_and_absolute_source_files_are_kept_as_given(tmp_path: Path) -> None:
    text = (
        '[[sources]]\nkind = "invoices"\nfiles = ["-"]\ndecimal = ","\ndate_order = "dayfirst"\n'
        f'[[sources]]\nkind = "tasks"\nfiles = ["{tmp_path}/t.csv", "rel.csv"]\n'
        'completion = ["done", "closed"]\n' + OUTPUT
    )
    path = config_file(tmp_path, text)
    invoices, tasks = to_inputs(load_config(path), path).sources
    assert (invoices.kind, invoices.files) == ("invoices", ("-",))
    assert (invoices.ingest.decimal, invoices.ingest.date_order) == (",", "dayfirst")
    assert tasks.files == (f"{tmp_path}/t.csv", str(tmp_path / "rel.csv"))
    assert tasks.ingest.completion_patterns == ("done", "closed")


def test_a_glob_matching_nothing_names_the_source_key(tmp_path: Path) -> None:
    text = 'answers = ["a.csv"]\n[[sources]]\nkind = "tasks"\nfiles = ["t.csv", "exp/*.csv"]\n'
    path = config_file(tmp_path, text + OUTPUT)
    with pytest.raises(InputMissingError) as caught:
        to_inputs(load_config(path), path)
    assert caught.value.message == (
        f"{path}: sources[0].files[1]: 'exp/*.csv' matches no file (relative to {tmp_path})"
    )


def test_questionnaire_paths_resolve_but_bundled_ids_do_not(tmp_path: Path) -> None:
    path = config_file(tmp_path, 'questionnaire = "qs/mine.toml"\nanswers = ["a.csv"]\n' + OUTPUT)
    assert to_inputs(load_config(path), path).questionnaire == str(tmp_path / "qs" / "mine.toml")
    path.write_text('questionnaire = "full"\nanswers = ["a.csv"]\n' + OUTPUT)
    assert to_inputs(load_config(path), path).questionnaire == "full"


def test_money_sla_effort_and_title_reach_the_report_options(tmp_path: Path) -> None:
    text = (
        'title = "Q2 audit"\nanswers = ["a.csv"]\n'
        '[metrics]\nsla = "36h"\nhourly_rate = 45.5\nby = ["provider"]\nperiod = "week"\n'
        '[impact]\ncurrency = "EUR"\nerror_cost = 12.5\nlate_payment_rate = 0.02\n'
        "annual_volume = { invoices = 52000 }\n"
        '[effort]\ndata = "low"\n' + OUTPUT
    )
    path = config_file(tmp_path, text)
    inputs = to_inputs(load_config(path), path, as_of="2026-06-30")
    assert inputs.metrics.sla is not None and inputs.metrics.sla.days == 1.5
    assert (inputs.metrics.hourly_rate, inputs.metrics.by, inputs.metrics.period) == (
        45.5,
        ("provider",),
        "week",
    )
    assert inputs.metrics.as_of == "2026-06-30"
    report = inputs.report
    assert (report.title, report.as_of, dict(report.effort)) == (
        "Q2 audit",
        "2026-06-30",
        {"data": "low"},
    )
    assert (report.impact.currency, report.impact.error_cost, report.impact.late_payment_rate) == (
        "EUR",
        12.5,
        0.02,
    )
    assert report.impact.annual_volume == {"invoices": 52000.0}


# --- thresholds -----------------------------------------------------------------------------


def metrics_report(**metrics: Any) -> dict[str, Any]:
    return {
        "assessment": {"overall": {"score": 55.0}},
        "money": {"recover": {"USD": {"amount": 1000.0}, "EUR": {"amount": 250.5}}},
        "findings": [{"pitfall": "data", "questionnaire_score": 42.5, "severity": 0.6}],
        "metrics": {
            "tasks": {
                "metrics": metrics,
                "null_reasons": {"sla_compliance": "no sla_met column; pass --sla"},
            }
        },
    }


def thresholds(*items: dict[str, Any]) -> RunConfig:
    return RunConfig.model_validate(
        {"answers": ["a.csv"], "outputs": [{"format": "json", "path": "a"}], "thresholds": items}
    )


def test_a_money_threshold_reads_one_kind_in_one_currency() -> None:
    assert threshold_value(metrics_report(), "money.recover.USD") == (1000.0, "")
    assert threshold_value(metrics_report(), "money.recover.EUR") == (250.5, "")
    # nothing of that kind found: 0, a value like any other
    assert threshold_value(metrics_report(), "money.yearly.USD") == (0.0, "")
    assert threshold_value({}, "money.block.CAD") == (0.0, "")


def test_money_at_stake_is_refused_with_what_to_name_instead() -> None:
    with pytest.raises(
        ValueError, match=re.escape("money.recover.USD, money.block.USD or money.yearly")
    ):
        ThresholdConfig(metric="money_at_stake", max=1)


def test_score_with_nothing_assessed_cannot_be_checked() -> None:
    report = {"assessment": {"overall": {"score": None}}}
    assert threshold_value(report, "score") == (None, "no pitfall was assessed")


def test_metric_values_that_are_not_numbers_cannot_be_checked() -> None:
    report = metrics_report(flag=True, label="x", cycle_time_days={"median": 3, "p90": None})
    assert threshold_value(report, "tasks.cycle_time_days.median") == (3.0, "")
    assert threshold_value(report, "tasks.flag") == (None, "the value is null")
    assert threshold_value(report, "tasks.label") == (None, "the value is null")
    assert threshold_value(report, "tasks.cycle_time_days.p90") == (None, "the value is null")
    assert threshold_value(report, "tasks.sla_compliance") == (
        None,
        "no sla_met column; pass --sla",
    )


def test_a_misspelt_or_partial_metric_name_says_what_is_wrong() -> None:
    report = metrics_report(cycle_time_days={"median": 3.0, "p90": 9.0}, error_rate=None)
    assert threshold_value(report, "tasks.cycle_time_days") == (
        None,
        "'cycle_time_days' holds several values; name one: cycle_time_days.median, "
        "cycle_time_days.p90",
    )
    assert threshold_value(report, "tasks.cycle_time_days.p50") == (
        None,
        "no metric 'cycle_time_days.p50' in the tasks results; see 'boaudit metrics tasks "
        "--format json' for the names",
    )
    assert threshold_value(report, "tasks.error_rate.share")[1] == "the value is null"


def test_a_null_group_gives_the_reason_of_its_metric() -> None:
    report = metrics_report(sla_compliance=None)
    assert threshold_value(report, "tasks.sla_compliance.share") == (
        None,
        "no sla_met column; pass --sla",
    )


def test_breach_lines_for_min_max_and_unknown_values() -> None:
    config = thresholds(
        {"metric": "score", "min": 60},
        {"metric": "money.recover.USD", "max": 900},
        {"metric": "pitfall.data.severity", "max": 0.5},
        {"metric": "pitfall.data.score", "min": 40, "max": 80},
        {"metric": "tasks.error_rate", "min": 0, "max": 0.05},
        {"metric": "tasks.sla_compliance", "min": 0.9},
        {"metric": "pitfall.security.score", "min": 50},
    )
    report = metrics_report(error_rate=0.125)
    assert check_thresholds(config, report) == [
        "score = 55, below the minimum 60",
        "money.recover.USD = 1000, above the maximum 900",
        "pitfall.data.severity = 0.6, above the maximum 0.5",
        "tasks.error_rate = 0.125, above the maximum 0.05",
        "tasks.sla_compliance: cannot be checked (no sla_met column; pass --sla)",
        "pitfall.security.score: cannot be checked (no evidence about pitfall 'security' in "
        "this run)",
    ]


def test_a_value_exactly_on_its_bound_is_not_a_breach() -> None:
    config = thresholds(
        {"metric": "score", "min": 55, "max": 55},
        {"metric": "tasks.error_rate", "max": 0.05},
    )
    assert check_thresholds(config, metrics_report(error_rate=0.05)) == []


KIND = st.sampled_from(["tasks", "invoices", "events"])
NAME = st.from_regex(r"[a-z_][a-z_0-9]{0,15}", fullmatch=True)
PITFALL = st.sampled_from(load_taxonomy().ids)


@settings(max_examples=100, deadline=None)
@given(
    path=st.one_of(
        st.just("score"),
        st.builds(
            lambda k, c: f"money.{k}.{c}",
            st.sampled_from(["recover", "block", "yearly"]),
            st.sampled_from(["USD", "EUR", "CAD"]),
        ),
        st.builds(lambda p, f: f"pitfall.{p}.{f}", PITFALL, st.sampled_from(["score", "severity"])),
        KIND.flatmap(lambda k: st.sampled_from(METRIC_NAMES[k]).map(lambda n: f"{k}.{n}")),
        st.builds(
            lambda kn, key: f"{kn}.{key}",
            KIND.flatmap(lambda k: st.sampled_from(METRIC_NAMES[k]).map(lambda n: f"{k}.{n}")),
            NAME,
        ),
    ),
    low=st.floats(-1e6, 1e6),
)
def test_every_documented_threshold_path_is_accepted(path: str, low: float) -> None:
    threshold = ThresholdConfig(metric=path, min=low)
    assert (threshold.metric, threshold.min, threshold.max) == (path, low, None)


@settings(max_examples=100, deadline=None)
@given(
    path=st.one_of(
        NAME.filter(lambda n: n not in {"score", "money_at_stake"}),
        st.builds(lambda n: f"pitfall.{n}", NAME),
        st.builds(lambda n: f"pitfall.processes.{n}", NAME).filter(
            lambda p: not p.endswith((".score", ".severity"))
        ),
        st.builds(lambda n: f"orders.{n}", NAME),
        st.builds(lambda k, n: f"{k}.{n.upper()}", KIND, NAME.filter(lambda n: n.isalpha())),
    )
)
def test_other_threshold_paths_are_refused(path: str) -> None:
    with pytest.raises(ValueError, match="is not one of"):
        ThresholdConfig(metric=path, max=1.0)


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(-1e9, 1e9, allow_nan=False),
    low=st.none() | st.floats(-1e9, 1e9, allow_nan=False),
    high=st.none() | st.floats(-1e9, 1e9, allow_nan=False),
)
def test_a_threshold_breaches_exactly_when_the_value_leaves_its_bounds(
    value: float, low: float | None, high: float | None
) -> None:
    if low is None and high is None:
        return
    config = thresholds({"metric": "tasks.error_rate", "min": low, "max": high})
    breaches = check_thresholds(config, metrics_report(error_rate=value))
    expected = int(low is not None and value < low) + int(high is not None and value > high)
    assert len(breaches) == expected
    assert all(line.startswith(f"tasks.error_rate = {value:g}, ") for line in breaches)


def test_audit_test_parameters_reach_the_metrics(tmp_path: Path) -> None:
    text = 'answers = ["a.csv"]\n' + OUTPUT + "[tests.split-below-limit]\nlimit = 5000\n"
    config = load_config(config_file(tmp_path, text))
    inputs = to_inputs(config, tmp_path / "boaudit.toml")
    assert inputs.metrics.tests == {"split-below-limit": {"limit": 5000}}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("[tests.nosuch]\nx = 1\n", "(top level): [tests] no test 'nosuch'; the tests are: "),
        (
            "[tests.above-limit]\ncap = 1\n",
            "(top level): [tests] above-limit has no parameter 'cap' (its parameters: limit, limits)",
        ),
    ],
)
def test_unknown_audit_tests_or_parameters_are_config_errors(
    tmp_path: Path, table: str, expected: str
) -> None:
    [line] = problems(config_file(tmp_path, 'answers = ["a.csv"]\n' + OUTPUT + table))
    assert line.startswith(expected)


def test_per_approver_limits_in_the_config(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        '[[sources]]\nkind = "invoices"\nfiles = ["i.csv"]\n'
        '[tests.above-limit]\nlimit = 10000\n[tests.above-limit.limits]\n"J. Smith" = 5000\n'
        + OUTPUT,
    )
    tests = to_inputs(load_config(path), path).metrics.tests
    assert tests == {"above-limit": {"limit": 10000, "limits": {"J. Smith": 5000}}}
    path.write_text(
        '[[sources]]\nkind = "invoices"\nfiles = ["i.csv"]\n'
        '[tests.above-limit.limits]\n"J. Smith" = "lots"\n' + OUTPUT,
        encoding="utf-8",
    )
    assert any("above-limit" in line for line in problems(path))
