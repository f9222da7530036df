"""``boaudit run`` and ``boaudit history``: configuration errors, thresholds, history, safety."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.history import History

MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
runner = CliRunner()

INVOICE_HEADER = "Invoice Number,Vendor,Invoice Date,Received,Paid,Due Date,Amount,Exception\n"


def invoices(path: Path, late: int, errors: int, n: int = 10) -> Path:
    """n invoices; the first ``late`` are paid after their due date, ``errors`` flagged."""
    rows = []
    for i in range(n):
        paid = "2026-03-20" if i < late else "2026-03-05"
        rows.append(
            f"INV-{i:03d},Vendor {i % 3},2026-03-01,2026-03-01,{paid},2026-03-10,"
            f"{100 + i}.50,{'Yes' if i < errors else 'No'}\n"
        )
    path.write_text(INVOICE_HEADER + "".join(rows))
    return path


def answers(path: Path, value: int) -> Path:
    lines = ["respondent,question_id,answer,role"]
    for q in ("mini.1.1", "mini.1.2", "mini.1.3", "mini.2.1", "mini.2.2", "mini.2.3"):
        lines.append(f"lead,{q},{value},manager")
        lines.append(f"clerk,{q},{max(1, value - 1)},staff")
    path.write_text("\n".join(lines) + "\n")
    return path


CONFIG = """
title = "Monthly audit"
history = "out/history.sqlite"
questionnaire = "{mini}"
answers = ["answers/*.csv"]

[[sources]]
kind = "invoices"
files = ["exports/invoices.csv"]

[[thresholds]]
metric = "invoices.on_time_payment_rate"
min = 0.75

[[thresholds]]
metric = "score"
min = 40

[[outputs]]
format = "json"
path = "out/audit-{{date}}.json"

[[outputs]]
format = "html"
path = "out/audit.html"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "answers").mkdir()
    (tmp_path / "exports").mkdir()
    (tmp_path / "out").mkdir()
    answers(tmp_path / "answers" / "team.csv", 4)
    invoices(tmp_path / "exports" / "invoices.csv", late=1, errors=1)
    config = tmp_path / "boaudit.toml"
    config.write_text(CONFIG.format(mini=MINI))
    return config


def run(*args: object):
    return runner.invoke(app, ["run", *map(str, args)])


def test_thresholds_met_is_quiet_and_exits_0(project: Path) -> None:
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    report = json.loads((project.parent / "out" / "audit-2026-04-01.json").read_text())
    assert report["title"] == "Monthly audit"
    assert report["changes"] is None  # the first run has nothing to compare with
    assert (project.parent / "out" / "audit.html").read_text().startswith("<!DOCTYPE html>")
    with History(project.parent / "out" / "history.sqlite") as store:
        assert len(store.runs()) == 1


def test_verbose_says_what_it_did(project: Path) -> None:
    result = run(project, "--as-of", "2026-04-01", "--verbose")
    assert result.exit_code == 0
    assert "wrote" in result.stderr and "recorded run 1" in result.stderr


def test_breached_thresholds_exit_1_and_are_listed(project: Path) -> None:
    invoices(project.parent / "exports" / "invoices.csv", late=5, errors=2)
    answers(project.parent / "answers" / "team.csv", 1)
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "boaudit: threshold breached: invoices.on_time_payment_rate = 0.5, below the minimum 0.75",
        "boaudit: threshold breached: score = 0, below the minimum 40",
    ]
    with History(project.parent / "out" / "history.sqlite") as store:
        assert store.runs()[0].breaches == tuple(line.split(": ", 2)[2] for line in lines)


def test_a_value_that_cannot_be_checked_is_a_breach(project: Path) -> None:
    text = project.read_text().replace('metric = "score"', 'metric = "invoices.sla_compliance"')
    project.write_text(text)
    result = run(project)
    assert result.exit_code == 1
    assert "invoices.sla_compliance: cannot be checked (no sla_met column" in result.stderr


def test_three_runs_with_a_baseline(project: Path) -> None:
    exports = project.parent / "exports" / "invoices.csv"
    for month, late in (("2026-04-01", 2), ("2026-05-01", 1), ("2026-06-01", 0)):
        invoices(exports, late=late, errors=late)
        result = run(
            project, "--as-of", month, *(["--baseline", "1"] if month == "2026-06-01" else [])
        )
        assert result.exit_code == 0, result.stderr
    report = json.loads((project.parent / "out" / "audit-2026-06-01.json").read_text())
    last, base = report["changes"]["since_last"], report["changes"]["since_baseline"]
    assert (last["run"], base["run"]) == (2, 1)
    on_time = "on_time_payment_rate"
    assert base["metrics"]["invoices"][on_time] == {"value": 1.0, "before": 0.8, "change": 0.2}
    assert last["metrics"]["invoices"][on_time]["before"] == 0.9
    assert base["metrics"]["invoices"]["error_rate"]["change"] == -0.2
    html = (project.parent / "out" / "audit.html").read_text()
    assert "Change since the baseline" in html and "Over time" in html
    result = runner.invoke(app, ["history", str(project), "--format", "json"])
    rows = json.loads(result.stdout)
    assert [row["run"] for row in rows] == [1, 2, 3]
    assert [row["invoices.on_time_payment_rate"] for row in rows] == [0.8, 0.9, 1.0]
    by_date = run(project, "--as-of", "2026-06-02", "--baseline", "2026-05-15")
    assert by_date.exit_code == 0
    report = json.loads((project.parent / "out" / "audit-2026-06-02.json").read_text())
    assert report["changes"]["since_baseline"]["run"] == 2
    missing = run(project, "--baseline", "99")
    assert missing.exit_code == 66 and "no recorded run" in missing.stderr


def test_history_formats_and_no_history(project: Path, tmp_path: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    csv = runner.invoke(app, ["history", str(project), "-f", "csv"])
    header = csv.stdout.splitlines()[0].split(",")
    assert header[:3] == ["run", "recorded_at", "as_of"] and "invoices.error_rate" in header
    table = runner.invoke(app, ["history", str(project)], env={"COLUMNS": "150"})
    assert table.exit_code == 0 and "inv. on time" in table.stdout
    none = runner.invoke(app, ["history", "--db", str(tmp_path / "none.sqlite")])
    assert none.exit_code == 66 and "no history yet" in none.stderr


def test_outputs_and_history_unchanged_after_a_failed_run(project: Path) -> None:
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    out = project.parent / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in {".json", ".html"}}
    (project.parent / "exports" / "invoices.csv").write_text("Vendor,Amount\nx,1\n")
    result = run(project, "--as-of", "2026-04-01")
    assert result.exit_code == 65
    assert "invoice_id" in result.stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in {".json", ".html"}}
    assert after == before
    with History(out / "history.sqlite") as store:
        assert len(store.runs()) == 1


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            lambda t: t.replace('title = "Monthly audit"', 'titel = "Monthly audit"'),
            "titel: unknown key",
        ),
        (lambda t: t.replace("min = 0.75", 'min = "high"'), "thresholds[0].min"),
        (
            lambda t: t.replace('metric = "score"', 'metric = "speed"'),
            "thresholds[1]: metric 'speed' is not one of",
        ),
        (lambda t: t.replace('kind = "invoices"', 'kind = "bills"'), "sources[0].kind"),
        (
            lambda t: t + '\n[metrics]\nsla = "2d"\nsla_map = "s.toml"\n',
            "metrics: give sla or sla_map, not both",
        ),
        (lambda t: t + '\n[effort]\nspeed = "low"\n', "unknown pitfall(s): speed"),
        (lambda t: t.split("[[outputs]]")[0], "outputs: "),
        (
            lambda t: t + '\n[[sources]]\nkind = "invoices"\nfiles = ["x.csv"]\n',
            "invoices appears in two [[sources]]",
        ),
        (lambda t: t.replace("[[thresholds]]", "[[thresholds]", 1), "not valid TOML"),
        (
            lambda t: t.replace('path = "out/audit.html"', 'path = "out/{month}.html"'),
            "only {date} may appear",
        ),
    ],
)
def test_each_config_error_names_its_key_and_exits_78(project: Path, edit, fragment: str) -> None:
    project.write_text(edit(project.read_text()))
    result = run(project)
    assert result.exit_code == 78, result.stderr
    assert fragment in result.stderr
    assert result.stderr.startswith(f"boaudit: error: {project}")
    assert "Traceback" not in result.stderr


def test_missing_config_and_unmatched_glob_exit_66(project: Path) -> None:
    assert run(project.parent / "nope.toml").exit_code == 66
    project.write_text(project.read_text().replace("answers/*.csv", "interviews/*.csv"))
    result = run(project)
    assert result.exit_code == 66
    assert "answers[0]: 'interviews/*.csv' matches no file" in result.stderr


def test_two_runs_at_the_same_time(project: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "boaudit", "run", str(project), "--as-of", "2026-04-01"]
    procs = [
        subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    codes = [p.wait(120) for p in procs]
    assert codes == [0, 0], [p.stderr.read() for p in procs if p.stderr]
    out = project.parent / "out"
    assert json.loads((out / "audit-2026-04-01.json").read_text())["title"] == "Monthly audit"
    assert (out / "audit.html").read_text().rstrip().endswith("</html>")
    with History(out / "history.sqlite") as store:
        assert len(store.runs()) == 2
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_sample_configuration_is_valid(tmp_path: Path) -> None:
    from boaudit.audit.config import load_config, to_inputs

    sample = Path(__file__).resolve().parents[2] / "sample_data" / "boaudit.toml"
    config = load_config(sample)
    inputs = to_inputs(config, sample)
    assert {s.kind for s in inputs.sources} == {"invoices", "tasks"}
    assert len(inputs.answers) == 3
    assert [t.metric for t in config.thresholds] == [
        "score",
        "invoices.error_rate",
        "invoices.on_time_payment_rate",
    ]


def test_threshold_paths_for_pitfalls_and_money(project: Path) -> None:
    from boaudit.audit.thresholds import threshold_value

    report = {
        "assessment": None,
        "money": {"yearly": {"USD": {"amount": 1200.0}}},
        "findings": [{"pitfall": "data", "questionnaire_score": None, "severity": 0.8}],
        "metrics": {
            "invoices": {"metrics": {"cycle_time_days": {"median": 4.5}}, "null_reasons": {}}
        },
    }
    assert threshold_value(report, "money.yearly.USD") == (1200.0, "")
    assert threshold_value(report, "pitfall.data.severity")[0] == 0.8
    assert threshold_value(report, "pitfall.data.score") == (
        None,
        "pitfall 'data' has no score in this run",
    )
    assert (
        threshold_value(report, "pitfall.security.score")[1]
        == "no evidence about pitfall 'security' in this run"
    )
    assert threshold_value(report, "invoices.cycle_time_days.median") == (4.5, "")
    assert threshold_value(report, "tasks.error_rate") == (None, "no tasks data in this run")
    assert threshold_value(report, "score") == (None, "no interview answers in this run")


def test_config_with_sla_map_markdown_output_and_a_relative_questionnaire(project: Path) -> None:
    folder = project.parent
    (folder / "mini.toml").write_text(MINI.read_text())
    (folder / "sla.toml").write_text('"*" = "3d"\n')
    text = project.read_text().replace(f'questionnaire = "{MINI}"', 'questionnaire = "mini.toml"')
    text = text.replace('format = "html"', 'format = "markdown"').replace("audit.html", "audit.md")
    text = text.replace(
        "[[thresholds]]", '[metrics]\nsla_map = "sla.toml"\nhourly_rate = 40\n\n[[thresholds]]', 1
    )
    project.write_text(text)
    assert run(project, "--as-of", "2026-04-01").exit_code == 0
    invoices(folder / "exports" / "invoices.csv", late=0, errors=0)
    assert run(project, "--as-of", "2026-05-01").exit_code == 0
    markdown = (folder / "out" / "audit.md").read_text()
    assert "## Change since the last run" in markdown
    assert "| `invoices.error_rate` | 0.1 | 0 | -0.1 |" in markdown
    report = json.loads((folder / "out" / "audit-2026-05-01.json").read_text())
    # The SLA map was found beside the config; it targets priorities this export lacks.
    reasons = report["metrics"]["invoices"]["null_reasons"]
    assert reasons["sla_compliance"] == (
        "--sla-map gives targets per priority but the export has no priority column"
    )
