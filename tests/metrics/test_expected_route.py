"""The expected route of a case from a TOML file or ``boaudit.toml``: the same conformance as
``--expected "A > B > C"``, and one clear line for every bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from metrics_frames import HAND_EVENT_LOG as LOG
from typer.testing import CliRunner

from boaudit.audit.config import load_config, load_expected, to_inputs
from boaudit.cli import app
from boaudit.errors import ConfigError

runner = CliRunner()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def _conformance(*args: str) -> dict[str, object]:
    out = runner.invoke(app, ["metrics", "events", *args, "-f", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["process"]["conformance"]


def test_a_route_file_gives_the_same_conformance_as_the_option(log: Path, tmp_path: Path) -> None:
    route = tmp_path / "route.toml"
    route.write_text('# purchase to pay\nsteps = ["Receive", " Check ", "Pay"]\n', encoding="utf-8")
    assert load_expected(route) == ("Receive", "Check", "Pay")
    from_file = _conformance(str(log), "--expected", str(route))
    assert from_file == _conformance(str(log), "--expected", "Receive > Check > Pay")
    assert from_file["conforming"] == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('steps = ["Receive"]\n', "steps: List should have at least 2 items after validation"),
        ('steps = ["Receive", ""]\n', "steps: an empty step; name every activity, in order"),
        ('steps = ["Receive", "Pay"]\nroute = "p2p"\n', "route: unknown key"),
        ('route = ["Receive", "Pay"]\n', "steps: missing; add this key"),
        ("steps = [\n", "not valid TOML"),
    ],
)
def test_a_bad_route_file_is_a_config_error_naming_it(
    log: Path, tmp_path: Path, text: str, problem: str
) -> None:
    route = tmp_path / "route.toml"
    route.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_expected(route)
    assert problem in caught.value.message
    out = runner.invoke(app, ["metrics", "events", str(log), "--expected", str(route)])
    assert out.exit_code == 78
    assert out.stdout == ""
    # One line per problem, each naming the file (a key both missing and unknown is two).
    lines = out.stderr.strip().splitlines()
    assert len(lines) == (2 if text.startswith("route") else 1)
    assert all(str(route) in line for line in lines) and problem in lines[0]


def test_a_missing_route_file_is_missing_input(log: Path, tmp_path: Path) -> None:
    out = runner.invoke(app, ["metrics", "events", str(log), "--expected", "nope.toml"])
    assert out.exit_code == 66
    assert "nope.toml: no such configuration file" in out.stderr


def test_the_route_and_variants_in_boaudit_toml(tmp_path: Path) -> None:
    path = tmp_path / "boaudit.toml"
    output = '[[outputs]]\nformat = "json"\npath = "a.json"\n'
    path.write_text(
        '[[sources]]\nkind = "events"\nfiles = ["e.csv"]\n'
        '[metrics]\nvariants = 3\nexpected = "Receive > Check > Pay"\n' + output,
        encoding="utf-8",
    )
    options = to_inputs(load_config(path), path).metrics
    assert options.expected == ("Receive", "Check", "Pay") and options.variants == 3
    path.write_text(
        '[[sources]]\nkind = "events"\nfiles = ["e.csv"]\n'
        '[metrics]\nexpected = ["Receive", "Pay"]\n' + output,
        encoding="utf-8",
    )
    assert to_inputs(load_config(path), path).metrics.expected == ("Receive", "Pay")
    for bad, problem in [
        ('expected = "Receive > > Pay"', "metrics.expected: an empty step"),
        ("variants = 0", "metrics.variants: Input should be greater than or equal to 1"),
    ]:
        path.write_text(
            '[[sources]]\nkind = "events"\nfiles = ["e.csv"]\n[metrics]\n' + bad + "\n" + output,
            encoding="utf-8",
        )
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert problem in caught.value.message
