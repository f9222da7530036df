"""Published reference values (``boaudit/data/benchmarks.toml``) and where our metrics stand.

Each entry names the boaudit metric it is comparable with (a dotted path such as
``cycle_time_days.mean``), or none when it is kept for reference only. Percentiles ``p25``,
``p50``, ``p75`` are plain percentiles of the published distribution; ``direction`` says which
end is good (APQC calls the 25th percentile "top performer" for costs and cycle times, the 75th
for productivity). ``best_in_class`` and ``average`` are Ardent/Aberdeen/Hackett style figures.

A user file (``--benchmarks FILE``, same format) adds entries or replaces those with the same id.

Where several sources publish the same KPI, :func:`headline_benchmarks` picks one headline per
KPI (:data:`HEADLINE_RULE`: same definition first, then the most recent year, then the
highest confidence) and keeps the others beneath it; :func:`verdict` and
:func:`verdict_sentence` say where our value stands against one source (:data:`VERDICT_RULE`).
Every writer and the chart go through these, so they show the same choice.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from boaudit.document import JsonObject, number
from boaudit.errors import ConfigError, InputMissingError
from boaudit.fileio import parse_problem


@dataclass(frozen=True)
class BenchmarkComparison:
    """Where one of our metrics stands against one published reference."""

    benchmark: str
    """Id of the benchmark entry."""
    kpi: str
    """The published KPI's name."""
    metric: str
    """Our metric (dotted path) it is compared with."""
    value: float
    """Our value."""
    unit: str
    """Unit of both values."""
    direction: Literal["lower", "higher"]
    """Which way is better."""
    references: Mapping[str, float]
    """The published reference points by label (``p25``, ``p50``, ``p75``, ``best_in_class``,
    ``average``)."""
    standing: str
    """A slug: ``better-than-best``, ``between`` or ``worse-than-worst``."""
    position: str
    """A plain sentence, e.g. ``7.90 is between the APQC median (5.83) and the bottom
    quartile (10.00)``."""
    shortfall: float
    """0 at or better than the median/average, 1 at or worse than the bottom quartile (or the
    median's mirror image of the best value when no bottom quartile is published)."""
    source: str
    """Who published it, and when."""
    source_url: str
    """Where it was published."""
    confidence: str
    """``high``, ``medium`` or ``low``: how comparable the definition is."""
    caveat: str = ""
    """What differs between their definition and ours."""
    year: int | None = None
    """Year of the data or of the publication."""
    n: int | None = None
    """Organisations in the published sample, when the source says."""
    publisher: str = ""
    differs: str = ""
    """How the published definition differs from our metric's; empty: the same measure."""
    best_label: str = "best-in-class"
    """What the source calls its best-in-class figure."""

    def label(self, point: str) -> str:
        """A reference point in words (``median``, ``top quartile``, ``world-class``)."""
        return point_label(point, self.direction, self.best_label)

    @property
    def who(self) -> str:
        """The publisher's short name, else the first part of the source."""
        return self.publisher or self.source.split(",")[0].strip() or "published"

    def to_dict(self) -> JsonObject:
        """The object in the ``benchmarks`` list of the JSON document."""
        return {
            "benchmark": self.benchmark,
            "kpi": self.kpi,
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "direction": self.direction,
            "references": dict(self.references),
            "standing": self.standing,
            "position": self.position,
            "shortfall": self.shortfall,
            "source": self.source,
            "source_url": self.source_url,
            "confidence": self.confidence,
            "caveat": self.caveat,
            "year": self.year,
            "n": self.n,
            "publisher": self.publisher,
            "differs": self.differs,
            "verdict": verdict(self),
        }


REFERENCE_POINTS = ("best_in_class", "p25", "p50", "p75", "average")


class Benchmark(BaseModel):
    """One published reference value, with its definition and source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Stable slug, e.g. ``apqc-ap-cost-per-invoice``."""
    kpi: str = Field(min_length=3)
    """The KPI as the source names it."""
    metric: str | None = None
    """The boaudit metric it compares with (dotted path); None: reference only."""
    kinds: tuple[Literal["tasks", "invoices", "events"], ...] = ("invoices",)
    """Kinds of data it applies to."""
    definition: str = Field(min_length=10)
    """What is measured, in the source's terms."""
    start: str = ""
    """Where the measured interval starts (cycle times), e.g. ``invoice received``."""
    end: str = ""
    """Where it ends, e.g. ``payment transmitted``."""
    days: Literal["calendar", "business", "n/a"] = "n/a"
    """Calendar or business days, for durations."""
    unit: str
    """``USD per invoice``, ``days``, ``share`` (a fraction 0-1), ..."""
    direction: Literal["lower", "higher"]
    """Which way is better."""
    p25: float | None = None
    """25th percentile of the published distribution."""
    p50: float | None = None
    """Median."""
    p75: float | None = None
    """75th percentile."""
    best_in_class: float | None = None
    """Best-in-class / world-class / top-performer figure."""
    best_label: str = "best-in-class"
    """What the source calls :attr:`best_in_class` (``world-class`` for Hackett)."""
    average: float | None = None
    """Average (or peer group) of the others."""
    n: int | None = None
    """Organisations in the sample, when published."""
    year: int
    """Year of the data or of the publication."""
    source: str
    """Publisher and publication."""
    publisher: str = Field(min_length=2)
    """Short name used in sentences (``APQC``)."""
    source_url: str = Field(pattern=r"^https?://")
    """Where to read it."""
    confidence: Literal["high", "medium", "low"]
    """How comparable the definition is with boaudit's metric."""
    caveat: str = ""
    """Anything else a reader should know about the figure."""
    differs: str = ""
    """How its definition differs from our metric's; empty when it measures the same thing."""

    @model_validator(mode="after")
    def _has_reference(self) -> Benchmark:
        if all(getattr(self, name) is None for name in REFERENCE_POINTS):
            raise ValueError("give at least one of p25, p50, p75, best_in_class, average")
        return self

    def references(self) -> dict[str, float]:
        """The published reference points, by name."""
        points = {name: getattr(self, name) for name in REFERENCE_POINTS}
        return {name: float(value) for name, value in points.items() if value is not None}

    def label(self, point: str) -> str:
        """A reference point in words, e.g. ``bottom quartile`` for a cost's ``p75``."""
        return point_label(point, self.direction, self.best_label)


def point_label(point: str, direction: str, best_label: str = "best-in-class") -> str:
    """A reference point in words: ``median``, ``average``, ``best_label`` for the best-in-class
    figure, and ``top``/``bottom quartile`` for ``p25``/``p75`` by which way is better."""
    if point == "p50":
        return "median"
    if point == "average":
        return "average"
    if point == "best_in_class":
        return best_label
    top = (point == "p25") == (direction == "lower")
    return "top quartile" if top else "bottom quartile"


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    benchmark: tuple[Benchmark, ...]


def parse_benchmarks(text: str, where: str) -> tuple[Benchmark, ...]:
    """Validate a benchmarks TOML document; raise :class:`ConfigError` naming ``where``."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"{where}: not valid TOML: {parse_problem(exc)}") from None
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        details = [
            f"{where}: {'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        ]
        raise ConfigError(details[0], details[1:]) from exc
    ids = [entry.id for entry in parsed.benchmark]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ConfigError(f"{where}: benchmark id repeated: {', '.join(repeated)}")
    return parsed.benchmark


@cache
def bundled_benchmarks() -> tuple[Benchmark, ...]:
    """The bundled reference values (cached)."""
    text = resources.files("boaudit.data").joinpath("benchmarks.toml").read_text("utf-8")
    return parse_benchmarks(text, "bundled benchmarks.toml")


def load_benchmarks(extra: Path | None = None) -> tuple[Benchmark, ...]:
    """The bundled benchmarks, plus or overridden (same id) by the entries of ``extra``."""
    entries = {entry.id: entry for entry in bundled_benchmarks()}
    if extra is not None:
        try:
            text = extra.read_text("utf-8")
        except OSError as exc:
            raise InputMissingError(f"{extra}: cannot read: {exc.strerror or exc}") from exc
        for entry in parse_benchmarks(text, str(extra)):
            entries[entry.id] = entry
    return tuple(entries.values())


def _fmt(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


def compare_one(benchmark: Benchmark, value: float) -> BenchmarkComparison:
    """Where ``value`` stands against ``benchmark``."""
    refs = benchmark.references()
    lower = benchmark.direction == "lower"
    # best first
    ordered = sorted(refs.items(), key=lambda item: item[1] if lower else -item[1])
    source = benchmark.publisher

    def words(point: str, number: float) -> str:
        return f"the {source} {benchmark.label(point)} ({_fmt(number, benchmark.unit)})"

    def better(a: float, b: float) -> bool:
        return a < b if lower else a > b

    shown = _fmt(value, benchmark.unit)
    position = ""
    best_point, best = ordered[0]
    worst_point, worst = ordered[-1]
    if not better(best, value):
        standing = "better-than-best"
        relation = "at" if value == best else "better than"
        position = f"{shown} is {relation} {words(best_point, best)}"
    elif better(worst, value) or (len(ordered) == 1):
        standing = "worse-than-worst"
        position = f"{shown} is worse than {words(worst_point, worst)}"
    else:
        standing = "between"
        for (point_a, a), (point_b, b) in itertools.pairwise(ordered):
            if not better(value, a) and not better(b, value):
                position = f"{shown} is between {words(point_a, a)} and {words(point_b, b)}"
                break
    return BenchmarkComparison(
        benchmark=benchmark.id,
        kpi=benchmark.kpi,
        metric=benchmark.metric or "",
        value=value,
        unit=benchmark.unit,
        direction=benchmark.direction,
        references=refs,
        standing=standing,
        position=position,
        shortfall=shortfall(benchmark, value),
        source=benchmark.source,
        source_url=benchmark.source_url,
        confidence=benchmark.confidence,
        caveat=benchmark.caveat,
        year=benchmark.year,
        n=benchmark.n,
        publisher=benchmark.publisher,
        differs=benchmark.differs,
        best_label=benchmark.best_label,
    )


def shortfall(benchmark: Benchmark, value: float) -> float:
    """0 at or better than the middle (median, else average), rising linearly to 1 at the
    bottom quartile; without a bottom quartile, at the middle's mirror image of the best value
    (middle + (middle - best)). Without a middle, 0 at the best value and 1 at twice its gap."""
    refs = benchmark.references()
    sign = 1.0 if benchmark.direction == "lower" else -1.0
    middle = refs.get("p50", refs.get("average"))
    best = refs.get("best_in_class", refs.get("p25" if sign > 0 else "p75"))
    bottom = refs.get("p75" if sign > 0 else "p25")
    if middle is None:
        if best is None:  # only a bottom quartile: worse than it is a full shortfall
            assert bottom is not None
            return 1.0 if sign * (value - bottom) > 0 else 0.0
        middle = best
        bottom = best + (best if sign > 0 else -best)
    if bottom is None or sign * (bottom - middle) <= 0:
        if best is None or sign * (middle - best) <= 0:
            return 1.0 if sign * (value - middle) > 0 else 0.0
        bottom = middle + (middle - best)
    gap = sign * (value - middle) / (sign * (bottom - middle))
    return round(min(max(gap, 0.0), 1.0), 3)


def compare(
    metrics: Mapping[str, Any], kind: str, benchmarks: Sequence[Benchmark]
) -> tuple[BenchmarkComparison, ...]:
    """Compare every metric with each benchmark of the kind that names it (in file order)."""
    result = []
    for benchmark in benchmarks:
        if benchmark.metric is None or kind not in benchmark.kinds:
            continue
        value = number(metrics, benchmark.metric)
        if value is not None:
            result.append(compare_one(benchmark, value))
    return tuple(result)


Verdict = Literal["better", "in range", "worse"]

CONFIDENCE_ORDER = ("high", "medium", "low")
"""Confidence levels, most confident first."""

HEADLINE_RULE = (
    "headline benchmark = for each KPI, a source that measures the same thing as our metric "
    "before one whose definition differs, then the most recent year, then the highest "
    "confidence (file order breaks a tie); the other sources are listed beneath it"
)
"""How the headline benchmark of a KPI is chosen, in words (printed once in a report)."""

VERDICT_RULE = (
    "benchmark verdict = better at or better than the source's median (else its average, else "
    "its best published point); in range when worse than that but not beyond its worst "
    "published point; worse beyond it"
)
"""How a verdict against one source is decided, in words."""


def anchor(comparison: BenchmarkComparison) -> tuple[str, float] | None:
    """The reference point a verdict is measured from: the median, else the average, else the
    best published point; None without any reference point."""
    refs = comparison.references
    for point in ("p50", "average"):
        if point in refs:
            return point, float(refs[point])
    if not refs:
        return None
    sign = 1.0 if comparison.direction == "lower" else -1.0
    point = min(refs, key=lambda name: sign * float(refs[name]))
    return point, float(refs[point])


def verdict(comparison: BenchmarkComparison) -> Verdict:
    """``better`` at or better than the :func:`anchor`; ``worse`` beyond the worst published
    point; ``in range`` between the two (``better`` without any reference point)."""
    middle = anchor(comparison)
    if middle is None:
        return "better"
    sign = 1.0 if comparison.direction == "lower" else -1.0  # a positive gap is worse
    value = float(comparison.value)
    worst = max(sign * float(ref) for ref in comparison.references.values())
    if sign * (value - middle[1]) <= 0:
        return "better"
    return "worse" if sign * value > worst else "in range"


DURATION_UNITS = frozenset({"days", "hours"})
"""Units printed with one decimal, as the reports print durations."""


def shown_value(value: float, unit: str) -> str:
    """A value as the verdicts and the chart print it: shares as percentages and durations
    with one decimal (``17.4``), other amounts with two (``9.40``)."""
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit in DURATION_UNITS:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def verdict_sentence(comparison: BenchmarkComparison) -> str:
    """The gap to the :func:`anchor` and the verdict in words, e.g. ``12% below the APQC
    median (5.83): better``; shares differ in percentage points (``2.5 points above``)."""
    middle = anchor(comparison)
    word = verdict(comparison)
    if middle is None:
        return word
    point, ref = middle
    value = float(comparison.value)
    named = f"the {comparison.who} {comparison.label(point)} ({shown_value(ref, comparison.unit)})"
    if value == ref:
        return f"at {named}: {word}"
    side = "below" if value < ref else "above"
    if comparison.unit == "share":
        gap = f"{abs(value - ref) * 100:.1f} points"
    elif ref == 0:
        gap = shown_value(abs(value - ref), comparison.unit)
    else:
        percent = abs(value - ref) / abs(ref) * 100
        gap = f"{percent:.0f}%" if round(percent) >= 1 else f"{percent:.1f}%"
    return f"{gap} {side} {named}: {word}"


def headline_order(comparison: BenchmarkComparison) -> tuple[int, int, int]:
    """Sort key of :data:`HEADLINE_RULE`: same definition first, then the most recent year,
    then the highest confidence (lower sorts first)."""
    confidence = (
        CONFIDENCE_ORDER.index(comparison.confidence)
        if comparison.confidence in CONFIDENCE_ORDER
        else len(CONFIDENCE_ORDER)
    )
    return (1 if comparison.differs else 0, -(comparison.year or 0), confidence)


@dataclass(frozen=True)
class KpiBenchmarks:
    """One of our KPIs with its headline benchmark and the other sources beneath it."""

    metric: str
    """Our metric (dotted path), or the published KPI's name when a comparison names none."""
    headline: BenchmarkComparison
    others: tuple[BenchmarkComparison, ...] = ()
    """The other sources, in the order of :data:`HEADLINE_RULE`."""

    @property
    def every(self) -> tuple[BenchmarkComparison, ...]:
        """The headline, then the others."""
        return (self.headline, *self.others)


def headline_benchmarks(
    comparisons: Sequence[BenchmarkComparison],
) -> tuple[KpiBenchmarks, ...]:
    """The comparisons grouped by our metric (in the order each first appears), each group's
    sources ordered by :data:`HEADLINE_RULE`, the first as its headline."""
    groups: dict[str, list[BenchmarkComparison]] = {}
    for comparison in comparisons:
        groups.setdefault(comparison.metric or comparison.kpi, []).append(comparison)
    result = []
    for metric, members in groups.items():
        ordered = sorted(members, key=headline_order)  # stable: file order breaks a tie
        result.append(KpiBenchmarks(metric, ordered[0], tuple(ordered[1:])))
    return tuple(result)
