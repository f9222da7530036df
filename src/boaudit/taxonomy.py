"""The canonical pitfall taxonomy (DESIGN.md section 1).

Every questionnaire item, data rule and finding points at one of these pitfall ids. The data
lives in ``boaudit/data/taxonomy.toml`` and is validated once, on first use.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal, NewType

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PitfallId = NewType("PitfallId", str)
Effort = Literal["low", "medium", "high"]


class PitfallFix(BaseModel):
    """One concrete step that fixes a pitfall, with its own effort."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=40)
    """The step, as an instruction."""
    effort: Effort
    """What this step takes: ``low`` (days, within the team), ``medium`` (weeks, several
    people) or ``high`` (months, a project or an investment)."""


class Pitfall(BaseModel):
    """One well-known back-office mistake."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z-]*$")
    """Stable slug, e.g. ``processes``."""
    title: str = Field(min_length=3)
    """Short name of the mistake."""
    description: str = Field(min_length=40)
    """One paragraph: what the mistake is and what it costs."""
    named_in: tuple[str, ...] = ()
    """Where the seed articles name it, e.g. ``000 #1``."""
    fixes: tuple[PitfallFix, ...] = Field(min_length=3, max_length=6)
    """Three to six concrete steps that fix it, the first to take first; each has its own
    effort (a finding's effort is that of its first recommended fix)."""


class Taxonomy(BaseModel):
    """The ordered list of pitfalls."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pitfalls: tuple[Pitfall, ...]

    def get(self, pitfall_id: str) -> Pitfall:
        """Return the pitfall with ``pitfall_id``; raise ``KeyError`` when unknown."""
        for pitfall in self.pitfalls:
            if pitfall.id == pitfall_id:
                return pitfall
        raise KeyError(pitfall_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Pitfall ids in canonical order."""
        return tuple(p.id for p in self.pitfalls)


@cache
def load_taxonomy() -> Taxonomy:
    """Load and validate the bundled taxonomy (cached)."""
    text = resources.files("boaudit.data").joinpath("taxonomy.toml").read_text("utf-8")
    try:
        taxonomy = Taxonomy.model_validate(tomllib.loads(text))
    except ValidationError as exc:  # pragma: no cover - guarded by tests on the bundled file
        raise AssertionError(f"bundled taxonomy is invalid: {exc}") from exc
    if len(set(taxonomy.ids)) != len(taxonomy.ids):  # pragma: no cover - same
        raise AssertionError("bundled taxonomy repeats a pitfall id")
    return taxonomy
