"""What the findings layer knows: evidence, money at stake and findings, one model each.

:class:`EvidenceItem` is the one evidence model. The evidence rules make the ``data`` items from a
metrics result; the prioritisation makes the ``interviews`` items from an assessment; a
:class:`Finding` holds both kinds for one pitfall, with its :class:`Money` figures (money at
stake, by kind and currency).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from boaudit.document import JsonObject

EvidenceSource = Literal["interviews", "data"]
Effort = Literal["low", "medium", "high"]
Better = Literal["lower", "higher"]

SUPPORTING_WEIGHT = 0.5
"""What a piece of data evidence weighs in a finding it only supports: a rule names its primary
pitfall first, and counts in full there alone."""


def past_target(value: float | None, target: float | None, better: Better | None) -> bool | None:
    """Whether ``value`` has reached ``target`` in the ``better`` direction (None when any of
    them is missing): what a fix and a plan row are checked by."""
    if value is None or target is None or better is None:
        return None
    return value <= target if better == "lower" else value >= target


@dataclass(frozen=True)
class Fix:
    """One recommended fix, with its effort and, when the data measured the problem, the
    client's own numbers: the KPI, its value today (the baseline), a target and the named
    outliers."""

    text: str
    effort: Effort
    source: str
    """``rule ID`` (made for what an evidence rule found) or ``taxonomy`` (a general step)."""
    kpi: str | None = None
    """``KIND.METRIC`` the fix moves (``invoices.tests.duplicate-exact.share``)."""
    group: tuple[str, str] | None = None
    """(column, value) when the KPI is that of one group."""
    baseline: float | None = None
    """The KPI's value today."""
    baseline_text: str = ""
    """The baseline in words, with its unit."""
    target: float | None = None
    target_text: str = ""
    target_source: str = ""
    """Where the target comes from (a benchmark and its publisher, or a practitioner
    suggestion, or the level below which boaudit sees no sign of the mistake)."""
    better: Better | None = None
    """Which way the KPI should move."""
    outliers: tuple[str, ...] = ()
    """Who or what to look at first: the slowest clerk, the partner, the first vendor to call."""

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` has reached the target (None without a target or a value)."""
        return past_target(value, self.target, self.better)

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "text": self.text,
            "effort": self.effort,
            "source": self.source,
            "kpi": self.kpi,
            "group": (
                None if self.group is None else {"column": self.group[0], "value": self.group[1]}
            ),
            "baseline": None if self.baseline is None else round(self.baseline, 6),
            "baseline_text": self.baseline_text or None,
            "target": None if self.target is None else round(self.target, 6),
            "target_text": self.target_text or None,
            "target_source": self.target_source or None,
            "better": self.better,
            "outliers": list(self.outliers),
        }


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence behind a finding: what a rule read in the data, or what the
    interviews said, with a severity from 0 (no sign of the mistake) to 1 (the mistake in full).
    """

    source: EvidenceSource
    """``interviews`` (the questionnaire) or ``data`` (an evidence rule over a metrics result)."""
    message: str
    """A plain sentence."""
    severity: float | None = None
    """0 to 1; data evidence is rounded to three decimals by its rule."""
    metric: str | None = None
    """The metric (dotted path) a rule read, or the question id (interviews) it rests on."""
    kind: str | None = None
    """For data evidence: tasks, invoices or events (set once the result's kind is known)."""
    pitfall: str = ""
    """A pitfall id of the taxonomy (``processes``, ``data``, ...)."""
    rule: str | None = None
    """Data evidence: id of the rule in ``evidence_rules.toml``."""
    value: float | None = None
    """Data evidence: the metric's value that triggered the rule."""
    group: tuple[str, str] | None = None
    """Data evidence: (column, value) when the rule looked at one group."""
    rows: tuple[Mapping[str, Any], ...] = ()
    """Data evidence: example input rows behind it (``invoice_id``, ``source``, ``row``)."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Interview evidence: respondents, the question and its answers."""
    primary: bool = True
    """Data evidence: False where the rule names this pitfall after its first one, so the item
    only supports the finding (at :data:`SUPPORTING_WEIGHT`)."""
    fix: Fix | None = None
    """Data evidence of a rule with a fix: that fix, filled with the numbers found."""

    @property
    def weight(self) -> float:
        """1 for primary evidence, :data:`SUPPORTING_WEIGHT` for supporting evidence."""
        return 1.0 if self.primary else SUPPORTING_WEIGHT

    @property
    def weighted_severity(self) -> float | None:
        """The severity this item adds to its finding (its severity times its weight)."""
        return None if self.severity is None else round(self.severity * self.weight, 3)

    @property
    def refs(self) -> JsonObject:
        """What to look at: the rule, value, group and rows (data) or the details (interviews)."""
        if self.source == "interviews":
            return dict(self.details)
        return {
            "rule": self.rule,
            "value": self.value,
            "group": ({"column": self.group[0], "value": self.group[1]} if self.group else None),
            "rows": [dict(row) for row in self.rows],
        }

    @property
    def where(self) -> str:
        """Where to look, in words: the group, and the first rows it rests on."""
        parts: list[str] = []
        if self.group is not None and self.group[0]:
            parts.append(f"{self.group[0]} = {self.group[1]}")
        if self.rows:
            shown = [
                f"{r.get('source', '?')} row {r.get('row', '?')}"
                + (f" ({r['invoice_id']})" if r.get("invoice_id") else "")
                for r in self.rows[:5]
            ]
            more = f" and {len(self.rows) - len(shown)} more" if len(self.rows) > len(shown) else ""
            parts.append("rows: " + "; ".join(shown) + more)
        return "; ".join(parts)

    def rule_dict(self) -> JsonObject:
        """The object in the ``evidence`` list of the metrics JSON document."""
        return {
            "pitfall": self.pitfall,
            "severity": self.severity,
            "primary": self.primary,
            "metric": self.metric,
            "message": self.message,
            **self.refs,
        }

    def to_dict(self) -> JsonObject:
        """The object in a finding's ``evidence`` list of the report JSON document."""
        data: JsonObject = {
            "source": self.source,
            "severity": None if self.severity is None else round(self.severity, 3),
            "metric": self.metric,
            "message": self.message,
        }
        if self.kind:
            data["kind"] = self.kind
        if self.source == "data":
            data["role"] = "primary" if self.primary else "supporting"
        refs = self.refs
        if refs:
            data["refs"] = refs
        return data


MoneyKind = Literal["recover", "block", "yearly"]
Confidence = Literal["data-exact", "estimated", "assumed"]

MONEY_KINDS: tuple[MoneyKind, ...] = ("recover", "block", "yearly")
"""The three kinds of money, never added to one another."""
KIND_WORDS: Mapping[MoneyKind, str] = {
    "recover": "to recover (one-off: paid twice or overpaid)",
    "block": "to block (one-off: not paid yet, stop it before the next payment run)",
    "yearly": "a year (leakage that repeats)",
}
CONFIDENCE_ORDER: Mapping[Confidence, int] = {"data-exact": 0, "estimated": 1, "assumed": 2}
"""data-exact: counted in the data as it is; estimated: the data scaled by a stated assumption
(a year's volume, a rate); assumed: rests mainly on an assumption (a cost to fix one error)."""


@dataclass(frozen=True)
class Money:
    """One figure of money at stake: one kind, one currency, with its range and assumptions."""

    kind: MoneyKind
    currency: str
    amount: float
    low: float
    high: float
    confidence: Confidence
    label: str
    """What it is, in a few words (``duplicate invoices paid twice``)."""
    basis: str
    """How the figure was computed, in one sentence with the numbers."""
    assumptions: tuple[str, ...] = ()
    """Each assumption, with the setting that changes it."""
    source: str = ""
    """Where it comes from: ``invoices.tests.duplicate-exact``, ``tasks.error_rate``..."""
    calls: tuple[Mapping[str, Any], ...] = ()
    """Duplicates: the vendors with the most to recover, first (vendor, recover, invoices)."""

    @property
    def span(self) -> str:
        """``a year``, ``to recover`` or ``to block``, for sentences."""
        return "a year" if self.kind == "yearly" else f"to {self.kind}"

    def to_dict(self) -> JsonObject:
        """JSON form."""
        data: JsonObject = {
            "kind": self.kind,
            "currency": self.currency,
            "amount": round(self.amount, 2),
            "low": round(self.low, 2),
            "high": round(self.high, 2),
            "confidence": self.confidence,
            "label": self.label,
            "basis": self.basis,
            "assumptions": list(self.assumptions),
            "source": self.source,
        }
        if self.calls:
            data["calls"] = [dict(call) for call in self.calls]
        return data


@dataclass(frozen=True)
class Finding:
    """What is known about one pitfall, and what to do about it."""

    pitfall: str
    title: str
    description: str
    rank: int
    priority: float
    severity: float
    """Combined severity, 0 to 1 (the rule is in :attr:`Report.rules`)."""
    interview_severity: float | None
    data_severity: float | None
    questionnaire_score: float | None
    questionnaire_band: str | None
    evidence: tuple[EvidenceItem, ...]
    contradiction: bool
    contradiction_note: str | None
    money: tuple[Money, ...]
    """Money at stake, one figure per kind and currency (never added across them)."""
    effort: Effort
    """The effort of the first recommended fix (or the user's override)."""
    effort_overridden: bool
    fixes: tuple[Fix, ...]
    """Recommended fixes, the first to take first: those made for what the data found, then
    the pitfall's general steps."""
    quick_win: bool
    confidence: float = 1.0
    """The confidence factor of the priority (1 when the data confirms it)."""
    confidence_basis: str = ""
    """Why that factor, in words."""
    to_confirm: bool = False
    """True when the finding rests on interviews alone and the interviews cannot carry it
    (agreement below the follow-up threshold, or a single respondent)."""
    money_factor: float = 1.0
    """The money factor of the priority (one-off money first, then yearly, then none)."""
    effort_factor: float = 1.0
    """The effort factor of the priority (low 1, medium 1.5, high 2)."""

    @property
    def printed_score(self) -> float | None:
        """The interview score as every output prints it: one decimal, half away from zero,
        the same rounding as ``boaudit assess``."""
        from boaudit.questionnaire.scoring import round_score

        return round_score(self.questionnaire_score)

    @property
    def first_fix(self) -> Fix | None:
        """The fix to take first."""
        return self.fixes[0] if self.fixes else None

    @property
    def factors(self) -> JsonObject:
        """Each factor of the priority, as the formula uses it."""
        return {
            "severity": round(self.severity, 3),
            "confidence": self.confidence,
            "confidence_basis": self.confidence_basis,
            "money": self.money_factor,
            "effort": self.effort_factor,
        }

    def to_dict(self) -> JsonObject:
        """The object in the report's ``findings`` list."""
        return {
            "pitfall": self.pitfall,
            "title": self.title,
            "rank": self.rank,
            "priority": self.priority,
            "severity": round(self.severity, 3),
            "interview_severity": _r3(self.interview_severity),
            "data_severity": _r3(self.data_severity),
            "questionnaire_score": self.questionnaire_score,
            "questionnaire_band": self.questionnaire_band,
            "evidence": [e.to_dict() for e in self.evidence],
            "contradiction": self.contradiction,
            "contradiction_note": self.contradiction_note,
            "money": [m.to_dict() for m in self.money],
            "effort": self.effort,
            "quick_win": self.quick_win,
            "to_confirm": self.to_confirm,
            "priority_factors": self.factors,
            "fixes": [fix.to_dict() for fix in self.fixes],
        }


def _r3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
