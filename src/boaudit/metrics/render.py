"""Pure renderings of a :class:`MetricsResult`: JSON text and a tidy CSV (the rich table lives
in the CLI)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from boaudit.fileio import csv_text, dumps_json
from boaudit.metrics.model import MetricsResult


def metrics_json(result: MetricsResult) -> str:
    """The JSON document (strict: ``null``, never NaN), stable for the same inputs."""
    return dumps_json(result.to_dict())


def flatten(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted name, scalar) for every number, string or null in a metrics block; lists
    (duplicate examples) are left out."""
    for name, value in values.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from flatten(value, f"{key}.")
        elif not isinstance(value, list | tuple):
            yield key, value


def metrics_csv(result: MetricsResult) -> str:
    """A tidy table ``metric,group,value`` for spreadsheets: the overall metrics (group empty),
    then each ``--by`` group (``team=AP``) and each period (``period=2025-03``).

    Text cells are neutralised against formula injection; nulls are empty cells.
    """
    rows: list[list[Any]] = [[name, "", value] for name, value in flatten(result.metrics)]
    for column, groups in result.groups.items():
        for label, values in groups.items():
            rows.extend([name, f"{column}={label}", value] for name, value in flatten(values))
    for period in result.periods:
        label = f"period={period['period']}"
        rows.extend(
            [name, label, value]
            for name, value in flatten(period)
            if name not in ("period", "start", "end")
        )
    return csv_text(["metric", "group", "value"], rows)
