"""The bundled data files users rely on: benchmarks, taxonomy, evidence rules, synonyms and
questionnaires, checked against each other, against the metrics output and against the
design documents in ../shared (those checks skip when the folder is absent)."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.findings.rules import evaluate, load_rules
from boaudit.ingest import IngestOptions, load
from boaudit.ingest.mapping import KINDS, SCHEMAS, normalise, synonyms
from boaudit.metrics import MetricsOptions, compute_metrics
from boaudit.metrics.benchmarks import REFERENCE_POINTS, Benchmark, bundled_benchmarks
from boaudit.metrics.compute import METRIC_NAMES
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire import bundled_ids, load_bundled
from boaudit.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXPORTS = REPO / "sample_data" / "exports"
runner = CliRunner()


def _shared(name: str) -> Path:
    """A file or folder in ../shared, or skip the test (as tests/ingest/test_realdata.py does)."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"design documents not available: {path} (the shared/ folder is absent)")
    return path


def _data_toml(name: str) -> dict[str, Any]:
    """A bundled data file as raw TOML (what a maintainer edits)."""
    return tomllib.loads(resources.files("boaudit.data").joinpath(name).read_text("utf-8"))


def _resolve(block: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path``; KeyError naming the missing part."""
    value: Any = block
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise KeyError(f"{path}: no {part!r}")
        value = value[part]
    return value


# --- metrics of the sample exports, with a gap so data_quality.worst_missing is filled -------


@cache
def _sample_metrics(kind: str) -> MetricsResult:
    loaded = load([EXPORTS / f"{kind}.csv"], kind, IngestOptions())
    frame = loaded.frame.copy()
    blank = "vendor" if kind == "invoices" else "assignee"
    frame.loc[frame.index[:3], blank] = pd.NA
    return compute_metrics(frame, loaded.kind, MetricsOptions(hourly_rate=60.0))


def _metric_block(kind: str) -> dict[str, Any]:
    """What a rule or a benchmark can read: the metrics plus ``data_quality``."""
    # events are collapsed into one task per case: their metrics have the tasks' shape
    result = _sample_metrics("tasks" if kind == "events" else kind).to_dict()
    return {
        **result["metrics"],
        "data_quality": result["data_quality"],
        "tests": result.get("tests", {}),
    }


@cache
def _process_block() -> dict[str, Any]:
    """The ``process`` block of a small event log (three cases, two people handing over)."""
    from boaudit.metrics.process import process_metrics

    events = pa.table(
        {
            "case": pa.array([0, 0, 0, 1, 1, 2], pa.int32()),
            "activity": ["Receive", "Check", "Pay", "Receive", "Pay", "Receive"],
            "timestamp": pa.array(
                [0, 3_600_000_000, 90_000_000_000, 0, 7_200_000_000, 0], pa.timestamp("us", "UTC")
            ),
            "resource": ["ann", "bob", "ann", "ann", "ann", "bob"],
            "_order": pa.array(range(6), pa.int64()),
        }
    )
    return {"process": process_metrics(events)}


# --- benchmarks.toml -----------------------------------------------------------------------

# Figures as ../shared/REFERENCES.md section 3 quotes them (apqc-ap-cost-per-invoice is
# checked in tests/metrics/test_benchmarks.py). Keys: the reference points, then n and year.
REFERENCE_FIGURES: dict[str, dict[str, float]] = {
    "ardent-2019-cost-per-invoice": {"best_in_class": 2.18, "average": 10.08, "year": 2019},
    "ardent-2024-cost-per-invoice": {"average": 9.40, "year": 2024},
    "hackett-2015-cost-per-invoice": {"best_in_class": 2.27, "p50": 4.80, "year": 2015},
    "ardent-2019-mtm-cost-per-invoice": {"average": 11.57},
    "aberdeen-2008-cost-per-invoice": {"best_in_class": 2.18, "average": 9.38, "year": 2008},
    "ardent-2025-receipt-to-payment-ready": {"best_in_class": 3.1, "average": 17.4, "year": 2025},
    "ardent-2019-processing-time": {"best_in_class": 2.9, "average": 8.3, "year": 2019},
    "ardent-2024-processing-time": {"average": 9.2, "year": 2024},
    "hackett-2015-cycle-time-po": {"best_in_class": 3.0, "p50": 10.8, "year": 2015},
    "apqc-receipt-to-data-entry-hours": {"p50": 12.0, "n": 2461},
    "apqc-error-resolution-days": {"p25": 3.0, "p50": 5.0, "p75": 7.0, "year": 2016},
    "ardent-2019-exception-rate": {"best_in_class": 0.101, "average": 0.226, "year": 2019},
    "apqc-paid-on-time": {"p50": 0.88, "n": 1829},
    "hackett-2015-on-time-payment": {"best_in_class": 0.90, "p50": 0.78, "year": 2015},
    "apqc-po-match": {"p50": 0.85},
    "ardent-2019-touchless": {"best_in_class": 0.653, "average": 0.242, "year": 2019},
    "apqc-invoices-per-fte": {"p25": 6488, "p75": 20964, "n": 3601},
    # autofact: "<0.1%" best-in-class, "0.1-0.5%" average (the file uses the midpoint)
    "autofact-duplicate-invoice-rate": {"best_in_class": 0.001, "average": 0.003},
    "sqm-first-contact-resolution": {"best_in_class": 0.80, "average": 0.67},
    "sqm-csat-top-box": {"best_in_class": 0.85},
}


def _benchmark(benchmark_id: str) -> Benchmark:
    return next(b for b in bundled_benchmarks() if b.id == benchmark_id)


def _benchmark_ids() -> list[str]:
    return [b.id for b in bundled_benchmarks()]


@pytest.mark.parametrize("benchmark_id", sorted(REFERENCE_FIGURES))
def test_benchmark_figures_match_references_md(benchmark_id: str) -> None:
    expected = REFERENCE_FIGURES[benchmark_id]
    entry = _benchmark(benchmark_id)
    points = {k: v for k, v in expected.items() if k in REFERENCE_POINTS}
    assert entry.references() == points
    if "n" in expected:
        assert entry.n == expected["n"]
    if "year" in expected:
        assert entry.year == expected["year"]


def test_every_bundled_benchmark_is_checked_against_references() -> None:
    checked = {*REFERENCE_FIGURES, "apqc-ap-cost-per-invoice"}
    assert set(_benchmark_ids()) == checked
    assert len(_benchmark_ids()) == len(checked)  # no id twice


def test_benchmark_sources_are_the_links_references_md_gives() -> None:
    text = _shared("REFERENCES.md").read_text("utf-8")
    for entry in bundled_benchmarks():
        assert f"({entry.source_url})" in text, entry.id


@pytest.mark.parametrize("benchmark_id", _benchmark_ids())
def test_benchmark_has_a_source_url_year_and_publisher(benchmark_id: str) -> None:
    entry = _benchmark(benchmark_id)
    url = urlparse(entry.source_url)
    # https is not required: REFERENCES.md gives one source (anybill) over http only
    assert url.scheme in {"http", "https"} and "." in url.netloc and " " not in entry.source_url
    assert 2000 <= entry.year <= 2026
    assert entry.publisher.casefold() in entry.source.casefold()
    assert entry.n is None or entry.n >= 100


@pytest.mark.parametrize("benchmark_id", _benchmark_ids())
def test_benchmark_reference_points_are_consistent(benchmark_id: str) -> None:
    entry = _benchmark(benchmark_id)
    refs = entry.references()
    percentiles = [refs[p] for p in ("p25", "p50", "p75") if p in refs]
    assert percentiles == sorted(percentiles)
    assert all(value >= 0 for value in refs.values())
    if entry.unit == "share":
        assert all(0 < value <= 1 for value in refs.values()), refs
    middle = refs.get("p50", refs.get("average"))
    if "best_in_class" in refs and middle is not None:
        better = min if entry.direction == "lower" else max
        assert better(refs["best_in_class"], middle) == refs["best_in_class"]


@pytest.mark.parametrize(
    "benchmark_id", [b.id for b in bundled_benchmarks() if b.metric is not None]
)
def test_benchmark_metric_resolves_in_the_metrics_of_its_kinds(benchmark_id: str) -> None:
    entry = _benchmark(benchmark_id)
    assert entry.metric is not None
    for kind in entry.kinds:
        value = _resolve(_metric_block(kind), entry.metric)
        assert isinstance(value, int | float) and not isinstance(value, bool), (kind, value)
    leaf = entry.metric.split(".")[-1]
    if leaf.endswith("_rate") or leaf == "share":
        assert entry.unit == "share"
    if "_days" in entry.metric:
        assert entry.unit == "days"


def test_compared_benchmarks_are_the_ones_naming_a_metric() -> None:
    result = _sample_metrics("invoices")
    compared = {c.benchmark for c in result.benchmarks}
    expected = {b.id for b in bundled_benchmarks() if b.metric and "invoices" in b.kinds}
    assert compared == expected
    assert len(compared) == 11


# --- taxonomy.toml --------------------------------------------------------------------------


def _design_table() -> list[tuple[str, list[str]]]:
    """(id, named-in list) per row of DESIGN.md section 1, shorthand expanded."""
    text = _shared("DESIGN.md").read_text("utf-8")
    section = text.split("## 1.", 1)[1].split("\n## ", 1)[0]
    rows: list[tuple[str, list[str]]] = []
    for match in re.finditer(r"^\| `([a-z-]+)` \|[^|]*\| ([^|]*) \|$", section, re.M):
        named: list[str] = []
        seed = ""
        for part in match.group(2).split(","):
            part = part.strip()
            if re.match(r"^\d{3} ", part):
                seed = part[:3]
            else:  # "002 do #5, don't #3": the seed carries over
                part = f"{seed} {part}"
            named.append(part)
        rows.append((match.group(1), named))
    return rows


def test_taxonomy_follows_the_design_table_including_where_each_is_named() -> None:
    table = _design_table()
    assert len(table) == 18
    taxonomy = load_taxonomy()
    assert list(taxonomy.ids) == [pitfall_id for pitfall_id, _ in table]
    for pitfall_id, named in table:
        assert list(taxonomy.get(pitfall_id).named_in) == named, pitfall_id


def test_taxonomy_entries_are_complete() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.pitfalls) == 18
    # every step says its own effort: a finding's effort is that of its first step
    assert Counter(f.effort for p in taxonomy.pitfalls for f in p.fixes) == {
        "low": 38,
        "medium": 31,
        "high": 8,
    }
    assert Counter(p.fixes[0].effort for p in taxonomy.pitfalls) == {
        "low": 9,
        "medium": 8,
        "high": 1,
    }
    for pitfall in taxonomy.pitfalls:
        assert 3 <= len(pitfall.fixes) <= 5, pitfall.id
        assert len(pitfall.description.split()) >= 25, pitfall.id
        assert all(len(step.text.split()) >= 12 for step in pitfall.fixes), pitfall.id
    titles = [p.title.casefold() for p in taxonomy.pitfalls]
    assert len(set(titles)) == len(titles)


def test_no_fix_step_is_repeated() -> None:
    steps = [normalise(step.text) for p in load_taxonomy().pitfalls for step in p.fixes]
    assert len(steps) == 77
    assert [s for s, n in Counter(steps).items() if n > 1] == []
    descriptions = [normalise(p.description) for p in load_taxonomy().pitfalls]
    assert len(set(descriptions)) == 18


# --- evidence_rules.toml --------------------------------------------------------------------

RAW_RULES: list[dict[str, Any]] = _data_toml("evidence_rules.toml")["rule"]


def test_rules_file_loads_every_rule_with_unique_ids() -> None:
    ids = [rule["id"] for rule in RAW_RULES]
    assert [rule.id for rule in load_rules()] == ids
    assert len(set(ids)) == len(ids) == 25


def test_every_rule_names_existing_pitfalls_and_leaves_none_without_rule_types() -> None:
    known = set(load_taxonomy().ids)
    named = {pitfall for rule in RAW_RULES for pitfall in rule["pitfalls"]}
    assert named <= known
    # the pitfalls the data can speak to (the rest are interview-only)
    assert named == {
        "processes",
        "training",
        "technology",
        "data",
        "partner-selection",
        "partner-governance",
        "resources",
        "metrics",
        "security",
        "communication",
    }


@pytest.mark.parametrize("rule_id", [rule["id"] for rule in RAW_RULES])
def test_rule_metric_exists_for_each_of_its_kinds(rule_id: str) -> None:
    rule = next(r for r in load_rules() if r.id == rule_id)
    for kind in rule.kinds:
        if rule.type == "missing":
            assert set(rule.metrics) <= set(METRIC_NAMES[kind]), kind
            assert rule.metric in rule.metrics
            continue
        block = _process_block() if rule.metric.startswith("process.") else _metric_block(kind)
        value = _resolve(block, rule.metric)
        if value is None and rule.metric.startswith("tests."):
            # an audit test the sample cannot run (it needs a limit): skipped, with the reason
            test = _resolve(block, rule.metric.rsplit(".", 1)[0])
            assert test["status"] == "skipped" and test["reason"], rule.metric
        elif value is None:  # a metric the sample export cannot feed: null, with the reason
            reasons = _sample_metrics("tasks" if kind == "events" else kind).null_reasons
            assert rule.metric.split(".")[0] in reasons, (kind, rule.metric)
        else:
            assert isinstance(value, int | float) and not isinstance(value, bool), (kind, value)
        if rule.group_column is not None and kind != "events":
            assert rule.group_column in SCHEMAS[kind]


@pytest.mark.parametrize("rule_id", [rule["id"] for rule in RAW_RULES])
def test_rule_severity_settings_stay_within_0_and_1(rule_id: str) -> None:
    rule = next(r for r in load_rules() if r.id == rule_id)
    assert 0 < rule.weight <= 1
    if rule.type == "threshold":
        assert rule.start != rule.full
        if rule.format == "percent":
            assert 0 <= rule.start <= 1 and 0 <= rule.full <= 1
    if rule.type == "missing":
        assert 0 <= rule.start < rule.full <= 1


def test_benchmark_rules_name_a_benchmark_of_the_same_metric() -> None:
    benchmark_rules = [r for r in load_rules() if r.type == "benchmark"]
    assert len(benchmark_rules) == 2
    for rule in benchmark_rules:
        assert rule.benchmark is not None
        entry = _benchmark(rule.benchmark)
        assert entry.metric == rule.metric
        assert set(rule.kinds) <= set(entry.kinds)


def test_provider_rules_leave_out_in_house_work_only() -> None:
    for rule in load_rules():
        if rule.group_column != "provider":
            continue
        assert rule.exclude_groups is not None
        exclude = re.compile(rule.exclude_groups)
        for label in ("In-house", "in house", "Internal", "(blank)"):
            assert exclude.search(label), (rule.id, label)
        for label in ("Outsourcing partner", "Acme BPO", "Partner in-house desk"):
            assert not exclude.search(label), (rule.id, label)


@pytest.mark.parametrize("kind", ["tasks", "invoices"])
def test_evidence_on_the_sample_has_severities_within_0_and_1(kind: str) -> None:
    evidence = evaluate(_sample_metrics(kind))
    assert evidence
    for item in evidence:
        assert 0 < item.severity <= 1, (item.rule, item.severity)
        assert "{" not in item.message, item.message  # every placeholder was filled
    fired = {item.rule for item in evidence}
    expected = {"invoices": "exact-duplicates", "tasks": "provider-sla-breaches"}[kind]
    assert expected in fired


# --- synonyms.toml --------------------------------------------------------------------------

RAW_SYNONYMS = _data_toml("synonyms.toml")


@pytest.mark.parametrize("kind", KINDS)
def test_synonym_tables_name_only_canonical_columns(kind: str) -> None:
    table = RAW_SYNONYMS[kind]
    # a misspelt key would be ignored silently by the loader
    assert list(table) == list(SCHEMAS[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_every_canonical_column_lists_its_own_name(kind: str) -> None:
    for canonical, names in RAW_SYNONYMS[kind].items():
        assert normalise(canonical) in {normalise(name) for name in names}, canonical
        assert synonyms()[kind][canonical][0] == normalise(canonical)


@pytest.mark.parametrize("kind", KINDS)
def test_no_synonym_maps_to_two_canonical_columns(kind: str) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for canonical, names in RAW_SYNONYMS[kind].items():
        for name in (canonical, *names):
            owners[normalise(name)].add(canonical)
    clashes = {name: sorted(columns) for name, columns in owners.items() if len(columns) > 1}
    assert clashes == {}


def test_line_item_names_never_match_an_invoice_column() -> None:
    invoice_names = {key for keys in synonyms()["invoices"].values() for key in keys}
    roles = RAW_SYNONYMS["line_items"]
    assert set(roles) == {"quantity", "unit_amount", "line_amount", "item"}
    for role, names in roles.items():
        assert names and not {normalise(n) for n in names} & invoice_names, role


# --- bundled questionnaires -----------------------------------------------------------------

SECTION_KEY = re.compile(r"^(?:(do|dont)-)?(\d+)$")


def _seed_reference(seed: str, section: str) -> str:
    """The taxonomy's ``named_in`` spelling of a section: ``000 #5``, ``002 don't #1``."""
    match = SECTION_KEY.match(section)
    assert match, section
    prefix = {"do": "do ", "dont": "don't ", None: ""}[match.group(1)]
    return f"{seed} {prefix}#{match.group(2)}"


def _seed_questionnaires() -> Iterator[tuple[str, str]]:
    for questionnaire_id in bundled_ids():
        seed = load_bundled(questionnaire_id).seed or ""
        match = re.fullmatch(r"seeds/(\d{3})_[0-9a-f]+\.txt", seed)
        if match:
            yield questionnaire_id, match.group(1)


def test_five_questionnaires_name_their_seed_file() -> None:
    pairs = dict(_seed_questionnaires())
    assert sorted(pairs.values()) == ["000", "001", "002", "003", "004"]
    seeds = _shared("seeds")
    for questionnaire_id in pairs:
        assert (seeds.parent / (load_bundled(questionnaire_id).seed or "")).is_file()


@pytest.mark.parametrize("questionnaire_id", [q for q, _ in _seed_questionnaires()])
def test_seed_sections_ask_about_the_pitfalls_the_taxonomy_names_there(
    questionnaire_id: str,
) -> None:
    seed = dict(_seed_questionnaires())[questionnaire_id]
    taxonomy = load_taxonomy()
    for section in load_bundled(questionnaire_id).sections:
        where = _seed_reference(seed, section.number)
        expected = {p.id for p in taxonomy.pitfalls if where in p.named_in}
        assert {q.pitfall for q in section.questions} == expected, where


@pytest.mark.parametrize("questionnaire_id", bundled_ids())
def test_rubric_anchors_are_five_different_answers(questionnaire_id: str) -> None:
    for question in load_bundled(questionnaire_id).questions:
        anchors = question.rubric.as_dict()
        assert list(anchors) == ["1", "2", "3", "4", "5"]
        texts = {normalise(text) for text in anchors.values()}
        assert len(texts) == 5, question.id
        assert all(len(text.split()) >= 4 for text in anchors.values()), question.id
        assert normalise(question.text) not in texts


def test_question_texts_are_not_repeated_across_questionnaires() -> None:
    texts = [normalise(q.text) for i in bundled_ids() for q in load_bundled(i).questions]
    assert len(texts) == 232
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_list_json_counts_match_each_file() -> None:
    result = runner.invoke(app, ["questionnaires", "list", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    for item in json.loads(result.stdout):
        questionnaire = load_bundled(item["id"])
        assert item["questions"] == len(questionnaire.questions)
        assert item["pitfalls"] == len(questionnaire.pitfall_ids)
        assert item["source"] == questionnaire.source
        for pitfall in questionnaire.pitfall_ids:
            assert len(questionnaire.questions_for(pitfall)) >= 3, (item["id"], pitfall)


# --- wording is ours: no run of 12 words copied from a seed article --------------------------

RUN = 12


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.casefold().replace("\u2019", "'"))


@cache
def _seed_runs() -> frozenset[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for path in sorted(_shared("seeds").glob("*.txt")):
        words = _words(path.read_text("utf-8"))
        runs.update(tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
    assert runs, "no seed text found"
    return frozenset(runs)


def _copied(text: str) -> list[str]:
    words = _words(text)
    runs = _seed_runs()
    return [
        " ".join(words[i : i + RUN])
        for i in range(len(words) - RUN + 1)
        if tuple(words[i : i + RUN]) in runs
    ]


def test_the_copy_check_finds_a_copied_sentence() -> None:
    seed = sorted(_shared("seeds").glob("000_*.txt"))[0].read_text("utf-8")
    sentence = next(s for s in re.split(r"(?<=[.?!])\s+", seed) if len(_words(s)) >= RUN + 2)
    assert _copied(f"Tell me: {sentence.upper()}")
    assert _copied("Tell me about the last time a process changed, and who asked.") == []


@pytest.mark.parametrize("questionnaire_id", bundled_ids())
def test_questions_are_not_copied_from_the_seeds(questionnaire_id: str) -> None:
    for question in load_bundled(questionnaire_id).questions:
        wording = [question.text, question.guidance, *question.rubric.as_dict().values()]
        for text in wording:
            assert _copied(text) == [], question.id


def test_taxonomy_wording_is_not_copied_from_the_seeds() -> None:
    for pitfall in load_taxonomy().pitfalls:
        for text in (pitfall.description, *(fix.text for fix in pitfall.fixes)):
            assert _copied(text) == [], pitfall.id


@pytest.mark.parametrize("questionnaire_id", bundled_ids())
def test_no_question_names_a_seed_file(questionnaire_id: str) -> None:
    # Articles are named by what they are, never by the file they are stored in.
    for question in load_bundled(questionnaire_id).questions:
        shown = [question.text, question.guidance, *question.rubric.as_dict().values()]
        assert not any(re.search(r"seeds?[ /_]*\d{3}", text) for text in shown), question.id
