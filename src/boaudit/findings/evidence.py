"""Evidence: one sentence that a metric lends to a pitfall, with a severity from 0 to 1."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """What the data says about one pitfall, from one rule.

    ``severity`` is 0 (no sign of the pitfall) to 1 (as strong as the rule gets); only evidence
    with a severity above 0 is reported. The report ranks pitfalls partly by it.
    """

    pitfall: str
    """A pitfall id of the taxonomy (``processes``, ``data``, ...)."""
    severity: float
    """0 to 1, rounded to three decimals."""
    metric: str
    """The metric (dotted path) the rule read, e.g. ``consistency.spread``."""
    message: str
    """One plain sentence for the report."""
    rule: str
    """Id of the rule in ``evidence_rules.toml``."""
    value: float | None = None
    """The metric's value that triggered the rule."""
    group: tuple[str, str] | None = None
    """(column, value) when the rule looked at one group, e.g. ``("provider", "Acme BPO")``."""
    rows: tuple[Mapping[str, Any], ...] = ()
    """Example input rows behind the evidence (``invoice_id``, ``source``, ``row``)."""

    def to_dict(self) -> dict[str, Any]:
        """The object in the ``evidence`` list of the JSON document."""
        return {
            "pitfall": self.pitfall,
            "severity": self.severity,
            "metric": self.metric,
            "message": self.message,
            "rule": self.rule,
            "value": self.value,
            "group": ({"column": self.group[0], "value": self.group[1]} if self.group else None),
            "rows": [dict(row) for row in self.rows],
        }
