"""Evidence rules: metrics in, :class:`EvidenceItem` for the pitfalls out.

The rules are data (``boaudit/data/evidence_rules.toml``); this module only knows four rule
types:

``threshold``
    Read a metric (dotted path) from the overall metrics, or from each group of
    ``group_column``. Severity rises linearly from 0 at ``start`` to 1 at ``full`` (``full``
    below ``start`` when lower values are worse), times ``weight``.
``benchmark``
    Severity is the benchmark comparison's ``shortfall`` (0 at the median or average, 1 at the
    bottom quartile) for the benchmark ``benchmark``, times ``weight``.
``missing``
    Severity rises with the share of ``metrics`` that are null (inputs absent).

Messages are ``str.format`` templates. Every rule gets ``{value}`` (formatted per
``format``), ``{where}`` (empty, or `` for provider "X"``), ``{overall}`` (the same metric over
all items), ``{count}``; object metrics add their sibling fields (``{slowest}``, ...);
benchmark rules add ``{position}``; missing rules add ``{missing}`` and ``{total}``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from boaudit.document import number
from boaudit.findings.model import EvidenceItem, Fix
from boaudit.metrics.benchmarks import BenchmarkComparison
from boaudit.metrics.model import MetricsResult
from boaudit.taxonomy import load_taxonomy

Format = Literal["percent", "days", "ratio", "number", "money"]

NO_SIGN_TARGET = (
    "the level at which this rule sees no sign of the mistake (boaudit's evidence threshold)"
)


class RuleFix(BaseModel):
    """The fix for what a rule found, filled with the same fields as its message."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=20)
    """The step to take, a ``str.format`` template (the message's fields, and ``{target}``)."""
    effort: Literal["low", "medium", "high"]
    """What this step takes (low: days within the team; medium: weeks; high: a project)."""
    baseline: str = Field(min_length=5)
    """Today's value in words, a template like the message."""
    target: float | None = None
    """The value to reach; default: a benchmark rule's median (or average), else ``start``."""
    target_note: str | None = None
    """Where the target comes from (default: the benchmark's source, or
    :data:`NO_SIGN_TARGET`)."""
    outliers: tuple[str, ...] = ()
    """Templates naming who or what to look at first (``slowest assignee: {slowest}``)."""


class Rule(BaseModel):
    """One evidence rule (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Stable slug."""
    pitfalls: tuple[str, ...] = Field(min_length=1)
    """Pitfall ids it gives evidence for (one EvidenceItem each): the first is the primary
    pitfall, where the evidence counts in full; the others it only supports."""
    type: Literal["threshold", "benchmark", "missing"] = "threshold"
    """How severity is computed."""
    kinds: tuple[Literal["tasks", "invoices", "events"], ...] = ("tasks", "invoices", "events")
    """Kinds of data it applies to."""
    metric: str
    """Dotted path of the metric it reads (``data_quality.`` paths read the data quality,
    ``process.`` paths the process block of event logs)."""
    group_column: str | None = None
    """Evaluate per group of this column instead of over all items."""
    exclude_groups: str | None = None
    """Regular expression of group values to leave out (e.g. the in-house provider)."""
    min_count: int = 0
    """Least items in the block for the rule to apply."""
    start: float = 0.0
    """Value at which severity starts rising from 0."""
    full: float = 1.0
    """Value at which severity reaches 1."""
    weight: float = Field(default=1.0, gt=0, le=1)
    """Multiplies the severity (for weaker evidence)."""
    benchmark: str | None = None
    """Benchmark id (``benchmark`` rules)."""
    metrics: tuple[str, ...] = ()
    """Metrics whose absence is counted (``missing`` rules)."""
    examples: Literal["exact", "near"] | None = None
    """Attach the duplicate examples of this match type as rows."""
    format: Format = "number"
    """How ``{value}`` and ``{overall}`` are written."""
    message: str = Field(min_length=10)
    """The sentence template."""
    fix: RuleFix | None = None
    """The fix for what it found (attached to the primary pitfall's evidence)."""

    @field_validator("pitfalls")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        ids = set(load_taxonomy().ids)
        unknown = [pitfall for pitfall in value if pitfall not in ids]
        if unknown:
            raise ValueError(f"unknown pitfall id(s): {', '.join(unknown)}")
        return value


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: tuple[Rule, ...]


@cache
def load_rules() -> tuple[Rule, ...]:
    """The bundled evidence rules, validated (cached)."""
    text = resources.files("boaudit.data").joinpath("evidence_rules.toml").read_text("utf-8")
    try:
        return _File.model_validate(tomllib.loads(text)).rule
    except ValidationError as exc:  # pragma: no cover - guarded by tests on the bundled file
        raise AssertionError(f"bundled evidence_rules.toml is invalid: {exc}") from exc


def ramp(value: float, start: float, full: float) -> float:
    """0 at ``start``, 1 at ``full``, linear between, clamped (works in either direction)."""
    if full == start:
        return 1.0 if value >= full else 0.0
    return min(max((value - start) / (full - start), 0.0), 1.0)


def fmt(value: Any, how: Format) -> str:
    """A number written for a sentence."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "n/a"
    if how == "percent":
        return f"{value * 100:.1f}%"
    if how == "days":
        return f"{value:.1f} days"
    if how == "ratio":
        return f"{value:.1f}x"
    if how == "money":
        return f"{value:,.2f}"
    return f"{value:,.3g}" if isinstance(value, float) else f"{value:,}"


def _parent(block: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The scalar siblings of the value at ``path`` (``{slowest}`` for ``consistency.spread``)."""
    parent: Any = block
    for part in path.split(".")[:-1]:
        parent = parent.get(part) if isinstance(parent, Mapping) else None
    if not isinstance(parent, Mapping):
        return {}
    return {
        str(key): value
        for key, value in parent.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def readable(result: MetricsResult) -> dict[str, Any]:
    """What a rule reads over all items: the metrics, ``data_quality``, the audit tests'
    results (``tests.ID.share``, ``tests.ID.flagged``) and, for event logs, ``process``."""
    process = {"process": result.process} if result.process is not None else {}
    return {
        **result.metrics,
        "data_quality": result.data_quality,
        "tests": result.tests,
        **process,
    }


def _blocks(
    rule: Rule, result: MetricsResult
) -> list[tuple[tuple[str, str] | None, Mapping[str, Any]]]:
    overall = readable(result)
    if rule.group_column is None:
        return [(None, overall)]
    groups = result.all_groups().get(rule.group_column, {})
    exclude = re.compile(rule.exclude_groups) if rule.exclude_groups else None
    return [
        ((rule.group_column, label), metrics)
        for label, metrics in groups.items()
        if not (exclude and exclude.search(label))
    ]


def _severity(rule: Rule, value: float) -> float:
    return round(ramp(value, rule.start, rule.full) * rule.weight, 3)


def _evaluate_rule(rule: Rule, result: MetricsResult) -> list[EvidenceItem]:
    found: list[EvidenceItem] = []
    overall = readable(result)
    for group, block in _blocks(rule, result):
        count = block.get("count")
        if isinstance(count, int) and count < rule.min_count:
            continue
        fields: dict[str, Any] = {}
        comparison = None
        if rule.type == "missing":
            names = [name for name in rule.metrics if name in result.metrics]
            if not names:
                continue
            missing = [name for name in names if result.metrics[name] is None]
            share = len(missing) / len(names)
            value: float | None = share
            fields.update(missing=", ".join(missing) or "none", total=len(names))
            severity = _severity(rule, share)
        elif rule.type == "benchmark":
            comparison = next((c for c in result.benchmarks if c.benchmark == rule.benchmark), None)
            if comparison is None:
                continue
            value = comparison.value
            fields.update(position=comparison.position, kpi=comparison.kpi)
            severity = round(comparison.shortfall * rule.weight, 3)
        else:
            value = number(block, rule.metric)
            if value is None:
                continue
            severity = _severity(rule, value)
        if severity <= 0:
            continue
        fields = {**_parent(block, rule.metric), **fields}
        where = f' for {group[0]} "{group[1]}"' if group else ""
        fields.update(
            value=fmt(value, rule.format),
            overall=fmt(number(overall, rule.metric), rule.format),
            where=where,
            count=count if count is not None else "n/a",
        )
        message = rule.message.format(**fields)
        rows = _rows(rule, result) if rule.examples else ()
        fix = _fix(rule, result.kind, value, group, fields, comparison)
        found.extend(
            EvidenceItem(
                source="data",
                pitfall=pitfall,
                severity=severity,
                metric=rule.metric,
                message=message,
                rule=rule.id,
                value=value,
                group=group,
                rows=rows,
                primary=position == 0,
                fix=fix if position == 0 else None,
            )
            for position, pitfall in enumerate(rule.pitfalls)
        )
    return found


def _fix(
    rule: Rule,
    kind: str,
    value: float | None,
    group: tuple[str, str] | None,
    fields: Mapping[str, Any],
    comparison: BenchmarkComparison | None,
) -> Fix | None:
    """The rule's fix with the numbers found: baseline, target and outliers."""
    if rule.fix is None:
        return None
    spec = rule.fix
    better: Literal["lower", "higher"] = "lower" if rule.full >= rule.start else "higher"
    target = spec.target
    source = spec.target_note
    if comparison is not None:
        better = comparison.direction
        reference = comparison.references.get("p50", comparison.references.get("average"))
        if target is None and reference is not None:
            target = reference
            label = "median" if "p50" in comparison.references else "average"
            source = source or f"the {label} of {comparison.source}"
    if target is None:
        target = rule.start
    source = source or NO_SIGN_TARGET
    written = fmt(target, rule.format)
    filled = {**fields, "target": written}
    outliers = [f"{group[0]} {group[1]}"] if group else []
    outliers += [template.format(**filled) for template in spec.outliers]
    return Fix(
        text=spec.text.format(**filled),
        effort=spec.effort,
        source=f"rule {rule.id}",
        kpi=f"{kind}.{rule.metric}",
        group=group,
        baseline=value,
        baseline_text=spec.baseline.format(**filled),
        target=target,
        target_text=f"{'at most' if better == 'lower' else 'at least'} {written}",
        target_source=source,
        better=better,
        outliers=tuple(dict.fromkeys(outliers)),
    )


def _rows(rule: Rule, result: MetricsResult) -> tuple[Mapping[str, Any], ...]:
    suspects = result.metrics.get("duplicate_suspects")
    if not isinstance(suspects, Mapping):
        return ()
    rows: list[Mapping[str, Any]] = []
    for example in suspects.get("examples", []):
        if example.get("match") == rule.examples:
            rows.extend(example.get("invoices", []))
    return tuple(rows[:20])


def evaluate(result: MetricsResult, rules: tuple[Rule, ...] | None = None) -> list[EvidenceItem]:
    """Evidence for the pitfalls from a metrics result, strongest first.

    Every rule of ``rules`` (default: the bundled ones) that applies to the result's kind is
    evaluated over the overall metrics, or over each group of its ``group_column`` when the
    result has that breakdown (requested with ``by`` or computed for evidence, see
    :attr:`MetricsOptions.evidence_groups`). Only evidence with a severity above 0 is returned,
    sorted by severity (descending), then pitfall, rule and group, so the order is stable.
    """
    found: list[EvidenceItem] = []
    for rule in rules if rules is not None else load_rules():
        if result.kind in rule.kinds:
            found.extend(_evaluate_rule(rule, result))
    return sorted(
        found, key=lambda e: (-(e.severity or 0.0), e.pitfall, e.rule or "", e.group or ("", ""))
    )


def with_evidence(result: MetricsResult, rules: tuple[Rule, ...] | None = None) -> MetricsResult:
    """The result with the rules' evidence attached (its ``evidence``, strongest first): what
    ``boaudit metrics`` prints and the report ranks."""
    return replace(result, evidence=tuple(evaluate(result, rules)))
