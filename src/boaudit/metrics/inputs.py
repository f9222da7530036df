"""What both engines read of how a frame was loaded: the loader's result, ``--by`` names, and
the defaults for a frame given without one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pandas as pd

from boaudit.metrics.model import Kind


class AccountLike(Protocol):
    """What the engine reads of :class:`boaudit.ingest.RowAccount`."""

    def to_dict(self) -> dict[str, int]:
        """read, accepted, quarantined, skipped."""
        ...


class LoadLike(Protocol):
    """What the engine reads of :class:`boaudit.ingest.LoadResult`."""

    @property
    def kind(self) -> Kind:
        """tasks, invoices or events."""
        ...

    @property
    def frame(self) -> pd.DataFrame:
        """The canonical frame."""
        ...

    @property
    def columns(self) -> dict[str, str]:
        """canonical -> source column."""
        ...

    @property
    def account(self) -> AccountLike:
        """The row account."""
        ...

    @property
    def value_problems(self) -> dict[str, int]:
        """Optional values that failed to parse, per column."""
        ...

    @property
    def notes(self) -> list[str]:
        """The loader's notes."""
        ...


def by_canonical(
    by: Sequence[str], present: Iterable[str], columns: Mapping[str, str]
) -> tuple[str, ...]:
    """``--by`` names as canonical columns: a name that is not one, but is the export's own
    header of one (``Group`` for ``team``, any case), is taken as that column."""
    names = set(present)
    headers = {source.casefold(): canonical for canonical, source in columns.items()}
    resolved = []
    for name in by:
        if name in names or name == "source":
            resolved.append(name)
        else:
            resolved.append(headers.get(name.strip().casefold(), name))
    return tuple(resolved)


def default_rows(count: int) -> dict[str, int]:
    """The row account of a frame given without one: every row accepted."""
    return {"read": count, "accepted": count, "quarantined": 0, "skipped": 0}


def sources_of(frame: pd.DataFrame) -> tuple[str, ...]:
    """The distinct ``_source`` values, in order of appearance."""
    if "_source" not in frame:
        return ()
    return tuple(dict.fromkeys(str(s) for s in frame["_source"].dropna().unique()))


def columns_of(frame: pd.DataFrame) -> dict[str, str]:
    """canonical -> itself, for the canonical columns holding a value."""
    return {
        str(c): str(c)
        for c in frame.columns
        if not str(c).startswith("_") and frame[c].notna().any()
    }


def load_sources(load: LoadLike) -> tuple[str, ...]:
    """The files a load read, in order, each once."""
    detected = getattr(load, "detected", None) or []
    return tuple(dict.fromkeys(str(getattr(info, "source", info)) for info in detected))
