"""``boaudit plan``: the interview plan worked out from the sample organisation's exports before
the interviews, per role: the questions the data already answers, the probes with the numbers
behind them (checked against ``boaudit metrics`` on the same exports), what to ask in full."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sample_report import SAMPLE
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.findings.interview_plan import bundled_roles
from boaudit.questionnaire import load_questionnaire
from boaudit.taxonomy import load_taxonomy

runner = CliRunner()

EXPORTS = [
    *("--invoices", str(SAMPLE / "exports" / "invoices.csv")),
    *("--tasks", str(SAMPLE / "exports" / "tasks.csv")),
    *("--hourly-rate", "45"),
]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("plan")
    done = runner.invoke(app, ["plan", *EXPORTS, "--format", "json"])
    assert done.exit_code == 0, done.output
    markdown = folder / "plan.md"
    wrote = runner.invoke(app, ["plan", *EXPORTS, "--questionnaire", "full", "-o", str(markdown)])
    assert wrote.exit_code == 0, wrote.output
    metrics = {}
    for kind in ("invoices", "tasks"):
        measured = runner.invoke(
            app,
            [
                *("metrics", kind, str(SAMPLE / "exports" / f"{kind}.csv")),
                *("--hourly-rate", "45", "--by", "provider", "--format", "json"),
            ],
        )
        assert measured.exit_code == 0, measured.output
        metrics[kind] = json.loads(measured.stdout)
    return {
        "json": json.loads(done.stdout),
        "markdown": markdown.read_text("utf-8"),
        "stderr": wrote.stderr,
        "metrics": metrics,
    }


def _role(planned: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in planned["json"]["roles"] if r["role"] == name)


def _ids(items: list[dict[str, Any]]) -> list[tuple[str, float | None]]:
    return [(q["question"], q["data_score"]) for q in items]


def test_every_pitfall_has_a_role_and_every_question_of_full_a_place() -> None:
    covered = {p for role in bundled_roles() for p in role.pitfalls}
    assert covered == set(load_taxonomy().ids)


def test_plan_sorts_each_roles_questions_by_what_the_data_says(planned: dict[str, Any]) -> None:
    plan = planned["json"]
    assert plan["questionnaires"] == [{"id": "full", "title": "Full back-office review"}]
    assert plan["uncovered"] == []
    counts = [
        (r["role"], len(r["probes"]), len(r["answered"]), len(r["ask"])) for r in plan["roles"]
    ]
    assert counts == [
        ("Finance manager", 4, 2, 20),
        ("Back-office team lead", 6, 2, 24),
        ("Outsourcing manager", 4, 0, 22),
        ("IT and security lead", 10, 1, 1),
    ]
    # Every question of a role's pitfalls is in exactly one list.
    full = load_questionnaire("full")
    for role in bundled_roles():
        listed = _role(planned, role.name)
        ids = [q["question"] for part in ("probes", "answered", "ask") for q in listed[part]]
        assert sorted(ids) == sorted(q.id for q in full.questions if q.pitfall in role.pitfalls)
    # Answered by the data: a data score of 75 or more, asked briefly or skipped.
    lead = _role(planned, "Back-office team lead")
    assert _ids(lead["answered"]) == [("full.data.3", 100.0), ("full.resources.1", 100.0)]
    # Probes: linked questions below 50 first (worst first), then questions on a flagged pitfall.
    security = _role(planned, "IT and security lead")
    assert _ids(security["probes"])[:3] == [
        ("full.security.1", 0.0),
        ("full.technology.1", 41.3),
        ("full.data.1", None),
    ]
    assert security["probes"][2]["facts"][0].startswith(
        "34 invoices (1.1%) share vendor, amount and invoice number"
    )
    # A middling score (50) is asked in full, with the data beside it.
    assert _ids(security["ask"]) == [("full.data.2", 50.0)]
    partner = _role(planned, "Outsourcing manager")
    assert _ids(partner["probes"]) == [
        ("full.partner-governance.4", 0.0),
        ("full.partner-governance.2", 3.7),
        ("full.partner-governance.1", None),
        ("full.partner-governance.3", None),
    ]


def test_the_numbers_to_bring_are_the_exports_own(planned: dict[str, Any]) -> None:
    invoices, tasks = planned["metrics"]["invoices"], planned["metrics"]["tasks"]
    partner = _role(planned, "Outsourcing manager")["numbers"]
    by_provider = tasks["groups"]["provider"]
    assert round(by_provider["Outsourcing partner"]["sla_compliance"], 3) == 0.728
    assert round(tasks["metrics"]["sla_compliance"], 3) == 0.811
    assert partner[0] == (
        'The SLA is met on only 72.8% of completed items for provider "Outsourcing partner" '
        "(all providers: 81.1%)."
    )
    errors = invoices["groups"]["provider"]
    assert round(errors["Outsourcing partner"]["error_rate"], 3) == 0.162
    assert round(errors["In-house"]["error_rate"], 3) == 0.057
    assert partner[2].startswith("The partner's error rate minus in-house (invoices) 10.5 points")
    assert partner[2].endswith("Outsourcing partner 16.2% against in-house 5.7%)")
    weekend = invoices["tests"]["weekend-posting"]
    assert (weekend["flagged"], round(weekend["share"], 3)) == (1406, 0.469)
    security = _role(planned, "IT and security lead")["numbers"]
    # The weekend-posting flag and the check reading the same test count once, in the
    # flag's words.
    assert security[0].startswith("1,406 invoices (46.9%) were dated or received on a weekend")
    assert not any(n.startswith("The weekend posting test flags") for n in security)
    assert security[2] == (
        "The weekend payment test flags 27.3% (healthy at 2.0%, a problem at 10.0%)"
    )
    assert round(invoices["tests"]["weekend-payment"]["share"], 3) == 0.273
    assert len(_role(planned, "Finance manager")["numbers"]) == 1


def test_the_markdown_plan_names_the_exports_and_says_each_flag_once(
    planned: dict[str, Any],
) -> None:
    text = planned["markdown"]
    assert text.startswith("# Interview plan\n")
    assert "- invoices: 3,000 invoices from" in text
    assert "- tasks: 2,000 items from" in text
    assert "| IT and security lead | 10 | 1 | 1 |" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Finance manager",
        "## Back-office team lead",
        "## Outsourcing manager",
        "## IT and security lead",
    ]
    finance = text.split("## Finance manager")[1].split("## Back-office team lead")[0]
    assert finance.count("Cost per invoice: 8.28 is between the APQC median") == 2
    assert "the flags on `technology` as for `full.technology.2` above" in finance
    assert "wrote" in planned["stderr"] and "24 probe(s)" in planned["stderr"]


def test_roles_can_be_chosen_or_replaced_and_mistakes_are_clear(tmp_path: Path) -> None:
    one = runner.invoke(
        app, ["plan", *EXPORTS, "--role", "it and security lead", "--format", "json"]
    )
    assert one.exit_code == 0, one.output
    plan = json.loads(one.stdout)
    assert [r["role"] for r in plan["roles"]] == ["IT and security lead"]
    assert "partner-governance" in plan["uncovered"]
    unknown = runner.invoke(app, ["plan", *EXPORTS, "--role", "boss"])
    assert unknown.exit_code == 2
    assert "--role boss: no such role; use one of Finance manager" in unknown.stderr
    roles = tmp_path / "roles.toml"
    roles.write_text('[[roles]]\nname = "Controller"\npitfalls = ["security", "data"]\n', "utf-8")
    own = runner.invoke(app, ["plan", *EXPORTS, "--roles", str(roles), "--format", "json"])
    assert own.exit_code == 0, own.output
    mine = json.loads(own.stdout)["roles"]
    assert [(r["role"], len(r["probes"]), len(r["answered"]), len(r["ask"])) for r in mine] == [
        ("Controller", 6, 1, 1)
    ]
    roles.write_text('[[roles]]\nname = "Controller"\npitfalls = ["secrecy"]\n', "utf-8")
    bad = runner.invoke(app, ["plan", *EXPORTS, "--roles", str(roles)])
    assert bad.exit_code == 78
    assert "roles.toml: roles[0].pitfalls: unknown pitfall(s) secrecy" in bad.stderr
    assert "Traceback" not in bad.stderr
    nothing = runner.invoke(app, ["plan"])
    assert nothing.exit_code == 2
    assert "nothing to plan from" in nothing.stderr
