"""Column mapping: canonical schemas, the synonym table, ``--map`` files and ``--write-map``.

A source column matches a canonical column when their *normalised* names are equal: case
folded, a leading ``*`` (Xero) dropped, and every space and punctuation mark removed. The
synonym table (``boaudit/data/synonyms.toml``) lists, per kind and canonical column, the names
real exports use, best first. When several source columns match one canonical column, the one
matching the earliest synonym wins and the others are reported in the notes; columns matching
the *same* synonym under different spellings are an ambiguity, refused with a ready-to-edit fix.
Columns with the very same header (Jira repeats ``Labels``, ``Comment``...) are merged: the first
non-empty value of the row wins. A ``--map`` file (``canonical = "Source column"``) overrides
the table; ``canonical = ""`` switches a column off.

Two more tables of the same file are data too: ``[prefixes]`` (``case `` / ``event `` before XES
attribute names, as in BPIC 2019's official CSV): a column whose full name matches no synonym of
the kind is matched again without its prefix, ranked after every full-name match; and
``[line_items]``: the columns (quantity, unit amount, line amount, item code) that mark an
invoice export with one row per line item (:class:`LineItemColumns`).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from boaudit.errors import ConfigError, InputDataError, InputMissingError
from boaudit.fileio import parse_problem

Kind = Literal["tasks", "invoices", "events"]
"""The kinds of data the loader understands."""

KINDS: tuple[Kind, ...] = ("tasks", "invoices", "events")

ColumnType = Literal["text", "datetime", "amount", "number", "integer", "minutes", "boolean"]

SCHEMAS: dict[Kind, dict[str, ColumnType]] = {
    "tasks": {
        "task_id": "text",
        "created_at": "datetime",
        "completed_at": "datetime",
        "due_at": "datetime",
        "assignee": "text",
        "team": "text",
        "category": "text",
        "status": "text",
        "priority": "text",
        "error": "boolean",
        "rework_count": "integer",
        "handling_minutes": "minutes",
        "cost": "amount",
        "csat": "number",
        "sla_met": "boolean",
        "provider": "text",
        "updated_at": "datetime",
    },
    "invoices": {
        "invoice_id": "text",
        "amount": "amount",
        "vendor": "text",
        "currency": "text",
        "invoice_date": "datetime",
        "received_at": "datetime",
        "approved_at": "datetime",
        "paid_at": "datetime",
        "due_date": "datetime",
        "status": "text",
        "error": "boolean",
        "disputed": "boolean",
        "po_number": "text",
        "processed_by": "text",
        "team": "text",
        "handling_minutes": "minutes",
        "cost": "amount",
        "provider": "text",
        "approver": "text",
    },
    "events": {
        "case_id": "text",
        "activity": "text",
        "timestamp": "datetime",
        "resource": "text",
        "team": "text",
        "category": "text",
        "priority": "text",
        "due_at": "datetime",
        "lifecycle": "text",
    },
}
"""Canonical columns per kind (DESIGN.md section 3) and the type each is parsed as."""

REQUIRED: dict[Kind, tuple[str, ...]] = {
    "tasks": ("task_id", "created_at"),
    "invoices": ("invoice_id", "amount"),
    "events": ("case_id", "activity", "timestamp"),
}
"""Columns without which a kind cannot be loaded; a row missing one of them is quarantined."""


def normalise(name: str) -> str:
    """The matching key of a column name: case folded, leading ``*`` dropped, no punctuation."""
    return re.sub(r"[\W_]+", "", name.strip().lstrip("*").casefold())


@cache
def synonyms() -> dict[Kind, dict[str, tuple[str, ...]]]:
    """The synonym table: kind -> canonical -> normalised names, best first (canonical first)."""
    table = _data_table()
    result: dict[Kind, dict[str, tuple[str, ...]]] = {}
    for kind in KINDS:
        entries = table.get(kind, {})
        assert isinstance(entries, dict)
        result[kind] = {}
        for canonical in SCHEMAS[kind]:
            names = [canonical, *entries.get(canonical, [])]
            keys = tuple(dict.fromkeys(normalise(name) for name in names))
            result[kind][canonical] = keys
    return result


@cache
def _data_table() -> dict[str, object]:
    text = resources.files("boaudit.data").joinpath("synonyms.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def prefixes() -> tuple[str, ...]:
    """Column-name prefixes matched through (``[prefixes]``), casefolded, in rank order."""
    table = _data_table().get("prefixes", {})
    names = table.get("names", []) if isinstance(table, dict) else []
    return tuple(str(name).casefold() for name in names)


def stripped_keys(name: str) -> list[tuple[int, str]]:
    """``(prefix rank, normalised rest)`` for each known prefix ``name`` starts with."""
    text = name.strip().lstrip("*").casefold()
    result: list[tuple[int, str]] = []
    for rank, prefix in enumerate(prefixes()):
        if text.startswith(prefix):
            key = normalise(text[len(prefix) :])
            if key:
                result.append((rank, key))
    return result


@cache
def line_item_synonyms() -> dict[str, tuple[str, ...]]:
    """``[line_items]``: role (quantity, unit_amount, line_amount, item) -> normalised names."""
    table = _data_table().get("line_items", {})
    if not isinstance(table, dict):
        return {}
    return {
        role: tuple(dict.fromkeys(normalise(str(name)) for name in names))
        for role, names in table.items()
        if isinstance(names, list)
    }


@cache
def known_names() -> frozenset[str]:
    """Every normalised name of every kind: used to find a header row past a preamble."""
    return frozenset(key for kind in synonyms().values() for keys in kind.values() for key in keys)


def is_known_name(name: str) -> bool:
    """Whether a header cell names a canonical column of some kind (directly or via a prefix)."""
    known = known_names()
    return normalise(name) in known or any(key in known for _, key in stripped_keys(name))


@dataclass(frozen=True)
class LineItemColumns:
    """The line-item columns of an invoice export (one row per invoice line).

    ``positions`` and ``names`` are keyed by role: ``quantity``, ``unit_amount``,
    ``line_amount`` and ``item`` (only the roles found).
    """

    positions: dict[str, int]
    """role -> source column position."""
    names: dict[str, str]
    """role -> source column name."""

    @property
    def has_line_value(self) -> bool:
        """Whether a line's amount can be read: a line-amount column, or quantity and unit."""
        return "line_amount" in self.positions or {"quantity", "unit_amount"} <= set(self.positions)

    def describe_line_value(self) -> str:
        """How a line's amount is read, for notes."""
        if "line_amount" in self.names:
            return repr(self.names["line_amount"])
        return f"{self.names['quantity']!r} x {self.names['unit_amount']!r}"


def line_item_columns(header: Sequence[str], used: set[int]) -> LineItemColumns | None:
    """The line-item columns of ``header`` (positions in ``used`` left out), None when none."""
    keys = [normalise(name) for name in header]
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    for role, role_keys in line_item_synonyms().items():
        candidates = [
            (role_keys.index(key), i)
            for i, key in enumerate(keys)
            if key in role_keys and i not in used
        ]
        if candidates:
            position = min(candidates)[1]
            positions[role] = position
            names[role] = header[position]
    if not positions:
        return None
    return LineItemColumns(positions, names)


@dataclass(frozen=True)
class ColumnMapping:
    """How one kind's canonical columns map onto a table's source columns."""

    kind: Kind
    """The kind mapped."""
    positions: dict[str, tuple[int, ...]]
    """canonical -> source column positions (several only for repeated identical headers)."""
    names: dict[str, str]
    """canonical -> source column name."""
    unmapped: list[str]
    """Source columns no canonical column uses, in file order."""
    missing: list[str]
    """Required canonical columns not found."""
    notes: list[str] = field(default_factory=list)
    """Choices made among several candidates, for the user to check."""
    line_items: LineItemColumns | None = None
    """Invoices only: the line-item columns, when the export has one row per invoice line."""

    @property
    def complete(self) -> bool:
        """Whether every required column was found."""
        return not self.missing


class MissingColumnsError(InputDataError):
    """Required columns are missing; :attr:`proposal` is a map file to fill in."""

    def __init__(self, message: str, details: Sequence[str], proposal: str) -> None:
        super().__init__(message, details)
        self.proposal = proposal


def map_columns(
    header: Sequence[str], kind: Kind, overrides: Mapping[str, str], where: str
) -> ColumnMapping:
    """Map ``header`` onto ``kind``'s canonical columns (overrides first, then synonyms).

    Raises :class:`ConfigError` when an override names a column the header lacks, and
    :class:`InputDataError` when two differently spelled columns match one canonical column
    equally well. Missing required columns are returned in ``missing`` (see
    :func:`require_complete`).
    """
    schema = SCHEMAS[kind]
    table = synonyms()[kind]
    keys = [normalise(name) for name in header]
    positions: dict[str, tuple[int, ...]] = {}
    names: dict[str, str] = {}
    notes: list[str] = []
    used: set[int] = set()
    disabled: set[str] = set()

    for canonical, source in overrides.items():
        if canonical not in schema:
            continue
        if source == "":
            disabled.add(canonical)
            continue
        exact = [i for i, name in enumerate(header) if name == source]
        if not exact:
            exact = [i for i, key in enumerate(keys) if key == normalise(source)]
        if not exact:
            raise ConfigError(
                f"{where}: the map says {canonical} = {source!r} but there is no such column; "
                f"columns are: {', '.join(repr(h) for h in header)}"
            )
        positions[canonical] = tuple(exact)
        names[canonical] = header[exact[0]]
        used.update(exact)

    # A column matching no synonym under its full name may match without a known prefix
    # ("event time:timestamp"); such matches rank after every full-name match.
    all_keys = {key for synonym_keys in table.values() for key in synonym_keys}
    prefixed = [
        [] if key in all_keys else stripped_keys(name)
        for name, key in zip(header, keys, strict=True)
    ]
    ambiguities: list[str] = []
    for canonical, synonym_keys in table.items():
        if canonical in positions or canonical in disabled:
            continue
        candidates = [
            ((0, synonym_keys.index(key)), i)
            for i, key in enumerate(keys)
            if key in synonym_keys and i not in used
        ]
        candidates += [
            ((1 + rank, synonym_keys.index(key)), i)
            for i, options in enumerate(prefixed)
            if i not in used
            for rank, key in options
            if key in synonym_keys
        ]
        if not candidates:
            continue
        best_rank = min(rank for rank, _ in candidates)
        best = [i for rank, i in candidates if rank == best_rank]
        spellings = list(dict.fromkeys(header[i] for i in best))
        if len(spellings) > 1:
            ambiguities.append(
                f"{canonical}: columns {', '.join(repr(s) for s in spellings)} all match; "
                f"put e.g. {canonical} = {json.dumps(spellings[0], ensure_ascii=False)} "
                "in a map file and pass --map FILE"
            )
            continue
        positions[canonical] = tuple(best)
        names[canonical] = spellings[0]
        used.update(best)
        others = list(dict.fromkeys(header[i] for rank, i in candidates if rank != best_rank))
        if others:
            notes.append(
                f"{where}: {canonical} <- {spellings[0]!r} (also matched: "
                f"{', '.join(repr(o) for o in others)}; use --map to choose another)"
            )
        if len(best) > 1:
            notes.append(
                f"{where}: {len(best)} columns are named {spellings[0]!r}; "
                f"{canonical} takes the first non-empty value of each row"
            )
    if ambiguities:
        raise InputDataError(
            f"{where}: {len(ambiguities)} canonical column(s) match several source columns; "
            "choose with --map FILE",
            ambiguities,
        )
    for canonical in schema:
        if canonical in positions:
            # Keep only canonical -> position pairs in schema order for stable output.
            positions[canonical] = positions.pop(canonical)
            names[canonical] = names.pop(canonical)
    unmapped = [name for i, name in enumerate(header) if i not in used]
    line_items = line_item_columns(header, used) if kind == "invoices" else None
    missing = [c for c in REQUIRED[kind] if c not in positions]
    if (
        "amount" in missing
        and "amount" not in disabled
        and line_items is not None
        and line_items.has_line_value
    ):
        missing.remove("amount")
        notes.append(
            f"{where}: no invoice total column; amount is the sum of each invoice's line "
            f"amounts ({line_items.describe_line_value()})"
        )
    return ColumnMapping(kind, positions, names, unmapped, missing, notes, line_items)


def render_map(mapping: ColumnMapping, source: str) -> str:
    """A ``--map`` file for ``mapping``: found columns set, the rest commented out to fill in."""
    lines = [
        f"# boaudit column map for {source} (kind: {mapping.kind})",
        '# Each line is  canonical_column = "Source column as in the header".',
        "# Edit the right-hand sides, uncomment lines to use more columns, then pass this",
        '# file back with --map FILE. A canonical column set to "" is not used.',
        "",
    ]
    for canonical in SCHEMAS[mapping.kind]:
        required = "  # required" if canonical in REQUIRED[mapping.kind] else ""
        if canonical in mapping.names:
            value = json.dumps(mapping.names[canonical], ensure_ascii=False)
            lines.append(f"{canonical} = {value}{required}")
        elif canonical == "amount" and mapping.line_items and mapping.line_items.has_line_value:
            derived = mapping.line_items.describe_line_value()
            lines.append(f'# amount = ""  # required; now the sum of line amounts ({derived})')
        else:
            lines.append(f'# {canonical} = ""{required or "  # not found"}')
    if mapping.unmapped:
        lines += ["", "# Source columns not used: " + ", ".join(mapping.unmapped)]
    return "\n".join(lines) + "\n"


def require_complete(mapping: ColumnMapping, header: Sequence[str], where: str) -> None:
    """Raise :class:`MissingColumnsError` when a required column of ``mapping`` is missing."""
    if mapping.complete:
        return
    missing = ", ".join(mapping.missing)
    shown = ", ".join(repr(h) for h in header[:40]) + (" ..." if len(header) > 40 else "")
    example = mapping.missing[0]
    raise MissingColumnsError(
        f"{where}: no column for required {mapping.kind} column(s) {missing}; "
        f'name them in a map file (e.g. {example} = "Your column") and pass --map FILE',
        [f"columns found: {shown}", "boaudit inspect FILE --write-map map.toml writes one to edit"],
        render_map(mapping, where),
    )


def read_map_file(path: Path) -> dict[str, str]:
    """Read a ``--map`` TOML file of ``canonical = "Source column"`` lines.

    Raises :class:`InputMissingError` when it cannot be read and :class:`ConfigError` when it is
    not valid TOML, names an unknown canonical column or gives a value that is not a string.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputMissingError(f"{path}: map file not found; check the --map path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputMissingError(f"{path}: cannot read the map file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {parse_problem(exc)}; see --write-map for the format"
        ) from None
    valid = {name for schema in SCHEMAS.values() for name in schema}
    problems: list[str] = []
    result: dict[str, str] = {}
    for key, value in data.items():
        if key not in valid:
            problems.append(f"{key}: not a canonical column; valid: {', '.join(sorted(valid))}")
        elif not isinstance(value, str):
            problems.append(f'{key}: the value must be a quoted column name, e.g. {key} = "Date"')
        else:
            result[key] = value
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s) in the map file", problems)
    return result


def detect_kind(
    header: Sequence[str], overrides: Mapping[str, str], where: str
) -> tuple[Kind, ColumnMapping]:
    """Guess the kind of a table from its header: the complete mapping with most columns wins.

    Ties go to events, then invoices, then tasks (an event log is the most specific shape).
    Raises :class:`MissingColumnsError` when no kind has all its required columns.
    """
    mappings = [
        map_columns(header, kind, overrides, where) for kind in ("events", "invoices", "tasks")
    ]
    complete = [m for m in mappings if m.complete]
    if complete:
        best = max(complete, key=lambda m: len(m.positions))
        return best.kind, best
    closest = max(
        mappings, key=lambda m: (len(REQUIRED[m.kind]) - len(m.missing), len(m.positions))
    )
    details = [f"{m.kind}: missing {', '.join(m.missing)}" for m in mappings]
    raise MissingColumnsError(
        f"{where}: cannot tell whether this is tasks, invoices or events: no kind has all its "
        "required columns; pass --kind and --map FILE",
        [*details, "boaudit inspect FILE --kind KIND --write-map map.toml writes a map to edit"],
        render_map(closest, where),
    )
