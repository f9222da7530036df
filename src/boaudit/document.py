"""Values by dotted path in a JSON-ready document: the one walker of results by string path.

Thresholds (``invoices.cycle_time_days.median``), evidence rules and benchmarks name values by
path; they all read them with :func:`lookup` (the value, or :data:`MISSING`) or :func:`number`
(a number, or None).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeAlias


class _Missing:
    """The type of :data:`MISSING`."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""What :func:`lookup` returns for a path that does not exist (a null value is None)."""


def lookup(document: Mapping[str, Any], path: str) -> Any:
    """The value at dotted ``path`` (``a.b.c``), or :data:`MISSING` when a part is absent."""
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return MISSING
        value = value[part]
    return value


def number(document: Mapping[str, Any], path: str) -> float | None:
    """The number at dotted ``path``, or None (absent, null, not a number, or a boolean)."""
    value = lookup(document, path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


JsonObject: TypeAlias = dict[str, Any]
"""An object of a JSON document: what every ``to_dict()`` returns, what the run history stores
and what thresholds read. Between the layers results travel typed (``Assessment``,
``MetricsResult``, ``Finding``, ``Report``); this is the shape at the JSON boundary only."""
