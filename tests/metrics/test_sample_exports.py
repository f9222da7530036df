"""The sample organisation's exports: reproducible, realistic, and read by boaudit as meant."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from boaudit.findings import with_evidence
from boaudit.ingest import IngestOptions, load
from boaudit.metrics import MetricsOptions, metrics_from_load

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "sample_data" / "exports"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sample_generate_exports", REPO / "sample_data" / "generate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_csv_exports(tmp_path: Path) -> None:
    written = _generator().generate_exports(tmp_path, xlsx=False)
    assert [p.name for p in written] == ["invoices.csv", "tasks.csv"]
    for path in written:
        assert path.read_bytes() == (EXPORTS / path.name).read_bytes()


def test_committed_exports_are_small() -> None:
    for name in ("invoices.csv", "invoices.xlsx", "tasks.csv", "tasks.xlsx"):
        assert (EXPORTS / name).stat().st_size < 1_000_000, name


def test_any_size_and_seed(tmp_path: Path) -> None:
    generator = _generator()
    frame = generator.invoice_frame(500, seed=3)
    assert len(frame) == 500
    assert frame.equals(generator.invoice_frame(500, seed=3))
    assert not frame.equals(generator.invoice_frame(500, seed=4))
    assert len(generator.task_frame(50)) == 50


def test_sample_invoices_tell_the_story() -> None:
    loaded = load([str(EXPORTS / "invoices.csv")], "invoices", IngestOptions())
    assert loaded.account.to_dict()["quarantined"] == 0
    result = metrics_from_load(loaded, MetricsOptions(by=("provider",), hourly_rate=40.0))
    m = result.metrics
    assert m["duplicate_suspects"]["exact"]["invoices"] > 0
    assert m["duplicate_suspects"]["near"]["invoices"] > 0
    assert m["consistency"]["slowest"] == "AP clerk 4"
    assert m["consistency"]["spread"] > 2
    assert m["on_time_payment_rate"] < 0.9
    providers = result.groups["provider"]
    assert providers["Outsourcing partner"]["error_rate"] > providers["In-house"]["error_rate"]
    pitfalls = {e.pitfall for e in with_evidence(result).evidence}
    assert {"data", "processes", "technology", "partner-governance"} <= pitfalls


def test_sample_xlsx_matches_the_csv() -> None:
    csv = load([str(EXPORTS / "tasks.csv")], "tasks", IngestOptions())
    xlsx = load([str(EXPORTS / "tasks.xlsx")], "tasks", IngestOptions())
    one = metrics_from_load(csv).metrics
    two = metrics_from_load(xlsx).metrics
    assert one["count"] == two["count"] == 2000
    assert one["sla_compliance"] == two["sla_compliance"]
    assert one["cycle_time_days"] == two["cycle_time_days"]
