"""Facts of the loaded data beyond its KPIs: what the money estimates and the charts need.

:func:`data_facts` gives the span of the data, the amount paid late and the main currency;
:func:`cycle_times` the calendar days of every completed item (the report's distribution chart).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

# NumPy and the engine load when facts are computed: the findings import DataFacts, and the
# command line imports the findings' assumptions to build its options.
if TYPE_CHECKING:
    from boaudit.metrics.inputs import LoadLike


@dataclass(frozen=True)
class DataFacts:
    """What the money estimates need from the data itself, beyond the metrics document."""

    span_days: float | None = None
    """Days from the earliest to the latest timestamp in the data."""
    late_amounts: Mapping[str, float] | None = None
    """Amount of invoices paid after their due date, per currency (``(none)`` when the
    export has no currency)."""
    currency: str | None = None
    """The currency most of the amounts are in."""
    currencies: int = 1
    """How many currencies the amounts are in (more than one: the sums mix them)."""


def cycle_times(result: LoadLike) -> list[float]:
    """Calendar days from start to completion of each completed item (for the chart)."""
    import numpy as np

    from boaudit.metrics.compute import ROLES

    frame = result.frame
    roles = ROLES[result.kind]
    starts = [frame[column] for column in roles.start if column in frame]
    if not starts or roles.end not in frame:
        return []
    start = starts[0]
    for other in starts[1:]:
        start = start.fillna(other)
    days = (frame[roles.end] - start).dt.total_seconds() / 86_400.0
    values = days.to_numpy(dtype="float64", na_value=np.nan)
    return [float(v) for v in values[np.isfinite(values) & (values >= 0)]]


def data_facts(result: LoadLike) -> DataFacts:
    """Span of the data, amount paid late and main currency, for the money estimates."""
    from boaudit.metrics.compute import EVENT_TIMES

    frame = result.frame
    starts, ends = [], []
    for column in EVENT_TIMES:
        if column in frame and frame[column].notna().any():
            starts.append(frame[column].min())
            ends.append(frame[column].max())
    span = (max(ends) - min(starts)).total_seconds() / 86_400.0 if starts else None
    late_amounts: dict[str, float] | None = None
    if {"paid_at", "due_date", "amount"} <= set(frame.columns):
        paid = frame["paid_at"].dt.normalize()
        due = frame["due_date"].dt.normalize()
        late = (paid > due).fillna(False).to_numpy(dtype=bool)
        if frame["paid_at"].notna().any() and frame["due_date"].notna().any():
            amounts = frame["amount"].to_numpy(dtype="float64", na_value=0.0)[late]
            if "currency" in frame:
                keys = frame["currency"].astype("string").str.strip().str.upper().fillna("")
                codes = keys.to_numpy(dtype=object)[late]
            else:
                codes = [""] * len(amounts)
            late_amounts = {}
            for code, amount in zip(codes, amounts, strict=True):
                key = str(code) or "(none)"
                late_amounts[key] = late_amounts.get(key, 0.0) + float(amount)
    currency, currencies = None, 1
    if "currency" in frame and frame["currency"].notna().any():
        counts = frame["currency"].dropna().astype(str).str.strip().str.upper().value_counts()
        currency, currencies = str(counts.index[0]), len(counts)
    return DataFacts(
        span_days=span, late_amounts=late_amounts, currency=currency, currencies=currencies
    )
