"""sample_data/generate.py: seeded and sized as documented, and its exports carry what the
sample organisation promises (duplicates, late payments, a slow clerk, an outsourcing partner),
measured the way a user would, through ``boaudit.ingest.load`` and the metrics."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from boaudit.findings import with_evidence
from boaudit.ingest import IngestOptions, load
from boaudit.metrics import MetricsOptions, metrics_from_load

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
SCRIPT = SAMPLE / "generate.py"

# People are named by their role and a number, never by a (made-up) personal name.
ROLE_NAME = re.compile(
    r"^(AP clerk|Partner AP agent|Vendor support agent|Partner helpdesk agent) [1-9]$"
)
RESPONDENT_ROLES = {"Finance manager", "AP team lead", "Outsourcing manager"}
_NAMES = """
    james mary john patricia robert jennifer michael linda william elizabeth david barbara
    richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa
    matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew
    donna joshua michelle kenneth carol kevin amanda brian melissa george deborah timothy
    stephanie ronald rebecca jason sharon edward laura jeffrey cynthia ryan kathleen jacob amy
    gary angela nicholas shirley eric anna jonathan brenda stephen pamela larry emma justin
    nicole scott helen brandon samantha benjamin katherine samuel christine gregory debra
    alexander rachel frank carolyn patrick janet raymond catherine jack maria dennis heather
    jerry diane tyler ruth aaron julie ann bob alice sam max anne peter hans maria sofia lucas
    """
COMMON_FIRST_NAMES = frozenset(_NAMES.split())


@cache
def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_generate_under_test", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _exports(out: Path, invoices: int, tasks: int, seed: int | None = None) -> list[Path]:
    generator = _generator()
    chosen = generator.EXPORT_SEED if seed is None else seed
    return list(generator.generate_exports(out, invoices, tasks, chosen, xlsx=False))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """800 invoices and 800 tickets with the default seed."""
    out = tmp_path_factory.mktemp("sample")
    _exports(out, 800, 800)
    return out / "exports"


def _metrics(path: Path, kind: str, by: tuple[str, ...]) -> dict[str, Any]:
    loaded = load([path], kind, IngestOptions())
    result: dict[str, Any] = with_evidence(
        metrics_from_load(loaded, MetricsOptions(by=by))
    ).to_dict()
    return result


@pytest.fixture(scope="module")
def invoice_metrics(small: Path) -> dict[str, Any]:
    return _metrics(small / "invoices.csv", "invoices", ("provider", "processed_by"))


@pytest.fixture(scope="module")
def task_metrics(small: Path) -> dict[str, Any]:
    return _metrics(small / "tasks.csv", "tasks", ("provider",))


# --- seed and size ----------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = _exports(tmp_path / "a", 500, 300, seed=7)
    second = _exports(tmp_path / "b", 500, 300, seed=7)
    assert [p.name for p in first] == ["invoices.csv", "tasks.csv"]
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    first = _exports(tmp_path / "a", 300, 300, seed=7)
    second = _exports(tmp_path / "b", 300, 300, seed=8)
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() != two.read_bytes()
        # same shape: only the values move
        assert one.read_text().splitlines()[0] == two.read_text().splitlines()[0]


def test_default_sizes_and_seed_reproduce_the_committed_exports(tmp_path: Path) -> None:
    written = _generator().generate_exports(tmp_path, xlsx=False)
    assert [p.name for p in written] == ["invoices.csv", "tasks.csv"]
    for path in written:
        assert path.read_bytes() == (SAMPLE / "exports" / path.name).read_bytes(), path.name
    assert len(_rows(tmp_path / "exports" / "invoices.csv")) == 3000
    assert len(_rows(tmp_path / "exports" / "tasks.csv")) == 2000


@pytest.mark.parametrize(("invoices", "tasks"), [(1, 1), (57, 3), (250, 0), (1234, 410)])
def test_a_size_gives_that_many_rows(tmp_path: Path, invoices: int, tasks: int) -> None:
    written = _exports(tmp_path, invoices, tasks)
    folder = tmp_path / "exports"
    assert len(_rows(folder / "invoices.csv")) == invoices
    loaded = load([folder / "invoices.csv"], "invoices", IngestOptions())
    assert loaded.account.to_dict()["accepted"] == invoices
    if tasks:
        assert len(_rows(folder / "tasks.csv")) == tasks
    else:  # a size of 0 skips the file
        assert not (folder / "tasks.csv").exists()
        assert [p.name for p in written] == ["invoices.csv"]


def test_ticket_ids_are_unique_and_invoice_numbers_repeat_only_as_duplicates(small: Path) -> None:
    tickets = [row["Ticket ID"] for row in _rows(small / "tasks.csv")]
    assert len(set(tickets)) == len(tickets) == 800
    numbers = [row["Invoice Number"] for row in _rows(small / "invoices.csv")]
    # 1% of the rows are re-entries of another invoice
    assert len(set(numbers)) >= 792
    assert all(re.fullmatch(r"(INV-9?|inv )1\d{5}", number) for number in numbers)


def test_command_line_writes_only_what_was_asked(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--out",
            str(tmp_path),
            "--invoices",
            "120",
            "--tasks",
            "0",
            "--csv-only",
            "--no-answers",
            "--seed",
            "11",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    invoices = tmp_path / "exports" / "invoices.csv"
    assert result.stdout.splitlines() == [f"wrote {invoices}"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["invoices.csv"]
    assert len(_rows(invoices)) == 120
    # the command line and the function agree for the same seed
    _exports(tmp_path / "again", 120, 0, seed=11)
    assert (tmp_path / "again" / "exports" / "invoices.csv").read_bytes() == invoices.read_bytes()


def test_xlsx_export_gives_the_metrics_of_the_csv(tmp_path: Path) -> None:
    _generator().generate_exports(tmp_path, 300, 0, 5, xlsx=True)
    folder = tmp_path / "exports"
    from_csv = _metrics(folder / "invoices.csv", "invoices", ())["metrics"]
    from_xlsx = _metrics(folder / "invoices.xlsx", "invoices", ())["metrics"]
    for name in ("count", "completed", "error_rate", "on_time_payment_rate", "dispute_rate"):
        assert from_xlsx[name] == from_csv[name], name
    assert from_xlsx["cycle_time_days"] == pytest.approx(from_csv["cycle_time_days"])
    exact_csv = from_csv["duplicate_suspects"]["exact"]
    assert from_xlsx["duplicate_suspects"]["exact"] == exact_csv


# --- the promised features, as the metrics show them ----------------------------------------


def test_invoices_hold_a_few_exact_and_near_duplicates(invoice_metrics: dict[str, Any]) -> None:
    metrics = invoice_metrics["metrics"]
    assert metrics["count"] == 800
    suspects = metrics["duplicate_suspects"]
    assert 2 <= suspects["exact"]["groups"] <= 8
    assert suspects["exact"]["invoices"] >= 2 * suspects["exact"]["groups"]
    assert suspects["exact"]["extra_amount"] > 0
    assert suspects["near"]["invoices"] >= 2
    # "a few": about 1% re-entered, not a data set of duplicates
    assert suspects["exact"]["share"] + suspects["near"]["share"] < 0.04
    assert {example["match"] for example in suspects["examples"]} == {"exact", "near"}
    evidence = {item["rule"] for item in invoice_metrics["evidence"]}
    assert {"exact-duplicates", "near-duplicates"} <= evidence


def test_some_invoices_are_paid_late_more_so_by_the_partner(
    invoice_metrics: dict[str, Any],
) -> None:
    metrics = invoice_metrics["metrics"]
    assert 0.70 <= metrics["on_time_payment_rate"] <= 0.95
    assert metrics["days_late"]["max"] >= 10
    providers = invoice_metrics["groups"]["provider"]
    in_house, partner = providers["In-house"], providers["Outsourcing partner"]
    gap = in_house["on_time_payment_rate"] - partner["on_time_payment_rate"]
    assert gap >= 0.05
    assert partner["days_late"]["mean"] > in_house["days_late"]["mean"]


def test_one_clerk_is_much_slower_than_the_others(invoice_metrics: dict[str, Any]) -> None:
    consistency = invoice_metrics["metrics"]["consistency"]
    assert consistency["assignees"] == 8
    assert consistency["slowest"] == "AP clerk 4"
    assert consistency["spread"] >= 2.5
    medians = {
        name: group["cycle_time_days"]["median"]
        for name, group in invoice_metrics["groups"]["processed_by"].items()
    }
    slow = medians.pop("AP clerk 4")
    assert len(medians) == 7
    assert all(slow >= 1.5 * median for median in medians.values()), (slow, medians)
    in_house = [medians[f"AP clerk {n}"] for n in (1, 2, 3)]
    assert slow >= 2.5 * max(in_house)
    evidence = {item["rule"] for item in invoice_metrics["evidence"]}
    assert "assignee-cycle-time-spread" in evidence


def test_work_is_split_between_in_house_and_an_outsourcing_partner(
    small: Path, invoice_metrics: dict[str, Any], task_metrics: dict[str, Any]
) -> None:
    for result in (invoice_metrics, task_metrics):
        providers = result["groups"]["provider"]
        assert set(providers) == {"In-house", "Outsourcing partner"}
        assert all(group["count"] >= 200 for group in providers.values())
        partner, in_house = providers["Outsourcing partner"], providers["In-house"]
        assert partner["error_rate"] > in_house["error_rate"]
    invoices = _rows(small / "invoices.csv")
    teams = {(row["Team"], row["Provider"]) for row in invoices}
    assert teams == {
        ("Accounts Payable", "In-house"),
        ("Partner AP desk", "Outsourcing partner"),
    }
    # the partner takes most of the invoice volume
    partner_share = sum(row["Provider"] != "In-house" for row in invoices) / len(invoices)
    assert 0.5 < partner_share < 0.7


def test_tickets_show_reopens_and_partner_sla_breaches(task_metrics: dict[str, Any]) -> None:
    metrics = task_metrics["metrics"]
    assert metrics["count"] == 800
    assert 0.05 <= metrics["rework_rate"] <= 0.4
    providers = task_metrics["groups"]["provider"]
    in_house, partner = providers["In-house"], providers["Outsourcing partner"]
    assert in_house["sla_compliance"] - partner["sla_compliance"] >= 0.1
    assert partner["rework_rate"] > in_house["rework_rate"]
    evidence = {(item["rule"], item["pitfall"]) for item in task_metrics["evidence"]}
    assert ("provider-sla-breaches", "partner-governance") in evidence


# --- people are named by role only ----------------------------------------------------------


def _tokens(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.casefold()))


def test_clerks_and_agents_are_named_by_role(small: Path) -> None:
    people = {row["Processed By"] for row in _rows(small / "invoices.csv")}
    people |= {row["Assigned To"] for row in _rows(small / "tasks.csv")}
    assert len(people) == 14
    for person in people:
        assert ROLE_NAME.match(person), person
        assert not _tokens(person) & COMMON_FIRST_NAMES, person


def test_respondents_are_named_by_role(tmp_path: Path) -> None:
    written = _generator().generate_answers(tmp_path)
    assert sorted(p.name for p in written) == [
        "ap-team-lead.csv",
        "finance-manager.csv",
        "outsourcing-manager.xlsx",
    ]
    seen: set[str] = set()
    for path in written:
        if path.suffix != ".csv":
            continue
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
        seen |= {row["respondent"] for row in rows} | {row["role"] for row in rows}
    seen |= {respondent for respondent, *_ in _generator().RESPONDENTS}
    assert seen == RESPONDENT_ROLES
    for name in seen:
        assert not _tokens(name) & COMMON_FIRST_NAMES, name


def test_the_name_check_would_catch_a_personal_name() -> None:
    assert _tokens("Anna (AP clerk)") & COMMON_FIRST_NAMES
    assert not ROLE_NAME.match("Maria Lopez")
    assert not _tokens("Partner helpdesk agent 3") & COMMON_FIRST_NAMES
