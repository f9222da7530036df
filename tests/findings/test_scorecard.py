"""The outsourcing partner scorecard (findings/scorecard.py): in-house and each partner side by
side, the contract's fee against the in-house full cost, and the SLA credits owed.

The sample figures are checked by hand against the tasks export (pandas, below, and written
out in the test); the edge rules run on hand-written metrics documents, one number at a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hand_results import results
from sample_report import SAMPLE, SAMPLE_REPORT
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.findings.impact import ImpactAssumptions
from boaudit.findings.scorecard import Contract, build_scorecard
from boaudit.metrics.facts import DataFacts

runner = CliRunner()
BASE = [*SAMPLE_REPORT, "--format", "json"]
CONTRACT = """
[contracts.partner]
provider = "Outsourcing partner"
kinds = ["tasks"]
fee_per_item = 9.50
currency = "USD"
sla_target = 0.95
credit_per_breach = 25
"""


def _report(tmp_path: Path, contracts: str | None = CONTRACT, *extra: str) -> dict[str, Any]:
    args = [*BASE, *extra]
    if contracts is not None:
        path = tmp_path / "contracts.toml"
        path.write_text(contracts, encoding="utf-8")
        args += ["--contracts", str(path)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout))


def _row(card: dict[str, Any], kind: str, provider: str) -> dict[str, Any]:
    block = next(k for k in card["kinds"] if k["kind"] == kind)
    return dict(next(p for p in block["providers"] if p["provider"] == provider))


def test_the_sample_tasks_by_hand(tmp_path: Path) -> None:
    # By hand from the export: the partner completed 897 tickets, 653 within the SLA (244
    # not); in-house 1,093, 961 within; handling minutes average 16.84495 in-house.
    frame = pd.read_csv(SAMPLE / "exports" / "tasks.csv")
    done = frame[frame["Resolved"].notna()]
    partner = done[done["Service Provider"] == "Outsourcing partner"]["Within SLA"]
    assert (len(partner), int((partner == "No").sum())) == (897, 244)
    in_house = frame[frame["Service Provider"] == "In-house"]["Handling Time (minutes)"]
    assert round(in_house.mean() * 45 / 60, 6) == 12.633712

    report = _report(tmp_path, CONTRACT, "--by", "provider")
    card = report["scorecard"]
    home = _row(card, "tasks", "In-house")
    assert home["in_house"] is True
    assert (home["items"], home["completed"]) == (1099, 1093)
    assert home["sla_compliance"] == 0.879231  # 961 / 1,093
    assert home["cost_per_item"] == 12.633712  # labour: 16.84495 minutes x 45 / 60
    assert home["full_cost_per_item"] == pytest.approx(12.633712 / 0.62, abs=1e-6)  # 20.376955
    assert home["full_cost_low"] == pytest.approx(12.633712 / 0.75, abs=1e-6)  # 16.844949
    assert home["full_cost_high"] == pytest.approx(12.633712 / 0.50, abs=1e-6)  # 25.267424
    assert "labour only" in home["cost_basis"] and "62%" in home["cost_basis"]

    partner_row = _row(card, "tasks", "Outsourcing partner")
    assert partner_row["in_house"] is False
    assert partner_row["sla_compliance"] == 0.727982  # 653 / 897
    assert partner_row["error_rate"] == 0.107658
    assert partner_row["rework_rate"] == 0.217536
    assert partner_row["cost_per_item"] == 9.5  # the contract's fee, not the handling time
    assert partner_row["measured_cost_per_item"] == 13.17303
    assert partner_row["contract"] == "partner"
    assert partner_row["cycle_time_days_median"] == 1.760417  # with --by provider

    tasks = next(k for k in card["kinds"] if k["kind"] == "tasks")
    # saving = 1 - 9.50 / 20.376955 = 53.4%; over the labour share's range 1 - 9.50 / 16.844949
    # (43.6%) to 1 - 9.50 / 25.267424 (62.4%)
    assert tasks["saving"]["Outsourcing partner"] == {
        "share": 0.533787,
        "low": 0.436033,
        "high": 0.624022,
    }
    verdict = tasks["verdicts"][0]
    assert "saving of 53% (44% to 62%" in verdict
    assert "practitioner claim of up to 30%" in verdict
    assert "error rate 10.8% against 4.8% in-house" in verdict

    # 244 breaches; a 95% target allows floor(5% x 897) = 44; 200 x 25 = 5,000 to recover
    (credit,) = card["credits"]
    assert (credit["kind"], credit["currency"], credit["amount"]) == ("recover", "USD", 5000.0)
    assert credit["confidence"] == "estimated"
    assert "244 of 897" in credit["basis"] and "allows 44: 200 breaches x 25.00" in credit["basis"]
    assert any("SLA flag measures what the contract measures" in a for a in credit["assumptions"])
    # ... priced on the partner-governance finding, and counted in the recover total
    finding = next(f for f in report["findings"] if f["pitfall"] == "partner-governance")
    assert [m["amount"] for m in finding["money"]] == [5000.0]
    # ... whose SLA fix aims at the contract's own target, not boaudit's threshold
    fix = next(x for x in finding["fixes"] if x["kpi"] == "tasks.sla_compliance")
    assert (fix["target"], fix["target_text"]) == (0.95, "at least 95.0%")
    assert fix["target_source"] == "the contract's SLA target ([contracts.partner] sla_target)"
    assert "practitioner claim" in card["claim"] and "seeds" not in json.dumps(card)


def test_without_a_contract_no_saving_is_claimed(tmp_path: Path) -> None:
    card = _report(tmp_path, None)["scorecard"]
    partner = _row(card, "invoices", "Outsourcing partner")
    assert partner["cost_per_item"] is None
    assert "is not what you pay it" in partner["cost_basis"]
    invoices = next(k for k in card["kinds"] if k["kind"] == "invoices")
    assert invoices["saving"] == {}
    assert invoices["verdicts"][0].startswith(
        "Was outsourcing worth it (Outsourcing partner, invoices)? Not measurable on cost"
    )
    # the evidence-only breakdown has no cycle time: the scorecard says how to get it
    assert partner["cycle_time_days_median"] is None
    assert any("add --by provider" in note for note in invoices["notes"])
    assert card["credits"] == []


def _tasks(partner: dict[str, Any], home: dict[str, Any] | None = None) -> dict[str, Any]:
    groups = {"Acme BPO": partner}
    if home is not None:
        groups["Internal team"] = home
    return {
        "tasks": {
            "metrics": {"count": 300},
            "basis": {"cost_per_transaction": "handling_minutes / 60 x hourly rate 40"},
            "groups": {"provider": groups},
        }
    }


HOME = {"count": 200, "completed": 200, "sla_compliance": 0.9, "cost_per_transaction": 6.2}
PARTNER = {"count": 100, "completed": 100, "sla_compliance": 0.8, "cost_per_transaction": 5.0}


def _card(documents: dict[str, Any], *contracts: Contract, span: float = 365.0 / 2) -> Any:
    return build_scorecard(
        results(documents),
        {"tasks": DataFacts(span_days=span)},
        contracts,
        ImpactAssumptions(),
        "USD",
    )


def test_monthly_fee_spread_over_the_items_and_credits_capped() -> None:
    # 6 months of data; 1,000 a month x 6 / 100 tickets = 60.00 a ticket. 20 breaches of 100,
    # a 90% target allows 10: 10 x 50 = 500, capped at 50 a month x 6 = 300.
    contract = Contract(
        "acme",
        "Acme BPO",
        fee_per_month=1000.0,
        sla_target=0.9,
        credit_per_breach=50.0,
        credit_cap=50.0,
    )
    card = _card(_tasks(PARTNER, HOME), contract)
    (kind,) = card.kinds
    partner = next(r for r in kind.rows if r.provider == "Acme BPO")
    assert partner.cost == pytest.approx(60.0)
    assert "1,000.00 a month x 6.0 months of data / 100 tickets handled = 60.00 a ticket" in (
        partner.cost_basis
    )
    (credit,) = card.credits
    assert credit.amount == pytest.approx(300.0)
    assert "capped at 50.00 a month x 6.0 months" in credit.basis
    # in-house full cost 6.20 / 0.62 = 10.00: the partner costs 500% more
    assert kind.saving["Acme BPO"][0] == pytest.approx(1 - 60.0 / 10.0)
    assert "500% more" in kind.verdicts[0]
    # the in-house team is found by its name ("Internal team") and listed first
    assert [r.in_house for r in kind.rows] == [True, False]


def test_within_the_allowance_no_credit_and_a_note() -> None:
    contract = Contract("acme", "acme bpo", sla_target=0.75, credit_per_breach=50.0)
    card = _card(_tasks(PARTNER, HOME), contract)
    assert card.credits == ()
    assert card.kinds[0].notes == (
        "contract 'acme': no SLA credits owed for tasks: 20 breaches of 100 are within the 25 "
        "the target of 75% allows",
    )


def test_breaches_not_countable_when_some_items_have_no_judgement() -> None:
    # 0.812345 x 97 completed is not a whole number of tickets within the SLA
    partner = {**PARTNER, "completed": 97, "sla_compliance": 0.812345}
    contract = Contract("acme", "Acme BPO", sla_target=0.95, credit_per_breach=50.0)
    card = _card(_tasks(partner, HOME), contract)
    assert card.credits == ()
    assert "the breaches cannot be counted" in card.kinds[0].notes[0]


def test_a_fee_in_another_currency_is_not_compared() -> None:
    contract = Contract("acme", "Acme BPO", fee_per_item=4.0, currency="EUR")
    card = _card(_tasks(PARTNER, HOME), contract)
    assert card.kinds[0].saving == {}
    assert "the contract's fee is in EUR, the in-house cost in USD" in card.kinds[0].verdicts[0]


def test_a_contract_that_matches_no_provider_says_so() -> None:
    contract = Contract("other", "Other Ltd", fee_per_item=4.0)
    card = _card(_tasks(PARTNER, HOME), contract)
    assert card.notes == (
        "contract 'other': no provider 'Other Ltd' in the data (providers: Acme BPO, Internal "
        'team); set provider = "..." in [contracts.other] to the value the exports use',
    )


def test_no_partner_no_scorecard() -> None:
    documents = {"tasks": {"groups": {"provider": {"In-house": HOME}}}}
    assert _card(documents) is None
    assert _card({"tasks": {"metrics": {"count": 3}}}) is None


def test_every_format_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "contracts.toml"
    path.write_text(CONTRACT, encoding="utf-8")
    for fmt in ("markdown", "table", "html"):
        args = [*BASE[:-1], fmt, "--contracts", str(path)]
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
        assert "Outsourcing partner scorecard" in done.stdout, fmt
        assert "SLA credits owed by Outsourcing partner" in done.stdout, fmt
    out = tmp_path / "r.xlsx"
    done = runner.invoke(app, [*BASE[:-1], "xlsx", "--contracts", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    from openpyxl import load_workbook

    sheet = load_workbook(out)["Partners"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["data", "provider", "in-house", "items"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, max_row=5, values_only=True)}
    assert rows[("tasks", "Outsourcing partner")][10] == 9.5
    assert sheet.cell(row=2, column=6).number_format == "0.0%"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[contracts.p]\nfee_per_item = 1\nfee_per_month = 2\n",
            "contracts.p: give fee_per_item or fee_per_month, not both",
        ),
        (
            "[contracts.p]\nsla_target = 0.9\n",
            "contracts.p: sla_target and credit_per_breach go together",
        ),
        ("[contracts.p]\nfee = 1\n", "contracts.p.fee: unknown key"),
        ('[contracts.p]\ncurrency = "usd"\n', "'usd' is not a three-letter code"),
        ("", "contracts: missing; add this key"),
    ],
)
def test_bad_contract_files_exit_78_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "contracts.toml"
    path.write_text(text, encoding="utf-8")
    done = runner.invoke(app, [*BASE, "--contracts", str(path)])
    assert done.exit_code == 78
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_missing_contract_file_exits_66(tmp_path: Path) -> None:
    done = runner.invoke(app, [*BASE, "--contracts", str(tmp_path / "none.toml")])
    assert done.exit_code == 66
    assert "none.toml" in done.stderr


def test_run_reads_contracts_from_the_configuration(tmp_path: Path) -> None:
    config = (SAMPLE / "boaudit.toml").read_text(encoding="utf-8")
    config = config.replace('history = "reports/history.sqlite"', 'history = "history.sqlite"')
    config = config.replace('"answers/', f'"{SAMPLE}/answers/').replace(
        '"exports/', f'"{SAMPLE}/exports/'
    )
    config = config.split("[[outputs]]")[0] + CONTRACT
    config += f'\n[[outputs]]\nformat = "json"\npath = "{tmp_path / "out.json"}"\n'
    path = tmp_path / "boaudit.toml"
    path.write_text(config, encoding="utf-8")
    done = runner.invoke(app, ["run", str(path)])
    assert done.exit_code in (0, 1), done.output  # 1: a threshold breached
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert report["scorecard"]["credits"][0]["amount"] == 5000.0
