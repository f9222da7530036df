"""The invoice audit tests on a small hand-made export: every flag (and every non-flag) written
here, worked out by hand from the rows below."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.errors import UsageError
from boaudit.metrics.audit_tests import (
    TESTS,
    parse_test_option,
    resolve_params,
    status_class,
    vendor_name_key,
)

runner = CliRunner()

HEADER = "Invoice Number,Vendor,Invoice Date,Paid,Due Date,Amount,Currency,Status\n"
ROWS = [
    "A-100,Acme Ltd,2026-03-02,2026-03-10,2026-03-31,1200.00,USD,Paid",  # row 2
    "a 0100,ACME LTD,2026-03-03,2026-03-30,2026-04-01,1200.00,USD,Paid",  # 3: A-100 again
    "B-7,Acme Ltd,2026-03-05,,,1200.00,USD,Cancelled",  # 4: a cancelled twin
    "C-1,Bolt GmbH,2026-03-07,2026-03-09,2026-03-09,500.00,EUR,Paid",  # 5: a Saturday
    "D-9,Bolt GmbH,2026-03-11,,,730.00,EUR,Open",  # 6: reversed by CN-9
    "D-9,Bolt GmbH,2026-03-12,,,730.00,EUR,Open",  # 7: re-sent
    "CN-9,Bolt GmbH,2026-03-13,,,-730.00,EUR,Credit note",  # 8
    "E-5,Acme Limited,2026-03-04,,,80.00,USD,Open",  # 9: the vendor master twice
    "F-1,Crane Co,2026-03-02,,,250.00,USD,Open",  # 10
    "F-1,Drill Inc,2026-03-03,,,250.00,USD,Open",  # 11: same number, other vendor
    "G-1,Crane Co,2026-03-02,,,300.00,USD,Open",  # 12
    "G-1,Crane Co,2026-03-20,,,320.00,USD,Open",  # 13: same number, other amount
    "IV12398,Drill Inc,2026-03-02,,,410.00,USD,Open",  # 14
    "IV12398a,Drill Inc,2026-05-04,,,410.00,USD,Open",  # 15: a suffix, 63 days later
    "H-1,Eagle Plc,2026-03-02,,,999.99,USD,Open",  # 16
    "Q-77,Eagle Plc,2026-03-12,,,999.99,USD,Open",  # 17: 10 days later, another number
    "J-1,Eagle Plc,2026-12-01,,,45.50,USD,Open",  # 18: after the as-of date
    "K-1,Eagle Plc,2026-03-20,2026-03-15,,61.25,USD,Paid",  # 19: paid before its date, a Sunday
]


def _run(tmp_path: Path, *extra: str, rows: list[str] = ROWS) -> dict[str, Any]:
    path = tmp_path / "invoices.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["metrics", "invoices", str(path), "--format", "json", "--as-of", "2026-06-30", *extra],
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _flagged(document: dict[str, Any], test: str) -> list[str]:
    return sorted(e["invoice_id"] for e in document["tests"][test]["examples"])


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run(tmp_path_factory.mktemp("tests"))


def test_population_leaves_out_cancelled_credit_notes_and_what_they_reverse(
    document: dict[str, Any],
) -> None:
    population = document["test_population"]
    assert population["invoices"] == 18
    assert population["excluded"] == {"cancelled": 1, "credit": 1, "reversed": 1}
    assert population["reversal_pairs"] == 1
    assert population["tested"] == 15


def test_duplicates_compare_live_invoices_only(document: dict[str, Any]) -> None:
    tests = document["tests"]
    # A-100 and "a 0100" normalise to A100; the cancelled twin B-7 and the D-9 pair (one
    # reversed by CN-9) are not flagged
    assert _flagged(document, "duplicate-exact") == ["A-100", "a 0100"]
    assert tests["duplicate-exact"]["groups"] == 1
    assert tests["duplicate-exact"]["amount"] == {"USD": 2400.0}
    # H-1 and Q-77: 10 days apart (window 14); IV12398 pair: 63 days apart
    assert _flagged(document, "duplicate-near") == ["H-1", "Q-77"]
    # IV12398 / IV12398a: equal but for a suffix; H1 / Q77 are 3 edits apart
    assert _flagged(document, "duplicate-fuzzy-number") == ["IV12398", "IV12398a"]
    assert _flagged(document, "same-number-other-vendor") == ["F-1", "F-1"]
    assert _flagged(document, "same-number-other-amount") == ["G-1", "G-1"]


def test_vendor_names_compared_without_legal_forms(document: dict[str, Any]) -> None:
    assert vendor_name_key("ACME, Ltd.") == vendor_name_key("Acme Limited") == "acme"
    assert vendor_name_key("Ltd") == "ltd"  # a name that is only a legal form stays
    result = document["tests"]["vendor-near-duplicate"]
    assert result["tested"] == 18 and result["vendors_tested"] == 6
    assert _flagged(document, "vendor-near-duplicate") == ["A-100", "B-7", "E-5", "a 0100"]
    assert "Acme Limited / Acme Ltd" in result["examples"][0]["detail"]


def test_payment_and_date_tests(document: dict[str, Any]) -> None:
    tests = document["tests"]
    early = tests["early-payment"]
    # A-100 paid 21 days before due (A0100 2 days, C-1 on the day); K-1 has no due date
    assert early["tested"] == 3
    assert _flagged(document, "early-payment") == ["A-100"]
    assert early["float_cost"] == {"USD": 3.45}  # 1200 x 0.05 x 21 / 365 = 3.452
    assert early["examples"][0]["at_stake"] == 3.45
    assert _flagged(document, "weekend-posting") == ["C-1"]  # 2026-03-07, a Saturday
    assert _flagged(document, "weekend-payment") == ["K-1"]  # paid 2026-03-15, a Sunday
    assert tests["weekend-payment"]["tested"] == 4
    assert _flagged(document, "future-dated") == ["J-1", "K-1"]
    details = {e["invoice_id"]: e["detail"] for e in tests["future-dated"]["examples"]}
    assert details == {
        "J-1": "invoice dated after the as-of date",
        "K-1": "invoice dated after its payment",
    }
    # 1200 twice and 500; the cancelled 1200 and the reversed D-9 are out, 730 is not round
    assert _flagged(document, "round-amount") == ["A-100", "C-1", "a 0100"]


def test_tests_that_need_what_the_data_lacks_say_why(document: dict[str, Any]) -> None:
    tests = document["tests"]
    for test in ("split-below-limit", "above-limit"):
        assert tests[test]["status"] == "skipped"
        assert f"--test {test}.limit=AMOUNT" in tests[test]["reason"]
    assert tests["benford-first-digit"]["status"] == "skipped"
    # the 15 tested invoices are all of at least 10
    assert "15 amounts of at least 10" in tests["benford-first-digit"]["reason"]
    assert tests["amount-outlier"]["flagged"] == 0  # no vendor has 10 invoices
    assert tests["one-time-vendor"]["flagged"] == 0  # E-5 is below 1,000


def test_parameters_from_the_command_line(tmp_path: Path) -> None:
    document = _run(
        tmp_path,
        "--test",
        "split-below-limit.limit=1000",
        "--test",
        "split-below-limit.window_days=10",
        "--test",
        "above-limit.limit=1000",
        "--test",
        "one-time-vendor.min_amount=50",
        "--test",
        "duplicate-near.window_days=5",
    )
    tests = document["tests"]
    # H-1 and Q-77: each 999.99 (between 900 and 1,000), 10 days apart, 1,999.98 together
    assert _flagged(document, "split-below-limit") == ["H-1", "Q-77"]
    assert tests["split-below-limit"]["params"] == {
        "limit": 1000.0,
        "window_days": 10.0,
        "proximity": 0.9,
    }
    assert _flagged(document, "above-limit") == ["A-100", "a 0100"]
    assert _flagged(document, "one-time-vendor") == ["E-5"]
    assert _flagged(document, "duplicate-near") == []


def test_bad_parameters_are_refused_before_reading(tmp_path: Path) -> None:
    for option, message in (
        ("nosuch.limit=1", "no test 'nosuch'"),
        ("above-limit.cap=1", "above-limit has no parameter 'cap' (its parameters: limit, limits)"),
        ("above-limit.limit=lots", "expected a number"),
        ("above-limit", "expected ID.PARAM=VALUE"),
    ):
        result = runner.invoke(app, ["metrics", "invoices", "missing.csv", "--test", option])
        assert result.exit_code == 2, option
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_exceptions_files(tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    out = tmp_path / "exceptions.csv"
    result = runner.invoke(
        app, ["metrics", "invoices", str(path), "--exceptions", str(out), "--as-of", "2026-06-30"]
    )
    assert result.exit_code == 0, result.output
    assert "exception(s) of 17 tests" in result.stderr
    lines = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    # every flag of the module's document: 2 + 2 + 2 + 2 + 2 + 4 + 1 + 1 + 1 + 2 + 3
    assert len(lines) == 22
    scores = [float(line["score"]) for line in lines]
    assert scores == sorted(scores, reverse=True)
    top = lines[0]  # exact duplicate, 0.95 x 1,200
    assert (top["test"], top["score"], top["currency"]) == ("duplicate-exact", "1140.0", "USD")
    assert top["group"] in {"a 0100 (row 3)", "A-100 (row 2)"}
    assert {line["source"] for line in lines} == {str(path)}
    xlsx = tmp_path / "exceptions.xlsx"
    result = runner.invoke(
        app, ["metrics", "invoices", str(path), "--exceptions", str(xlsx), "--as-of", "2026-06-30"]
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(xlsx, read_only=True)
    assert workbook.sheetnames[0] == "Audit tests"
    assert "duplicate-exact" in workbook.sheetnames
    assert "split-below-limit" not in workbook.sheetnames  # skipped: no sheet
    summary = list(workbook["Audit tests"].iter_rows(values_only=True))
    assert len(summary) == 1 + len(TESTS)


def test_exceptions_need_invoices_and_a_known_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["metrics", "tasks", "x.csv", "--exceptions", "e.csv"])
    assert result.exit_code == 2 and "only invoices have audit tests" in result.stderr
    result = runner.invoke(app, ["metrics", "invoices", "x.csv", "--exceptions", "e.json"])
    assert result.exit_code == 2 and "give a .csv or .xlsx file name" in result.stderr


def test_status_words_in_several_languages() -> None:
    assert status_class("Storniert") == "cancelled"
    assert status_class("annulée") == "cancelled"
    assert status_class("VOID") == "cancelled"
    assert status_class("Gutschrift") == "credit"
    assert status_class("Nota de crédito") == "credit"
    assert status_class("Paid") is None
    assert status_class("Avoirdupois") is None  # whole words only
    assert status_class(None) is None


def test_parameter_parsing() -> None:
    assert parse_test_option("duplicate-near.window_days=10") == (
        "duplicate-near",
        "window_days",
        "10",
    )
    params = resolve_params({"weekend-posting": {"weekdays": "Fri, Sat", "country": "GB"}})
    assert params["weekend-posting"] == {"weekdays": ["Fri", "Sat"], "country": "GB"}
    assert params["duplicate-near"] == {"window_days": 14.0}
    with pytest.raises(UsageError, match="whole number"):
        resolve_params({"duplicate-fuzzy-number": {"max_distance": 1.5}})


def test_public_holidays_close_days(tmp_path: Path) -> None:
    rows = [
        "A-1,Acme,2026-12-25,,,100.00,GBP,Open",  # Christmas Day, a Friday
        "A-2,Acme,2026-12-24,,,110.00,GBP,Open",  # a Thursday
    ]
    plain = _run(tmp_path, rows=rows)
    assert _flagged(plain, "weekend-posting") == []
    with_holidays = _run(tmp_path, "--test", "weekend-posting.country=GB", rows=rows)
    assert _flagged(with_holidays, "weekend-posting") == ["A-1"]


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(len(ROWS))))
def test_row_order_changes_no_result(order: list[int]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        shuffled = _run(Path(folder), rows=[ROWS[i] for i in order])
    for test in TESTS:
        result = shuffled["tests"][test.id]
        assert _flagged(shuffled, test.id) == EXPECTED_FLAGS[test.id], test.id
        assert result["flagged"] == len(EXPECTED_FLAGS[test.id])


EXPECTED_FLAGS = {
    "duplicate-exact": ["A-100", "a 0100"],
    "duplicate-near": ["H-1", "Q-77"],
    "duplicate-fuzzy-number": ["IV12398", "IV12398a"],
    "same-number-other-vendor": ["F-1", "F-1"],
    "same-number-other-amount": ["G-1", "G-1"],
    "vendor-near-duplicate": ["A-100", "B-7", "E-5", "a 0100"],
    "early-payment": ["A-100"],
    "weekend-posting": ["C-1"],
    "weekend-payment": ["K-1"],
    "future-dated": ["J-1", "K-1"],
    "round-amount": ["A-100", "C-1", "a 0100"],
    "split-below-limit": [],
    "above-limit": [],
    "amount-outlier": [],
    "benford-first-digit": [],
    "benford-first-two": [],
    "one-time-vendor": [],
}


def test_lines_of_one_invoice_are_one_invoice(tmp_path: Path) -> None:
    rows = [
        "T100,Acme Ltd,2026-03-02,,,120.00,GBP,Open",  # three lines of T100
        "T100,Acme Ltd,2026-03-02,,,80.50,GBP,Open",
        "T100,Acme Ltd,2026-03-02,,,19.50,GBP,Open",
        "T7,Bolt Co,2026-03-03,,,55.00,GBP,Open",  # the same row twice: a duplicate
        "T7,Bolt Co,2026-03-03,,,55.00,GBP,Open",
        "T9,Crane,2026-03-04,,,10.00,GBP,Open",
        "T9,Crane,2026-03-04,,,-10.00,GBP,Credit note",  # a credit line is never a line
    ]
    document = _run(tmp_path, rows=rows)
    assert document["rows"] == {"read": 7, "accepted": 5, "quarantined": 0, "skipped": 2}
    assert document["metrics"]["count"] == 5
    [note] = [n for n in document["notes"] if "lines in" in n]
    assert "3 lines in 1 invoices" in note and "the sum of the lines" in note
    # the lines of T100 are not duplicates of each other; the repeated T7 row is
    assert _flagged(document, "duplicate-exact") == ["T7", "T7"]
    assert _flagged(document, "same-number-other-amount") == []
    # T100 is one invoice of 220.00 (a round amount below 500: not flagged either)
    assert document["tests"]["duplicate-exact"]["amount"] == {"GBP": 110.0}
    # T9 and its credit note: the credit reverses T9, neither is tested
    assert document["test_population"]["excluded"] == {"cancelled": 0, "credit": 1, "reversed": 1}


def _benford_rows(extra: list[float]) -> list[str]:
    # 1,000 amounts evenly spread on a log scale over four orders of magnitude (10 to 100,000)
    amounts = [10 * 10 ** (i / 250) for i in range(1000)] + extra
    return [f"N{i},V{i % 97},2026-03-02,,,{a:.2f},USD,Open" for i, a in enumerate(amounts)]


def test_benford_on_a_conforming_and_a_doctored_population(tmp_path: Path) -> None:
    plain = _run(tmp_path, "--no-tests", rows=_benford_rows([]))
    assert "tests" not in plain  # --no-tests: no test pack
    plain = _run(tmp_path, rows=_benford_rows([]))
    first = plain["tests"]["benford-first-digit"]
    assert first["status"] == "ran" and first["tested"] == 1000
    assert first["conformity"] == "close" and first["flagged"] == 0
    # 300 more invoices of 4,900 to 4,990: the first two digits 49 stand out
    doctored = _run(tmp_path, rows=_benford_rows([4900 + 0.3 * i for i in range(300)]))
    two = doctored["tests"]["benford-first-two"]
    assert two["conformity"] == "nonconformity"
    top = two["digits"][0]
    natural = sum(1 for i in range(1000) if f"{10 * 10 ** (i / 250):.2f}"[:2] == "49")
    assert top["digits"] == 49 and top["observed"] == natural + 300
    assert two["flagged"] == natural + 300  # every invoice with the leading digits 49


def test_recurring_charges_are_not_paired_one_by_one(tmp_path: Path) -> None:
    # 250 invoices of one vendor and amount on one day: 31,125 pairs, beyond the pairing cap
    rows = [f"R-{i},Rent Co,2026-03-02,,,950.00,USD,Open" for i in range(250)]
    rows += ["S-1,Other,2026-03-02,,,10.00,USD,Open", "S-2,Other,2026-03-03,,,10.00,USD,Open"]
    document = _run(tmp_path, "--test", "split-below-limit.limit=1000", rows=rows)
    near = document["tests"]["duplicate-near"]
    assert near["groups_not_paired"] == 1
    assert _flagged(document, "duplicate-near") == ["S-1", "S-2"]
    assert document["tests"]["split-below-limit"]["groups_not_paired"] == 1
    assert document["tests"]["split-below-limit"]["flagged"] == 0


APPROVER_HEADER = "Invoice Number,Vendor,Invoice Date,Amount,Currency,Status,Approved By\n"
APPROVER_ROWS = [
    "P-1,Acme Ltd,2026-03-02,6000.00,GBP,Open,J. Smith",  # above J. Smith's 5,000
    "P-2,Bolt Co,2026-03-03,4000.00,GBP,Open,J. Smith",  # below both limits
    "P-3,Crane Co,2026-03-04,9000.00,GBP,Open,A. Jones",  # below the general 10,000
    "P-4,Drill Co,2026-03-05,12000.00,EUR,Open,A. Jones",  # above the general limit
    "P-5,Eagle Co,2026-03-06,11000.00,GBP,Open,",  # no approver: the general limit
    "P-6,Fox Co,2026-03-07,50000.00,GBP,Cancelled,J. Smith",  # cancelled: never flagged
    "P-7,Gull Co,2026-03-08,7000.00,EUR,Open,j. smith",  # J. Smith, spelled in lower case
    "P-8,Hawk Co,2026-03-09,8000.00,GBP,Open,B. Lee",  # above B. Lee's 7,500, below 10,000
    "P-9,Ibis Co,2026-03-10,9500.00,GBP,Open,C. Wu",  # below C. Wu's 20,000 and the general
]


def _approvers(tmp_path: Path, *extra: str, header: str = APPROVER_HEADER) -> dict[str, Any]:
    path = tmp_path / "approved.csv"
    path.write_text(header + "\n".join(APPROVER_ROWS) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["metrics", "invoices", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def test_above_limit_per_approver(tmp_path: Path) -> None:
    document = _approvers(
        tmp_path,
        "--test",
        "above-limit.limit=10000",
        "--test",
        "above-limit.limits.J. Smith=5000",
        "--test",
        "above-limit.limits.B. Lee=7500",
        "--test",
        "above-limit.limits.C. Wu=20000",
    )
    test = document["tests"]["above-limit"]
    # not flagged: P-2 and P-3 (below their limits), P-9 (above nobody's), P-6 (cancelled)
    assert sorted(e["invoice_id"] for e in test["examples"]) == ["P-1", "P-4", "P-5", "P-7", "P-8"]
    details = {e["invoice_id"]: e["detail"] for e in test["examples"]}
    assert details == {
        "P-1": "approved by J. Smith, above the approver's limit of 5,000.00",
        "P-4": "approved by A. Jones, above the general limit of 10,000.00",
        "P-5": "above the limit of 10,000.00 (no approver)",
        "P-7": "approved by j. smith, above the approver's limit of 5,000.00",
        "P-8": "approved by B. Lee, above the approver's limit of 7,500.00",
    }
    assert test["tested"] == 8
    assert test["amount"] == {"EUR": 19000.0, "GBP": 25000.0}
    assert test["by_approver"] == {
        "(none)": {"flagged": 1, "limit": 10000.0, "amount": {"GBP": 11000.0}},
        "A. Jones": {"flagged": 1, "limit": 10000.0, "amount": {"EUR": 12000.0}},
        "B. Lee": {"flagged": 1, "limit": 7500.0, "amount": {"GBP": 8000.0}},
        # one approver, two currencies: never added together
        "J. Smith": {"flagged": 2, "limit": 5000.0, "amount": {"EUR": 7000.0, "GBP": 6000.0}},
    }
    assert "note" not in test


def test_above_limit_per_approver_without_an_approver_column(tmp_path: Path) -> None:
    header = "Invoice Number,Vendor,Invoice Date,Amount,Currency,Status,Remarks\n"
    document = _approvers(
        tmp_path,
        "--test",
        "above-limit.limit=10000",
        "--test",
        "above-limit.limits.J. Smith=5000",
        header=header,
    )
    test = document["tests"]["above-limit"]
    assert sorted(e["invoice_id"] for e in test["examples"]) == ["P-4", "P-5"]
    assert "no approver column" in test["note"]


def test_above_limit_per_approver_only(tmp_path: Path) -> None:
    # no general limit: only the invoices of approvers with a limit are tested
    document = _approvers(tmp_path, "--test", "above-limit.limits.J. Smith=5000")
    test = document["tests"]["above-limit"]
    assert test["status"] == "ran" and test["tested"] == 3  # P-1, P-2, P-7
    assert sorted(e["invoice_id"] for e in test["examples"]) == ["P-1", "P-7"]


def test_approver_limits_from_the_config_table() -> None:
    params = resolve_params({"above-limit": {"limit": 10000, "limits": {"J. Smith": 5000}}})
    assert params["above-limit"] == {"limit": 10000.0, "limits": {"J. Smith": 5000.0}}
    assert parse_test_option("above-limit.limits.J. Smith=5000") == (
        "above-limit",
        "limits.J. Smith",
        "5000",
    )
    with pytest.raises(UsageError, match=r"above-limit\.limits\.J\. Smith: expected a number"):
        resolve_params({"above-limit": {"limits.J. Smith": "lots"}})
    with pytest.raises(UsageError, match="expected a table of name = number"):
        resolve_params({"above-limit": {"limits": 5}})


def test_a_bad_approver_limit_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "approved.csv"
    path.write_text(APPROVER_HEADER + "\n".join(APPROVER_ROWS) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["metrics", "invoices", str(path), "--test", "above-limit.limits.J. Smith=-1"]
    )
    assert result.exit_code == 2
    assert "above-limit.limits.J. Smith: expected a number of at least 0" in result.stderr


COUNCIL = Path(__file__).parents[1] / "data" / "ingest" / "council_spend_lines.csv"


def test_a_council_spend_file_of_invoice_lines() -> None:
    # a hand-made "spend over 250" file: one row per invoice line, no line-number column; the
    # lines of INV-1001 (3), INV-1002 (2) and INV-1005 (2) are one invoice each, INV-1003 is
    # keyed twice with the same amount (a true duplicate), INV-1006 is a one-line invoice
    result = runner.invoke(app, ["metrics", "invoices", str(COUNCIL), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["rows"] == {"read": 10, "accepted": 6, "quarantined": 0, "skipped": 4}
    [note] = [n for n in document["notes"] if "lines in" in n]
    assert "7 lines in 3 invoices" in note
    # the 300.00 lines of INV-1001 and INV-1005 (one vendor, a week apart) are not compared:
    # only the duplicate keyed twice is flagged, by the exact test and no other duplicate test
    assert _flagged(document, "duplicate-exact") == ["INV-1003", "INV-1003"]
    for test in (
        "duplicate-near",
        "duplicate-fuzzy-number",
        "same-number-other-vendor",
        "same-number-other-amount",
    ):
        assert _flagged(document, test) == [], test
    amounts = {
        e["invoice_id"]: e["amount"] for e in document["tests"]["one-time-vendor"]["examples"]
    }
    assert amounts == {"INV-1002": 1580.0}  # the sum of its two lines
    assert document["tests"]["duplicate-exact"]["amount"] == {"(none)": 1280.0}
