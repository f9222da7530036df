"""An SLA target needs a unit: ``--sla 48`` was read as 48 days and passed every ticket."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()
TASKS = "Ticket ID,Created,Resolved,Priority\nT1,2024-01-01,2024-01-05,High\n"


def test_sla_without_a_unit_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(TASKS, encoding="utf-8")
    result = runner.invoke(app, ["metrics", "tasks", str(path), "--sla", "48"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "boaudit: error: --sla 48: duration '48' has no unit: write 48h for hours or 48d for "
        "days (or m, w)\n"
    )
    ok = runner.invoke(app, ["metrics", "tasks", str(path), "--sla", "48h", "--format", "json"])
    assert ok.exit_code == 0
    assert '"sla_compliance": 0.0' in ok.stdout


def test_an_sla_map_and_a_run_configuration_need_units_too(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(TASKS, encoding="utf-8")
    sla_map = tmp_path / "sla.toml"
    sla_map.write_text('High = 2\n"*" = "3d"\n', encoding="utf-8")
    result = runner.invoke(app, ["metrics", "tasks", str(path), "--sla-map", str(sla_map)])
    assert result.exit_code == 78
    assert result.stderr == (
        f"boaudit: error: {sla_map}: High: duration '2' has no unit: write 2h for hours or 2d "
        "for days (or m, w)\n"
    )
    config = tmp_path / "boaudit.toml"
    config.write_text(
        '[[sources]]\nkind = "tasks"\nfiles = ["tasks.csv"]\n\n[metrics]\nsla = "48"\n\n'
        '[[outputs]]\nformat = "json"\npath = "out.json"\n',
        encoding="utf-8",
    )
    run = runner.invoke(app, ["run", str(config)])
    assert run.exit_code == 78
    assert "metrics.sla" in run.stderr
    assert "has no unit" in run.stderr
