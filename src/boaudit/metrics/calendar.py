"""Business time (``--calendar FILE``): working seconds between two UTC timestamps.

A calendar file is TOML::

    days = ["Mon", "Tue", "Wed", "Thu", "Fri"]   # working days (the default)
    hours = "09:00-17:00"                          # working hours (the default)
    country = "GB"                                 # public holidays (holidays package)
    subdivision = "ENG"                            # optional
    closed = ["2026-12-24"]                        # further closed dates
    timezone = "Europe/London"                     # the clock of the hours (default UTC)

The business duration between two instants is the working seconds between them: the working
hours of working days that are neither holidays nor closed. It is computed vectorised: the
working intervals over the data's date range are laid out once, with the working seconds before
each; ``W(t)`` (working seconds up to ``t``) is a binary search, and a duration is
``W(end) - W(start)``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from boaudit.errors import ConfigError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_US_PER_HOUR = 3_600_000_000
_KEYS = {"days", "hours", "country", "subdivision", "closed", "timezone"}


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days, hours, holidays and closed dates."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    """Working weekdays, Monday 0."""
    hours: tuple[tuple[int, int], ...] = ((9 * 60, 17 * 60),)
    """Working periods of a day, as minutes after midnight (start, end)."""
    country: str | None = None
    subdivision: str | None = None
    closed: tuple[dt.date, ...] = ()
    timezone: str = "UTC"
    label: str = ""
    """The file's name, as given."""

    def clock(self) -> str:
        """How the clock is described: ``business hours (Mon-Fri 09:00-17:00, GB holidays)``."""
        days = _day_text(self.days)
        hours = ", ".join(f"{_hm(a)}-{_hm(b)}" for a, b in self.hours)
        parts = [f"{days} {hours}"]
        if self.timezone != "UTC":
            parts.append(self.timezone)
        if self.country:
            where = f"{self.country}-{self.subdivision}" if self.subdivision else self.country
            parts.append(f"{where} holidays")
        if self.closed:
            parts.append(f"{len(self.closed)} closed date(s)")
        return f"business hours ({', '.join(parts)})"

    def closed_dates(self, first: int, last: int) -> set[dt.date]:
        """Holidays and closed dates between two years."""
        dates = set(self.closed)
        if self.country:
            import holidays

            found = holidays.country_holidays(
                self.country, subdiv=self.subdivision, years=range(first, last + 1)
            )
            dates.update(found.keys())
        return dates

    def intervals(self, first: dt.date, last: dt.date) -> npt.NDArray[np.int64]:
        """Working intervals ``[start, end)`` in UTC epoch microseconds, one row each, in
        order, for the local dates ``first`` to ``last``."""
        import pandas as pd

        dates = pd.date_range(first, last, freq="D")
        closed = {pd.Timestamp(d) for d in self.closed_dates(first.year, last.year)}
        keep = [d for d in dates if d.weekday() in self.days and d not in closed]
        if not keep:
            return np.zeros((0, 2), dtype=np.int64)
        days = pd.DatetimeIndex(keep)
        rows = []
        for start, end in self.hours:
            pair = []
            for minute in (start, end):
                local = (days + pd.Timedelta(minutes=minute)).tz_localize(
                    self.timezone, ambiguous="NaT", nonexistent="shift_forward"
                )
                pair.append(local.tz_convert("UTC").as_unit("us").asi8)
            rows.append(np.stack(pair, axis=1))
        spans = np.concatenate(rows)
        nat = np.iinfo(np.int64).min  # an ambiguous local time (a clock change) is left out
        spans = spans[(spans != nat).all(axis=1)]
        spans = spans[spans[:, 0] < spans[:, 1]]
        ordered: npt.NDArray[np.int64] = spans[np.argsort(spans[:, 0], kind="stable")]
        return ordered

    def hours_between(
        self, start: npt.NDArray[np.int64], end: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """Business hours between epoch-microsecond instants, element by element."""
        if len(start) == 0:
            return np.zeros(0, dtype=np.float64)
        low = int(min(start.min(), end.min()))
        high = int(max(start.max(), end.max()))
        margin = dt.timedelta(days=2)
        epoch = dt.datetime(1970, 1, 1)
        first = (epoch + dt.timedelta(microseconds=low) - margin).date()
        last = (epoch + dt.timedelta(microseconds=high) + margin).date()
        spans = self.intervals(first, last)
        working = _cumulative(spans)
        hours: npt.NDArray[np.float64] = (working(end) - working(start)).astype(
            np.float64
        ) / _US_PER_HOUR
        return hours


def _cumulative(spans: npt.NDArray[np.int64]) -> Any:
    """``W(t)``: working microseconds before ``t`` over ``spans``."""
    starts, ends = spans[:, 0], spans[:, 1]
    before = np.concatenate(([0], np.cumsum(ends - starts)[:-1])).astype(np.int64)

    def working(t: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        if len(starts) == 0:
            return np.zeros(len(t), dtype=np.int64)
        index = np.searchsorted(starts, t, side="right") - 1
        inside = index >= 0
        safe = np.where(inside, index, 0)
        into = np.clip(t - starts[safe], 0, ends[safe] - starts[safe])
        return np.where(inside, before[safe] + into, 0)

    return working


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_text(days: tuple[int, ...]) -> str:
    ordered = sorted(days)
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{DAY_NAMES[ordered[0]]}-{DAY_NAMES[ordered[-1]]}"
    return ",".join(DAY_NAMES[d] for d in ordered)


def load_calendar(path: Path) -> BusinessCalendar:
    """Read and check a calendar file; a problem is one :class:`ConfigError` line naming the
    file and the key."""
    from pydantic import BaseModel, ConfigDict, field_validator

    class _File(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        days: list[str] = list(DAY_NAMES[:5])
        hours: str = "09:00-17:00"
        country: str | None = None
        subdivision: str | None = None
        closed: list[dt.date] = []
        timezone: str = "UTC"

        @field_validator("days")
        @classmethod
        def _days(cls, value: list[str]) -> list[str]:
            names = {name.lower(): name for name in DAY_NAMES}
            for day in value:
                if day[:3].lower() not in names:
                    raise ValueError(f"'{day}' is not a weekday; write Mon, Tue, ... Sun")
            if not value:
                raise ValueError("give at least one working day")
            return value

        @field_validator("hours")
        @classmethod
        def _hours(cls, value: str) -> str:
            for part in value.split(","):
                match = _HOURS.match(part)
                if not match:
                    raise ValueError(f"'{value}' is not like \"09:00-17:00\"")
                h1, m1, h2, m2 = (int(g) for g in match.groups())
                if not (h1 * 60 + m1 < h2 * 60 + m2 <= 24 * 60 and m1 < 60 and m2 < 60):
                    raise ValueError(f"'{part.strip()}': the end must be after the start")
            return value

        @field_validator("timezone")
        @classmethod
        def _zone(cls, value: str) -> str:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"'{value}' is not a time zone (e.g. Europe/London)") from None
            return value

    from boaudit.tomlfile import load_model

    found = load_model(path, _File, unknown=f"unknown key; use {', '.join(sorted(_KEYS))}")
    if found.country:
        import holidays

        try:
            holidays.country_holidays(found.country, subdiv=found.subdivision, years=2026)
        except NotImplementedError as exc:
            key = (
                "subdivision" if found.country in holidays.list_supported_countries() else "country"
            )
            raise ConfigError(f"{path}: {key}: {str(exc).splitlines()[0]}") from None
    hours = []
    for part in found.hours.split(","):
        match = _HOURS.match(part)
        assert match is not None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        hours.append((h1 * 60 + m1, h2 * 60 + m2))
    index = {name.lower(): n for n, name in enumerate(DAY_NAMES)}
    return BusinessCalendar(
        days=tuple(sorted({index[d[:3].lower()] for d in found.days})),
        hours=tuple(sorted(hours)),
        country=found.country,
        subdivision=found.subdivision,
        closed=tuple(sorted(set(found.closed))),
        timezone=found.timezone,
        label=path.name,
    )
